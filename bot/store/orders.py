"""Orders for the order-status and cancel skills, behind a pluggable source.

A store's orders come from its own source: the `orders` table of the conversation
database (filled by `shopbot orders import`, bot/store/order_files.py; SQLite here,
PostgreSQL in bot/store/postgres_orders.py), or the store's HTTP order API
(bot/store/order_api.py). Demo orders are seeded into the table only for
the shipped demo catalog, so a real store's shoppers never hear of orders nobody placed.
"""

from __future__ import annotations

import json
import random
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from typing import Any, Literal, get_args

from bot.errors import ShopbotError
from bot.store.sqlite import SQLiteConversationStore

OrderStatus = Literal["processing", "shipped", "delivered", "cancelled"]
ORDER_STATUSES: tuple[OrderStatus, ...] = get_args(OrderStatus)

# The orders table's columns, in the order order_from_row / order_to_row use.
ORDER_COLUMNS = "number, email, status, items, total, currency, placed, shipped, eta, tracking"


@dataclass(frozen=True, slots=True)
class Order:
    """One order as the shopper sees it. Dates are ISO "YYYY-MM-DD" strings.

    `items` are dicts with product_id, title, quantity and (unit) price. For a delivered
    order `eta` is the day it arrived.
    """

    number: str
    email: str
    status: OrderStatus
    items: list[dict[str, Any]]
    total: float
    currency: str
    placed: str
    shipped: str | None
    eta: str | None
    tracking: str | None

    def to_dict(self) -> dict[str, Any]:
        """The order as JSON-ready data (for event payloads and the API)."""
        return asdict(self)


class OrderError(ShopbotError):
    """An order cannot be found or changed; the message says why, in words for the shopper."""

    def __init__(self, message: str, number: str) -> None:
        super().__init__(message)
        self.number = number


class OrderNotFoundError(OrderError):
    """No order has this number."""

    def __init__(self, number: str) -> None:
        super().__init__(
            f"there is no order number {number}; please check the number in your order confirmation email",
            number,
        )


class OrderSourceUnavailableError(OrderError):
    """The store's order system could not be reached or answered nonsense."""

    def __init__(self, number: str) -> None:
        super().__init__(f"I can't reach our order system right now to look up order {number}", number)


class OrderNotCancellableError(OrderError):
    """The order exists but is past the point where it can be cancelled."""

    def __init__(self, order: Order) -> None:
        if order.status == "shipped":
            why = f"has already shipped{_on(order.shipped)}, so it can no longer be cancelled"
        elif order.status == "delivered":
            why = f"was already delivered{_on(order.eta)}, so it can no longer be cancelled"
        else:
            why = "is already cancelled"
        super().__init__(f"order {order.number} {why}", order.number)
        self.order = order
        self.status = order.status


def _on(day: str | None) -> str:
    return f" on {day}" if day else ""


def normalize_order_number(number: str) -> str:
    """The order number as stored: surrounding spaces and a leading "#" removed ("#10001" -> "10001")."""
    return number.strip().lstrip("#").strip()


class OrderSource(ABC):
    """Where order status comes from and where cancellations go."""

    @abstractmethod
    async def get(self, number: str) -> Order | None:
        """The order with this number, or None."""

    @abstractmethod
    async def cancel(self, number: str) -> Order:
        """Cancel a "processing" order and return it as it is now.

        Raises OrderNotFoundError for an unknown number and OrderNotCancellableError for an
        order that has shipped, been delivered or is already cancelled.
        """

    async def has_orders(self) -> bool:
        """False when this source knows no orders at all (a store that never imported any).

        The dialogue then offers a person instead of telling a shopper that their order
        does not exist.
        """
        return True

    async def close(self) -> None:
        """Release connections (HTTP sessions); nothing by default."""


