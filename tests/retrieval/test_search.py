"""Hybrid search as a shopper meets it: relevant first, filters always honoured, edits visible."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrieval.catalog import Product, normalize_color, normalize_size
from retrieval.filters import SearchFilters
from retrieval.importer import read_catalog
from retrieval.indexing import sync_index
from retrieval.relevance import RelevanceFloor
from retrieval.search import ProductSearch
from retrieval.store import CatalogStore
from tests.conftest import REPO, make_product

pytestmark = pytest.mark.slow


def _build(folder: Path, products: list[Product], encoder, kind: str = "auto") -> ProductSearch:
    store = CatalogStore(folder / "catalog.db")
    store.upsert_many(products)
    index, _ = sync_index(store, encoder, folder / "index", kind=kind)  # type: ignore[arg-type]
    return ProductSearch(store, index, encoder, index_root=folder / "index")


@pytest.fixture
def small(tmp_path: Path, encoder, sample_products) -> Iterator[ProductSearch]:
    search = _build(tmp_path, sample_products, encoder)
    yield search
    search.store.close()


@pytest.fixture(scope="session")
def demo_products() -> list[Product]:
    parsed = read_catalog(REPO / "catalog" / "products.jsonl", "jsonl")
    assert not parsed.issues
    return parsed.products


@pytest.fixture(scope="session", params=["flat", "hnsw"])
def demo(request, tmp_path_factory, encoder, demo_products) -> Iterator[ProductSearch]:
    search = _build(tmp_path_factory.mktemp(f"demo-{request.param}"), demo_products, encoder, request.param)
    yield search
    search.store.close()


def _ids(hits) -> list[str]:
    return [h.product.id for h in hits]


def test_meaning_and_exact_words_both_find_products(small: ProductSearch) -> None:
    assert _ids(small.search("something to keep my coffee hot on the commute", k=1)) == ["mug-1"]
    assert _ids(small.search("TrailMax", k=1, mode="lexical")) == ["boot-1"]
    assert _ids(small.search("TrailMax", k=1)) == ["boot-1"]
    assert _ids(small.search("earphones for the gym", k=1, mode="dense")) == ["buds-1"]


def test_hits_say_where_each_retriever_ranked_them(small: ProductSearch) -> None:
    hit = small.search("waterproof hiking boots", k=1)[0]
    assert hit.product.id == "boot-1" and hit.dense_rank == 1 and hit.lexical_rank == 1
    assert set(hit.to_dict()) >= {"id", "title", "price", "currency", "category", "in_stock", "score"}


def test_a_selective_filter_still_fills_the_page(small: ProductSearch) -> None:
    # The query is about boots, but only Kettleby is allowed: both Kettleby products come back.
    hits = small.search("hiking boots", filters=SearchFilters(brand="kettleby"), k=5)
    assert sorted(_ids(hits)) == ["mug-1", "press-1"]


def test_in_stock_with_size_means_that_size_can_be_bought(small: ProductSearch) -> None:
    assert _ids(small.search("boots", filters=SearchFilters(size="10"), k=5)) == ["boot-1"]
    assert small.search("boots", filters=SearchFilters(size="10", in_stock=True), k=5) == []
    assert _ids(small.search("tee", filters=SearchFilters(color="grey", category="apparel"), k=5)) == ["tee-1"]
    # The grey tee's only grey size is sold out; "gray" is the same colour as "grey".
    assert small.search("tee", filters=SearchFilters(color="gray", in_stock=True, category="apparel"), k=5) == []


def test_category_filter_includes_the_subtree(small: ProductSearch) -> None:
    assert sorted(_ids(small.search("", filters=SearchFilters(category="Shoes"), k=10))) == ["boot-1", "boot-2", "run-1"]
    assert sorted(_ids(small.search("", filters=SearchFilters(category="shoes > men"), k=10))) == ["boot-1", "run-1"]
    assert _ids(small.search("", filters=SearchFilters(category="hiking boot"), k=10, sort="price_asc")) == [
        "boot-1", "boot-2"]


def test_weak_tail_matches_are_not_shown_as_matches(small: ProductSearch) -> None:
    # One product of eight is earphones: the boots, tee and lamp nearest after it are not matches.
    assert _ids(small.search("earphones for the gym", k=8)) == ["buds-1"]
    assert sorted(_ids(small.search("coffee", k=8))) == ["mug-1", "press-1"]


def test_filters_that_name_the_kind_of_product_keep_every_hit(small: ProductSearch) -> None:
    # The shopper asked for the kitchen: both kitchen products are shown, however unlike boots.
    hits = small.search("hiking boots", filters=SearchFilters(category="Kitchen"), k=8)
    assert sorted(_ids(hits)) == ["mug-1", "press-1"]
    assert len(small.search("", filters=SearchFilters(max_price=200), k=8)) == 8  # browsing: no floor


@pytest.mark.parametrize(("query", "category"), [("couch", "Sofas"), ("tents", "Tents"), ("dog bed", "Dog Beds")])
def test_every_hit_shown_is_what_was_asked_for(demo: ProductSearch, query: str, category: str) -> None:
    hits = demo.search(query, k=40)
    assert len(hits) >= 5 and {h.product.category[-1] for h in hits} == {category}


def test_sorting_by_price_and_rating(small: ProductSearch) -> None:
    prices = [h.product.price for h in small.search("coffee", k=5, sort="price_asc")]
    assert prices == sorted(prices) and len(prices) >= 2
    ratings = [h.product.rating or 0 for h in small.search("", k=8, sort="rating")]
    assert ratings == sorted(ratings, reverse=True)


def test_upsert_and_delete_are_searchable_at_once_and_persist(small: ProductSearch, encoder, tmp_path: Path) -> None:
    kettle = make_product("kettle-1", "Gooseneck Electric Kettle", brand="Kettleby", price=45.0,
                          category="Kitchen > Coffee & Tea > Kettles", description="Pour-over kettle.")
    small.upsert([kettle])
    assert _ids(small.search("pour over kettle", k=1)) == ["kettle-1"]
    small.delete(["mug-1"])
    assert "mug-1" not in _ids(small.search("travel mug", k=10))
    # A fresh process sees the same catalog and index without re-encoding anything.
    store = CatalogStore(tmp_path / "catalog.db")
    index, report = sync_index(store, encoder, tmp_path / "index")
    assert report.encoded == 0 and not report.rebuilt
    again = ProductSearch(store, index, encoder)
    assert _ids(again.search("pour over kettle", k=1)) == ["kettle-1"]
    assert "mug-1" not in _ids(again.search("travel mug", k=10))
    store.close()


def _violations(p: Product, f: SearchFilters) -> list[str]:
    """Every way `p` breaks `f`, computed straight from the product's own facts."""
    bad = []
    if f.min_price is not None and p.price < f.min_price:
        bad.append("min_price")
    if f.max_price is not None and p.price > f.max_price:
        bad.append("max_price")
    if f.in_stock and not p.in_stock:
        bad.append("in_stock")
    if f.min_rating is not None and (p.rating is None or p.rating < f.min_rating):
        bad.append("min_rating")
    if f.brand and (p.brand or "").lower() != f.brand.lower():
        bad.append("brand")
    if f.category and f.category.lower() not in [c.lower() for c in p.category]:
        bad.append("category")
    if f.color:
        colors = p.colors_in_stock() if f.in_stock else p.colors
        if normalize_color(f.color) not in colors:
            bad.append("color")
    if f.size:
        sizes = p.sizes_in_stock() if f.in_stock else p.sizes
        if normalize_size(f.size) not in sizes:
            bad.append("size")
    if f.color and f.size and any(v.color and v.size for v in p.variants):
        # "Brown in size S" is one variant: brown in M and black in S is not it.
        pair = (normalize_color(f.color), normalize_size(f.size))
        if not any((normalize_color(v.color or ""), normalize_size(v.size or "")) == pair and (v.stock > 0 or not f.in_stock)
                   for v in p.variants):  # fmt: skip
            bad.append("variant")
    return bad


