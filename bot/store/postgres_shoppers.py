"""Shopper profiles in PostgreSQL, next to the conversations of PostgresConversationStore."""

from __future__ import annotations

import time
from collections.abc import Sequence

import asyncpg

from bot.store.postgres import PostgresConversationStore, affected
from bot.store.shoppers import ShopperEvent, ShopperStore
from retrieval.recommend.profile import Preferences

_EVENT_COLUMNS = "shopper, product_id, kind, at, source, basket, key"


class PostgresShopperStore(ShopperStore):
    """ShopperStore on the PostgreSQL database of a PostgresConversationStore."""

    store: PostgresConversationStore

    def __init__(self, store: PostgresConversationStore) -> None:
        super().__init__(store)

    async def record(self, events: Sequence[ShopperEvent]) -> int:
        if not events:
            return 0
        columns = [list(column) for column in zip(*(
            (e.shopper, e.product_id, e.kind, e.at, e.source, e.basket, e.key) for e in events
        ))]  # fmt: skip

        async def work(db: asyncpg.Connection) -> int:
            # One statement over arrays: it reports how many rows went in (executemany cannot),
            # keeps the batch's order for the ids, and skips re-sent keys, within the batch too.
            status = await db.execute(
                f"INSERT INTO shopper_events ({_EVENT_COLUMNS})"
                f" SELECT {_EVENT_COLUMNS} FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[],"
                "  $5::text[], $6::text[], $7::text[]) WITH ORDINALITY"
                f"  AS batch ({_EVENT_COLUMNS}, position) ORDER BY position"
                " ON CONFLICT (shopper, key) WHERE key IS NOT NULL DO NOTHING",
                *columns,
            )
            return affected(status)

        return await self.store.run(work)

    async def events(self, shopper: str, limit: int | None = None) -> list[ShopperEvent]:
        async def work(db: asyncpg.Connection) -> list[ShopperEvent]:
            rows = await db.fetch(
                f"SELECT {_EVENT_COLUMNS} FROM shopper_events WHERE shopper = $1 ORDER BY at DESC, id DESC LIMIT $2",
                shopper, limit,
            )  # fmt: skip
            return [ShopperEvent(*row) for row in reversed(rows)]

        return await self.store.run(work)

    async def preferences(self, shopper: str) -> Preferences:
        async def work(db: asyncpg.Connection) -> str | None:
            return await db.fetchval("SELECT data FROM shopper_preferences WHERE shopper = $1", shopper)

        data = await self.store.run(work)
        return Preferences.model_validate_json(data) if data else Preferences()

    async def save_preferences(self, shopper: str, preferences: Preferences) -> None:
        data = preferences.model_dump_json()

        async def work(db: asyncpg.Connection) -> None:
            await db.execute(
                "INSERT INTO shopper_preferences (shopper, data, updated) VALUES ($1, $2, $3)"
                " ON CONFLICT (shopper) DO UPDATE SET data = excluded.data, updated = excluded.updated",
                shopper, data, time.time(),
            )  # fmt: skip

        await self.store.run(work)

    async def purchases(self) -> list[tuple[str, str, str]]:
        async def work(db: asyncpg.Connection) -> list[tuple[str, str, str]]:
            rows = await db.fetch(
                "SELECT shopper, COALESCE(basket, to_char(to_timestamp(at) AT TIME ZONE 'UTC', 'YYYY-MM-DD')),"
                ' product_id FROM shopper_events WHERE kind = \'purchased\' ORDER BY shopper COLLATE "C", at, id'
            )
            return [(row[0], row[1], row[2]) for row in rows]

        return await self.store.run(work)

    async def count(self) -> int:
        async def work(db: asyncpg.Connection) -> int:
            return int(await db.fetchval("SELECT count(*) FROM shopper_events"))

        return await self.store.run(work)

    async def erase_profile(self, shopper: str) -> tuple[int, bool]:
        async def work(db: asyncpg.Connection) -> tuple[int, bool]:
            async with db.transaction():
                events = await db.execute("DELETE FROM shopper_events WHERE shopper = $1", shopper)
                prefs = await db.execute("DELETE FROM shopper_preferences WHERE shopper = $1", shopper)
            return affected(events), affected(prefs) > 0

        return await self.store.run(work)
