"""Money in each store's own format, and the same text read back as an amount."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.money import format_money, read_amount, store_currency
from retrieval.store import CatalogStore
from tests.conftest import make_product


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (12.99, "USD", "$12.99"),
        (50.0, "USD", "$50"),
        (1299.5, "USD", "$1,299.50"),
        (179.0, "INR", "₹179"),
        (1299.0, "INR", "₹1,299"),
        (129999.0, "INR", "₹1,29,999"),
        (12999999.5, "INR", "₹1,29,99,999.50"),
        (12.5, "EUR", "€12,50"),
        (1299.99, "EUR", "€1.299,99"),
        (12.99, "GBP", "£12.99"),
        (1299.6, "JPY", "¥1,300"),  # no minor unit
        (12.5, "CAD", "CA$12.50"),
        (12.5, "CHF", "12.50 CHF"),  # no style of its own: the code after the number
        (1299.0, "SEK", "1,299 SEK"),
        (0.0, "INR", "₹0"),
        (-5.0, "USD", "-$5"),
        (12.5, "eur", "€12,50"),
    ],
)
def test_format_money(amount: float, currency: str, shown: str) -> None:
    assert format_money(amount, currency) == shown


@pytest.mark.parametrize(
    ("text", "currency", "amount"),
    [
        ("300", None, 300.0),
        ("1,29,999", "INR", 129999.0),
        ("1,29,999.50", "INR", 129999.5),
        ("1,299.99", "USD", 1299.99),
        ("1,299", None, 1299.0),
        ("1.299,99", "EUR", 1299.99),
        ("12,50", "EUR", 12.5),
        ("12,5", None, 12.5),
        ("1.299", "EUR", 1299.0),  # a dot groups thousands where the comma is the decimal mark
        ("1.299", "USD", 1.299),  # ... and not where the point is
        ("12.50", "USD", 12.5),
        ("1.299.000", "EUR", 1299000.0),
        ("12 50", None, None),
        ("", None, None),
    ],
)
def test_read_amount(text: str, currency: str | None, amount: float | None) -> None:
    assert read_amount(text, currency) == amount


@pytest.mark.parametrize(("amount", "currency"), [(129999.0, "INR"), (1299.99, "EUR"), (12.5, "EUR"), (1299.5, "USD")])
def test_what_is_written_reads_back(amount: float, currency: str) -> None:
    shown = format_money(amount, currency).lstrip("$₹€")
    assert read_amount(shown, currency) == amount


def test_store_currency_is_the_most_common() -> None:
    assert store_currency(["INR", "INR", "USD"]) == "INR"
    assert store_currency(["USD", "EUR"]) == "EUR"  # a tie: alphabetical, so stable
    assert store_currency([]) is None


def test_catalog_store_knows_its_currency(tmp_path: Path) -> None:
    with CatalogStore(tmp_path / "catalog.db") as store:
        assert store.currency() is None
        store.upsert_many([make_product("a", "Cable", currency="INR"), make_product("b", "Plug", currency="INR"),
                           make_product("c", "Mug")])  # fmt: skip
        assert store.currency() == "INR"
        store.upsert_many([make_product(f"u{i}", f"Mug {i}") for i in range(3)])  # USD by default
        assert store.currency() == "USD"