QUERIES = ["boots", "gift for a gardener", "wireless", "red", "something cosy for winter", "", "kitchen knife"]


@st.composite
def filters_from(draw, products: list[Product]) -> SearchFilters:
    values: dict[str, object] = {}
    pick = lambda xs: draw(st.sampled_from(sorted(xs)))  # noqa: E731
    if draw(st.booleans()):
        values["brand"] = pick({p.brand for p in products if p.brand}).upper()
    if draw(st.booleans()):
        values["category"] = pick({c for p in products for c in p.category})
    if draw(st.booleans()):
        values["color"] = pick({c for p in products for c in p.colors})
    if draw(st.booleans()):
        values["size"] = pick({s for p in products for s in p.sizes})
    if draw(st.booleans()):
        values["min_price"] = draw(st.floats(0, 300, allow_nan=False))
    if draw(st.booleans()):
        values["max_price"] = draw(st.floats(values.get("min_price", 0), 2000, allow_nan=False))  # type: ignore[arg-type]
    values["in_stock"] = draw(st.booleans())
    if draw(st.booleans()):
        values["min_rating"] = draw(st.sampled_from([3.0, 4.0, 4.5]))
    return SearchFilters(**values)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_hit_ever_violates_a_filter(demo: ProductSearch, demo_products: list[Product], data) -> None:
    f = data.draw(filters_from(demo_products))
    query = data.draw(st.sampled_from(QUERIES))
    mode = data.draw(st.sampled_from(["hybrid", "dense", "lexical"]))
    sort = data.draw(st.sampled_from(["relevance", "price_asc", "rating"]))
    hits = demo.search(query, filters=f, k=20, mode=mode, sort=sort)
    for hit in hits:
        assert _violations(hit.product, f) == [], (hit.product.id, f)
    if not query:
        # Browsing with filters returns every matching product (up to k), none missed.
        expected = {p.id for p in demo_products if not _violations(p, f)}
        assert len(hits) == min(20, len(expected))
    elif mode == "dense":
        # Dense retrieval ranks every allowed product, so the page is full whenever it can be.
        expected = {p.id for p in demo_products if not _violations(p, f)}
        assert len(hits) == min(20, len(expected))


