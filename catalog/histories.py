"""Shopper histories to evaluate recommendations on: synthetic ones over the demo catalog,
and the DummyJSON users' carts as a second, real-shaped source.

Synthetic shoppers have consistent tastes (1-2 departments, a favourite category or two in
each, one or two brands, a price band, a size) and browse in sessions: view a few
products of one category, click some, dismiss one they dislike, sometimes buy one (and
now and then something else from the same department with it). Everything is drawn
from `random.Random` seeded per shopper, so shopper i is the same for a seed whatever
the count, and nothing reads the clock.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from catalog.vocabulary import SIZE_SCALES
from retrieval.catalog import Product
from retrieval.importer import read_catalog
from retrieval.recommend.history import ShopperHistory
from retrieval.recommend.profile import Signal, SignalKind

DEFAULT_SEED = 11
START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
BANDS = ("budget", "mid-range", "premium")
_GENDERED = ("Men", "Women", "Kids")


@dataclass(frozen=True)
class Tastes:
    """What a synthetic shopper prefers; the generator draws their behaviour from it."""

    departments: tuple[str, ...]
    categories: tuple[str, ...]  # favourite category paths within those departments
    brands: tuple[str, ...]
    band: str
    gender: str
    sizes: tuple[str, ...]


@dataclass(frozen=True)
class SyntheticShopper:
    """A generated shopper: their tastes and what they did."""

    tastes: Tastes
    history: ShopperHistory


@dataclass(frozen=True)
class _Item:
    product: Product
    band: int
    popularity: float


def _items(products: Sequence[Product]) -> dict[str, list[_Item]]:
    """Products grouped by category path, each with its price band within the path."""
    by_path: dict[str, list[Product]] = defaultdict(list)
    for p in products:
        by_path[p.category_path].append(p)
    out: dict[str, list[_Item]] = {}
    for path, group in by_path.items():
        prices = sorted(p.price for p in group)
        items = []
        for p in group:
            position = prices.index(p.price) / max(1, len(prices) - 1)
            pop = (p.rating or 0) / 5 * math.log1p(p.review_count)
            items.append(_Item(p, min(int(position * 3), 2), pop))
        out[path] = items
    return out


def _eligible(path: str, gender: str) -> bool:
    nodes = path.split(" > ")
    return not (len(nodes) > 2 and nodes[1] in _GENDERED and nodes[1] != gender)


def _tastes(rng: random.Random, items: dict[str, list[_Item]]) -> Tastes:
    gender = rng.choice(("Men", "Women"))
    paths = sorted(p for p in items if _eligible(p, gender))
    departments = sorted({p.split(" > ")[0] for p in paths})
    depts = tuple(rng.sample(departments, k=rng.choice((1, 2))))
    favourites: list[str] = []
    brands: set[str] = set()
    for d in depts:
        in_dept = [p for p in paths if p.startswith(d + " > ")]
        favourites += rng.sample(in_dept, k=min(2, len(in_dept)))
        brands |= {i.product.brand for p in in_dept for i in items[p] if i.product.brand}
    scale = "shoe_men" if gender == "Men" else "shoe_women"
    sizes = (rng.choice(SIZE_SCALES[scale]), rng.choice(SIZE_SCALES["apparel"]))
    return Tastes(depts, tuple(favourites), tuple(rng.sample(sorted(brands), k=rng.choice((1, 2)))),
                  rng.choice(BANDS), gender, sizes)


def _affinity(item: _Item, tastes: Tastes) -> float:
    p = item.product
    score = 0.3 + item.popularity
    score *= 4.0 if p.brand in tastes.brands else 1.0
    score *= (3.0, 1.0, 0.3)[abs(item.band - BANDS.index(tastes.band))]
    if p.sizes:
        score *= 2.0 if set(tastes.sizes) & p.sizes_in_stock() else 0.3
    return score


def _pick(rng: random.Random, pool: list[_Item], weights: list[float], n: int) -> list[_Item]:
    """n distinct items, each drawn with probability proportional to its weight."""
    pool, weights, out = list(pool), list(weights), []
    for _ in range(min(n, len(pool))):
        i = rng.choices(range(len(pool)), weights=weights)[0]
        out.append(pool.pop(i))
        weights.pop(i)
    return out


def _shopper(index: int, seed: int, items: dict[str, list[_Item]]) -> SyntheticShopper:
    rng = random.Random(f"{seed}:shopper:{index}")
    tastes = _tastes(rng, items)
    paths = sorted(p for p in items if _eligible(p, tastes.gender))
    t = START + dt.timedelta(days=rng.uniform(0, 30))
    signals: list[Signal] = []
    baskets: list[tuple[str, ...]] = []

    def emit(item: _Item, kind: SignalKind) -> None:
        nonlocal t
        t += dt.timedelta(minutes=rng.uniform(0.5, 6))
        signals.append(Signal(product_id=item.product.id, kind=kind, at=t))

    sessions = rng.randint(4, 9)
    done = 0
    while done < sessions or (len(baskets) < 2 and done < 30):
        done += 1
        dept = rng.choice(tastes.departments) if rng.random() < 0.85 else rng.choice(paths).split(" > ")[0]
        in_dept = [p for p in paths if p.startswith(dept + " > ")]
        liked = [p for p in tastes.categories if p in in_dept]
        path = rng.choice(liked) if liked and rng.random() < 0.7 else rng.choice(in_dept)
        pool = items[path]
        viewed = _pick(rng, pool, [_affinity(i, tastes) for i in pool], rng.randint(2, 6))
        for item in viewed:
            emit(item, "viewed")
            if rng.random() < 0.5:
                emit(item, "clicked")
        worst = min(viewed, key=lambda i: _affinity(i, tastes))
        if len(viewed) > 2 and rng.random() < 0.2:
            emit(worst, "dismissed")
            viewed.remove(worst)
        buyable = [i for i in viewed if i.product.in_stock]
        if buyable and rng.random() < 0.6:
            chosen = _pick(rng, buyable, [_affinity(i, tastes) ** 2 for i in buyable], 1)
            if rng.random() < 0.4:
                others = [i for p in in_dept if p != path for i in items[p] if i.product.in_stock]
                chosen += _pick(rng, others, [_affinity(i, tastes) for i in others], 1)
            for item in chosen:
                emit(item, "added_to_cart")
            for item in chosen:
                emit(item, "purchased")
            baskets.append(tuple(i.product.id for i in chosen))
        elif buyable and rng.random() < 0.3:
            emit(rng.choice(buyable), "added_to_cart")
        t += dt.timedelta(days=rng.expovariate(1 / 6))
    history = ShopperHistory(f"shopper-{index + 1:04d}", tuple(signals), tuple(baskets))
    return SyntheticShopper(tastes, history)


def generate_histories(products: Sequence[Product], count: int = 400,
                       seed: int = DEFAULT_SEED) -> list[SyntheticShopper]:
    """`count` synthetic shoppers over `products`; the same for the same products and seed."""
    items = _items(products)
    return [_shopper(i, seed, items) for i in range(count)]


def baskets(shoppers: Sequence[SyntheticShopper | ShopperHistory]) -> list[tuple[str, ...]]:
    """Every checked-out basket of these shoppers, for co-occurrence counts."""
    histories = [s.history if isinstance(s, SyntheticShopper) else s for s in shoppers]
    return [b for h in histories for b in h.baskets]


def dummyjson_histories(folder: Path) -> tuple[list[Product], list[ShopperHistory]]:
    """DummyJSON products and one history per user cart (dummyjson_*.json in `folder`).

    A cart lists product ids with no times: the listed order is taken as the order they
    were added, a minute apart, and each cart is also that shopper's one basket. Carts of
    users missing from dummyjson_users.json, and products missing from the catalog, are
    left out. Raises CatalogFileError when a file is missing.
    """
    products = read_catalog(folder / "dummyjson_products.json", "dummyjson").products
    known = {p.id for p in products}
    users = {str(u["id"]) for u in _json(folder / "dummyjson_users.json")}
    histories = []
    for cart in _json(folder / "dummyjson_carts.json"):
        user = str(cart.get("userId"))
        ids = [str(item["id"]) for item in cart.get("products", []) if str(item.get("id")) in known]
        ids = list(dict.fromkeys(ids))
        if user not in users or not ids:
            continue
        signals = tuple(Signal(product_id=pid, kind="added_to_cart", at=START + dt.timedelta(minutes=i))
                        for i, pid in enumerate(ids))
        histories.append(ShopperHistory(f"dummyjson-{user}", signals, (tuple(ids),)))
    return products, histories


def _json(path: Path) -> list[dict]:
    from retrieval.errors import CatalogFileError

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogFileError(f"{path}: no such file") from None
    if isinstance(data, dict):  # the API wraps lists: {"users": [...]}, {"carts": [...]}
        data = next((v for v in data.values() if isinstance(v, list)), [])
    return data
