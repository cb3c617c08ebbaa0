"""Orders in the SQLite store: deterministic demo seeding, lookup and cancellation rules."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from bot.errors import ShopbotError
from bot.store import (
    ORDER_STATUSES,
    Order,
    OrderNotCancellableError,
    OrderNotFoundError,
    SQLiteConversationStore,
    SQLiteOrderSource,
    demo_orders,
    seed_demo_orders,
)

PRODUCTS = [
    ("boot-1", "TrailMax Waterproof Hiking Boots", 89.99),
    ("boot-2", "Summit Lightweight Hiking Boots", 129.0),
    ("run-1", "Stride Road Running Shoes", 74.5),
    ("mug-1", "Thermo Travel Mug 16 oz", 24.0),
    ("buds-1", "Pulse Wireless Earbuds", 59.99),
    ("tee-1", "Everyday Cotton T-Shirt", 15.0),
]
TODAY = date(2026, 5, 20)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SQLiteConversationStore]:
    store = SQLiteConversationStore(tmp_path / "shopbot.db")
    yield store
    await store.close()


@pytest.fixture
async def orders(store: SQLiteConversationStore) -> SQLiteOrderSource:
    source = SQLiteOrderSource(store)
    assert await seed_demo_orders(source, PRODUCTS, today=TODAY) == 40
    return source


async def first_with(source: SQLiteOrderSource, status: str) -> Order:
    for n in range(10001, 10041):
        order = await source.get(str(n))
        if order is not None and order.status == status:
            return order
    raise AssertionError(f"no {status} order seeded")


async def all_orders(source: SQLiteOrderSource) -> list[Order]:
    found = [await source.get(str(n)) for n in range(10001, 10041)]
    assert all(order is not None for order in found)
    return found  # type: ignore[return-value]


def test_demo_orders_are_deterministic_and_well_formed() -> None:
    orders = demo_orders(PRODUCTS, count=40, seed=11, today=TODAY)
    assert orders == demo_orders(PRODUCTS, count=40, seed=11, today=TODAY)
    assert orders != demo_orders(PRODUCTS, count=40, seed=12, today=TODAY)
    assert [o.number for o in orders] == [str(n) for n in range(10001, 10041)]
    assert {o.status for o in orders} == set(ORDER_STATUSES)
    assert [o.placed for o in orders] == sorted(o.placed for o in orders)  # numbers follow time
    known = {pid: (title, price) for pid, title, price in PRODUCTS}
    for order in orders:
        assert 1 <= len(order.items) <= 3
        assert len({item["product_id"] for item in order.items}) == len(order.items)
        for item in order.items:
            assert (item["title"], item["price"]) == known[item["product_id"]]
            assert item["quantity"] >= 1
        assert order.total == pytest.approx(sum(i["quantity"] * i["price"] for i in order.items), abs=0.005)
        assert order.email.endswith("@example.com")
        assert (order.shipped is not None) == (order.tracking is not None) == (order.status in ("shipped", "delivered"))
        if order.status == "processing":
            assert order.eta is not None and order.eta > order.placed
        if order.shipped:
            assert order.placed < order.shipped <= TODAY.isoformat()
    assert demo_orders([], count=5) == []


async def test_seeding_is_idempotent(store: SQLiteConversationStore, orders: SQLiteOrderSource) -> None:
    before = await all_orders(orders)
    assert await seed_demo_orders(store, PRODUCTS, today=date(2027, 1, 1)) == 0  # a store works too
    assert await seed_demo_orders(orders, PRODUCTS, count=5, seed=99) == 0
    assert await orders.count() == 40
    assert await all_orders(orders) == before
    assert before == demo_orders(PRODUCTS, today=TODAY)  # what went in is exactly the deterministic set


async def test_seeding_nothing_without_products(store: SQLiteConversationStore) -> None:
    assert await seed_demo_orders(store, [], today=TODAY) == 0
    assert await SQLiteOrderSource(store).count() == 0


async def test_orders_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "shopbot.db"
    async with SQLiteConversationStore(path) as store:
        await seed_demo_orders(store, PRODUCTS, count=8, today=TODAY)
        expected = await SQLiteOrderSource(store).get("10003")
    async with SQLiteConversationStore(path) as store:
        assert await SQLiteOrderSource(store).get("10003") == expected


async def test_get_finds_orders_by_number(orders: SQLiteOrderSource) -> None:
    order = await orders.get("10001")
    assert order is not None and order.number == "10001"
    assert await orders.get(" #10001 ") == order  # the way people type it
    assert await orders.get("99999") is None
    assert order.to_dict()["items"] == order.items


async def test_cancel_a_processing_order(orders: SQLiteOrderSource) -> None:
    processing = await first_with(orders, "processing")
    cancelled = await orders.cancel(processing.number)
    assert cancelled.status == "cancelled" and cancelled.eta is None
    assert cancelled.items == processing.items and cancelled.total == processing.total
    assert await orders.get(processing.number) == cancelled
    with pytest.raises(OrderNotCancellableError, match=f"order {processing.number} is already cancelled"):
        await orders.cancel(processing.number)


async def test_cancelling_a_shipped_order_says_why_not(orders: SQLiteOrderSource) -> None:
    shipped = await first_with(orders, "shipped")
    with pytest.raises(OrderNotCancellableError) as caught:
        await orders.cancel(shipped.number)
    assert str(caught.value) == (
        f"order {shipped.number} has already shipped on {shipped.shipped}, so it can no longer be cancelled"
    )
    assert isinstance(caught.value, ShopbotError)
    assert caught.value.status == "shipped" and caught.value.number == shipped.number
    assert await orders.get(shipped.number) == shipped  # untouched

    delivered = await first_with(orders, "delivered")
    with pytest.raises(OrderNotCancellableError, match="was already delivered on"):
        await orders.cancel(delivered.number)


async def test_cancelling_an_unknown_order_says_so(orders: SQLiteOrderSource) -> None:
    with pytest.raises(OrderNotFoundError) as caught:
        await orders.cancel("#424242")
    assert isinstance(caught.value, ShopbotError)
    assert str(caught.value) == (
        "there is no order number 424242; please check the number in your order confirmation email"
    )


async def test_put_inserts_or_replaces(orders: SQLiteOrderSource) -> None:
    order = Order(
        number="A-1", email="x@example.com", status="processing",
        items=[{"product_id": "mug-1", "title": "Thermo Travel Mug 16 oz", "quantity": 2, "price": 24.0}],
        total=48.0, currency="EUR", placed="2026-05-19", shipped=None, eta="2026-05-25", tracking=None,
    )
    await orders.put(order)
    assert await orders.get("A-1") == order
    with pytest.raises(ValueError, match="status must be one of"):
        await orders.put(Order(**{**order.to_dict(), "status": "lost"}))  # type: ignore[arg-type]