def test_an_index_built_with_older_word_rules_gets_its_word_rows_rebuilt(tmp_path: Path, encoder) -> None:
    products = [make_product("tv-1", "Acme Smart LED TVs Stand Bundle", price=300.0), make_product("mug-1", "Travel Mug")]
    _build(tmp_path, products, encoder).store.close()
    # What the older rules stored for "TVs" ("tvs", not "tv"), in a version that says so.
    (folder,) = [p for p in (tmp_path / "index").iterdir() if p.name.startswith("v")]
    vocab = json.loads((folder / "lexical_vocab.json").read_text())
    vocab["tvs"] = vocab.pop("tv")
    (folder / "lexical_vocab.json").write_text(json.dumps(vocab))
    (folder / "lexical_meta.json").write_text(json.dumps({"tokens": 1}))
    store = CatalogStore(tmp_path / "catalog.db")
    index, report = sync_index(store, encoder, tmp_path / "index")
    assert "word rules" in report.reason and report.encoded == 0  # nothing re-encoded
    search = ProductSearch(store, index, encoder, index_root=tmp_path / "index")
    assert [h.product.id for h in search.search("smart TV", k=2, mode="lexical")] == ["tv-1"]
    store.close()


def test_products_made_for_the_thing_asked_come_after_the_thing(tmp_path: Path, encoder) -> None:
    products = [
        make_product("remote-1", "Universal Remote Control for Smart TV", price=15.0, rating=4.9),
        make_product("tv-1", "Acme 43 inch 4K Smart LED TV", price=399.0),
        make_product("tv-2", "Brightline 32 inch HD Smart TV", price=199.0),
        make_product("mug-1", "Travel Mug"),
    ]  # fmt: skip
    search = _build(tmp_path, products, encoder)
    assert _ids(search.search("smart TVs", k=3))[:2] in (["tv-1", "tv-2"], ["tv-2", "tv-1"])
    search.store.close()


def test_a_tight_floor_keeps_every_product_named_as_the_kind_asked_for(tmp_path: Path, encoder) -> None:
    products = [
        make_product("g-1", "Sable Cooperative Board Game"),
        make_product("g-2", "Ember Strategy Board Game"),
        make_product("g-3", "Nimbus Party Board Game"),
        make_product("ball-1", "Orbit Match Soccer Ball", description="For every game in the park."),
    ]  # fmt: skip
    search = _build(tmp_path, products, encoder)
    search._floor = RelevanceFloor(shared_words=0.02, meaning_only=0.02)  # a catalog of near-identical titles
    assert sorted(_ids(search.search("cooperative board game", k=5))) == ["g-1", "g-2", "g-3"]
    search.store.close()
