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
    category: np.ndarray  # affinity per category code (full path) in [0, 1]
    leaf: np.ndarray  # affinity per leaf code ("Hiking Boots" under Men or Women) in [0, 1]
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
        # A brand's affinity is its share of the shopper's engagement, not its ratio to the
        # favourite: three boots of three brands say "no brand loyalty" (a third each),
        # where scaling to the favourite gave every one of them full affinity, enough to
        # lift a rain boot of one of those brands over the hiking boots the shopper buys.
        brand = _shares(columns.brand[rows], weights, len(columns.brand_names), of_total=True)
        brand = np.maximum(brand, liked.astype(np.float64))
        category = _shares(columns.category[rows], weights, len(columns.category_names))
        leaf = _shares(columns.leaf[rows], weights, len(columns.leaf_names))
        department = _shares(columns.department[rows], weights, len(columns.department_names))
        positions = columns.price_position[rows]
        known = ~np.isnan(positions)
        band = float(np.average(positions[known], weights=weights[known])) if known.any() else None
        return cls(rows, weights, ids, brand, liked, category, leaf, department, band,
                   list(profile.sizes), list(profile.colors))

    @staticmethod
    def of_rows(per_code: np.ndarray, codes: np.ndarray) -> np.ndarray:
        """Each row's affinity for its code; 0 where the row has no value (code -1).

        A catalog without the column (no brands at all) has an empty `per_code`, and
        every code is -1: nothing is indexed, every row gets 0.
        """
        out = np.zeros(len(codes))
        known = codes >= 0
        out[known] = per_code[codes[known]]
        return out


def _shares(codes: np.ndarray, weights: np.ndarray, n: int, *, of_total: bool = False) -> np.ndarray:
    """Weight per code scaled so the shopper's favourite is 1 (or, with `of_total`, as a
    fraction of all engagement with a known code); codes < 0 (unknown) are ignored."""
    out = np.zeros(n)
    keep = codes >= 0
    np.add.at(out, codes[keep], weights[keep])
    top = (out.sum() if of_total else out.max()) if n else 0.0
    return out / top if top > 0 else out
