"""The Product model: what a store's data must satisfy and the facts derived from it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from retrieval.catalog import Product, split_category
from tests.conftest import make_product


@pytest.mark.parametrize(
    ("fields", "bad_field"),
    [
        ({"price": -1}, "price"),
        ({"title": "   "}, "title"),
        ({"currency": "dollars"}, "currency"),
        ({"rating": 7}, "rating"),
        ({"image_url": "javascript:alert(1)"}, "image_url"),
        ({"colour_of_box": 1, "unknown_field": 1}, "unknown_field"),
    ],
)
def test_invalid_products_name_the_field(fields: dict, bad_field: str) -> None:
    base = {"id": "p1", "title": "Mug", "price": 5}
    with pytest.raises(ValidationError) as info:
        Product(**{**base, **fields})
    assert bad_field in {str(err["loc"][0]) for err in info.value.errors()}


def test_compare_at_price_must_not_be_below_price() -> None:
    with pytest.raises(ValidationError, match="compare_at_price"):
        make_product("p", "Mug", price=20, compare_at_price=10)


def test_discount_is_derived_from_compare_at_price() -> None:
    assert make_product("p", "Mug", price=15, compare_at_price=20).discount_percent == 25
    assert make_product("p", "Mug", price=15).discount_percent is None


def test_stock_comes_from_variants_when_there_are_any() -> None:
    tee = make_product(
        "t", "Tee", stock=None, variants=[{"size": "m", "stock": 0}, {"size": "L", "color": "Gray", "stock": 2}]
    )
    assert tee.in_stock and tee.total_stock == 2
    assert tee.sizes == {"M", "L"} and tee.sizes_in_stock() == {"L"}
    assert tee.colors == {"grey"}  # gray is folded to grey


def test_untracked_stock_is_available_and_zero_stock_is_not() -> None:
    assert make_product("a", "A").in_stock
    assert not make_product("b", "B", stock=0).in_stock


def test_attribute_keys_and_colours_are_folded() -> None:
    p = make_product("a", "A", attributes={"Colour": "Navy Blue, Red", "Noise Cancelling": True})
    assert p.colors == {"navy", "red"}
    assert p.attributes["noise_cancelling"] == "true"


@pytest.mark.parametrize(
    ("raw", "path"),
    [
        ("Shoes > Men > Boots", ["Shoes", "Men", "Boots"]),
        ("Computers&Accessories|Cables", ["Computers&Accessories", "Cables"]),
        ("Furniture / Beds", ["Furniture", "Beds"]),
        (["A", " B "], ["A", "B"]),
        ("Luggage > Bags/Cases", ["Luggage", "Bags/Cases"]),
    ],
)
def test_category_paths_are_split(raw: object, path: list[str]) -> None:
    assert split_category(raw) == path  # type: ignore[arg-type]


def test_search_text_carries_title_brand_category_and_attributes() -> None:
    p = make_product("a", "Trail Boot", brand="TrailMax", category="Shoes > Boots", attributes={"material": "leather"},
                     description="First sentence. " + "x" * 400)
    text = p.search_text()
    for part in ("Trail Boot", "TrailMax", "Shoes > Boots", "material: leather", "First sentence."):
        assert part in text
    assert len(text) < 400  # the long description tail is cut at a sentence end
