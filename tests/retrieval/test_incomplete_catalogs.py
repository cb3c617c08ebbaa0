"""Search and recommendations on catalogs missing an optional column: results, and only true reasons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval.filters import SearchFilters
from retrieval.indexing import sync_index
from retrieval.recommend import CoOccurrence, Recommendation, Recommender, ShopperProfile, Signal
from retrieval.search import ProductSearch
from retrieval.store import CatalogStore
from tests.incomplete_catalogs import BASKETS, OPTIONAL_COLUMNS, catalog_without, full_catalog

pytestmark = pytest.mark.slow
T0 = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)


@pytest.fixture(scope="module", params=[None, *OPTIONAL_COLUMNS])
def missing(request) -> str | None:
    return request.param


@pytest.fixture(scope="module")
def search(missing, tmp_path_factory, encoder) -> Iterator[ProductSearch]:
    folder: Path = tmp_path_factory.mktemp(f"without-{missing}")
    store = CatalogStore(folder / "catalog.db")
    store.upsert_many(catalog_without(missing) if missing else full_catalog())
    index, _ = sync_index(store, encoder, folder / "index", kind="flat")
    yield ProductSearch(store, index, encoder)
    store.close()


@pytest.fixture(scope="module")
def rec(search) -> Recommender:
    return Recommender(search, cooccurrence=CoOccurrence.from_baskets(BASKETS))


def _hiker() -> ShopperProfile:
    signals = [Signal(product_id="boot-1", kind="purchased", at=T0),
               Signal(product_id="watch-2", kind="viewed", at=T0 + dt.timedelta(hours=1))]
    return ShopperProfile(signals=signals, sizes=["10"], colors=["black"], brands=["Acme"])


def _assert_true(recs: list[Recommendation], missing: str | None) -> None:
    """Every reason rests on a fact the product (or the profile) has; none cites an absent one."""
    for r in recs:
        p = r.product
        for reason in r.reasons:
            text, facts = reason.text.lower(), reason.facts
            if reason.kind == "brand":
                assert p.brand and p.brand.lower() in text
            if reason.kind in ("category", "price", "pairing") or "category" in facts or "leaf" in facts:
                assert p.category, reason
            if "rating" in facts or "rated" in text:
                assert p.rating is not None and f"{p.rating:g}" in text, reason
            if "reviewers" in text:
                assert p.review_count and f"{p.review_count:,}" in text, reason
            if "in stock" in text or "available" in text:
                assert p.stock_known and p.in_stock, reason
        json = r.to_dict()
        assert json["stock_known"] == p.stock_known and json["brand"] == p.brand
    if missing == "brand":
        assert not any(x.kind == "brand" for r in recs for x in r.reasons)


def test_search_finds_products_and_filters_still_apply(search, missing) -> None:
    hits = search.search("waterproof hiking boots", k=5)
    assert hits and hits[0].product.id.startswith("boot")
    cheap = search.search("smartwatch", filters=SearchFilters(max_price=100, in_stock=True), k=5)
    assert [h.product.id for h in cheap][:1] == ["watch-2"]
    # Unknown stock is not "sold out": an in-stock filter keeps every product it cannot rule out.
    in_stock = {h.product.id for h in search.search("", filters=SearchFilters(in_stock=True), k=50)}
    assert in_stock == ({p.id for p in full_catalog()} - ({"boot-4"} if missing != "stock" else set()))
    assert all(h.to_dict()["stock_known"] == (missing != "stock") for h in hits)


def test_cold_start_recommends_within_the_request(rec, missing) -> None:
    browse = rec.recommend(k=5)
    asked = rec.recommend(query="smartwatch for my runs", k=3)
    assert len(browse) == 5 and asked
    assert asked[0].product.id.startswith("watch")
    _assert_true(browse + asked, missing)


def test_a_shopper_with_a_history_gets_personal_suggestions(rec, missing) -> None:
    hiker = _hiker()
    recs = rec.recommend(hiker, k=6)
    asked = rec.recommend(hiker, query="boots", k=3)
    assert len(recs) == 6 and asked
    assert "boot-1" not in {r.product.id for r in recs}  # bought: never suggested again
    assert all(r.product.id != "boot-4" or missing == "stock" for r in recs + asked)  # sold out
    _assert_true(recs + asked, missing)
    if missing != "brand":  # a stated favourite brand ranks its products up, and says so
        assert any(x.kind == "brand" for r in recs for x in r.reasons)


def test_complements_come_back_and_never_the_anchor(rec, missing) -> None:
    recs = rec.complements("boot-1", k=3)
    ids = [r.product.id for r in recs]
    assert ids and "boot-1" not in ids
    if missing != "category":  # the anchor's own kind is known: never a second pair of boots
        assert not any(i.startswith("boot") for i in ids)
    assert {"sock-1", "lamp-1"} & set(ids)  # bought with it in the store's own orders
    _assert_true(recs, missing)
