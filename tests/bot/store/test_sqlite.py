"""The SQLite conversation store against a real file: durability, idempotency, order, migrations."""

from __future__ import annotations

import asyncio
import random
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import (
    MIGRATIONS,
    ConversationNotFoundError,
    ConversationOwnedError,
    SQLiteConversationStore,
    StoreClosedError,
    StoreError,
    applied,
    migrate,
)

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "shopbot.db"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[SQLiteConversationStore]:
    store = SQLiteConversationStore(db_path)
    yield store
    await store.close()


async def test_events_survive_closing_and_reopening(db_path: Path) -> None:
    store = SQLiteConversationStore(db_path)
    await store.open_conversation("c1", "alice", "web")
    texts = [f"message {i}" for i in range(5)]
    for i, text in enumerate(texts):
        await store.append("c1", "user" if i % 2 == 0 else "bot", text, {"n": i, "cards": [{"id": "boot-1"}]})
    await store.close()

    reopened = SQLiteConversationStore(db_path)
    try:
        events = await reopened.events("c1")
        assert [e.text for e in events] == texts
        assert [e.payload["n"] for e in events] == list(range(5))
        assert events[0].payload["cards"] == [{"id": "boot-1"}]
        assert [e.id for e in events] == sorted(e.id for e in events)
        assert (await reopened.get("c1")).sender == "alice"  # type: ignore[union-attr]
    finally:
        await reopened.close()


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


async def test_a_repeated_client_id_is_not_duplicated(store: SQLiteConversationStore) -> None:
    await store.open_conversation("c1", "alice", "web")
    await store.open_conversation("c2", "bob", "web")
    first, new = await store.append("c1", "user", "hi", client_id="msg-1")
    assert new
    again, new_again = await store.append("c1", "user", "hi (re-sent)", client_id="msg-1")
    assert not new_again
    assert again == first
    # The same client id in another conversation is a different message.
    _, other_new = await store.append("c2", "user", "hi", client_id="msg-1")
    assert other_new
    # Without a client id there is no deduplication.
    await store.append("c1", "user", "hi")
    await store.append("c1", "user", "hi")
    assert [e.text for e in await store.events("c1")] == ["hi", "hi", "hi"]


async def test_pending_lists_unanswered_user_messages(store: SQLiteConversationStore) -> None:
    await store.open_conversation("c1", "alice", "web")
    assert await store.pending("c1") == []
    await store.append("c1", "user", "hello")
    await store.append("c1", "bot", "Hi! How can I help?")
    await store.append("c1", "user", "boots under $100")
    await store.append("c1", "system", "handoff requested")  # a note answers nobody
    await store.append("c1", "user", "size 10")
    assert [e.text for e in await store.pending("c1")] == ["boots under $100", "size 10"]

    await store.append("c1", "agent", "Let me check for you.")
    assert await store.pending("c1") == []
    assert await store.pending("unknown") == []


async def test_events_after_id_and_limit(store: SQLiteConversationStore) -> None:
    await store.open_conversation("c1", "alice", "web")
    ids = [(await store.append("c1", "user", str(i)))[0].id for i in range(6)]
    assert [e.text for e in await store.events("c1", after_id=ids[2])] == ["3", "4", "5"]
    assert [e.text for e in await store.events("c1", after_id=ids[0], limit=2)] == ["1", "2"]
    assert await store.events("c1", after_id=ids[-1]) == []


async def test_concurrent_appends_keep_order_within_each_conversation(store: SQLiteConversationStore) -> None:
    conversations = [f"c{i}" for i in range(10)]
    for cid in conversations:
        await store.open_conversation(cid, f"sender-{cid}", "web")
    rng = random.Random(3)

    async def writer(cid: str) -> list[int]:
        ids = []
        for seq in range(5):
            await asyncio.sleep(rng.random() / 1000)  # interleave the writers
            event, _ = await store.append(cid, "user", f"{cid}:{seq}", {"seq": seq})
            ids.append(event.id)
        return ids

    written = await asyncio.gather(*(writer(cid) for cid in conversations))

    all_ids = [i for ids in written for i in ids]
    assert len(set(all_ids)) == 50
    for cid, ids in zip(conversations, written):
        events = await store.events(cid)
        assert [e.text for e in events] == [f"{cid}:{seq}" for seq in range(5)]
        assert [e.id for e in events] == ids
        assert all(e.conversation_id == cid for e in events)


