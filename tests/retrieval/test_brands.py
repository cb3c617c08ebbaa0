"""Brands read from titles when the catalog has no brand column: found by "<brand> <thing>", never stated."""

from __future__ import annotations

from pathlib import Path

from retrieval.brands import title_brands
from retrieval.catalog import Product
from retrieval.filters import FilterIndex, SearchFilters
from retrieval.store import CatalogStore
from tests.conftest import make_product
from tests.incomplete_catalogs import amazon_products, catalog_without


def _rows(products: list[Product]) -> list[tuple[str, str, str | None, str]]:
    return [(p.id, p.title, p.brand, p.category_path) for p in products]


def _filters(tmp_path: Path, products: list[Product]) -> FilterIndex:
    store = CatalogStore(tmp_path / "catalog.db")
    store.upsert_many(products)
    rows = store.filter_rows()
    store.close()
    return FilterIndex(rows, [r.id for r in rows])


def test_a_recurring_leading_word_is_a_brand() -> None:
    found = title_brands(_rows(catalog_without("brand")))
    assert found["boot-1"] == found["boot-2"] == found["watch-3"] == "Acme"
    assert found["sock-1"] == "Woolly" and found["power-2"] == "Volt"


def test_generic_and_category_words_and_one_offs_are_not_brands() -> None:
    products = [
        make_product("a", "Wireless Earbuds with Case", category="Audio > Earbuds"),
        make_product("b", "Wireless Charging Pad", category="Power > Chargers"),
        make_product("c", "Echo Wireless Headphones", category="Audio > Headphones"),
        make_product("d", "Echo Wireless Speaker", category="Audio > Speakers"),
        make_product("e", "Echo Studio Wireless Soundbar", category="Audio > Speakers"),
        make_product("f", "Headphones Stand in Oak", category="Audio > Accessories"),
        make_product("g", "Headphones Case", category="Audio > Accessories"),
        make_product("h", "Zenith Record Player", category="Audio > Turntables"),
        make_product("i", "Travel Wireless Mouse", category="Computers > Mice"),
        make_product("j", "Compact Wireless Keyboard", category="Computers > Keyboards"),
        make_product("k", "Slim Wireless Presenter", category="Computers > Accessories"),
    ]
    found = title_brands(_rows(products))
    # "Wireless" sits inside most titles holding it (2 of 8 start with it), "Headphones"
    # names a category, "Zenith" starts a single title: only "Echo" is read as a brand.
    assert found == {"c": "Echo", "d": "Echo", "e": "Echo"}


def test_a_stated_brand_is_recognised_at_the_start_of_a_brandless_title() -> None:
    products = [make_product("a", "Loom & Co Linen Shirt", brand="Loom & Co"),
                make_product("b", "Loom & Co Chinos")]
    assert title_brands(_rows(products)) == {"b": "Loom & Co"}


def test_the_brand_filter_finds_title_brands_and_only_them(tmp_path: Path) -> None:
    products = catalog_without("brand")
    filters = _filters(tmp_path, products)
    ids = [r for r in filters.mask(SearchFilters(brand="acme")).nonzero()[0]]
    titles = sorted(products[i].title for i in ids)
    assert titles == ["Acme Crest Leather Hiking Boots", "Acme Ridge Waterproof Hiking Boots", "Acme Trek Outdoor Smartwatch"]
    # Derived for filtering only: the product itself still states no brand.
    assert all(p.brand is None for p in products)


def test_amazon_titles_give_brands_that_filter_to_their_own_products(tmp_path: Path) -> None:
    products = amazon_products()
    assert all(p.brand is None for p in products)
    found = title_brands(_rows(products))
    assert len(found) > 0.7 * len(products)  # most titles start with their maker
    assert {"boAt", "Samsung", "Philips", "Fire-Boltt", "Noise", "Redmi"} <= set(found.values())
    filters = _filters(tmp_path, products)
    for brand in ("boAt", "Samsung"):
        rows = filters.mask(SearchFilters(brand=brand)).nonzero()[0]
        assert len(rows) >= 20
        assert all(products[i].title.lower().startswith(brand.lower() + " ") for i in rows)


def test_a_word_starting_titles_of_other_brands_is_not_a_brand() -> None:
    # DummyJSON: "Red Onions" and "Red Tongs" have no brand, but "Red Shoes" and "Red Lipstick"
    # state theirs: "red shoes" must not read as the brand Red.
    products = [
        make_product("1", "Red Onions", category="groceries"),
        make_product("2", "Red Tongs", category="kitchen-accessories"),
        make_product("3", "Red Shoes", brand="Fashion Express", category="womens-shoes"),
        make_product("4", "Red Lipstick", brand="Chic Cosmetics", category="beauty"),
        make_product("5", "Volt Charger", category="electronics"),
        make_product("6", "Volt Cable", category="electronics"),
    ]
    found = title_brands(_rows(products))
    assert "1" not in found and "2" not in found
    assert found["5"] == found["6"] == "Volt"
