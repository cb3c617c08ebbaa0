"""What only the SQLite store has: the file itself (WAL, commits a killed process keeps, erasure
that leaves nothing in it), its one database thread, and its migrations run on a raw connection.

The behaviour every backend shares is checked in test_contract.py.
"""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import MIGRATIONS, Migration, SQLiteConversationStore, StoreError, applied, migrate

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "shopbot.db"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[SQLiteConversationStore]:
    store = SQLiteConversationStore(db_path)
    yield store
    await store.close()


async def test_an_append_is_committed_before_it_returns(store: SQLiteConversationStore, db_path: Path) -> None:
    await store.open_conversation("c1", "alice", "web")
    await store.append("c1", "user", "hello")
    # Another connection (as another process would) sees it at once: nothing waits in a buffer.
    other = sqlite3.connect(db_path)
    try:
        assert other.execute("SELECT text FROM events WHERE conversation_id = 'c1'").fetchall() == [("hello",)]
    finally:
        other.close()


def test_a_killed_process_loses_nothing_it_appended(db_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import asyncio, os
        from bot.store import SQLiteConversationStore

        async def main():
            store = SQLiteConversationStore({str(db_path)!r})
            await store.open_conversation("c1", "alice", "web")
            await store.append("c1", "user", "where is my order?", client_id="m1")
            os._exit(9)  # killed mid-turn: no close, no answer

        asyncio.run(main())
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 9, result.stderr

    async def check() -> None:
        store = SQLiteConversationStore(db_path)
        try:
            assert [e.text for e in await store.pending("c1")] == ["where is my order?"]
        finally:
            await store.close()

    asyncio.run(check())


async def test_erase_sender_leaves_nothing_of_that_sender_in_the_file(
    store: SQLiteConversationStore, db_path: Path
) -> None:
    for cid, sender in (("a1", "alice"), ("a2", "alice"), ("b1", "bob")):
        await store.open_conversation(cid, sender, "web")
        stored, _ = await store.append(cid, "user", f"{sender} here", client_id="m1")
        await store.count_attempt(stored.id)
        await store.append(cid, "bot", "hello")

    assert await store.erase_sender("alice") == 2
    # Nothing of alice is left in the file, not even orphaned events or turn attempts.
    raw = sqlite3.connect(db_path)
    try:
        assert raw.execute("SELECT COUNT(*) FROM events WHERE conversation_id IN ('a1', 'a2')").fetchone() == (0,)
        assert raw.execute("SELECT COUNT(*) FROM conversations WHERE sender = 'alice'").fetchone() == (0,)
        assert raw.execute("SELECT COUNT(*) FROM turn_attempts").fetchone() == (1,)  # bob's
    finally:
        raw.close()


async def test_wal_mode_is_on(store: SQLiteConversationStore, db_path: Path) -> None:
    assert await store.run(lambda db: db.execute("PRAGMA journal_mode").fetchone()[0]) == "wal"
    assert await store.run(lambda db: db.execute("PRAGMA foreign_keys").fetchone()[0]) == 1
    assert await store.run(lambda db: db.execute("PRAGMA synchronous").fetchone()[0]) == 1  # NORMAL
    raw = sqlite3.connect(db_path)  # WAL is a property of the file, not just of our connection
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        raw.close()


async def test_the_database_runs_on_one_thread_of_its_own(store: SQLiteConversationStore) -> None:
    import threading

    names = {await store.run(lambda db: threading.current_thread().name) for _ in range(5)}
    assert len(names) == 1
    assert names.pop() != threading.current_thread().name


async def test_migrations_run_once_in_order_and_are_recorded(db_path: Path) -> None:
    store = SQLiteConversationStore(db_path)
    await store.close()

    raw = sqlite3.connect(db_path, isolation_level=None)
    try:
        first = raw.execute("SELECT name, applied_at FROM schema_migrations ORDER BY rowid").fetchall()
        names = ["0001_conversations", "0002_orders", "0003_agent_desk", "0004_shoppers", "0005_turn_attempts"]
        assert [name for name, _ in first] == names
        assert [migration.name for migration in MIGRATIONS] == names
        assert first[0][1] <= first[1][1] <= first[2][1]
        assert migrate(raw) == []  # nothing left to do
    finally:
        raw.close()

    reopened = SQLiteConversationStore(db_path)
    await reopened.close()
    raw = sqlite3.connect(db_path)
    try:
        assert raw.execute("SELECT name, applied_at FROM schema_migrations ORDER BY rowid").fetchall() == first
    finally:
        raw.close()


def test_migrate_applies_only_new_ones_and_a_failure_leaves_no_trace(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "m.db", isolation_level=None)
    try:
        steps = [_step("0001_a", "CREATE TABLE a (x)"), _step("0002_b", "CREATE TABLE b (x)")]
        assert migrate(db, steps) == ["0001_a", "0002_b"]
        assert migrate(db, steps) == []

        broken = [*steps, _step("0003_c", "CREATE TABLE c (x)"), _step("0004_bad", "CREATE TABLE d (x); SELEC oops")]
        with pytest.raises(StoreError, match="migration 0004_bad failed"):
            migrate(db, broken)
        assert applied(db) == ["0001_a", "0002_b", "0003_c"]
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "c" in tables and "d" not in tables  # 0004 rolled back whole

        fixed = [*broken[:3], _step("0004_bad", "CREATE TABLE d (x)")]
        assert migrate(db, fixed) == ["0004_bad"]
        with pytest.raises(ValueError, match="unique"):
            migrate(db, [*steps, steps[0]])
        with pytest.raises(ValueError, match="must look like"):
            migrate(db, [_step("5_x'; DROP TABLE a; --", "")])
    finally:
        db.close()


def _step(name: str, sqlite: str) -> Migration:
    return Migration(name, sqlite=sqlite, postgres="SELECT 1")


def test_an_unopenable_path_says_which_file(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    with pytest.raises(StoreError, match="cannot open the conversation database"):
        SQLiteConversationStore(blocker / "shopbot.db")


async def test_a_database_from_before_the_agent_desk_is_upgraded_in_place(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    raw = sqlite3.connect(db_path, isolation_level=None)
    migrate(raw, MIGRATIONS[:2])  # as an older Shopbot left it, with a conversation in it
    raw.execute("INSERT INTO conversations (id, sender, channel, created, updated) VALUES ('rest:old', 'old', 'rest', 1, 1)")
    raw.close()
    async with SQLiteConversationStore(db_path) as store:
        old = await store.get("rest:old")
        assert old is not None and old.mode == "bot" and old.waiting_since is None
        await store.append("rest:old", "user", "still here")
        [summary] = await store.summaries()
        assert summary.unread == 1 and summary.last_text == "still here"