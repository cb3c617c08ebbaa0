"""Search benchmark: index build rate, memory, and query latency, each next to an encoder forward pass.

Query latency is measured cold (the headline): the search's cache of query embeddings is
cleared before each timed call, so every query pays its encoder forward pass as a new
shopper question does. Repeated queries, whose embeddings the search keeps (a refinement
re-runs its query), are reported beside them as "cached".
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psutil

from retrieval.catalog import Product
from retrieval.embeddings import Encoder
from retrieval.filters import SearchFilters
from retrieval.index import HnswParams, IndexKind
from retrieval.indexing import SearchIndex, sync_index
from retrieval.latency import Latency
from retrieval.search import MODES, Mode, ProductSearch
from retrieval.store import CatalogStore
from tests.bench.timing import Say, encoder_baseline, time_calls


def _rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


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


@dataclass(frozen=True)
class _Case:
    """One timed call; `forget` clears what would let a repeated query skip its encoder pass (None: nothing does)."""

    label: str
    call: Callable[[], object]
    forget: Callable[[], object] | None = None


def _latency(encoder: Encoder, store: CatalogStore, index: SearchIndex, base: float, say: Say) -> None:
    n = len(index)
    kinds = {index.vectors.kind: index}
    other: IndexKind = "flat" if index.vectors.kind == "hnsw" else "hnsw"
    kinds[other], seconds = _twin(index, other)
    say(f"{other} index construction from stored vectors at {n} products: {seconds:.1f} s")
    query_vectors = [encoder.encode_query(q) for q in BENCH_QUERIES]
    say(f"\nquery latency at {n} products (ms; ratio = p50 / encoder forward pass)")
    say("cold: a query not seen before (query-embedding cache cleared before each call; the headline);")
    say(f"cached: the same {len(BENCH_QUERIES)} queries repeated, their embeddings kept ('-': the call encodes no query)")
    say(f"{'index':>6} {'what':<27} {'p50':>7} {'p95':>7} {'ratio':>6}   {'cached p50':>10} {'p95':>7} {'ratio':>6}")
    pairs = [(q, f) for f in BENCH_FILTERS for q in BENCH_QUERIES]
    for kind in ("flat", "hnsw"):
        idx = kinds[kind].vectors
        search = ProductSearch(store, kinds[kind], encoder)
        # The encoder keeps recent query embeddings; forgetting them makes the next query a new one.
        forget = encoder.forget
        vectors = itertools.cycle(query_vectors)
        cases = [_Case("vector search only", lambda idx=idx, vectors=vectors: idx.search(next(vectors), 10))]
        for mode in MODES:
            cycle = itertools.cycle(pairs)
            cases.append(
                _Case(
                    f"{mode} search (end to end)",
                    lambda cycle=cycle, mode=mode, search=search: _one(search, next(cycle), mode),
                    forget if mode != "lexical" else None,
                )
            )
        for case in cases:
            cold = Latency.of(time_calls(case.call, repeat=4 * len(pairs), before=case.forget))
            line = f"{kind:>6} {case.label:<27} {cold.p50:>7.2f} {cold.p95:>7.2f} {cold.p50 / (base * 1000):>6.2f}"
            if case.forget is None:
                say(f"{line}   {'-':>10} {'-':>7} {'-':>6}")
                continue
            # A first pass over every query (untimed) fills the cache, so each timed call repeats one.
            cached = Latency.of(time_calls(case.call, repeat=4 * len(pairs), warmup=len(BENCH_QUERIES)))
            say(f"{line}   {cached.p50:>10.2f} {cached.p95:>7.2f} {cached.p50 / (base * 1000):>6.2f}")


def _one(search: ProductSearch, pair: tuple[str, SearchFilters], mode: Mode) -> object:
    query, filters = pair
    return search.search(query, filters=filters, k=10, mode=mode)
