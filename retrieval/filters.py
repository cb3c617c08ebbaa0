"""Exact structured filters, as boolean masks over the vector index's rows.

Filters are applied inside retrieval (not to a truncated result list), so a restrictive
filter still finds every matching product and no hit can ever violate one.
"""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from retrieval.brands import title_brands
from retrieval.catalog import normalize_color, normalize_size, split_category
from retrieval.store import FilterRow


class SearchFilters(BaseModel):
    """Constraints every hit must satisfy. Unset fields do not constrain."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    min_price: float | None = Field(default=None, ge=0)
    max_price: float | None = Field(default=None, ge=0)
    category: str | None = None
    brand: str | None = None
    color: str | None = None
    size: str | None = None
    in_stock: bool = False
    min_rating: float | None = Field(default=None, ge=0, le=5)

    @model_validator(mode="after")
    def _check_range(self) -> SearchFilters:
        if self.min_price is not None and self.max_price is not None and self.min_price > self.max_price:
            raise ValueError(f"min_price ({self.min_price}) is above max_price ({self.max_price})")
        return self


def _singular(word: str) -> str:
    # "boots" and "boot" name the same category node; folding plurals is enough here.
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _node_key(node: str) -> str:
    return " ".join(_singular(w) for w in re.findall(r"[^\W_]+", node.lower()))


def _path_keys(path: str) -> list[str]:
    return [_node_key(node) for node in path.split(" > ") if node.strip()]


def category_matches(product_path: str, wanted: str) -> bool:
    """True when `wanted` (a node name or a path like "Shoes > Men") names a node on
    `product_path` or one of its ancestors, i.e. the product is in that subtree."""
    have = _path_keys(product_path)
    want = [_node_key(node) for node in split_category(wanted)]
    if not want:
        return True
    return any(have[i : i + len(want)] == want for i in range(len(have) - len(want) + 1))


class FilterIndex:
    """Column arrays of filterable facts, aligned with the vector index's rows."""

    def __init__(self, rows: list[FilterRow], row_ids: list[str | None]) -> None:
        n = len(row_ids)
        by_id = {r.id: r for r in rows}
        self.n_rows = n
        self.present = np.zeros(n, dtype=bool)
        self.price = np.full(n, np.nan)
        self.rating = np.full(n, np.nan)
        self.in_stock = np.zeros(n, dtype=bool)
        self._category_of = np.full(n, -1, dtype=np.int32)
        self._brands: dict[str, list[int]] = defaultdict(list)
        self._colors: dict[str, list[int]] = defaultdict(list)
        self._colors_in_stock: dict[str, list[int]] = defaultdict(list)
        self._sizes: dict[str, list[int]] = defaultdict(list)
        self._sizes_in_stock: dict[str, list[int]] = defaultdict(list)
        category_ids: dict[str, int] = {}
        # A product without a brand is filtered by the brand its title starts with, when
        # the catalog's titles show one (retrieval/brands.py): "boAt earphones" then finds
        # boAt's even in a catalog with no brand column.
        titled = title_brands((r.id, r.title, r.brand, r.category) for r in rows) if any(not r.brand for r in rows) else {}
        for row, pid in enumerate(row_ids):
            fr = by_id.get(pid) if pid is not None else None
            if fr is None:
                continue
            self.present[row] = True
            self.price[row] = fr.price
            self.rating[row] = np.nan if fr.rating is None else fr.rating
            self.in_stock[row] = fr.in_stock
            cid = category_ids.setdefault(fr.category, len(category_ids))
            self._category_of[row] = cid
            brand = fr.brand or titled.get(fr.id, "").lower()
            if brand:
                self._brands[brand].append(row)
            for c in fr.colors:
                self._colors[c].append(row)
            for c in fr.colors_in_stock:
                self._colors_in_stock[c].append(row)
            for s in fr.sizes:
                self._sizes[s].append(row)
            for s in fr.sizes_in_stock:
                self._sizes_in_stock[s].append(row)
        self._categories: list[str] = list(category_ids)

    def _rows_mask(self, rows: list[int]) -> np.ndarray:
        mask = np.zeros(self.n_rows, dtype=bool)
        if rows:
            mask[np.asarray(rows)] = True
        return mask

    def mask(self, filters: SearchFilters) -> np.ndarray:
        """Rows whose product satisfies every filter."""
        mask = self.present.copy()
        if filters.min_price is not None:
            mask &= self.price >= filters.min_price - 1e-9
        if filters.max_price is not None:
            mask &= self.price <= filters.max_price + 1e-9
        if filters.min_rating is not None:
            # NaN (unrated) compares False: an unrated product never passes a rating floor.
            mask &= self.rating >= filters.min_rating
        if filters.in_stock:
            mask &= self.in_stock
        if filters.brand:
            mask &= self._rows_mask(self._brands.get(filters.brand.strip().lower(), []))
        if filters.category:
            wanted = [i for i, c in enumerate(self._categories) if category_matches(c, filters.category)]
            mask &= np.isin(self._category_of, wanted)
        if filters.color:
            colors = self._colors_in_stock if filters.in_stock else self._colors
            mask &= self._rows_mask(colors.get(normalize_color(filters.color), []))
        if filters.size:
            sizes = self._sizes_in_stock if filters.in_stock else self._sizes
            mask &= self._rows_mask(sizes.get(normalize_size(filters.size), []))
        return mask
