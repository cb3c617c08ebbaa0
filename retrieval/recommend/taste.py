"""A shopper's taste as arrays over the catalog's codes: brands, categories, price band."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from retrieval.recommend.columns import CatalogColumns
from retrieval.recommend.profile import Engagement, ShopperProfile


@dataclass(frozen=True)
class Taste:
    """Everything the features read from a profile, resolved against the catalog once."""

    engaged_rows: np.ndarray  # rows of engaged products, strongest first
    engaged_weights: np.ndarray  # their decayed weights, the strongest = 1
    engaged_ids: list[str]
    brand: np.ndarray  # affinity per brand code in [0, 1]
    brand_liked: np.ndarray  # bool per brand code: a stated favourite
    category: np.ndarray  # affinity per category code in [0, 1]
    department: np.ndarray  # affinity per department code in [0, 1]
    band: float | None  # engagement-weighted mean price position, None without history
    sizes: list[str]
    colors: list[str]

    @classmethod
    def of(cls, profile: ShopperProfile, engaged: Engagement, columns: CatalogColumns,
           row_of: dict[str, int]) -> Taste:
        """Resolve a profile and its engagement against the catalog columns."""
        ids = [pid for pid in engaged.weights if pid in row_of]
        rows = np.array([row_of[pid] for pid in ids], dtype=np.int64)
        weights = np.array([engaged.weights[pid] for pid in ids], dtype=np.float64)
        if len(weights):
            weights = weights / weights.max()
        liked = np.zeros(len(columns.brand_names), dtype=bool)
        wanted = profile.liked_brands()
        for code, name in enumerate(columns.brand_names):
            liked[code] = name in wanted
        brand = _shares(columns.brand[rows], weights, len(columns.brand_names))
        brand = np.maximum(brand, liked.astype(np.float64))
        category = _shares(columns.category[rows], weights, len(columns.category_names))
        department = _shares(columns.department[rows], weights, len(columns.department_names))
        positions = columns.price_position[rows]
        known = ~np.isnan(positions)
        band = float(np.average(positions[known], weights=weights[known])) if known.any() else None
        return cls(rows, weights, ids, brand, liked, category, department, band,
                   list(profile.sizes), list(profile.colors))


def _shares(codes: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
    """Weight per code scaled so the shopper's favourite is 1; codes < 0 (unknown) are ignored."""
    out = np.zeros(n)
    keep = codes >= 0
    np.add.at(out, codes[keep], weights[keep])
    top = out.max() if n else 0.0
    return out / top if top > 0 else out