async def test_open_conversation_gets_or_creates(store: SQLiteConversationStore) -> None:
    assert await store.get("c1") is None
    created = await store.open_conversation("c1", "alice", "web")
    assert (created.mode, created.state, created.agent) == ("bot", {}, None)
    assert created.created == created.updated
    again = await store.open_conversation("c1", "mallory", "sms")
    assert again == created  # unchanged: the first sender keeps it


async def test_state_and_mode_round_trip(store: SQLiteConversationStore, db_path: Path) -> None:
    await store.open_conversation("c1", "alice", "web")
    state = {"slots": {"budget": 100, "category": "boots"}, "last_results": ["boot-1", "boot-2"], "note": "café"}
    await store.save_state("c1", state)
    await store.set_mode("c1", "agent", agent="dana")
    await store.close()

    reopened = SQLiteConversationStore(db_path)
    try:
        conversation = await reopened.get("c1")
        assert conversation is not None
        assert conversation.state == state
        assert (conversation.mode, conversation.agent) == ("agent", "dana")
        await reopened.set_mode("c1", "bot")
        conversation = await reopened.get("c1")
        assert (conversation.mode, conversation.agent) == ("bot", None)  # type: ignore[union-attr]
    finally:
        await reopened.close()


async def test_bad_input_is_refused_before_it_reaches_the_database(store: SQLiteConversationStore) -> None:
    with pytest.raises(ConversationNotFoundError, match="no conversation 'nope'"):
        await store.append("nope", "user", "hi")
    with pytest.raises(ConversationNotFoundError):
        await store.save_state("nope", {})
    with pytest.raises(ConversationNotFoundError):
        await store.set_mode("nope", "agent")
    await store.open_conversation("c1", "alice", "web")
    with pytest.raises(ValueError, match="role must be one of"):
        await store.append("c1", "robot", "hi")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="mode must be one of"):
        await store.set_mode("c1", "paused")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        await store.save_state("c1", {"when": object()})
    assert await store.events("c1") == []


async def test_conversations_are_listed_most_recently_updated_first(store: SQLiteConversationStore) -> None:
    for cid in ("a", "b", "c"):
        await store.open_conversation(cid, "alice", "web")
    assert [c.id for c in await store.conversations()] == ["c", "b", "a"]
    await store.append("a", "user", "hello")
    assert [c.id for c in await store.conversations()] == ["a", "c", "b"]
    await store.save_state("b", {"x": 1})
    assert [c.id for c in await store.conversations()] == ["b", "a", "c"]
    await store.set_mode("c", "waiting_agent")
    assert [c.id for c in await store.conversations()] == ["c", "b", "a"]
    assert [c.id for c in await store.conversations(mode="waiting_agent")] == ["c"]
    assert [c.id for c in await store.conversations(limit=2)] == ["c", "b"]
    before = (await store.get("a")).updated  # type: ignore[union-attr]
    await store.append("a", "bot", "hi")
    assert (await store.get("a")).updated > before  # type: ignore[union-attr]


async def test_erase_sender_removes_everything_of_that_sender_only(
    store: SQLiteConversationStore, db_path: Path
) -> None:
    for cid, sender in (("a1", "alice"), ("a2", "alice"), ("b1", "bob")):
        await store.open_conversation(cid, sender, "web")
        await store.append(cid, "user", f"{sender} here", client_id="m1")
        await store.append(cid, "bot", "hello")

    assert await store.erase_sender("alice") == 2
    assert await store.get("a1") is None and await store.get("a2") is None
    assert await store.events("a1") == [] and await store.events("a2") == []
    assert [c.id for c in await store.conversations()] == ["b1"]
    assert [e.text for e in await store.events("b1")] == ["bob here", "hello"]
    assert await store.erase_sender("alice") == 0

    # Nothing of alice is left in the file, not even orphaned events.
    raw = sqlite3.connect(db_path)
    try:
        assert raw.execute("SELECT COUNT(*) FROM events WHERE conversation_id IN ('a1', 'a2')").fetchone() == (0,)
        assert raw.execute("SELECT COUNT(*) FROM conversations WHERE sender = 'alice'").fetchone() == (0,)
    finally:
        raw.close()

    # A reused id starts a fresh conversation, and event ids are never reused.
    last_id = (await store.events("b1"))[-1].id
    await store.open_conversation("a1", "alice", "web")
    event, new = await store.append("a1", "user", "back again", client_id="m1")
    assert new and event.id > last_id


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
        assert [name for name, _ in MIGRATIONS] == names
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
        steps = [("0001_a", "CREATE TABLE a (x)"), ("0002_b", "CREATE TABLE b (x)")]
        assert migrate(db, steps) == ["0001_a", "0002_b"]
        assert migrate(db, steps) == []

        broken = [*steps, ("0003_c", "CREATE TABLE c (x)"), ("0004_bad", "CREATE TABLE d (x); SELEC oops")]
        with pytest.raises(StoreError, match="migration 0004_bad failed"):
            migrate(db, broken)
        assert applied(db) == ["0001_a", "0002_b", "0003_c"]
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "c" in tables and "d" not in tables  # 0004 rolled back whole

        fixed = [*broken[:3], ("0004_bad", "CREATE TABLE d (x)")]
        assert migrate(db, fixed) == ["0004_bad"]
        with pytest.raises(ValueError, match="unique"):
            migrate(db, [*steps, steps[0]])
    finally:
        db.close()


