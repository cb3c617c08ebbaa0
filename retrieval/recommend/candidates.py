"""Candidate sources: the query, neighbours of engaged products, bought-together, popularity.

Each source returns rows of the vector index that the request's mask allows; the
re-ranker scores their union.
"""

from __future__ import annotations

import numpy as np

from retrieval.index import VectorIndex
from retrieval.search import ProductSearch


def from_query(search: ProductSearch, query: str, mask: np.ndarray, pool: int,
               min_cosine: float | None = None) -> dict[int, float]:
    """Hybrid retrieval (dense + BM25, reciprocal-rank fused) under the mask: row -> relevance in (0, 1].

    The same retrievers and fusion as `ProductSearch.search`, without loading the pool's
    products: only the few finally recommended are read from the catalog. With
    `min_cosine`, only products at least that similar in meaning are candidates: a vector
    index returns nearest neighbours even for a query nothing answers, and a keyword can
    sit in an unrelated description ("running" in a mixer grinder's motor specs); the
    keyword ranking then only orders the products that pass.
    """
    f = search.fusion
    row_of = search.index.vectors.row_of
    scores: dict[int, float] = {}
    dense = search.dense_ranked(query, mask, pool)
    lexical = search.lexical_ranked(query, mask, pool)
    if min_cosine is not None:
        dense = [(pid, cos) for pid, cos in dense if cos >= min_cosine]
        close = {pid for pid, _ in dense}
        lexical = [(pid, score) for pid, score in lexical if pid in close]
    # The catalog's relevance floor, as for search hits: past the few products that answer the
    # query, the rest of the pool is whatever is least far away and no recommendation for it.
    pool_ids = list(dict.fromkeys([pid for pid, _ in dense] + [pid for pid, _ in lexical]))
    kept = {pid for pid, _ in search.above_floor(query, [(pid, 0.0) for pid in pool_ids], dense, lexical)}
    dense = [(pid, cos) for pid, cos in dense if pid in kept]
    lexical = [(pid, score) for pid, score in lexical if pid in kept]
    ranked = ((f.dense_weight, dense), (f.lexical_weight, lexical))
    for weight, hits in ranked:
        for rank, (pid, _) in enumerate(hits, 1):
            row = row_of[pid]
            scores[row] = scores.get(row, 0.0) + weight / (f.k + rank)
    top = max(scores.values(), default=0.0)
    return {row: s / top for row, s in scores.items()} if top > 0 else {}


def similar(vectors: VectorIndex, seeds: np.ndarray, mask: np.ndarray, per_seed: int) -> np.ndarray:
    """Nearest neighbours of each seed row's stored vector (nothing is re-encoded).

    A flat index is scanned for all seeds in one matrix product (one pass over the
    vectors instead of one per seed); an HNSW index, used for large catalogs, is walked
    once per seed.
    """
    if not len(seeds):
        return np.zeros(0, dtype=np.int64)
    stored = vectors.vectors()
    if vectors.kind == "hnsw":
        found = [[r for r, _ in vectors.search(stored[s], per_seed, allowed=mask)] for s in seeds]
        return np.array([r for rows in found for r in rows], dtype=np.int64)
    allowed = mask & vectors.alive
    n = int(allowed.sum())
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    # einsum, not BLAS: a threaded BLAS leaves spinning threads that slow the next
    # encoder forward pass several-fold on a 2-core machine; einsum runs in this thread.
    scores = np.einsum("id,jd->ij", stored, stored[seeds])  # (rows, seeds)
    scores[~allowed] = -np.inf
    take = min(per_seed, n)
    top = np.argpartition(-scores, take - 1, axis=0)[:take]
    return np.unique(top)


def popular(quality: np.ndarray, mask: np.ndarray, n: int) -> np.ndarray:
    """The n most popular allowed rows, most popular first."""
    rows = np.flatnonzero(mask)
    if len(rows) > n:
        rows = rows[np.argpartition(-quality[rows], n)[:n]]
    return rows[np.argsort(-quality[rows], kind="stable")]
