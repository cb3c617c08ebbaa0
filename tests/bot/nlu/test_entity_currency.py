"""A shopper's amounts read in the store's currency: rupees, bucks and bare numbers in a rupee store."""

from __future__ import annotations

import pytest

from bot.nlu.entities import CatalogVocabulary, EntityExtractor
from bot.nlu.entities.prices import foreign_currency
from tests.conftest import make_product


def _prices(extractor: EntityExtractor, text: str) -> list[dict[str, object]]:
    return [e.value for e in extractor.extract(text) if e.type == "price"]


def price(low: float | None, high: float | None, currency: str | None) -> dict[str, object]:
    return {"min": low, "max": high, "currency": currency, "qualifier": None}


@pytest.fixture(scope="module")
def rupee_store() -> EntityExtractor:
    products = [
        make_product("c1", "Wayona USB Type C Cable", brand="Wayona", price=179, currency="INR", category="Electronics > Cables"),
        make_product("c2", "boAt Micro USB Cable", brand="boAt", price=299, currency="INR", category="Electronics > Cables"),
        make_product("x1", "Imported Travel Adapter", price=25, category="Electronics > Adapters"),  # one USD outlier
    ]
    vocabulary = CatalogVocabulary.from_products(products)
    assert vocabulary.currency == "INR"
    return EntityExtractor(vocabulary)


# None is "no currency named": the amount is in the store's own currency.
RUPEE_STORE = [
    ("cables under ₹300", price(None, 300.0, "INR")),
    ("cables under 300 rupees", price(None, 300.0, "INR")),
    ("cables under 300", price(None, 300.0, None)),
    ("cables under 300 bucks", price(None, 300.0, "INR")),
    ("300 bucks", price(240.0, 360.0, "INR")),
    ("under Rs. 300", price(None, 300.0, "INR")),
    ("under rs 300", price(None, 300.0, "INR")),
    ("under INR 300", price(None, 300.0, "INR")),
    ("under ₹1,29,999", price(None, 129999.0, "INR")),
    ("between ₹1,000 and ₹2,000", price(1000.0, 2000.0, "INR")),
    ("over 50k rupees", price(50000.0, None, "INR")),
    # A currency the store does not sell in keeps its code, so it is never read as rupees.
    ("under $50", price(None, 50.0, "USD")),
    ("under 50 dollars", price(None, 50.0, "USD")),
    ("under €50", price(None, 50.0, "EUR")),
]


@pytest.mark.parametrize(("text", "value"), RUPEE_STORE, ids=[t for t, _ in RUPEE_STORE])
def test_amounts_in_a_rupee_store(rupee_store: EntityExtractor, text: str, value: dict[str, object]) -> None:
    assert _prices(rupee_store, text) == [value]


@pytest.mark.parametrize(
    ("store", "text", "currency"),
    [
        ("CAD", "under $50", "CAD"),  # a Canadian shopper's dollars are Canadian
        ("CAD", "under US$50", "USD"),
        ("AUD", "under 50 dollars", "AUD"),
        ("EUR", "under 50 bucks", "EUR"),
        ("EUR", "12,50 € max", "EUR"),
        ("PKR", "under Rs. 500", "PKR"),
        ("PKR", "under ₹500", "INR"),  # the Indian rupee sign is India's
        ("USD", "under 50 bucks", "USD"),
    ],
)
def test_currency_words_mean_the_store_s_own_money(store: str, text: str, currency: str) -> None:
    extractor = EntityExtractor(CatalogVocabulary(currency=store))
    (value,) = _prices(extractor, text)
    assert value["currency"] == currency


def test_a_decimal_comma_is_read_as_one() -> None:
    extractor = EntityExtractor(CatalogVocabulary(currency="EUR"))
    assert _prices(extractor, "under 12,50 €") == [price(None, 12.5, "EUR")]


def test_foreign_currency_names_only_another_currency() -> None:
    assert foreign_currency(price(None, 50.0, "USD"), "INR") == "USD"
    assert foreign_currency(price(None, 50.0, "INR"), "INR") is None
    assert foreign_currency(price(None, 50.0, None), "INR") is None  # unnamed: the store's
    assert foreign_currency(price(None, 50.0, "USD"), None) is None  # no catalog to compare with
