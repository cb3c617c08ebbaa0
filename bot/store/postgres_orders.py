"""Orders in PostgreSQL, next to the conversations of PostgresConversationStore."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import asyncpg

from bot.store.orders import (
    ORDER_COLUMNS,
    Order,
    OrderNotCancellableError,
    OrderNotFoundError,
    OrderTable,
    check_statuses,
    normalize_order_number,
    order_from_row,
    order_to_row,
)
from bot.store.postgres import PostgresConversationStore

_PLACEHOLDERS = ", ".join(f"${i}" for i in range(1, len(ORDER_COLUMNS.split(", ")) + 1))
# INSERT OR REPLACE, as SQLite says it: a number already there gets the new row whole.
_UPSERT = (
    f"INSERT INTO orders ({ORDER_COLUMNS}) VALUES ({_PLACEHOLDERS}) ON CONFLICT (number) DO UPDATE SET "
    + ", ".join(f"{column} = excluded.{column}" for column in ORDER_COLUMNS.split(", ")[1:])
)


class PostgresOrderSource(OrderTable):
    """Orders in the `orders` table of a PostgresConversationStore's database."""

    def __init__(self, store: PostgresConversationStore) -> None:
        self.store = store

    async def get(self, number: str) -> Order | None:
        number = normalize_order_number(number)

        async def work(db: asyncpg.Connection) -> Order | None:
            row = await db.fetchrow(f"SELECT {ORDER_COLUMNS} FROM orders WHERE number = $1", number)
            return order_from_row(row) if row else None

        return await self.store.run(work)

    async def cancel(self, number: str) -> Order:
        number = normalize_order_number(number)

        async def work(db: asyncpg.Connection) -> Order:
            async with db.transaction():
                # The row lock holds off a concurrent ship (or cancel) between check and change.
                row = await db.fetchrow(f"SELECT {ORDER_COLUMNS} FROM orders WHERE number = $1 FOR UPDATE", number)
                if row is None:
                    raise OrderNotFoundError(number)
                order = order_from_row(row)
                if order.status != "processing":
                    raise OrderNotCancellableError(order)
                # A cancelled order is not expected anywhere, so it has no delivery estimate.
                await db.execute("UPDATE orders SET status = 'cancelled', eta = NULL WHERE number = $1", number)
            return replace(order, status="cancelled", eta=None)

        return await self.store.run(work)

    async def count(self) -> int:
        """How many orders there are."""

        async def work(db: asyncpg.Connection) -> int:
            return int(await db.fetchval("SELECT COUNT(*) FROM orders"))

        return await self.store.run(work)

    async def has_orders(self) -> bool:
        """True once any order is in the table."""

        async def work(db: asyncpg.Connection) -> bool:
            return await db.fetchval("SELECT EXISTS (SELECT 1 FROM orders)")

        return await self.store.run(work)

    async def put_many(self, orders: Sequence[Order]) -> int:
        """Insert or replace orders in one transaction (an import is all or nothing)."""
        check_statuses(orders)
        rows = [order_to_row(order) for order in orders]

        async def work(db: asyncpg.Connection) -> int:
            async with db.transaction():
                await db.executemany(_UPSERT, rows)
            return len(rows)

        return await self.store.run(work) if rows else 0

    async def insert_if_empty(self, orders: Sequence[Order]) -> int:
        """Insert `orders` only if the table holds no order at all; returns how many went in."""
        check_statuses(orders)
        rows = [order_to_row(order) for order in orders]

        async def work(db: asyncpg.Connection) -> int:
            async with db.transaction():
                # A lock mode that conflicts with itself (and with writers, not with readers), so a
                # second server starting at the same moment waits here and then finds the orders.
                await db.execute("LOCK TABLE orders IN SHARE ROW EXCLUSIVE MODE")
                if await db.fetchval("SELECT EXISTS (SELECT 1 FROM orders)"):
                    return 0
                await db.executemany(
                    f"INSERT INTO orders ({ORDER_COLUMNS}) VALUES ({_PLACEHOLDERS})", rows
                )
            return len(rows)

        return await self.store.run(work)
