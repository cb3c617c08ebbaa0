"""What a catalog sells, in its own words: a head noun it never uses is not carried."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from catalog import DEMO_PRODUCTS
from retrieval.coverage import Coverage, fold
from retrieval.importer import read_catalog
from retrieval.store import CatalogStore, FilterRow
from tests.conftest import SHARED_DATA
from tests.incomplete_catalogs import amazon_products


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


# -- compounds, modifiers, what a product fits, and meaning ---------------------------------


def test_a_compound_type_carries_the_word_it_ends_with():
    coverage = Coverage([
        row("1", "Pixora Smart TV 43", "Electronics > Televisions"),
        row("2", "Pixora Nova 5", "Electronics > Smartphones"),
        row("3", "Aurelin Sun Hat", "Accessories > Sunglasses"),
        row("4", "Usb Hub 4 Port", "Computers > Usbcables&Hubs"),  # glued like the Amazon.in export
    ])  # fmt: skip
    for word in ("phones", "phone", "glasses", "cables", "hubs"):
        assert coverage.carries(word), word
    # Only a head made of catalog words counts: "tele" is not one, so "visions" is not sold.
    assert not coverage.carries("visions")


def test_a_plural_of_a_word_used_only_as_a_modifier_names_something_else():
    coverage = Coverage(ROWS + [row("4", "Quellbyte Go Portable Charger", "Electronics > Phone Accessories")])
    assert coverage.carries("glass") and coverage.carries("kettle")
    # "prescription glasses" are not glass kettles; "phones" are not phone accessories.
    assert not coverage.carries("glasses") and not coverage.carries("phones")


def test_what_a_title_says_a_product_fits_is_not_something_sold():
    coverage = Coverage([
        row("1", "Optical Audio Cable (for Home Theatre, Xbox, PlayStation etc.)", "Electronics > Cables"),
        row("2", "Lint Shaver for Sweaters, Blankets and Sofas", "Home > Lint Shavers"),
    ])  # fmt: skip
    assert coverage.carries("cable") and coverage.carries("shaver")
    for word in ("playstation", "xbox", "sweaters", "sofa"):
        assert not coverage.carries(word), word


class _Counting:
    """The real encoder, counting the texts it is asked to encode."""

    def __init__(self, encoder) -> None:
        self.encoder, self.texts = encoder, 0

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.texts += len(texts)
        return self.encoder.encode(texts)


@pytest.fixture(scope="module")
def demo_rows(tmp_path_factory) -> list[FilterRow]:
    store = CatalogStore(tmp_path_factory.mktemp("coverage") / "catalog.db")
    store.upsert_many(read_catalog(DEMO_PRODUCTS, "jsonl").products)
    rows = store.filter_rows()
    store.close()
    return rows


@pytest.fixture(scope="module")
def demo_coverage(demo_rows, encoder) -> Coverage:
    return Coverage(demo_rows, encode=encoder.encode)


@pytest.mark.slow
@pytest.mark.parametrize(("word", "carried"), [
    ("couch", True), ("sofas", True), ("earphones", True), ("tents", True), ("running", True),
    ("kayaks", False), ("guitars", False), ("clubs", False), ("playstation", False), ("leash", False),
    ("phones", False), ("smartphones", False), ("wine", False),
])  # fmt: skip
def test_words_close_in_meaning_to_a_type_the_catalog_has_are_carried(demo_coverage, word, carried):
    assert demo_coverage.carries(word) is carried


@pytest.mark.slow
def test_words_the_catalog_uses_are_found_without_encoding_anything(demo_rows, encoder):
    counting = _Counting(encoder)
    coverage = Coverage(demo_rows, encode=counting)
    assert all(coverage.carries(w) for w in ("tents", "hiking", "boot", "sunglasses", "wristwatches"))
    assert counting.texts == 0  # the common case is set lookups: no model call per request
    assert not coverage.carries("kayaks") and counting.texts > 0


# -- the two imported stores (../shared/data) ------------------------------------------------


def _shared_rows(tmp_path: Path, products) -> list[FilterRow]:
    store = CatalogStore(tmp_path / "catalog.db")
    store.upsert_many(products)
    rows = store.filter_rows()
    store.close()
    return rows


@pytest.fixture(scope="module")
def dummyjson_coverage(tmp_path_factory, encoder) -> Coverage:
    path = SHARED_DATA / "dummyjson_products.json"
    if not path.is_file():
        pytest.skip("dummyjson_products.json is not available in ../shared/data")
    return Coverage(_shared_rows(tmp_path_factory.mktemp("dummyjson"), read_catalog(path).products), encode=encoder.encode)


@pytest.fixture(scope="module")
def amazon_coverage(tmp_path_factory, encoder) -> Coverage:
    return Coverage(_shared_rows(tmp_path_factory.mktemp("amazon"), amazon_products()), encode=encoder.encode)


UNSOLD_ANYWHERE = ["kayaks", "guitars", "clubs", "playstation", "leash"]


@pytest.mark.slow
@pytest.mark.parametrize(("word", "carried"), [
    ("phones", True), ("smartphones", True), ("perfume", True), ("watches", True), ("sunglasses", True),
    ("glasses", True), ("laptops", True), ("sofa", True), ("couch", True),
    *((w, False) for w in UNSOLD_ANYWHERE), ("sweaters", False), ("bicycles", False),
])  # fmt: skip
def test_dummyjson(dummyjson_coverage, word, carried):
    assert dummyjson_coverage.carries(word) is carried


@pytest.mark.slow
@pytest.mark.parametrize(("word", "carried"), [
    ("phones", True), ("smartphones", True), ("cables", True), ("televisions", True), ("kettles", True),
    ("grinders", True), ("powerbanks", True), ("mice", True),
    *((w, False) for w in UNSOLD_ANYWHERE), ("sweaters", False), ("sofas", False), ("perfume", False),
])  # fmt: skip
def test_amazon_in(amazon_coverage, word, carried):
    assert amazon_coverage.carries(word) is carried
