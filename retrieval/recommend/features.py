"""Named features of candidate products, each in [0, 1], computed for all candidates at once."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from retrieval.recommend.columns import CatalogColumns
from retrieval.recommend.taste import Taste

FEATURES = ("relevance", "similarity", "cooccurrence", "brand", "category", "price", "size",
            "color", "quality", "pairing", "fit")
# Cosines between unrelated MiniLM product texts sit around 0.1-0.3; only the part above
# this floor says "similar".
SIMILARITY_FLOOR = 0.25


@dataclass(frozen=True)
class RankWeights:
    """The linear score: sum of weight x feature. Fixed a priori and stated here, not fitted.

    A query's relevance dominates when there is one; among relevant products the
    shopper's own history (similar items, bought-together) comes next, then stated and
    inferred tastes, then quality as a tie-breaker. How well a product suits the person a
    gift is for (`fit`, zero unless a recipient is given) outweighs quality, so a gift
    list leads with what suits them rather than with the store's best sellers.
    """

    relevance: float = 3.0
    similarity: float = 1.0
    cooccurrence: float = 1.0
    brand: float = 0.5
    category: float = 0.6
    price: float = 0.3
    size: float = 0.4
    color: float = 0.2
    quality: float = 0.4
    pairing: float = 0.8
    fit: float = 1.0

    def vector(self) -> np.ndarray:
        """The weights in FEATURES order."""
        return np.array([getattr(self, f.name) for f in fields(self)])


@dataclass(frozen=True)
class FeatureTable:
    """Features of candidate rows (one column per FEATURES name) and who backs them."""

    rows: np.ndarray
    values: np.ndarray  # (candidates, len(FEATURES))
    similar_to: np.ndarray  # per candidate: index into taste.engaged_ids, -1 for none
    bought_with: list[str | None]  # per candidate: the engaged product it is bought with


def compute(columns: CatalogColumns, vectors: np.ndarray, rows: np.ndarray, taste: Taste, *,
            relevance: dict[int, float] | None = None,
            cooccurrence: dict[str, tuple[float, str]] | None = None,
            pairing: np.ndarray | None = None, fit: np.ndarray | None = None) -> FeatureTable:
    """Every feature for every candidate row, vectorised over the candidates."""
    n = len(rows)
    values = np.zeros((n, len(FEATURES)))
    col = {name: i for i, name in enumerate(FEATURES)}
    if relevance:
        values[:, col["relevance"]] = [relevance.get(int(r), 0.0) for r in rows]
    similar_to = np.full(n, -1, dtype=np.int64)
    if len(taste.engaged_rows) and n:
        # einsum, not BLAS: a threaded BLAS and torch's encoder threads slow each other
        # down several-fold on a 2-core machine; einsum runs in the calling thread.
        cos = np.einsum("id,jd->ij", vectors[rows], vectors[taste.engaged_rows])
        scaled = np.clip((cos - SIMILARITY_FLOOR) / (1 - SIMILARITY_FLOOR), 0, 1) * taste.engaged_weights
        best = scaled.argmax(axis=1)
        values[:, col["similarity"]] = scaled[np.arange(n), best]
        similar_to = np.where(scaled[np.arange(n), best] > 0, best, -1)
    bought_with: list[str | None] = [None] * n
    if cooccurrence:
        ids = columns.row_ids
        for i, r in enumerate(rows):
            hit = cooccurrence.get(ids[r] or "")
            if hit:
                values[i, col["cooccurrence"]] = min(1.0, hit[0])
                bought_with[i] = hit[1]
    # Any of these columns may be missing from a catalog (no brands, no categories):
    # a row without the value scores 0 on that feature rather than borrowing code 0's.
    values[:, col["brand"]] = Taste.of_rows(taste.brand, columns.brand[rows])
    # The kind of product (the leaf, "Hiking Boots") counts whichever branch it sits on:
    # a shopper of men's hiking boots likes the women's ones more than rain boots.
    category = np.maximum(Taste.of_rows(taste.category, columns.category[rows]),
                          Taste.of_rows(taste.leaf, columns.leaf[rows]))
    department = Taste.of_rows(taste.department, columns.department[rows])
    values[:, col["category"]] = np.maximum(category, 0.5 * department)
    if taste.band is not None:
        closeness = 1 - 3 * np.abs(columns.price_position[rows] - taste.band)
        values[:, col["price"]] = np.clip(np.nan_to_num(closeness, nan=0.0), 0, 1)
    if taste.sizes:
        values[:, col["size"]] = columns.sizes_mask(taste.sizes)[rows]
    if taste.colors:
        values[:, col["color"]] = columns.colors_mask(taste.colors)[rows]
    values[:, col["quality"]] = columns.quality[rows]
    if pairing is not None:
        values[:, col["pairing"]] = pairing
    if fit is not None:
        values[:, col["fit"]] = fit
    return FeatureTable(rows, values, similar_to, bought_with)


def mmr(order: np.ndarray, scores: np.ndarray, vectors: np.ndarray, k: int, diversity: float) -> np.ndarray:
    """Maximal marginal relevance: greedily pick high scores unlike what is already picked.

    `order` are candidate rows best first with their `scores`; `diversity` in [0, 1] is
    the weight of redundancy (0 keeps the score order). Returns positions into `order`.
    """
    n = len(order)
    if diversity <= 0 or n <= 1:
        return np.arange(min(k, n))
    spread = scores.max() - scores.min()
    relevance = (scores - scores.min()) / spread if spread > 0 else np.ones(n)
    pool = vectors[order]
    redundancy = np.zeros(n)
    taken = np.zeros(n, dtype=bool)
    picked: list[int] = []
    for _ in range(min(k, n)):
        gain = np.where(taken, -np.inf, (1 - diversity) * relevance - diversity * redundancy)
        best = int(gain.argmax())
        picked.append(best)
        taken[best] = True
        redundancy = np.maximum(redundancy, np.einsum("id,d->i", pool, pool[best]))
    return np.array(picked, dtype=np.int64)
