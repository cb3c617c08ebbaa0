"""The built-in checks, one function each: adding a check is adding a function here."""

from __future__ import annotations

from typing import Literal

from pydantic import PositiveInt, StrictBool, StrictInt

from bot.dialogue.expectations.reading import (
    every_card, focus_of, label, matches, money_amounts, named, not_in_catalog, number_in, price_label, product_of, regex,
    resolve, segments, states, suits_age, without_names,
)  # fmt: skip
from bot.dialogue.expectations.registry import Context, Seen, check
from bot.dialogue.expectations.values import (
    AttributeSpec, Count, FieldPattern, PriceRange, ProductRef, Regex, Statement, VariantSpec,
)  # fmt: skip
from retrieval.catalog import Product, normalize_color, normalize_size


@check("cards")
def _cards(expected: Literal["present", "absent"] | StrictInt | Count, seen: Seen, context: Context) -> str | None:
    """How many product cards were shown."""
    n = len(seen.cards)
    if expected == "present":
        ok = n > 0
    elif expected == "absent":
        ok = n == 0
    elif isinstance(expected, int):
        ok = n == expected
    else:
        ok = (expected.min is None or n >= expected.min) and (expected.max is None or n <= expected.max)
    return None if ok else f"{n} card{'' if n == 1 else 's'} shown"


@check("every_card")
def _every(pattern: Regex | FieldPattern, seen: Seen, context: Context) -> str | None:
    """Every card matches a pattern (its title, or the field named)."""
    for card in seen.cards:
        product = product_of(card, context)
        if product is None:
            return not_in_catalog(card)
        ok, what = matches(card, product, pattern)
        if not ok:
            return f"card {card.get('id')} does not match: {what}"
    return None


@check("no_card")
def _no_card(pattern: Regex | FieldPattern, seen: Seen, context: Context) -> str | None:
    """No card matches a pattern (its title, or the field named)."""
    for card in seen.cards:
        product = product_of(card, context)
        if product is None:
            return not_in_catalog(card)
        ok, what = matches(card, product, pattern)
        if ok:
            return f"card {card.get('id')} matches: {what}"
    return None


@check("prices_match_catalog")
def _prices(expected: Literal[True], seen: Seen, context: Context) -> str | None:
    """Every card's price is the catalog's, and so is every amount the text gives next to a shown
    product's name (in the same sentence or line: its price, its was-price, or the saving); a bound
    the shopper set ("under $50") is no price."""
    shown = []
    for card in seen.cards:
        product = product_of(card, context)
        if product is None:
            return not_in_catalog(card)
        if abs(float(card.get("price", -1)) - product.price) > 0.005:
            shows = price_label(product, float(card.get("price", 0)))
            return f"card {label(card)} shows {shows}; the catalog price is {price_label(product)}"
        shown.append(product)
    for segment in segments(seen.text):
        ids = named(segment, shown)
        if not ids:
            continue
        products = [p for p in shown if p.id in ids]
        allowed = {p.price for p in products} | {p.compare_at_price for p in products if p.compare_at_price}
        allowed |= {round(p.compare_at_price - p.price, 2) for p in products if p.compare_at_price}
        wrong = [a for a in money_amounts(segment, prices_only=True) if all(abs(a - b) > 0.005 for b in allowed)]
        if wrong:
            names = ", ".join(f"{p.id} {price_label(p)}" for p in products)
            return f"the text gives {price_label(products[0], wrong[0])} next to {names}: {segment.strip()!r}"
    return None


@check("focus")
def _focus(expected: ProductRef, seen: Seen, context: Context) -> str | None:
    """The reply is about this product (its only card, or the one product its text names)."""
    ids, meant = resolve(expected, context)
    if not ids:
        return f"cannot tell which product was meant: {meant}"
    actual = focus_of(seen, context)
    if actual in ids:
        return None
    if actual is None:
        return f"expected {meant}; the reply is about no single product"
    product = context.catalog.get(actual)
    return f"expected {meant}; the reply is about {actual}" + (f" ({product.title})" if product else "")


@check("first_card")
def _first(expected: ProductRef, seen: Seen, context: Context) -> str | None:
    """The first card shown is this product: what the shopper asked for ("the cheapest laptop") is on top."""
    ids, meant = resolve(expected, context)
    if not ids:
        return f"cannot tell which product was meant: {meant}"
    if not seen.cards:
        return f"expected {meant} first; no cards were shown"
    return None if seen.card_ids[0] in ids else f"expected {meant} first; the first card is {label(seen.cards[0])}"


@check("cards_include")
def _include(expected: list[ProductRef], seen: Seen, context: Context) -> str | None:
    """Each of these products is among the cards."""
    for ref in expected:
        ids, meant = resolve(ref, context)
        if not ids or not ids & set(seen.card_ids):
            return f"{meant} is not among the cards {seen.card_ids}"
    return None


@check("cards_exclude")
def _exclude(expected: list[ProductRef], seen: Seen, context: Context) -> str | None:
    """None of these products is among the cards."""
    for ref in expected:
        ids, meant = resolve(ref, context)
        if ids & set(seen.card_ids):
            return f"{meant} is among the cards"
    return None


