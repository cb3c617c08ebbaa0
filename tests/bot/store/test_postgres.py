"""What only the PostgreSQL store has to show: several processes on one database, an outage and
the recovery after it, its migrations, and being chosen by configuration.

Each "process" is a store of its own (its own pool of connections), as two servers would
have. The behaviour every backend shares is checked in test_contract.py.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path

import asyncpg
import pytest

from bot.config import Settings
from bot.store import (
    MIGRATIONS,
    ConversationOwnedError,
    Migration,
    SQLiteConversationStore,
    StoreError,
    StoreUnavailableError,
    applied,
    applied_postgres,
    migrate_postgres,
    open_conversation_store,
    order_table,
    shopper_store,
)
from bot.store.postgres import PostgresConversationStore
from bot.store.postgres_orders import PostgresOrderSource
from bot.store.postgres_shoppers import PostgresShopperStore
from tests.support.servers import Postgres, free_port

pytestmark = pytest.mark.scaleout

PASSWORD = "hunter2-Secret"  # trust auth ignores it; it is there to be kept out of every message


def with_password(url: str) -> str:
    return url.replace("shopbot@", f"shopbot:{PASSWORD}@", 1)


async def test_two_processes_appending_one_client_id_store_one_event(postgres_url: str) -> None:
    first, second = PostgresConversationStore.connect(postgres_url), PostgresConversationStore.connect(postgres_url)
    stores = await asyncio.gather(first, second)
    try:
        await stores[0].open_conversation("c1", "ann", "widget")
        results = await asyncio.gather(*(
            stores[i % 2].append("c1", "user", f"try {i}", client_id="m1") for i in range(20)
        ))  # fmt: skip
        assert sum(new for _, new in results) == 1
        stored = next(event for event, new in results if new)
        assert all(event == stored for event, _ in results)
        assert await stores[0].events("c1") == await stores[1].events("c1") == [stored]
    finally:
        await asyncio.gather(*(store.close() for store in stores))


async def test_two_processes_claiming_one_conversation_one_wins(postgres_url: str) -> None:
    stores = await asyncio.gather(*(PostgresConversationStore.connect(postgres_url) for _ in range(2)))
    try:
        for round_ in range(5):
            cid = f"c{round_}"
            await stores[0].open_conversation(cid, "ann", "widget")
            await stores[0].set_mode(cid, "waiting_agent")
            results = await asyncio.gather(
                stores[0].claim(cid, "alice"), stores[1].claim(cid, "bob"), return_exceptions=True
            )
            winners = [r for r in results if not isinstance(r, BaseException)]
            losers = [r for r in results if isinstance(r, ConversationOwnedError)]
            assert len(winners) == 1 and len(losers) == 1, results
            assert (await stores[1].get(cid)).agent == winners[0].agent == losers[0].agent  # type: ignore[union-attr]
    finally:
        await asyncio.gather(*(store.close() for store in stores))


async def test_appends_from_two_processes_keep_one_order_per_conversation(postgres_url: str) -> None:
    stores = await asyncio.gather(*(PostgresConversationStore.connect(postgres_url) for _ in range(2)))
    try:
        await stores[0].open_conversation("c1", "ann", "widget")
        written = await asyncio.gather(*(stores[i % 2].append("c1", "user", str(i)) for i in range(30)))
        events = await stores[1].events("c1")
        assert sorted(e.id for e, _ in written) == [e.id for e in events]
        # Ids and times agree: a later id never carries an earlier time, whichever process wrote it.
        assert [e.created for e in events] == sorted(e.created for e in events)
        assert (await stores[0].get("c1")).updated == events[-1].created  # type: ignore[union-attr]
    finally:
        await asyncio.gather(*(store.close() for store in stores))


async def test_an_outage_raises_store_unavailable_and_the_same_store_recovers(
    pg_server: Postgres, postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    store = await PostgresConversationStore.connect(with_password(postgres_url), connect_timeout=2.0)
    await store.open_conversation("c1", "ann", "widget")
    await store.append("c1", "user", "hello", state={"step": 1})
    caplog.set_level(logging.DEBUG)
    pg_server.stop()
    try:
        for call in (lambda: store.get("c1"), lambda: store.append("c1", "bot", "hi", state={"step": 2}),
                     lambda: store.events("c1"), lambda: store.summaries()):  # fmt: skip
            started = time.monotonic()
            with pytest.raises(StoreUnavailableError) as caught:
                await call()
            assert time.monotonic() - started < 5
            message = str(caught.value)
            assert "cannot be reached" in message and "127.0.0.1" in message and "try again" in message
            assert PASSWORD not in message
    finally:
        pg_server.start()

    # The same store object works again: its pool connects afresh.
    conversation = await store.get("c1")
    assert conversation is not None and conversation.state == {"step": 1}  # the failed reply changed nothing
    assert [e.text for e in await store.events("c1")] == ["hello"]
    await store.append("c1", "bot", "hi again", state={"step": 2})
    assert (await store.get("c1")).state == {"step": 2}  # type: ignore[union-attr]
    await store.close()
    assert PASSWORD not in caplog.text


async def test_a_database_that_is_not_there_fails_at_connect_quickly_and_says_which() -> None:
    url = f"postgresql://shopbot:{PASSWORD}@127.0.0.1:{free_port()}/shopbot"
    started = time.monotonic()
    with pytest.raises(StoreUnavailableError) as caught:
        await PostgresConversationStore.connect(url, connect_timeout=2.0)
    assert time.monotonic() - started < 5
    assert "shopbot@127.0.0.1" in str(caught.value) and PASSWORD not in str(caught.value)


async def test_a_call_whose_caller_is_cancelled_still_completes(postgres_url: str) -> None:
    store = await PostgresConversationStore.connect(postgres_url)
    try:
        await store.open_conversation("c1", "ann", "widget")
        caller = asyncio.ensure_future(store.append("c1", "user", "hello", client_id="m1", state={"step": 1}))
        await asyncio.sleep(0)  # the write has started
        caller.cancel()
        with pytest.raises(asyncio.CancelledError):
            await caller
    finally:
        await store.close()  # waits for the write in flight
    async with await PostgresConversationStore.connect(postgres_url) as reopened:
        assert [e.text for e in await reopened.events("c1")] == ["hello"]
        assert (await reopened.get("c1")).state == {"step": 1}  # type: ignore[union-attr]


async def test_a_nul_character_is_refused_with_a_message_not_a_crash(postgres_url: str) -> None:
    # PostgreSQL text cannot hold NUL (SQLite's can): the one difference between the backends.
    async with await PostgresConversationStore.connect(postgres_url) as store:
        await store.open_conversation("c1", "ann", "widget")
        with pytest.raises(StoreError, match="NUL"):
            await store.append("c1", "user", "nul \x00 here")
        assert await store.events("c1") == []
        await store.append("c1", "user", "json escapes it", {"text": "nul \x00 here"}, state={"x": "\x00"})
        assert (await store.get("c1")).state == {"x": "\x00"}  # type: ignore[union-attr]


# -- migrations --------------------------------------------------------------------------------


async def test_processes_starting_at_once_apply_each_migration_once(postgres_url: str) -> None:
    stores = await asyncio.gather(*(PostgresConversationStore.connect(postgres_url) for _ in range(4)))
    await asyncio.gather(*(store.close() for store in stores))
    connection = await asyncpg.connect(postgres_url)
    try:
        assert await applied_postgres(connection) == [m.name for m in MIGRATIONS]
        assert await connection.fetchval("SELECT count(*) FROM schema_migrations") == len(MIGRATIONS)
        assert await migrate_postgres(connection) == []
    finally:
        await connection.close()


async def test_both_backends_record_the_same_migrations_in_the_same_order(postgres_url: str, tmp_path: Path) -> None:
    await SQLiteConversationStore(tmp_path / "shopbot.db").close()
    await (await PostgresConversationStore.connect(postgres_url)).close()
    import sqlite3

    raw = sqlite3.connect(tmp_path / "shopbot.db", isolation_level=None)
    connection = await asyncpg.connect(postgres_url)
    try:
        assert await applied_postgres(connection) == applied(raw) == [m.name for m in MIGRATIONS]
    finally:
        raw.close()
        await connection.close()


async def test_a_failed_migration_leaves_no_trace(postgres_url: str) -> None:
    def step(name: str, postgres: str) -> Migration:
        return Migration(name, sqlite="SELECT 1", postgres=postgres)

    connection = await asyncpg.connect(postgres_url)
    try:
        assert await applied_postgres(connection) == []
        steps = [step("0001_a", "CREATE TABLE a (x int)"), step("0002_b", "CREATE TABLE b (x int)")]
        assert await migrate_postgres(connection, steps) == ["0001_a", "0002_b"]
        assert await migrate_postgres(connection, steps) == []
        broken = [*steps, step("0003_c", "CREATE TABLE c (x int)"), step("0004_bad", "CREATE TABLE d (x int); SELEC oops")]
        with pytest.raises(StoreError, match="migration 0004_bad failed"):
            await migrate_postgres(connection, broken)
        assert await applied_postgres(connection) == ["0001_a", "0002_b", "0003_c"]
        assert await connection.fetchval("SELECT to_regclass('d')") is None  # 0004 rolled back whole
        fixed = [*broken[:3], step("0004_bad", "CREATE TABLE d (x int)")]
        assert await migrate_postgres(connection, fixed) == ["0004_bad"]
    finally:
        await connection.close()


# -- chosen by configuration -------------------------------------------------------------------


async def test_a_database_url_in_the_settings_opens_postgres(postgres_url: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url=postgres_url)
    store = await open_conversation_store(settings)
    try:
        assert isinstance(store, PostgresConversationStore)
        assert isinstance(shopper_store(store), PostgresShopperStore)
        assert isinstance(order_table(store), PostgresOrderSource)
        await store.open_conversation("c1", "ann", "widget")
    finally:
        await store.close()
    assert not settings.conversations_db.exists()  # no SQLite file on the side


def test_orders_import_goes_to_the_configured_postgres(postgres_url: str, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bot.cli import main

    orders = tmp_path / "orders.jsonl"
    orders.write_text(json.dumps({
        "number": "A-1", "status": "processing", "placed": "2026-12-01", "total": 10,
        "items": [{"title": "Mug", "quantity": 1, "price": 10}],
    }) + "\n", encoding="utf-8")  # fmt: skip
    result = CliRunner().invoke(
        main, ["--data-dir", str(tmp_path / "data"), "orders", "import", str(orders), "--currency", "EUR"],
        env={"SHOPBOT_DATABASE_URL": postgres_url},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "imported 1 orders" in result.output

    async def check() -> None:
        async with await PostgresConversationStore.connect(postgres_url) as store:
            order = await order_table(store).get("A-1")
            assert order is not None and order.currency == "EUR" and order.total == 10

    asyncio.run(check())
    assert not (tmp_path / "data" / "shopbot.db").exists()
