"""Gift ideas as a shopper meets them, on three real catalogs: what suits who it is for,
priced like a present, and honest when the store has nothing for them.

Each assertion reads the catalog's own facts (category paths, titles, prices), never the
recommender's internals. The DummyJSON and Amazon India catalogs come from ../shared/data
and are skipped when it is not there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from catalog import DEMO_PRODUCTS
from retrieval.catalog import Product
from retrieval.filters import SearchFilters
from retrieval.importer import read_catalog
from retrieval.indexing import sync_index
from retrieval.recommend import GiftIdeas, Recipient, Recommender
from retrieval.search import ProductSearch
from retrieval.store import CatalogStore
from tests.conftest import SHARED_DATA
from tests.incomplete_catalogs import amazon_products

pytestmark = pytest.mark.slow

WIFE = Recipient(gender="women", stage="adult")
DAD = Recipient(gender="men", stage="adult")
CHILD = Recipient(stage="child")
TEEN_SON = Recipient(gender="men", stage="teen")
COWORKER = Recipient(stage="adult", label="coworker")
DOG = Recipient(pet="dog")


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def made_for_men(p: Product) -> bool:
    """The catalog says so: a "men"/"mens" category node or a "Men's" title, and not also women."""
    words = _words(p.category_path) | _words(p.title)
    return bool(words & {"men", "mens"}) and not words & {"women", "womens", "unisex"}


def made_for_women(p: Product) -> bool:
    """The catalog says so, and not also for men."""
    words = _words(p.category_path) | _words(p.title)
    return bool(words & {"women", "womens"}) and not words & {"men", "mens", "unisex"}


def made_for_adults(p: Product) -> bool:
    """A category or title for men or women, and nothing in it for children."""
    words = _words(p.category_path) | _words(p.title)
    return bool(words & {"men", "mens", "women", "womens"}) and not words & {"kids", "boys", "girls", "children"}


def for_children(p: Product) -> bool:
    """A toys, kids' or baby category, or a title that says it is for children."""
    words = _words(p.category_path) | _words(p.title)
    return bool(words & {"toys", "toy", "kids", "kid", "children", "child", "toddler", "boys", "girls", "baby"})


class Store:
    """One catalog, indexed, with its recommender and its facts."""

    def __init__(self, products: list[Product], folder: Path, encoder: object) -> None:
        self.catalog = CatalogStore(folder / "catalog.db")
        self.catalog.upsert_many(products)
        index, _ = sync_index(self.catalog, encoder, folder / "index", kind="flat")  # type: ignore[arg-type]
        self.search = ProductSearch(self.catalog, index, encoder)  # type: ignore[arg-type]
        self.recommender = Recommender(self.search)
        self.products = {p.id: p for p in products}
        self.prices = np.array([p.price for p in products if p.in_stock])

    def gifts(self, recipient: Recipient, query: str = "", **filters: float) -> GiftIdeas:
        return self.recommender.gifts(recipient, query=query, filters=SearchFilters(**filters), k=10)

    def ideas(self, recipient: Recipient, query: str = "", **filters: float) -> list[Product]:
        return [r.product for r in self.gifts(recipient, query, **filters).recommendations]


def _store(tmp_path_factory: pytest.TempPathFactory, encoder: object, name: str,
           products: list[Product]) -> Iterator[Store]:
    store = Store(products, tmp_path_factory.mktemp(name), encoder)
    yield store
    store.catalog.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory, encoder) -> Iterator[Store]:
    yield from _store(tmp_path_factory, encoder, "gifts-demo", read_catalog(DEMO_PRODUCTS, "jsonl").products)


@pytest.fixture(scope="module")
def dummyjson(tmp_path_factory, encoder) -> Iterator[Store]:
    path = SHARED_DATA / "dummyjson_products.json"
    if not path.is_file():
        pytest.skip("dummyjson_products.json is not available in ../shared/data")
    yield from _store(tmp_path_factory, encoder, "gifts-dummyjson", read_catalog(path).products)


