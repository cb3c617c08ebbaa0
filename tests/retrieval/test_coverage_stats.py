"""Catalog coverage: what a store owner learns about the facts their catalog states."""

from __future__ import annotations

from retrieval.coverage_stats import catalog_coverage, coverage_dict, coverage_lines
from tests.conftest import make_product


def _catalog() -> list:
    return [
        make_product("a", "Mug", brand="Kettleby", stock=3, rating=4.5, currency="INR",
                     image_url="https://x.test/a.jpg", category="Kitchen > Mugs"),
        make_product("b", "Cup", variants=[{"size": "M", "stock": 0}], currency="INR",
                     category="Kitchen > Cups", reviews=[{"text": "Nice", "rating": 5}]),
        make_product("c", "Pan", currency="EUR", compare_at_price=20, category="Cookware"),
    ]  # fmt: skip


def test_counts_each_fact_and_says_what_is_lost() -> None:
    coverage = catalog_coverage(_catalog())
    fields = {f.name: f for f in coverage.fields}
    assert coverage.total == 3 and coverage.departments == 2
    assert coverage.in_stock == 2  # the cup's only size is sold out; the pan does not say
    assert coverage.currencies == {"INR": 2, "EUR": 1}
    assert (fields["brand"].count, fields["brand"].percent) == (1, "33%")
    # Stock is known for the mug (a number) and the cup (its variants), not for the pan.
    assert fields["stock (known)"].count == 2
    assert fields["reviews"].count == 1 and fields["review count"].count == 0
    assert fields["compare-at price"].count == 1 and fields["variants"].count == 1
    assert fields["category"].consequence is None  # every product has one
    assert fields["product URL"].count == 0 and "link" in (fields["product URL"].consequence or "")
    assert "brand" in (fields["brand"].consequence or "")


def test_a_percentage_never_rounds_a_gap_away() -> None:
    products = [make_product(str(i), "Mug", rating=4.0) for i in range(999)]
    products.append(make_product("x", "Mug"))
    [rating] = [f for f in catalog_coverage(products).fields if f.name == "rating"]
    assert rating.percent == "99%" and rating.consequence is not None


def test_lines_for_the_terminal_and_data_for_scripts() -> None:
    coverage = catalog_coverage(_catalog())
    text = "\n".join(coverage_lines(coverage))
    assert "3 products in 2 departments" in text
    assert "INR 2, EUR 1" in text
    brand_line = next(line for line in coverage_lines(coverage) if "brand" in line)
    assert "1 of 3 (33%)" in brand_line
    data = coverage_dict(coverage)
    assert (data["products"], data["in_stock"], data["out_of_stock"]) == (3, 2, 1)
    assert data["coverage"]["image"]["count"] == 1  # type: ignore[index]


def test_an_empty_catalog() -> None:
    coverage = catalog_coverage([])
    assert coverage.total == 0 and all(f.percent == "0%" for f in coverage.fields)
    assert coverage_lines(coverage)[0].startswith("0 products")
