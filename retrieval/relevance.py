"""A relevance floor for search hits: weak tail matches are never presented as matches.

Fused retrieval ranks every allowed product, so past the few that match, a result list goes on
with whatever is least far away: earrings after the one pair of earphones, a bed after the only
sofa. A hit is kept while its dense similarity to the query stays within a margin of the best
hit's. A hit the lexical retriever also found (it shares a word with the query) gets a wider
margin than one only the dense retriever found, which has nothing but its meaning to go on.

The margins are calibrated on the catalog itself: each category's name is searched as a query,
and how far its own products fall short of the best hit for it says how far below the best a
product that *is* what was asked for can fall.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from retrieval.index import VectorIndex
from retrieval.store import CatalogStore

Encode = Callable[[list[str]], np.ndarray]

# Calibration reads a sample of products, not the whole catalog: enough to see every sizeable
# category, cheap at 100k products.
_SAMPLE = 2000
_MAX_CATEGORIES = 200
_PER_CATEGORY = 8
_MIN_CATEGORIES = 5
# Margins for hits sharing the query's words (a high quantile of a category's own products'
# shortfall) and for hits found by meaning only (a middling one), within bounds.
_SHARED_QUANTILE, _SHARED_BOUNDS = 0.95, (0.10, 0.30)
_MEANING_QUANTILE, _MEANING_BOUNDS = 0.75, (0.05, 0.18)


@dataclass(frozen=True)
class RelevanceFloor:
    """How far below the best hit's dense similarity a hit may fall and still be shown."""

    shared_words: float = 0.25  # for hits the lexical retriever also found
    meaning_only: float = 0.12  # for hits only the dense retriever found

    def keeps(self, best: float, similarity: float, *, shares_words: bool) -> bool:
        """True when a hit this similar to the query, against the best hit's similarity, is a match."""
        return similarity >= best - (self.shared_words if shares_words else self.meaning_only)


def calibrated_floor(store: CatalogStore, vectors: VectorIndex, encode: Encode) -> RelevanceFloor:
    """The floor for this catalog: margins measured by searching its own category names.

    A catalog with too few categories to measure gets the default margins.
    """
    members = _category_members(store, vectors)
    if len(members) < _MIN_CATEGORIES:
        return RelevanceFloor()
    names = list(members)
    queries = np.asarray(encode(names), dtype=np.float32)
    queries /= np.maximum(np.linalg.norm(queries, axis=1, keepdims=True), 1e-12)
    stored = vectors.vectors()
    shortfalls: list[np.ndarray] = []
    for name, query in zip(names, queries, strict=True):
        top = vectors.search(query, 1)
        if not top:
            continue
        # einsum, not BLAS: see retrieval/recommend/candidates.py (threaded BLAS slows the encoder).
        own = np.einsum("id,d->i", stored[members[name]], query)
        shortfalls.append(np.maximum(top[0][1] - own, 0.0))
    if not shortfalls:
        return RelevanceFloor()
    gaps = np.concatenate(shortfalls)
    return RelevanceFloor(
        shared_words=float(np.clip(np.quantile(gaps, _SHARED_QUANTILE), *_SHARED_BOUNDS)),
        meaning_only=float(np.clip(np.quantile(gaps, _MEANING_QUANTILE), *_MEANING_BOUNDS)),
    )


def _category_members(store: CatalogStore, vectors: VectorIndex) -> dict[str, list[int]]:
    """Category leaf name -> index rows of a few of its products, for the larger categories of a sample."""
    live = [pid for pid in vectors.row_ids if pid is not None]
    sample = live[:: max(1, len(live) // _SAMPLE)]
    rows: dict[str, list[int]] = defaultdict(list)
    for pid, product in store.get_many(sample).items():
        if product.category and pid in vectors.row_of:
            rows[product.category[-1].replace("-", " ")].append(vectors.row_of[pid])
    sizeable = sorted((name for name, found in rows.items() if len(found) >= 2), key=lambda n: -len(rows[n]))
    return {name: rows[name][:_PER_CATEGORY] for name in sizeable[:_MAX_CATEGORIES]}