@pytest.fixture(scope="module")
def amazon(tmp_path_factory, encoder) -> Iterator[Store]:
    yield from _store(tmp_path_factory, encoder, "gifts-amazon", amazon_products())


@pytest.fixture(params=["demo", "dummyjson", "amazon"])
def store(request: pytest.FixtureRequest) -> Store:
    return request.getfixturevalue(request.param)


# -- who it is for ------------------------------------------------------------------------


def test_nothing_made_for_men_is_a_gift_for_a_wife(store: Store) -> None:
    ideas = store.ideas(WIFE)
    assert ideas
    assert not [p.title for p in ideas if made_for_men(p)]


def test_a_dads_gift_is_not_made_for_women(demo: Store) -> None:
    ideas = demo.ideas(DAD)
    assert ideas
    assert not [p.title for p in ideas if made_for_women(p)]


def test_a_child_gets_things_made_for_children_where_the_store_has_them(demo: Store) -> None:
    gifts = demo.gifts(CHILD)
    assert gifts.section and gifts.recommendations
    ideas = [r.product for r in gifts.recommendations]
    assert all(for_children(p) for p in ideas), [p.category_path for p in ideas if not for_children(p)]
    # Nothing only for babies (strollers, diapers) for a child of school age.
    assert not [p.title for p in ideas if p.category and p.category[0].lower() == "baby"]
    priciest_toy = max(p.price for p in demo.products.values() if for_children(p))
    assert max(p.price for p in ideas) <= priciest_toy


def test_a_child_in_a_store_with_nothing_for_children_is_told_so_and_offered_modest_things(dummyjson: Store) -> None:
    gifts = dummyjson.gifts(CHILD)
    assert not gifts.section  # DummyJSON has no toys or kids' categories
    ideas = [r.product for r in gifts.recommendations]
    assert len(ideas) <= 8  # the nearest few, not a full list of adult products
    assert not [p.title for p in ideas if made_for_adults(p)]
    assert all(p.price <= float(np.median(dummyjson.prices)) for p in ideas), [(p.title, p.price) for p in ideas]


def test_an_electronics_store_offers_a_child_only_what_says_it_is_for_children(amazon: Store) -> None:
    ideas = amazon.ideas(CHILD)
    assert ideas
    assert all(for_children(p) for p in ideas), [p.title for p in ideas if not for_children(p)]


def test_a_teenager_with_a_budget_gets_nothing_made_for_the_other_sex_and_nothing_over_it(store: Store) -> None:
    budget = float(np.quantile(store.prices, 0.5))
    ideas = store.ideas(TEEN_SON, max_price=budget)
    assert ideas
    assert all(p.price <= budget for p in ideas)
    assert not [p.title for p in ideas if made_for_women(p)]


def test_a_pet_gets_pet_supplies_or_nothing(demo: Store, dummyjson: Store) -> None:
    ideas = demo.ideas(DOG)
    assert ideas and all("dog" in _words(p.category_path) for p in ideas)
    gifts = dummyjson.gifts(DOG)
    assert not gifts.section and not gifts.recommendations  # no pet supplies: no human products either


# -- priced like a present -----------------------------------------------------------------


@pytest.mark.parametrize("recipient", [WIFE, COWORKER, DAD], ids=["wife", "coworker", "dad"])
def test_without_a_budget_no_idea_costs_more_than_most_of_the_store(store: Store, recipient: Recipient) -> None:
    # No $2,500 sofa or $9,000 watch as a birthday present nobody asked for.
    ideas = store.ideas(recipient)
    assert ideas
    assert max(p.price for p in ideas) <= float(np.quantile(store.prices, 0.8))


def test_a_stated_budget_replaces_the_usual_range(demo: Store) -> None:
    ideas = demo.ideas(WIFE, min_price=300.0)
    assert ideas and all(p.price >= 300 for p in ideas)