class OrderTable(OrderSource):
    """Orders kept in the conversation database's `orders` table, one implementation per backend.

    `order_table(store)` in bot/store/backends.py picks the one for a conversation store:
    SQLiteOrderSource here, PostgresOrderSource in bot/store/postgres_orders.py.
    """

    @abstractmethod
    async def put_many(self, orders: Sequence[Order]) -> int:
        """Insert or replace orders in one transaction (an import is all or nothing); returns how many."""

    @abstractmethod
    async def count(self) -> int:
        """How many orders there are."""

    @abstractmethod
    async def insert_if_empty(self, orders: Sequence[Order]) -> int:
        """Insert `orders` only if the table holds no order at all; returns how many went in.

        The check and the inserts are one atomic step, so two servers starting together
        insert once.
        """

    async def put(self, order: Order) -> None:
        """Insert or replace one order (imports, tests, admin tools)."""
        await self.put_many([order])


def check_statuses(orders: Sequence[Order]) -> None:
    """A ValueError for the first order whose status is not one of ORDER_STATUSES."""
    for order in orders:
        if order.status not in ORDER_STATUSES:
            raise ValueError(f"status must be one of {', '.join(ORDER_STATUSES)}, not {order.status!r}")


def order_from_row(row: Sequence[Any]) -> Order:
    """An Order from the table's columns (ORDER_COLUMNS, items as JSON)."""
    return Order(
        number=row[0],
        email=row[1],
        status=row[2],
        items=json.loads(row[3]),
        total=row[4],
        currency=row[5],
        placed=row[6],
        shipped=row[7],
        eta=row[8],
        tracking=row[9],
    )


def order_to_row(order: Order) -> tuple[Any, ...]:
    """The table's columns (ORDER_COLUMNS) for an order."""
    return (
        order.number,
        order.email,
        order.status,
        json.dumps(order.items, ensure_ascii=False, separators=(",", ":")),
        order.total,
        order.currency,
        order.placed,
        order.shipped,
        order.eta,
        order.tracking,
    )


def _select(db: sqlite3.Connection, number: str) -> Order | None:
    row = db.execute(f"SELECT {ORDER_COLUMNS} FROM orders WHERE number = ?", (number,)).fetchone()
    return order_from_row(row) if row else None


