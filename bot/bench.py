"""Benchmarks: index build rate, memory, and query latency, each next to an encoder forward pass.

Absolute times on a shared machine are noise; ratios to a baseline measured in the same
run (one bare encoder forward pass for a short query) are comparable across runs.
"""

from __future__ import annotations

import itertools
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import psutil

from retrieval.catalog import Product
from retrieval.embeddings import Encoder
from retrieval.filters import SearchFilters
from retrieval.index import HnswParams, IndexKind
from retrieval.indexing import SearchIndex, sync_index
from retrieval.search import MODES, Mode, ProductSearch
from retrieval.store import CatalogStore

Say = Callable[[str], None]


@dataclass(frozen=True)
class Latency:
    """Percentiles of repeated timings, in milliseconds."""

    p50: float
    p95: float

    @classmethod
    def of(cls, seconds: list[float]) -> Latency:
        ms = np.array(seconds) * 1000
        return cls(float(np.percentile(ms, 50)), float(np.percentile(ms, 95)))


def _rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def time_calls(fn: Callable[[], object], repeat: int, warmup: int = 3) -> list[float]:
    """Wall-clock seconds of `repeat` calls after `warmup` untimed ones."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def encoder_baseline(encoder: Encoder, repeat: int = 50) -> float:
    """Median seconds of one bare forward pass for a typical shopper query."""
    return statistics.median(time_calls(lambda: encoder.encode_query("waterproof hiking boots under 100"), repeat))


def _products(count: int) -> list[Product]:
    from catalog.generate import generate_products

    return [Product.model_validate(p) for p in generate_products(count)]


BENCH_QUERIES = [
    "waterproof hiking boots",
    "wireless earbuds with noise cancelling",
    "something to keep coffee hot",
    "red dress",
    "gift for a toddler",
    "stainless steel frying pan",
    "dog bed for large dogs",
    "running shoes under 80",
    "moisturizer for dry skin",
    "office chair with lumbar support",
    "cheap phone charger",
    "garden hose",
]
BENCH_FILTERS = [
    SearchFilters(),
    SearchFilters(max_price=50),
    SearchFilters(in_stock=True, min_rating=4),
    SearchFilters(category="Shoes"),
]


def run(encoder: Encoder, sizes: list[int], say: Say, workdir: Path | None = None) -> None:
    """Run the benchmark suite, printing a report line by line through `say`."""
    root = Path(tempfile.mkdtemp(prefix="shopbot-bench-", dir=workdir))
    try:
        _run(encoder, sizes, say, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _run(encoder: Encoder, sizes: list[int], say: Say, root: Path) -> None:
    base = encoder_baseline(encoder)
    say(f"baseline: one encoder forward pass (short query) = {base * 1000:.2f} ms\n")
    say("build = encode + index + save, products/s; 'per pass' = products built in the time of")
    say("one encoder forward pass (build/s x baseline), comparable across machines and runs")
    say(f"{'products':>9} {'index':>6} {'build/s':>8} {'per pass':>9} {'import/s':>9} {'RSS MB':>7}")
    last: tuple[CatalogStore, SearchIndex] | None = None
    for n in sizes:
        products = _products(n)
        store = CatalogStore(root / f"c{n}" / "catalog.db")
        start = time.perf_counter()
        store.upsert_many(products)
        import_rate = n / (time.perf_counter() - start)
        del products
        start = time.perf_counter()
        index, report = sync_index(store, encoder, root / f"c{n}" / "index", kind="auto")
        build_rate = n / (time.perf_counter() - start)
        say(f"{n:>9} {report.kind:>6} {build_rate:>8.0f} {build_rate * base:>9.2f} {import_rate:>9.0f} {_rss_mb():>7.0f}")
        if last is not None:
            last[0].close()
        last = (store, index)
    assert last is not None
    store, index = last
    say("")
    _latency(encoder, store, index, base, say)
    store.close()


def _twin(index: SearchIndex, kind: IndexKind) -> tuple[SearchIndex, float]:
    """The same products in a vector index of another kind, and its construction time."""
    start = time.perf_counter()
    twin = index.vectors.clone_as(kind, HnswParams())
    return SearchIndex(twin, index.lexical), time.perf_counter() - start


def _latency(encoder: Encoder, store: CatalogStore, index: SearchIndex, base: float, say: Say) -> None:
    n = len(index)
    kinds = {index.vectors.kind: index}
    other: IndexKind = "flat" if index.vectors.kind == "hnsw" else "hnsw"
    kinds[other], seconds = _twin(index, other)
    say(f"{other} index construction from stored vectors at {n} products: {seconds:.1f} s")
    query_vectors = [encoder.encode_query(q) for q in BENCH_QUERIES]
    say(f"\nquery latency at {n} products (ms; ratio = p50 / encoder forward pass)")
    say(f"{'index':>6} {'what':<26} {'p50':>7} {'p95':>7} {'ratio':>6}")
    pairs = [(q, f) for f in BENCH_FILTERS for q in BENCH_QUERIES]
    for kind in ("flat", "hnsw"):
        idx = kinds[kind].vectors
        search = ProductSearch(store, kinds[kind], encoder)
        vectors = itertools.cycle(query_vectors)
        cases: list[tuple[str, Callable[[], object]]] = [
            ("vector search only", lambda idx=idx, vectors=vectors: idx.search(next(vectors), 10))
        ]
        for mode in MODES:
            cycle = itertools.cycle(pairs)
            cases.append(
                (
                    f"{mode} search (end to end)",
                    lambda cycle=cycle, mode=mode, search=search: _one(search, next(cycle), mode),
                )
            )
        for label, fn in cases:
            lat = Latency.of(time_calls(fn, repeat=4 * len(pairs)))
            say(f"{kind:>6} {label:<26} {lat.p50:>7.2f} {lat.p95:>7.2f} {lat.p50 / (base * 1000):>6.2f}")


def _one(search: ProductSearch, pair: tuple[str, SearchFilters], mode: Mode) -> object:
    query, filters = pair
    return search.search(query, filters=filters, k=10, mode=mode)