@check("cards_from_turn")
def _from_turn(turn: PositiveInt, seen: Seen, context: Context) -> str | None:
    """Every card shown (if any) was shown on that earlier turn: the earlier list is kept, not replaced."""
    if turn > len(context.earlier):
        return f"turn {turn} has not happened yet"
    before = set(context.earlier[turn - 1].card_ids)
    new = [pid for pid in seen.card_ids if pid not in before]
    return f"cards {', '.join(new)} were not on turn {turn}'s list {sorted(before)}" if new else None


@check("text_has")
def _text_has(patterns: list[Regex], seen: Seen, context: Context) -> str | None:
    """The reply text contains each pattern (case-insensitive)."""
    missing = [p for p in patterns if not regex(p).search(seen.text)]
    return f"the text lacks /{missing[0]}/" if missing else None


@check("text_lacks")
def _text_lacks(patterns: list[Regex], seen: Seen, context: Context) -> str | None:
    """The reply text contains none of the patterns (case-insensitive)."""
    for p in patterns:
        if found := regex(p).search(seen.text):
            return f"the text has /{p}/: {found.group()!r}"
    return None


@check("handoff")
def _handoff(expected: StrictBool, seen: Seen, context: Context) -> str | None:
    """The conversation was (or was not) handed to a person."""
    return None if seen.handoff == expected else f"handoff is {str(seen.handoff).lower()}"


@check("every_card_price")
def _price_range(expected: PriceRange, seen: Seen, context: Context) -> str | None:
    """Every card's product is priced within the range (catalog price)."""

    def test(p: Product) -> str | None:
        low = expected.min is not None and p.price < expected.min - 0.005
        high = expected.max is not None and p.price > expected.max + 0.005
        return f"costs {price_label(p)}" if low or high else None

    return every_card(seen, context, test)


@check("every_card_in_stock")
def _in_stock(expected: Literal[True], seen: Seen, context: Context) -> str | None:
    """No card shows a product the catalog says is sold out."""
    return every_card(seen, context, lambda p: None if p.in_stock else "is sold out")


@check("every_card_variant")
def _variant(expected: VariantSpec, seen: Seen, context: Context) -> str | None:
    """Every card's product comes in this colour and/or size (in stock unless in_stock is false)."""
    color = normalize_color(expected.color) if expected.color else None
    size = normalize_size(expected.size) if expected.size else None
    wanted = " ".join(x for x in (color, f"size {size}" if size else None) if x)

    def test(p: Product) -> str | None:
        if p.variants:
            found = any(
                (color is None or v.color == color) and (size is None or v.size == size)
                and (not expected.in_stock or v.stock > 0)
                for v in p.variants
            )  # fmt: skip
        else:
            found = ((color is None or color in p.colors) and (size is None or size in p.sizes)
                     and (not expected.in_stock or p.in_stock))  # fmt: skip
        return None if found else f"has no {wanted}{' in stock' if expected.in_stock else ''}"

    return every_card(seen, context, test)


@check("every_card_attribute")
def _attribute(expected: AttributeSpec, seen: Seen, context: Context) -> str | None:
    """Every card's product has this catalog attribute within a range, equal to a value, or matching a pattern."""

    def test(p: Product) -> str | None:
        value = p.attributes.get(expected.key)
        if value is None:
            return f"has no {expected.key}"
        values = value if isinstance(value, list) else [value]
        number = number_in(values[0])
        if expected.min is not None or expected.max is not None:
            if number is None or (expected.min is not None and number < expected.min) or (
                expected.max is not None and number > expected.max
            ):
                return f"has {expected.key} {value}"
        if expected.equals is not None and expected.equals.lower() not in [v.lower() for v in values]:
            return f"has {expected.key} {value}"
        if expected.pattern is not None and not any(regex(expected.pattern).search(v) for v in values):
            return f"has {expected.key} {value}"
        return None

    return every_card(seen, context, test)


@check("every_card_suits_age")
def _age(age: PositiveInt, seen: Seen, context: Context) -> str | None:
    """Every card suits a child of this age: its age range includes it, or (without one) it is a kids' product."""

    def test(p: Product) -> str | None:
        if suits_age(p, age):
            return None
        return f"is for ages {p.attributes['age_range']}" if "age_range" in p.attributes else f"is not for children ({p.category_path})"

    return every_card(seen, context, test)


@check("states")
def _statement(expected: Statement, seen: Seen, context: Context) -> str | None:
    """The reply text states a fact of a product as the catalog has it (yes/no attributes: with or without
    a negation where it names the attribute; numbers as numbers; other values word for word; a `fact`
    pattern: matched). Product names do not count: "12 oz" in a title answers no question about size."""
    ids, meant = resolve(expected.product, context)
    if len(ids) != 1:
        return f"cannot tell which product was meant: {meant}"
    product = context.catalog.get(next(iter(ids)))
    if product is None:
        return f"{meant} is not a product of the catalog"
    names = [product.title, *(str(c.get("title") or "") for c in seen.cards)]
    text = without_names(seen.text, names)
    if expected.fact is not None:
        why = None if regex(expected.fact).search(text) else f"the text does not state /{expected.fact}/ (product names aside)"
    else:
        assert expected.attribute is not None  # Statement checks one of the two is given
        why = states(product, expected.attribute, text)
    return f"about {product.id}: {why}" if why else None
