"""Demo orders: deterministic and well formed. Storing, finding and cancelling orders, on every
backend, is checked in test_contract.py."""

from __future__ import annotations

from datetime import date

import pytest

from bot.store import ORDER_STATUSES, demo_orders

PRODUCTS = [
    ("boot-1", "TrailMax Waterproof Hiking Boots", 89.99),
    ("boot-2", "Summit Lightweight Hiking Boots", 129.0),
    ("run-1", "Stride Road Running Shoes", 74.5),
    ("mug-1", "Thermo Travel Mug 16 oz", 24.0),
    ("buds-1", "Pulse Wireless Earbuds", 59.99),
    ("tee-1", "Everyday Cotton T-Shirt", 15.0),
]
TODAY = date(2026, 5, 20)


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