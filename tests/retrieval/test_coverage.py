"""What a catalog sells, in its own words: a head noun it never uses is not carried."""

from __future__ import annotations

import numpy as np

from retrieval.coverage import Coverage, fold
from retrieval.store import FilterRow


def row(pid: str, title: str, category: str, brand: str | None = None, attributes: dict | None = None) -> FilterRow:
    return FilterRow(id=pid, price=10.0, in_stock=True, rating=None, brand=brand, category=category.lower(), colors=(),
                     sizes=(), sizes_in_stock=(), colors_in_stock=(), review_count=0, title=title,
                     attributes=attributes or {})  # fmt: skip


ROWS = [
    row("1", "TrailMax Ridge Hiking Boots", "Shoes > Hiking Boots", brand="TrailMax"),
    row("2", "Brewsmith Glass Electric Kettle", "Kitchen > Electric Kettles", attributes={"material": "borosilicate glass"}),
    row("3", "Pixora Tablet 10", "Electronics > Tablets"),
]


def test_words_the_catalog_uses_are_carried_in_any_number():
    coverage = Coverage(ROWS)
    for word in ("boots", "boot", "Kettles", "trailmax", "borosilicate", "tablets"):
        assert coverage.carries(word), word
    for word in ("kayak", "surfboards", "wine", "guitar"):
        assert not coverage.carries(word), word


def test_folding_is_a_crude_singular():
    assert [fold(w) for w in ("boots", "batteries", "glasses", "dress", "Chef's", "bus")] == [
        "boot", "battery", "glass", "dress", "chef", "bus",
    ]  # fmt: skip


def test_nearest_categories_come_from_the_catalog_by_meaning():
    coverage = Coverage(ROWS)
    # A stand-in encoder: one axis per idea, so "kayak" is closest to the shoes' outdoors axis.
    axes = {"kayak": [1, 0, 0], "Shoes": [1, 0, 0], "Hiking Boots": [0.9, 0.1, 0], "Kitchen": [0, 1, 0],
            "Electric Kettles": [0, 1, 0], "Electronics": [0, 0, 1], "Tablets": [0, 0, 1]}  # fmt: skip

    def encode(texts: list[str]) -> np.ndarray:
        return np.array([axes[t] for t in texts], dtype=np.float32)

    assert coverage.nearest_categories("kayak", encode, k=2) == ["Shoes", "Hiking Boots"]
