"""Generate the synthetic demo catalog: deterministic, Product-shaped, entirely invented.

    python -m catalog.generate --count 1200 --seed 7 --out catalog/products.jsonl

Each product is drawn from its own `random.Random` seeded by (seed, index), so product i
is the same whatever the count: a 100k catalog starts with the 1,200 committed products,
and nothing depends on the clock or on global random state.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from catalog import phrases
from catalog.vocabulary import BRANDS, MODEL_WORDS, TYPES, ProductType, size_scale
from retrieval.catalog import Product

DEFAULT_COUNT = 1200
DEFAULT_SEED = 7
DEFAULT_OUT = Path(__file__).with_name("products.jsonl")
BASE_URL = "https://demo.shopbot.dev"
# Review dates fall within one fixed year so output never depends on today's date.
YEAR_START = date(2025, 1, 1)
OUT_OF_STOCK_SHARE = 0.09
SALE_SHARE = 0.20
SOLD_OUT_SIZE_SHARE = 0.15
MODEL_CODES = ("2", "3", "4", "5", "X", "X2", "Pro", "Lite", "Max", "Go", "200", "500", "S")
# Attribute "yes" values that shoppers also search as tags.
TAG_FEATURES = {
    "waterproof": "waterproof", "noise_cancelling": "noise cancelling", "organic": "organic",
    "grain_free": "grain free", "gluten_free": "gluten free", "vegan": "vegan",
    "rechargeable": "rechargeable", "polarized": "polarized", "leakproof": "leakproof",
    "insulated": "insulated", "dishwasher_safe": "dishwasher safe",
    "fragrance_free": "fragrance free",
    "sulfate_free": "sulfate free", "hypoallergenic": "hypoallergenic", "foldable": "foldable",
    "wireless": "wireless", "packable": "packable", "decaf": "decaf",
}


def _type_order(seed: int, block: int, pool: list[ProductType]) -> list[ProductType]:
    # Types are dealt in shuffled rounds so every type is present in any large enough
    # prefix and counts stay balanced (weight 2 types appear twice per round).
    order = list(pool)
    random.Random(f"{seed}:order:{block}").shuffle(order)
    return order


def generate_products(count: int, seed: int = DEFAULT_SEED) -> Iterator[dict[str, Any]]:
    """Yield `count` Product-shaped dicts (ids SB-00001, SB-00002, ...) for `seed`.

    Deterministic, and product i does not depend on `count`. The dicts are in the
    canonical form `Product.model_validate(...).model_dump(mode="json", exclude_none=True)`
    returns, so they can be written or validated as they are.
    """
    pool = [t for t in TYPES for _ in range(t.weight)]
    order: list[ProductType] = []
    for index in range(count):
        block, pos = divmod(index, len(pool))
        if pos == 0:
            order = _type_order(seed, block, pool)
        yield make_product(order[pos], index, random.Random(f"{seed}:{index}"))


def make_product(ptype: ProductType, index: int, rng: random.Random) -> dict[str, Any]:
    """Invent one product of `ptype`; `index` fixes its id."""
    pid = f"SB-{index + 1:05d}"
    gender = rng.choice(ptype.genders) if ptype.genders else None
    category = [ptype.dept] + [n for n in (gender or ptype.sub,) if n] + [ptype.name]
    attrs = _draw_attributes(ptype, gender, rng)
    brand = rng.choice(ptype.brands or BRANDS[ptype.dept])
    model = _model_name(ptype, rng)
    noun = rng.choice(ptype.nouns)
    title = _title(ptype, brand, gender, model, noun, attrs)
    price = _price(ptype, attrs, rng)
    product: dict[str, Any] = {"id": pid, "title": title}
    variants = _variants(ptype, pid, gender, attrs, rng)
    out_of_stock = rng.random() < OUT_OF_STOCK_SHARE
    if out_of_stock:
        for v in variants:
            v["stock"] = 0
    product["description"] = _description(ptype, brand, model, gender, noun, attrs, variants, rng)
    product["brand"] = brand
    product["category"] = category
    product["price"] = price
    product["currency"] = "USD"
    on_sale = rng.random() < SALE_SHARE
    if on_sale:
        product["compare_at_price"] = _compare_at(price, rng)
    product["attributes"] = attrs
    product["variants"] = variants
    if not variants:
        product["stock"] = 0 if out_of_stock else rng.randint(3, 250)
    reviews = _reviews(ptype, rng)
    product["rating"] = round(sum(r["rating"] for r in reviews) / len(reviews), 1)
    # Many shoppers rate without writing; the count covers them too.
    product["review_count"] = len(reviews) + min(int(rng.paretovariate(1.1) * 6) - 6, 4000)
    product["reviews"] = reviews
    product["image_url"] = f"{BASE_URL}/images/{pid}.jpg"
    product["product_url"] = f"{BASE_URL}/p/{pid}"
    product["tags"] = _tags(ptype, attrs, on_sale, rng)
    return product


# ---- attributes, names, prices ------------------------------------------------------


def _draw_attributes(ptype: ProductType, gender: str | None,
                     rng: random.Random) -> dict[str, str | list[str]]:
    attrs: dict[str, str | list[str]] = {}
    for spec, values in ptype.attrs.items():
        key, _, cond = spec.partition("?")
        if cond:
            cond_key, _, allowed = cond.partition("=")
            if attrs.get(cond_key) not in allowed.split("|"):
                continue
        if key == "color" and ptype.color_variants:
            k = min(rng.choice((1, 2, 2, 3)), len(set(values)))
            picked: list[str] = []
            while len(picked) < k:
                c = rng.choice(values)
                if c not in picked:
                    picked.append(c)
            attrs[key] = picked if k > 1 else picked[0]
        else:
            attrs[key] = rng.choice(values)
    if gender:
        attrs["gender"] = gender.lower()
    return attrs


def _model_name(ptype: ProductType, rng: random.Random) -> str | None:
    if ptype.model is None:
        return None
    word = rng.choice(MODEL_WORDS)
    return f"{word} {rng.choice(MODEL_CODES)}" if ptype.model == "code" else word


def _possessive(gender: str) -> str:
    return "Kids'" if gender == "Kids" else f"{gender}'s"


def _title(ptype: ProductType, brand: str, gender: str | None, model: str | None, noun: str,
           attrs: dict[str, str | list[str]]) -> str:
    words = [brand]
    if gender:
        words.append(_possessive(gender))
    if model:
        words.append(model)
    for key in ptype.title:
        value = attrs.get(key)
        if isinstance(value, str):
            w = phrases.title_words(key, value)
            # "Insulated Insulated Flask" and the like: the noun already says it.
            if w and w.lower() not in noun.lower():
                words.append(w)
    words.append(noun)
    tail = [phrases.title_words(k, v) for k in ptype.suffix
            if isinstance(v := attrs.get(k), str)]
    title = " ".join(words)
    tail = [t for t in tail if t]
    return f"{title}, {', '.join(tail)}" if tail else title


def _charm(value: float, rng: random.Random) -> float:
    # Shelf prices end in .99 mostly, sometimes .95, .49 or a round .00.
    if value >= 100:
        tens = max(1, round(value / 10))
        return tens * 10.0 if rng.random() < 0.25 else tens * 10 - 0.01
    whole = max(1, int(value))
    ending = rng.choices((0.99, 0.95, 0.0, 0.49), weights=(60, 15, 15, 10))[0]
    return round(whole + ending, 2)


def _price(ptype: ProductType, attrs: dict[str, str | list[str]], rng: random.Random) -> float:
    lo, hi = ptype.price
    scale_value = attrs.get(ptype.scale) if ptype.scale else None
    if isinstance(scale_value, str):
        # Bigger screens, bags and packs cost more: the scale attribute sets the level,
        # a little noise keeps neighbours from sharing one price.
        levels = list(dict.fromkeys(ptype.attrs[ptype.scale]))  # type: ignore[index]
        q = levels.index(scale_value) / max(1, len(levels) - 1)
        q = min(1.0, max(0.0, 0.8 * q + 0.2 * rng.random()))
    else:
        q = rng.random() ** 1.4  # most products sit in the cheaper part of the range
    return _charm(lo + (hi - lo) * q, rng)


def _compare_at(price: float, rng: random.Random) -> float:
    was = _charm(price * rng.uniform(1.15, 1.5), rng)
    return was if was > price else round(price + 5, 2)


def _variants(ptype: ProductType, pid: str, gender: str | None,
              attrs: dict[str, str | list[str]], rng: random.Random) -> list[dict[str, Any]]:
    if not ptype.sizes:
        return []
    scale = size_scale(ptype.sizes, gender)
    start = rng.randint(0, 1) if len(scale) > 5 else 0
    end = len(scale) - (rng.randint(0, 1) if len(scale) > 5 else 0)
    color = attrs.get("color")
    colors = color if isinstance(color, list) else [color] if color else [None]
    variants = []
    for c in colors:
        for size in scale[start:end]:
            stock = 0 if rng.random() < SOLD_OUT_SIZE_SHARE else rng.randint(1, 40)
            sku = "-".join(p for p in (pid, c.upper().replace(" ", "-") if c else None, size) if p)
            v: dict[str, Any] = {"sku": sku}
            if c:
                v["color"] = c
            v["size"] = size
            v["stock"] = stock
            variants.append(v)
    return variants


# ---- text -----------------------------------------------------------------------------


def _is_plural(noun: str) -> bool:
    last = noun.split()[-1].lower()
    return last.endswith("s") and not last.endswith("ss")


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _lower_noun(noun: str) -> str:
    # "Smart TV" -> "smart TV": acronyms keep their capitals.
    return " ".join(w if w.isupper() else w.lower() for w in noun.split())


def _grammar(plural: bool) -> dict[str, str]:
    if plural:
        return {"be": "are", "was": "were", "have": "have", "s": "", "Pr": "They", "pr": "they",
                "obj": "them", "offer": "offer"}
    return {"be": "is", "was": "was", "have": "has", "s": "s", "Pr": "It", "pr": "it",
            "obj": "it", "offer": "offers"}


def _description(ptype: ProductType, brand: str, model: str | None, gender: str | None,
                 noun: str, attrs: dict[str, str | list[str]], variants: list[dict[str, Any]],
                 rng: random.Random) -> str:
    name = " ".join(p for p in (brand, model, _possessive(gender).lower() if gender else None,
                                _lower_noun(noun)) if p)
    uses = rng.sample(ptype.uses, k=min(2, len(ptype.uses)))
    slots = {"name": name, "rest": name[len(brand) + 1:], "brand": brand, "use": uses[0],
             **_grammar(_is_plural(noun))}
    sentences = [phrases.fill(rng.choice(phrases.INTROS), slots)]
    skip = {"color", "material", "metal", "gender"}
    feats = [f for k, v in attrs.items() if k not in skip and isinstance(v, str)
             if (f := phrases.feature_phrase(k, v))]
    rng.shuffle(feats)
    if feats:
        listed = _join(feats[: rng.randint(2, 3)])
        frame = rng.choice(phrases.FEATURE_FRAMES)
        sentences.append(phrases.fill(frame, {**slots, "list": listed}))
    optional = []
    material = attrs.get("material") or attrs.get("metal")
    if isinstance(material, str):
        frame = rng.choice(phrases.MATERIAL_FRAMES)
        optional.append(phrases.fill(frame, {**slots, "m": phrases.pretty(material)}))
    color = attrs.get("color")
    if isinstance(color, list):
        optional.append(rng.choice(phrases.COLOR_MANY).format(c=_join(color)))
    elif color and color != "assorted":
        optional.append(rng.choice(phrases.COLOR_ONE).format(c=color))
    if variants:
        sizes = list(dict.fromkeys(v["size"] for v in variants))
        optional.append(rng.choice(phrases.SIZES_FRAMES).format(first=sizes[0], last=sizes[-1]))
    if len(uses) > 1:
        optional.append(phrases.fill(rng.choice(phrases.USE_FRAMES), {**slots, "use": uses[1]}))
    rng.shuffle(optional)
    target = rng.randint(2, 4)
    sentences.extend(optional[: max(0, target - len(sentences))])
    return phrases.fix_articles(" ".join(sentences))


def _review_text(ptype: ProductType, rating: int, rng: random.Random) -> str:
    # Any product can be praised for value or delivery; build "quality" reads oddly for
    # food and cosmetics.
    consumable = ptype.dept in ("Grocery", "Beauty") or "freshness" in ptype.aspects
    extra = ["value", "delivery"] + ([] if consumable else ["quality"])
    aspects = list(ptype.aspects) + extra
    picked = rng.sample(list(dict.fromkeys(aspects)), k=2)
    good = [rng.choice(phrases.ASPECTS[a][0]) for a in picked]
    bad = [rng.choice(phrases.ASPECTS[a][1]) for a in picked]
    if rating == 5:
        parts = good + ([rng.choice(phrases.POSITIVE_CLOSERS)] if rng.random() < 0.6 else [])
    elif rating == 4:
        parts = good[: rng.randint(1, 2)] + [rng.choice(phrases.MILD_CONS)]
    elif rating == 3:
        parts = [good[0], bad[1], rng.choice(phrases.NEUTRAL_CLOSERS)]
    elif rating == 2:
        upside = f"On the plus side: {good[1][0].lower()}{good[1][1:]}"
        parts = [bad[0], upside if rng.random() < 0.5 else bad[1]]
    else:
        parts = bad + [rng.choice(phrases.NEGATIVE_CLOSERS)]
    plural = ptype.ref.startswith("these")
    slots = {"Ref": ptype.ref[0].upper() + ptype.ref[1:], "ref": ptype.ref,
             "pet": ptype.pet or "dog", **_grammar(plural)}
    return " ".join(phrases.fill(p, slots) for p in parts)


def _reviews(ptype: ProductType, rng: random.Random) -> list[dict[str, Any]]:
    # Each product has a "true" quality; review ratings scatter around it, so most
    # products collect a mix of happy and unhappy reviews.
    quality = min(4.9, max(1.5, rng.gauss(3.9, 0.7)))
    reviews = []
    for _ in range(rng.randint(3, 8)):
        rating = min(5, max(1, round(rng.gauss(quality, 1.1))))
        reviews.append({
            "rating": rating,
            "text": _review_text(ptype, rating, rng),
            "title": rng.choice(phrases.REVIEW_TITLES[rating]),
            "date": (YEAR_START + timedelta(days=rng.randrange(365))).isoformat(),
            "author": f"{rng.choice(phrases.FIRST_NAMES)} {rng.choice('ABCDEFGHJKLMNPRSTVW')}.",
        })
    reviews.sort(key=lambda r: r["date"], reverse=True)
    return reviews


def _tags(ptype: ProductType, attrs: dict[str, str | list[str]], on_sale: bool,
          rng: random.Random) -> list[str]:
    tags = rng.sample(ptype.tags, k=min(len(ptype.tags), rng.randint(2, 3)))
    tags += [tag for key, tag in TAG_FEATURES.items() if attrs.get(key) == "yes"]
    if on_sale:
        tags.append("sale")
    return list(dict.fromkeys(t.lower() for t in tags))


# ---- writing --------------------------------------------------------------------------


def dump_lines(products: Iterable[dict[str, Any]]) -> Iterator[str]:
    """Validate each product as a `Product` and yield its JSON line (with newline)."""
    for product in products:
        Product.model_validate(product)
        yield json.dumps(product, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_catalog(path: Path, count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED) -> int:
    """Write `count` validated products for `seed` to `path` as JSON lines; return the count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for line in dump_lines(generate_products(count, seed)):
            fh.write(line)
            n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    """CLI entry point: python -m catalog.generate [--count N] [--seed S] [--out PATH]."""
    parser = argparse.ArgumentParser(description="Generate the synthetic Shopbot demo catalog.")
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    n = write_catalog(args.out, args.count, args.seed)
    print(f"wrote {n} products to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
