"""What understanding a message against the catalog adds to a turn: product names and coverage.

Every turn resolves the products a message names by title (retrieval/names.py: several
parts for a comparison and the whole message), and a search checks whether the store
carries the request's head noun (retrieval/coverage.py). Both run in process on the
generated catalog at each size; the figures are per message, p50 and p95, and as a ratio
to one bare encoder forward pass measured in the same run.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from retrieval.embeddings import Encoder
from retrieval.latency import percentile
from tests.bench.timing import Say, encoder_baseline

# Shopper messages of every kind: named products, kinds of product, things not sold, follow-ups.
MESSAGES = (
    "how much are the Northfen Breeze hiking boots?",
    "is the TrailMax Orbit waterproof",
    "compare the Brewsmith Cove with the Kettlebrook Rook",
    "show me hiking boots",
    "black t-shirts in size M under $30",
    "do you sell kayaks",
    "what's the cheapest laptop?",
    "is it waterproof?",
    "add the second one to my cart",
    "a gift for my dad who loves cooking",
)
HEADS = ("boots", "t-shirts", "kayaks", "laptop", "kettle", "guitar", "mat", "tent")
TARGET_MS = 3.0


def _times(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def run_naming(encoder: Encoder, counts: list[int], say: Say, repeat: int = 5) -> None:
    """Build the name index and the coverage word list at each size, then time messages."""
    from catalog.generate import generate_products
    from retrieval.catalog import Product
    from retrieval.coverage import Coverage
    from retrieval.names import ProductNames
    from retrieval.store import FilterRow

    baseline = encoder_baseline(encoder) * 1000
    say(f"one encoder forward pass (baseline): {baseline:.2f} ms")
    say(f"{'products':>9} {'build s':>8} {'names p50':>10} {'p95':>7} {'coverage p50':>13} {'p95':>7} {'both/pass':>10}")
    for n in counts:
        products = [Product.model_validate(p) for p in generate_products(n)]
        started = time.perf_counter()
        names = ProductNames((p.id, p.title, p.brand, p.category_path) for p in products)
        rows = [FilterRow(id=p.id, price=p.price, in_stock=p.in_stock, rating=p.rating, brand=p.brand,
                          category=p.category_path, colors=(), sizes=(), sizes_in_stock=(), colors_in_stock=(),
                          review_count=p.review_count or 0, title=p.title, attributes=p.attributes)
                for p in products]  # fmt: skip
        coverage = Coverage(rows, encode=encoder.encode_cached)
        coverage.carries("warm")  # built on first use
        built = time.perf_counter() - started
        naming: list[float] = []
        for _ in range(repeat):
            for m in MESSAGES:
                naming += _times(lambda m=m: (names.several(m), names.resolve(m)), 1)
                names._recent.clear()  # noqa: SLF001 - every message timed as new
        carried = [t for _ in range(repeat) for h in HEADS for t in _times(lambda h=h: coverage.carries(h), 1)]
        both = percentile(naming, 50) + percentile(carried, 50)
        verdict = "ok" if both <= TARGET_MS else f"over the {TARGET_MS:g} ms target"
        say(f"{n:>9,} {built:>8.1f} {percentile(naming, 50):>10.2f} {percentile(naming, 95):>7.2f} "
            f"{percentile(carried, 50):>13.3f} {percentile(carried, 95):>7.3f} {both / baseline:>10.2f}  ({verdict})")  # fmt: skip
