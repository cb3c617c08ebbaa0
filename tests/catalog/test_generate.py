"""The demo catalog generator and its judged query set: deterministic, valid, in sync."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from catalog import queries
from catalog.generate import (
    DEFAULT_COUNT,
    DEFAULT_OUT,
    dump_lines,
    generate_products,
    write_catalog,
)
from catalog.vocabulary import DEPARTMENTS, TYPES
from retrieval.catalog import Product


@pytest.fixture(scope="module")
def committed() -> list[str]:
    return DEFAULT_OUT.read_text(encoding="utf-8").splitlines(keepends=True)


@pytest.fixture(scope="module")
def products(committed: list[str]) -> list[Product]:
    return [Product.model_validate_json(line) for line in committed]


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    write_catalog(a, count=150, seed=3)
    write_catalog(b, count=150, seed=3)
    write_catalog(c, count=150, seed=4)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_product_i_does_not_depend_on_count() -> None:
    # Benchmarks grow the catalog; the committed products must stay its first slice.
    assert list(generate_products(40)) == list(generate_products(400))[:40]


def test_committed_catalog_matches_generator(committed: list[str]) -> None:
    assert committed == list(dump_lines(generate_products(DEFAULT_COUNT)))


def test_lines_are_in_canonical_product_form(committed: list[str]) -> None:
    # What the generator writes is exactly what Product reads back: no silent folding.
    for line in committed[:300]:
        data = json.loads(line)
        assert Product.model_validate(data).model_dump(mode="json", exclude_none=True) == data


def test_catalog_shape(products: list[Product]) -> None:
    assert len(products) >= 1000
    assert len({p.id for p in products}) == len(products)
    assert len({p.category[0] for p in products}) >= 12
    assert set(DEPARTMENTS) <= {p.category[0] for p in products}
    assert 80 <= len({p.category[-1] for p in products}) <= 120
    assert all(2 <= len(p.category) <= 3 for p in products)
    assert all(p.currency == "USD" and p.price > 0 for p in products)
    assert all(p.image_url and p.product_url and p.tags for p in products)


def test_reviews_are_mixed_and_consistent(products: list[Product]) -> None:
    assert all(len(p.reviews) >= 3 for p in products)
    ratings = Counter(r.rating for p in products for r in p.reviews)
    assert ratings[5] + ratings[4] > 0 and ratings[1] + ratings[2] > 0
    for p in products:
        mean = sum(r.rating or 0 for r in p.reviews) / len(p.reviews)
        assert p.rating == round(mean, 1)
        assert p.review_count >= len(p.reviews)
        assert all(r.date and r.date.year == 2025 and r.author and r.text for r in p.reviews)


def test_stock_and_sales(products: list[Product]) -> None:
    out = sum(not p.in_stock for p in products) / len(products)
    assert 0.05 <= out <= 0.13
    assert any(p.in_stock and any(v.stock == 0 for v in p.variants) for p in products)
    sale = sum(p.compare_at_price is not None for p in products) / len(products)
    assert 0.12 <= sale <= 0.28
    apparel = [p for p in products if p.category[0] in ("Apparel", "Shoes")]
    assert apparel and all(p.variants and p.stock is None for p in apparel)


def test_descriptions_state_only_their_own_facts(products: list[Product]) -> None:
    # Spot check: a product that says "waterproof" in its description is waterproof.
    for p in products:
        text = p.description.lower()
        if "a waterproof build" in text:
            assert p.attributes.get("waterproof") == "yes"
        if "active noise cancelling" in text:
            assert p.attributes.get("noise_cancelling") == "yes"
        assert 2 <= text.count(". ") + 1 <= 4


def test_generate_products_scales_with_unique_ids() -> None:
    ids = [p["id"] for p in generate_products(10_000)]
    assert len(ids) == len(set(ids)) == 10_000


def test_every_type_is_well_formed() -> None:
    from catalog import phrases

    for t in TYPES:
        for aspect in t.aspects:
            assert aspect in phrases.ASPECTS, (t.name, aspect)
        assert t.price[0] < t.price[1]
        assert t.scale is None or t.scale in {s.partition("?")[0] for s in t.attrs}


# ---- the judged query set -------------------------------------------------------------


@pytest.fixture(scope="module")
def query_rows() -> list[dict]:
    text = queries.QUERIES_PATH.read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def test_queries_are_judged_and_resolvable(query_rows: list[dict], products: list[Product]) -> None:
    ids = {p.id for p in products}
    assert len(query_rows) >= 100
    assert len({r["id"] for r in query_rows}) == len(query_rows)
    assert {r["kind"] for r in query_rows} == set(queries.KINDS)
    for row in query_rows:
        grades = row["judgments"]
        assert 2 in grades.values(), row["query"]
        assert set(grades.values()) <= {1, 2}
        assert set(grades) <= ids


def test_regenerating_queries_gives_the_same_file(products: list[Product]) -> None:
    text = queries.render(queries.judge(queries.QUERIES, products))
    assert text == queries.QUERIES_PATH.read_text(encoding="utf-8")


def test_grading_rules(products: list[Product]) -> None:
    by_id = {p.id: p for p in products}
    spec = queries.Q("waterproof hiking boots", "type+attribute", "Hiking Boots", waterproof="yes")
    boots = [p for p in products if p.category[-1] == "Hiking Boots"]
    for p in boots:
        assert queries.grade(spec, p) == (2 if p.attributes["waterproof"] == "yes" else 1)
    # A related type counts only when it breaks no stated constraint.
    trail = next(p for p in products if p.category[-1] == "Trail Running Shoes"
                 and p.attributes["waterproof"] == "no")
    assert queries.grade(spec, trail) == 0
    cheap = queries.Q("running shoes under 80", "price", "Running Shoes", max_price=80)
    for p in by_id.values():
        if p.category[-1] == "Running Shoes":
            assert queries.grade(cheap, p) == (2 if p.price <= 80 else 1)
    brand = queries.Q("sonwave", "brand", brand="Sonwave")
    assert all(queries.grade(brand, p) == (2 if p.brand == "Sonwave" else 0) for p in products)
