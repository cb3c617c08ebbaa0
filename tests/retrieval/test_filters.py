"""Exact filters over filter rows: who a product is for, stated features, numeric bounds,
excluded categories and colour+size as one variant."""

from __future__ import annotations

import pytest

from retrieval.filters import FilterIndex, SearchFilters, normalize_gender, product_gender
from retrieval.store import FilterRow


def row(pid: str, *, category: str = "Shoes > Hiking Boots", title: str = "Boot", attributes: dict | None = None,
        variants: tuple = (), in_stock: bool = True) -> FilterRow:  # fmt: skip
    colors = tuple(sorted({c for c, _, _ in variants if c}))
    sizes = tuple(sorted({s for _, s, _ in variants if s}))
    return FilterRow(
        id=pid, price=50.0, in_stock=in_stock, rating=4.0, brand=None, category=category.lower(), colors=colors,
        sizes=sizes, sizes_in_stock=tuple(sorted({s for _, s, b in variants if s and b})),
        colors_in_stock=tuple(sorted({c for c, _, b in variants if c and b})), review_count=3, title=title,
        attributes=attributes or {}, variants=variants,
    )  # fmt: skip


ROWS = [
    row("women-boot", title="Women's Trail Boot", attributes={"gender": "women", "waterproof": "yes"}),
    row("men-boot", title="Men's Trail Boot", attributes={"gender": "men", "waterproof": "no"}),
    row("unisex-boot", title="Trail Boot", attributes={"waterproof": "yes"}),
    row("kids-boot", category="Kids > Shoes", title="Boot"),
    row("tent-2", category="Camping > Tents", attributes={"capacity_people": "2"}),
    row("tent-4", category="Camping > Tents", attributes={"capacity_people": "4"}),
    row("tent-6", category="Camping > Tents", attributes={"capacity_people": "6"}),
    row("coffee-maker", category="Kitchen > Coffee Makers"),
    row("kettle", category="Kitchen > Electric Kettles"),
    # Red comes in 9 only; 11 only in black.
    row("red-9-black-11", category="Shoes > Running Shoes", variants=(("red", "9", True), ("black", "11", True))),
    row("red-11", category="Shoes > Running Shoes", variants=(("red", "11", True), ("black", "9", True))),
    row("red-11-sold-out", category="Shoes > Running Shoes", variants=(("red", "11", False), ("red", "9", True))),
]


@pytest.fixture(scope="module")
def index() -> FilterIndex:
    return FilterIndex(ROWS, [r.id for r in ROWS])


def matching(index: FilterIndex, **filters) -> set[str]:
    mask = index.mask(SearchFilters(**filters))
    return {r.id for r, keep in zip(ROWS, mask, strict=True) if keep}


def test_gender_leaves_out_products_made_for_someone_else_and_keeps_unstated(index):
    found = matching(index, category="Hiking Boots", gender="women")
    assert found == {"women-boot", "unisex-boot"}


def test_a_stated_feature_must_be_stated_by_the_product(index):
    assert matching(index, attributes={"waterproof": "yes"}) == {"women-boot", "unisex-boot"}


def test_numeric_bounds_read_the_attribute_as_a_number(index):
    assert matching(index, at_least={"capacity_people": 4}) == {"tent-4", "tent-6"}
    assert matching(index, at_most={"capacity_people": 4}) == {"tent-2", "tent-4"}
    # A bound on a measure this catalog does not have matches nothing rather than everything.
    assert matching(index, at_least={"capacity_gallons": 1}) == set()


def test_excluded_categories_are_left_out(index):
    assert matching(index, category="Kitchen", exclude_categories=["Coffee Makers"]) == {"kettle"}


def test_colour_and_size_must_be_one_variant(index):
    assert matching(index, color="red", size="11") == {"red-11", "red-11-sold-out"}
    assert matching(index, color="red", size="11", in_stock=True) == {"red-11"}


@pytest.mark.parametrize(
    ("attributes", "category", "title", "expected"),
    [
        ({"gender": "Women"}, "", "", "women"),
        ({}, "womens-shoes", "", "women"),
        ({}, "mens-shirts", "", "men"),
        ({}, "Apparel > Kids > Socks", "", "kids"),
        ({}, "Shoes", "Men's Ridge Boot", "men"),
        ({}, "Kitchen", "Kettle", None),
    ],
)
def test_who_a_product_is_for_comes_from_its_attribute_category_or_title(attributes, category, title, expected):
    assert product_gender(attributes, category, title) == expected


def test_gender_words_normalise():
    assert [normalize_gender(w) for w in ("Ladies", "mens", "boys", "unisex", None)] == ["women", "men", "kids", None, None]


def test_stating_keeps_products_that_state_the_attribute_at_all(index):
    assert matching(index, stating=["capacity_people"]) == {"tent-2", "tent-4", "tent-6"}
    assert matching(index, stating=["gender|capacity_people"]) == {"women-boot", "men-boot", "tent-2", "tent-4", "tent-6"}