async def test_a_closed_store_refuses_work(db_path: Path) -> None:
    store = SQLiteConversationStore(db_path)
    await store.open_conversation("c1", "alice", "web")
    await store.close()
    await store.close()  # twice is fine
    with pytest.raises(StoreClosedError):
        await store.get("c1")


async def test_async_context_manager_closes(db_path: Path) -> None:
    async with SQLiteConversationStore(db_path) as store:
        await store.open_conversation("c1", "alice", "web")
    with pytest.raises(StoreClosedError):
        await store.events("c1")


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


async def test_only_one_agent_can_claim_a_conversation(store: SQLiteConversationStore) -> None:
    await store.open_conversation("c", "s", "widget")
    await store.set_mode("c", "waiting_agent")
    results = await asyncio.gather(store.claim("c", "alice"), store.claim("c", "bob"), return_exceptions=True)
    winners = [r for r in results if not isinstance(r, BaseException)]
    losers = [r for r in results if isinstance(r, ConversationOwnedError)]
    assert len(winners) == 1 and len(losers) == 1
    owner = winners[0].agent
    assert "already handling" in str(losers[0]) and owner in str(losers[0])
    again = await store.claim("c", owner)  # taking one's own conversation again is fine
    assert again.mode == "agent" and again.agent == owner
    await store.set_mode("c", "bot")  # handed back: anyone may take it next time
    assert (await store.claim("c", "carol")).agent == "carol"
    with pytest.raises(ConversationNotFoundError):
        await store.claim("nope", "alice")


async def test_waiting_since_marks_the_start_of_the_wait(store: SQLiteConversationStore) -> None:
    await store.open_conversation("c", "s", "widget")
    assert (await store.get("c")).waiting_since is None  # type: ignore[union-attr]
    await store.set_mode("c", "waiting_agent")
    started = (await store.get("c")).waiting_since  # type: ignore[union-attr]
    assert started is not None
    await store.append("c", "user", "hello?")
    await store.set_mode("c", "waiting_agent")  # still queued: the wait keeps its start
    assert (await store.get("c")).waiting_since == started  # type: ignore[union-attr]
    await store.claim("c", "alice")
    assert (await store.get("c")).waiting_since is None  # type: ignore[union-attr]


async def test_summaries_count_unread_shopper_messages(store: SQLiteConversationStore) -> None:
    for cid in ("a", "b"):
        await store.open_conversation(cid, cid, "widget")
    first, _ = await store.append("a", "user", "one")
    await store.append("a", "bot", "reply")
    await store.append("a", "user", "two")
    await store.append("b", "user", "other")
    by_id = {s.conversation.id: s for s in await store.summaries()}
    assert by_id["a"].unread == 2 and (by_id["a"].last_role, by_id["a"].last_text) == ("user", "two")
    assert by_id["b"].unread == 1
    assert [s.conversation.id for s in await store.summaries()] == ["b", "a"]  # most recent first
    await store.mark_read("a", first.id)
    assert {s.conversation.id: s.unread for s in await store.summaries()} == {"a": 1, "b": 1}
    await store.mark_read("a", 10**9)
    await store.mark_read("a", first.id)  # reading never goes backwards
    assert {s.conversation.id: s.unread for s in await store.summaries()}["a"] == 0
