"""A store's own orders: imported from its export files, or read from its HTTP order API."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.store.order_api import HttpOrderSource
from bot.store.order_files import OrderFileError, read_orders
from bot.store.orders import OrderError, OrderSourceUnavailableError, SQLiteOrderSource
from bot.store.sqlite import SQLiteConversationStore

SHIPPED = {
    "number": "A-1001", "email": "priya@example.com", "status": "shipped", "currency": "INR",
    "items": [{"product_id": "B07", "title": "Braided USB Cable", "quantity": 2, "price": 399}],
    "total": 798, "placed": "2026-11-28", "shipped": "2026-11-29", "eta": "2026-12-03", "tracking": "DL123456",
}  # fmt: skip
PROCESSING = {**SHIPPED, "number": "A-1002", "status": "processing", "shipped": None, "tracking": None}


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SQLiteConversationStore]:
    store = SQLiteConversationStore(tmp_path / "shopbot.db")
    yield store
    await store.close()


# -- order export files -------------------------------------------------------------------


def test_jsonl_export_reads_every_order(tmp_path: Path) -> None:
    path = tmp_path / "orders.jsonl"
    path.write_text("\n".join(json.dumps(o) for o in (SHIPPED, PROCESSING)) + "\n\n", encoding="utf-8")
    orders = read_orders(path)
    assert [o.number for o in orders] == ["A-1001", "A-1002"]
    assert orders[0].total == 798 and orders[0].currency == "INR" and orders[0].tracking == "DL123456"


def test_csv_export_has_one_row_per_order_line(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(
        "number,status,placed,eta,title,quantity,price,product_id\n"
        "#77,processing,2026-12-01,2026-12-08,Steel Water Bottle,1,549,P1\n"
        "#77,processing,2026-12-01,2026-12-08,Bottle Brush,3,99,P2\n"
        "78,delivered,2026-11-02,2026-11-06,Yoga Mat,1,899,P3\n",
        encoding="utf-8",
    )
    orders = {o.number: o for o in read_orders(path, currency="INR")}
    assert set(orders) == {"77", "78"}  # "#77" is order 77, as shoppers write it
    assert [i["title"] for i in orders["77"].items] == ["Steel Water Bottle", "Bottle Brush"]
    assert orders["77"].total == 549 + 3 * 99  # the lines' sum when the export has no total
    assert orders["77"].currency == "INR"  # the store's currency where the file states none


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("orders.jsonl", json.dumps(SHIPPED) + "\n{not json\n", ":2:"),
        ("orders.jsonl", json.dumps({**SHIPPED, "status": "lost"}) + "\n", ":1:"),
        ("orders.csv", "number,status,placed,title,price\n5,shipped,2026-01-01,Mat,cheap\n", ":2:"),
        ("orders.csv", "number,title,price\n5,Mat,10\n", "has no column 'status'"),
        ("orders.txt", "hello", "use a .jsonl or .csv"),
    ],
)
def test_a_bad_export_is_refused_naming_the_line(tmp_path: Path, name: str, text: str, where: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(OrderFileError, match=where.replace("(", r"\(")):
        read_orders(path)


async def test_imported_orders_are_found_and_can_be_cancelled(store: SQLiteConversationStore, tmp_path: Path) -> None:
    source = SQLiteOrderSource(store)
    assert not await source.has_orders()
    path = tmp_path / "orders.jsonl"
    path.write_text("\n".join(json.dumps(o) for o in (SHIPPED, PROCESSING)), encoding="utf-8")
    assert await source.put_many(read_orders(path)) == 2
    assert await source.has_orders()
    assert (await source.get("#A-1001")).status == "shipped"  # type: ignore[union-attr]
    assert (await source.cancel("A-1002")).status == "cancelled"
    assert await source.put_many(read_orders(path)) == 2  # a fresh export replaces, never duplicates
    assert await source.count() == 2


# -- the store's HTTP order API -------------------------------------------------------------


class OrderApi:
    """A store's order system speaking the documented protocol, with a few ways to fail."""

    def __init__(self) -> None:
        self.orders = {o["number"]: dict(o) for o in (SHIPPED, PROCESSING)}
        self.seen_tokens: list[str | None] = []
        self.broken = False
        self.slow = False

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/api/orders/{number}", self.get)
        app.router.add_post("/api/orders/{number}/cancel", self.cancel)
        return app

    async def get(self, request: web.Request) -> web.Response:
        self.seen_tokens.append(request.headers.get("Authorization"))
        if self.slow:
            await asyncio.sleep(5)
        if self.broken:
            return web.Response(status=502, text="<html>bad gateway</html>")
        order = self.orders.get(request.match_info["number"])
        return web.json_response(order) if order else web.json_response({"error": "no such order"}, status=404)

    async def cancel(self, request: web.Request) -> web.Response:
        order = self.orders.get(request.match_info["number"])
        if order is None:
            return web.json_response({"error": "no such order"}, status=404)
        if order["status"] != "processing":
            return web.json_response({"error": f"order {order['number']} has already shipped"}, status=409)
        order["status"] = "cancelled"
        return web.json_response(order)


@pytest.fixture
async def api(aiohttp_server) -> AsyncIterator[tuple[OrderApi, HttpOrderSource]]:
    fake = OrderApi()
    server = await aiohttp_server(fake.app())
    source = HttpOrderSource(str(server.make_url("/api")), token="s3cret", timeout=1.0, currency="INR")
    yield fake, source
    await source.close()


async def test_order_api_status_and_cancel(api: tuple[OrderApi, HttpOrderSource]) -> None:
    fake, source = api
    order = await source.get("#A-1001")
    assert order is not None and order.status == "shipped" and order.tracking == "DL123456"
    assert fake.seen_tokens == ["Bearer s3cret"]
    assert await source.get("NOPE-1") is None
    assert (await source.cancel("A-1002")).status == "cancelled"
    with pytest.raises(OrderError, match="already shipped"):
        await source.cancel("A-1001")


@pytest.mark.parametrize("failure", ["broken", "slow"])
async def test_an_unreachable_order_api_is_said_so_never_guessed(
    api: tuple[OrderApi, HttpOrderSource], failure: str
) -> None:
    fake, source = api
    setattr(fake, failure, True)
    with pytest.raises(OrderSourceUnavailableError, match="can't reach"):
        await source.get("A-1001")


def test_orders_import_names_a_bad_currency_code_and_imports_nothing(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bot.cli import main

    orders = tmp_path / "orders.jsonl"
    orders.write_text('{"number": "12345", "status": "processing", "total": 10, "items": []}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "data"), "orders", "import", str(orders), "--currency", "rupees"])
    assert result.exit_code == 2 and "three-letter currency code" in result.output
    assert not (tmp_path / "data" / "shopbot.db").exists()
