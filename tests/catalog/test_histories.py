"""Synthetic shopper histories: deterministic, consistent tastes, real products; DummyJSON carts."""

from __future__ import annotations

from collections import Counter

import pytest

from catalog import DEMO_PRODUCTS
from catalog.histories import baskets, dummyjson_histories, generate_histories
from retrieval.catalog import Product
from retrieval.importer import read_catalog
from tests.conftest import SHARED_DATA


@pytest.fixture(scope="module")
def products() -> list[Product]:
    return read_catalog(DEMO_PRODUCTS, "jsonl").products


def test_histories_are_deterministic_for_a_seed(products: list[Product]) -> None:
    one = generate_histories(products, 30, seed=3)
    assert one == generate_histories(products, 30, seed=3)
    assert one != generate_histories(products, 30, seed=4)
    # Shopper i does not depend on how many are generated.
    assert generate_histories(products, 10, seed=3) == one[:10]


def test_histories_are_ordered_and_name_real_products(products: list[Product]) -> None:
    by_id = {p.id: p for p in products}
    for shopper in generate_histories(products, 40):
        h = shopper.history
        times = [s.at for s in h.signals]
        assert times == sorted(times)
        assert all(s.product_id in by_id for s in h.signals)
        assert len(h.baskets) >= 2
        bought = [s.product_id for s in h.signals if s.kind == "purchased"]
        assert sorted(bought) == sorted(pid for b in h.baskets for pid in b)
        # Nothing is bought out of stock.
        assert all(by_id[pid].in_stock for pid in bought)


def test_shoppers_keep_to_their_tastes(products: list[Product]) -> None:
    by_id = {p.id: p for p in products}
    shoppers = generate_histories(products, 100)
    in_departments = on_brand = total = 0
    for s in shoppers:
        for pid in (x for b in s.history.baskets for x in b):
            total += 1
            in_departments += by_id[pid].category[0] in s.tastes.departments
            on_brand += by_id[pid].brand in s.tastes.brands
    assert in_departments / total > 0.75
    # Well above chance (a department has 4-6 brands) without being all of them.
    assert 0.3 < on_brand / total < 0.95
    assert 1 <= min(len(s.tastes.departments) for s in shoppers) <= max(len(s.tastes.departments) for s in shoppers) <= 2


def test_baskets_gather_every_order(products: list[Product]) -> None:
    shoppers = generate_histories(products, 20)
    assert baskets(shoppers) == [b for s in shoppers for b in s.history.baskets]
    assert Counter(len(b) for b in baskets(shoppers)).keys() <= {1, 2}


@pytest.mark.skipif(not (SHARED_DATA / "dummyjson_carts.json").exists(), reason="../shared/data not present")
def test_dummyjson_carts_become_histories() -> None:
    catalog, histories = dummyjson_histories(SHARED_DATA)
    ids = {p.id for p in catalog}
    assert len(catalog) > 100 and len(histories) > 100
    for h in histories:
        assert h.baskets and all(pid in ids for pid in h.baskets[0])
        assert [s.product_id for s in h.signals] == list(h.baskets[0])
        assert {s.kind for s in h.signals} == {"added_to_cart"}
