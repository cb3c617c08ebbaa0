"""The catalog as column arrays aligned with the vector index's rows, for vectorised scoring."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from retrieval.filters import FilterIndex, SearchFilters
from retrieval.store import FilterRow

# Price bands are thirds of the price distribution within a category: a $90 boot and a
# $900 laptop can both be "premium" for their shelf.
BANDS = ("budget", "mid-range", "premium")
MIN_BAND_PEERS = 3


def _codes(values: list[str | None]) -> tuple[np.ndarray, list[str]]:
    names: dict[str, int] = {}
    codes = np.array([-1 if v is None else names.setdefault(v, len(names)) for v in values], dtype=np.int32)
    return codes, list(names)


class CatalogColumns:
    """Brand, category, price, quality and stock per row; size/colour masks on demand."""

    def __init__(self, rows: list[FilterRow], row_ids: list[str | None],
                 interactions: Mapping[str, float] | None = None) -> None:
        self.filters = FilterIndex(rows, row_ids)
        self.row_ids = row_ids
        n = len(row_ids)
        by_id = {r.id: r for r in rows}
        fr = [by_id.get(pid) if pid is not None else None for pid in row_ids]
        # A missing value (no brand column, an uncategorised product) is code -1, never a
        # shared "" code: two products without a brand do not share a brand.
        self.brand, self.brand_names = _codes([r.brand or None if r else None for r in fr])
        self.category, self.category_names = _codes([r.category or None if r else None for r in fr])
        self.leaf, self.leaf_names = _codes([r.category.split(" > ")[-1] if r and r.category else None for r in fr])
        self.department, self.department_names = _codes(
            [r.category.split(" > ")[0] if r and r.category else None for r in fr]
        )
        self.price = np.nan_to_num(self.filters.price, nan=0.0)
        self.rating = np.nan_to_num(self.filters.rating, nan=0.0)
        self.reviews = np.array([r.review_count if r else 0 for r in fr], dtype=np.float64)
        self.available = self.filters.present & self.filters.in_stock
        self.price_position = self._price_position(n)
        # -1: too few products in the category for bands to mean anything.
        self.band = np.where(np.isnan(self.price_position), -1,
                             np.minimum(np.nan_to_num(self.price_position) * 3, 2).astype(np.int8))
        self.quality = self._quality(interactions)
        self._size_masks: dict[str, np.ndarray] = {}
        self._color_masks: dict[str, np.ndarray] = {}

    def _price_position(self, n: int) -> np.ndarray:
        # Percentile of each price within its category, ties sharing the middle rank; NaN
        # where the category has fewer than MIN_BAND_PEERS products.
        out = np.full(n, np.nan)
        order = np.lexsort((self.price, self.category))
        cats = self.category[order]
        starts = np.flatnonzero(np.r_[True, cats[1:] != cats[:-1]])
        for start, end in zip(starts, np.r_[starts[1:], len(order)], strict=True):
            rows = order[start:end]
            if cats[start] < 0 or len(rows) < MIN_BAND_PEERS:
                continue
            prices = self.price[rows]
            lo = np.searchsorted(np.sort(prices), prices, side="left")
            hi = np.searchsorted(np.sort(prices), prices, side="right")
            out[rows] = (lo + hi - 1) / 2 / (len(rows) - 1)
        return out

    def _quality(self, interactions: Mapping[str, float] | None) -> np.ndarray:
        """Popularity in [0, 1]: interaction counts when there are histories, else rating x log reviews."""
        if interactions:
            counts = np.array([interactions.get(pid, 0.0) if pid else 0.0 for pid in self.row_ids])
            # A product nobody has bought yet still ranks by its reviews, just below.
            fallback = self.rating / 5 * np.log1p(self.reviews)
            raw = np.log1p(counts) + 0.1 * fallback / max(float(fallback.max()), 1e-9)
        else:
            raw = self.rating / 5 * np.log1p(self.reviews)
        top = float(raw.max()) if len(raw) else 0.0
        return raw / top if top > 0 else raw

    def sizes_mask(self, sizes: list[str]) -> np.ndarray:
        """Rows that can be bought now in at least one of `sizes`."""
        mask = np.zeros(len(self.row_ids), dtype=bool)
        for size in sizes:
            if size not in self._size_masks:
                self._size_masks[size] = self.filters.mask(SearchFilters(size=size, in_stock=True))
            mask |= self._size_masks[size]
        return mask

    def colors_mask(self, colors: list[str]) -> np.ndarray:
        """Rows that can be bought now in at least one of `colors`."""
        mask = np.zeros(len(self.row_ids), dtype=bool)
        for color in colors:
            if color not in self._color_masks:
                self._color_masks[color] = self.filters.mask(SearchFilters(color=color, in_stock=True))
            mask |= self._color_masks[color]
        return mask

    def rating_rank(self, row: int, allowed: np.ndarray) -> int:
        """1 + how many allowed products of the same leaf category (any path) are rated higher."""
        same = allowed & (self.leaf == self.leaf[row])
        return 1 + int(np.count_nonzero(self.rating[same] > self.rating[row]))