class SQLiteOrderSource(OrderTable):
    """Orders in the conversation database (table `orders`), on the store's database thread."""

    def __init__(self, store: SQLiteConversationStore) -> None:
        self.store = store

    async def get(self, number: str) -> Order | None:
        number = normalize_order_number(number)
        return await self.store.run(lambda db: _select(db, number))

    async def cancel(self, number: str) -> Order:
        number = normalize_order_number(number)

        def work(db: sqlite3.Connection) -> Order:
            # Check and change under one write lock, so a concurrent ship cannot slip between.
            db.execute("BEGIN IMMEDIATE")
            try:
                order = _select(db, number)
                if order is None:
                    raise OrderNotFoundError(number)
                if order.status != "processing":
                    raise OrderNotCancellableError(order)
                # A cancelled order is not expected anywhere, so it has no delivery estimate.
                db.execute("UPDATE orders SET status = 'cancelled', eta = NULL WHERE number = ?", (number,))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            return replace(order, status="cancelled", eta=None)

        return await self.store.run(work)

    async def count(self) -> int:
        """How many orders there are."""
        return await self.store.run(lambda db: int(db.execute("SELECT COUNT(*) FROM orders").fetchone()[0]))

    async def has_orders(self) -> bool:
        """True once any order is in the table."""
        return await self.store.run(lambda db: db.execute("SELECT 1 FROM orders LIMIT 1").fetchone() is not None)

    async def put_many(self, orders: Sequence[Order]) -> int:
        """Insert or replace orders in one transaction (an import is all or nothing)."""
        check_statuses(orders)
        rows = [order_to_row(order) for order in orders]

        def work(db: sqlite3.Connection) -> int:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany(f"INSERT OR REPLACE INTO orders ({ORDER_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            return len(rows)

        return await self.store.run(work)

    async def insert_if_empty(self, orders: Sequence[Order]) -> int:
        """Insert `orders` only if the table holds no order at all; returns how many went in."""
        check_statuses(orders)
        rows = [order_to_row(order) for order in orders]

        def work(db: sqlite3.Connection) -> int:
            # The emptiness check and the inserts share one write lock.
            db.execute("BEGIN IMMEDIATE")
            try:
                if db.execute("SELECT 1 FROM orders LIMIT 1").fetchone() is not None:
                    db.execute("ROLLBACK")
                    return 0
                db.executemany(f"INSERT INTO orders ({ORDER_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
            return len(rows)

        return await self.store.run(work)


# -- demo orders -----------------------------------------------------------------------

_DEMO_PEOPLE = (
    "alex.morgan", "sam.lee", "jordan.patel", "casey.nguyen", "riley.garcia", "taylor.kim",
    "jamie.okafor", "morgan.silva", "drew.schmidt", "avery.rossi", "quinn.tanaka", "kai.novak",
)


def demo_orders(
    products: Sequence[tuple[str, str, float]],
    count: int = 40,
    seed: int = 11,
    today: date | None = None,
    currency: str = "USD",
) -> list[Order]:
    """`count` deterministic demo orders drawn from (product id, title, unit price) triples.

    The same arguments give the same orders. Dates are relative to `today`, so the demo
    reads as current; numbers run from "10001" in the order the orders were placed.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    if not products:
        return []
    rng = random.Random(seed)
    today = today or date.today()
    # Every status appears (given four or more orders), in a seeded order.
    statuses = [ORDER_STATUSES[i % len(ORDER_STATUSES)] for i in range(count)]
    rng.shuffle(statuses)

    drafts: list[tuple[date, Order]] = []
    for status in statuses:
        picked = rng.sample(list(products), k=min(rng.randint(1, 3), len(products)))
        items = [
            {"product_id": pid, "title": title, "quantity": rng.choice((1, 1, 1, 2)), "price": round(price, 2)}
            for pid, title, price in picked
        ]
        # Round per line, then the sum: the total is exactly what the lines show.
        total = round(sum(round(item["quantity"] * item["price"], 2) for item in items), 2)
        shipped = eta = tracking = None
        if status == "processing":
            placed = today - timedelta(days=rng.randint(0, 2))
            eta = placed + timedelta(days=rng.randint(5, 8))
        elif status == "shipped":
            placed = today - timedelta(days=rng.randint(2, 5))
            shipped = placed + timedelta(days=rng.randint(1, 2))
            eta = today + timedelta(days=rng.randint(1, 4))
        elif status == "delivered":
            placed = today - timedelta(days=rng.randint(8, 40))
            shipped = placed + timedelta(days=rng.randint(1, 2))
            eta = shipped + timedelta(days=rng.randint(2, 5))
        else:
            placed = today - timedelta(days=rng.randint(3, 30))
        if shipped is not None:
            tracking = f"SB{rng.randrange(10**11, 10**12)}"
        order = Order(
            number="",
            email=f"{rng.choice(_DEMO_PEOPLE)}@example.com",
            status=status,
            items=items,
            total=total,
            currency=currency,
            placed=placed.isoformat(),
            shipped=shipped.isoformat() if shipped else None,
            eta=eta.isoformat() if eta else None,
            tracking=tracking,
        )
        drafts.append((placed, order))
    drafts.sort(key=lambda draft: draft[0])  # stable: ties keep their seeded order
    return [replace(order, number=str(10001 + i)) for i, (_, order) in enumerate(drafts)]


async def seed_demo_orders(
    table: OrderTable,
    products: Sequence[tuple[str, str, float]],
    count: int = 40,
    seed: int = 11,
    *,
    today: date | None = None,
    currency: str = "USD",
) -> int:
    """Insert demo orders (see demo_orders) if there are no orders yet; returns how many went in.

    Safe on every start: a table with any order in it, demo or real, is left alone, and two
    servers starting together seed once. With no products there is nothing to order, so
    nothing is inserted.
    """
    # Generating is microseconds of pure Python; only the database work leaves the loop.
    orders = demo_orders(products, count, seed, today, currency)
    return await table.insert_if_empty(orders) if orders else 0