# -- what they are into --------------------------------------------------------------------


def test_an_interest_finds_what_answers_it_for_that_person(demo: Store) -> None:
    gifts = demo.gifts(Recipient(gender="women"), "running")
    ideas = [r.product for r in gifts.recommendations]
    assert gifts.interest_found and ideas
    assert all("running" in _words(p.title) | _words(p.category_path) for p in ideas[:5])
    assert not [p.title for p in ideas if made_for_men(p)]
    assert all(r.reasons for r in gifts.recommendations)


def test_an_interest_nothing_answers_is_reported_not_faked(dummyjson: Store) -> None:
    gifts = dummyjson.gifts(Recipient(gender="women"), "running")
    assert not gifts.interest_found  # DummyJSON sells no running gear
    assert gifts.recommendations  # ideas for her anyway
    assert not any(r.kind == "relevance" for rec in gifts.recommendations for r in rec.reasons)


def test_every_reason_states_a_fact_of_its_product(store: Store) -> None:
    for rec in store.gifts(WIFE).recommendations:
        for reason in rec.reasons:
            if reason.kind == "quality" and "rating" in reason.facts:
                assert rec.product.rating == reason.facts["rating"]
            if "category" in reason.facts:
                assert reason.facts["category"] in rec.product.category


# -- the rules, on a small hand-made catalog ---------------------------------------------------

SMALL = [
    ("dress-1", "Floral Wrap Dress", "Apparel > Women > Dresses", 60.0),
    ("shirt-1", "Oxford Button-Down Shirt", "Apparel > Men > Shirts", 45.0),
    ("tee-1", "Girl Summer Dress", "Tops", 20.0),
    ("game-1", "Family Board Game Night Pack", "Toys > Board Games", 30.0),
    ("plush-1", "Plush Teddy Bear 12 Inch", "Toys > Stuffed Animals", 18.0),
    ("diaper-1", "Newborn Diapers, 84 Count", "Baby > Diapering", 25.0),
    ("dogtoy-1", "Rope Tug Dog Toy", "Pet Supplies > Dogs > Dog Toys", 12.0),
    ("laptop-1", "Ultrabook Laptop 14 Inch", "Electronics > Laptops", 1500.0),
    ("mug-1", "Ceramic Coffee Mug", "Kitchen > Drinkware", 15.0),
    ("lamp-1", "Brass Desk Lamp", "Home > Lighting", 55.0),
]


@pytest.fixture(scope="module")
def small(tmp_path_factory, encoder) -> Iterator[Store]:
    from tests.conftest import make_product

    products = [make_product(pid, title, category=category, price=price, rating=4.5, review_count=20, stock=5)
                for pid, title, category, price in SMALL]
    yield from _store(tmp_path_factory, encoder, "gifts-small", products)


@pytest.mark.parametrize(
    ("recipient", "allowed"),
    [
        (CHILD, {"game-1", "plush-1"}),  # toys; not diapers, a dog toy, a laptop or grown-ups' clothes
        (Recipient(stage="baby"), {"game-1", "plush-1", "diaper-1"}),
        (DOG, {"dogtoy-1"}),
    ],
    ids=["child", "baby", "dog"],
)
def test_who_needs_things_made_for_them_gets_only_those(small: Store, recipient: Recipient, allowed: set[str]) -> None:
    gifts = small.gifts(recipient)
    assert gifts.section
    assert {r.product.id for r in gifts.recommendations} <= allowed
    assert gifts.recommendations


def test_a_title_that_says_who_it_is_for_counts_like_a_category(small: Store) -> None:
    ids = {p.id for p in small.ideas(TEEN_SON, max_price=100.0)}
    assert ids and not ids & {"tee-1", "dress-1", "diaper-1", "dogtoy-1"}
    assert "dress-1" not in {p.id for p in small.ideas(Recipient(gender="men"))}
