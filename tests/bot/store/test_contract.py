"""What every conversation database promises, checked on each backend: SQLite and PostgreSQL.

Conversations and events, the agent desk's view of them, shopper profiles and orders: one
suite, run once per backend against a real database (a file; a throwaway server with a fresh
database per test). What only one backend has (SQLite's file, PostgreSQL's outages and
several processes) is in test_sqlite.py and test_postgres.py.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import asyncpg
import pytest

from bot.errors import ShopbotError
from bot.store import (
    MIGRATIONS,
    ORDER_STATUSES,
    ConversationNotFoundError,
    ConversationOwnedError,
    ConversationStore,
    Order,
    OrderNotCancellableError,
    OrderNotFoundError,
    OrderTable,
    StoreClosedError,
    applied,
    applied_postgres,
    demo_orders,
    order_table,
    seed_demo_orders,
    shopper_store,
)
from bot.store.postgres import PostgresConversationStore
from bot.store.shoppers import ShopperEvent, ShopperStore
from bot.store.sqlite import SQLiteConversationStore
from retrieval.recommend import Preferences


@dataclass
class Backend:
    """One database to test on: `open` makes a new store on it (as a restarted process would)."""

    name: str
    open: Callable[[], Awaitable[ConversationStore]]
    applied: Callable[[], Awaitable[list[str]]]  # the migration names the database recorded, in order


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.scaleout)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "sqlite":
        path = tmp_path / "data" / "shopbot.db"

        async def open_sqlite() -> ConversationStore:
            return SQLiteConversationStore(path)

        async def applied_sqlite() -> list[str]:
            raw = sqlite3.connect(path, isolation_level=None)
            try:
                return applied(raw)
            finally:
                raw.close()

        return Backend("sqlite", open_sqlite, applied_sqlite)

    url = request.getfixturevalue("postgres_url")

    async def open_postgres() -> ConversationStore:
        return await PostgresConversationStore.connect(url)

    async def applied_in_postgres() -> list[str]:
        connection = await asyncpg.connect(url)
        try:
            return await applied_postgres(connection)
        finally:
            await connection.close()

    return Backend("postgres", open_postgres, applied_in_postgres)


@pytest.fixture
async def store(backend: Backend) -> AsyncIterator[ConversationStore]:
    store = await backend.open()
    yield store
    await store.close()


# -- conversations and events ----------------------------------------------------------------


async def test_open_conversation_gets_or_creates(store: ConversationStore) -> None:
    assert await store.get("c1") is None
    created = await store.open_conversation("c1", "alice", "web")
    assert (created.mode, created.state, created.agent, created.waiting_since) == ("bot", {}, None, None)
    assert created.created == created.updated
    again = await store.open_conversation("c1", "mallory", "sms")
    assert again == created  # unchanged: the first sender keeps it
    assert await store.get("c1") == created


async def test_events_survive_closing_and_reopening(backend: Backend) -> None:
    store = await backend.open()
    await store.open_conversation("c1", "alice", "web")
    texts = [f"message {i}" for i in range(5)]
    for i, text in enumerate(texts):
        await store.append("c1", "user" if i % 2 == 0 else "bot", text, {"n": i, "cards": [{"id": "boot-1"}]})
    await store.close()

    reopened = await backend.open()
    try:
        events = await reopened.events("c1")
        assert [e.text for e in events] == texts
        assert [e.payload["n"] for e in events] == list(range(5))
        assert events[0].payload["cards"] == [{"id": "boot-1"}]
        assert [e.id for e in events] == sorted(e.id for e in events)
        assert [e.role for e in events] == ["user", "bot"] * 2 + ["user"]
        assert (await reopened.get("c1")).sender == "alice"  # type: ignore[union-attr]
    finally:
        await reopened.close()


async def test_an_appended_event_reads_back_exactly(store: ConversationStore) -> None:
    await store.open_conversation("c1", "alice", "web")
    event, new = await store.append("c1", "user", "Größe 42 — 👟?", {"metadata": {"page": "/boots"}}, client_id="m1")
    assert new and event.client_id == "m1" and event.conversation_id == "c1"
    assert await store.events("c1") == [event]
    assert event.created == (await store.get("c1")).updated  # type: ignore[union-attr]


async def test_a_repeated_client_id_is_not_duplicated(store: ConversationStore) -> None:
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


async def test_twenty_concurrent_appends_of_one_client_id_store_one_event(store: ConversationStore) -> None:
    await store.open_conversation("c1", "alice", "web")
    results = await asyncio.gather(*(store.append("c1", "user", f"try {i}", client_id="m1") for i in range(20)))
    assert sum(new for _, new in results) == 1
    first = next(event for event, new in results if new)
    assert all(event == first for event, _ in results)  # every caller got the one stored event
    assert len(await store.events("c1")) == 1


async def test_a_resent_message_changes_nothing_it_did_not_do_the_first_time(store: ConversationStore) -> None:
    await store.open_conversation("c1", "alice", "web")
    await store.append("c1", "user", "hi", client_id="m1", state={"turn": 1})
    updated = (await store.get("c1")).updated  # type: ignore[union-attr]
    await store.append("c1", "user", "hi", client_id="m1", state={"turn": 2})
    conversation = await store.get("c1")
    assert conversation is not None and conversation.state == {"turn": 1} and conversation.updated == updated


async def test_a_reply_and_its_state_are_saved_together(store: ConversationStore) -> None:
    await store.open_conversation("c1", "alice", "web")
    await store.append("c1", "user", "boots")
    state = {"slots": {"category": "boots"}, "results": [["boot-1", "boot-2"]]}
    reply, _ = await store.append("c1", "bot", "Here are two boots.", {"cards": ["boot-1"]}, state=state)
    conversation = await store.get("c1")
    assert conversation is not None and conversation.state == state and conversation.updated == reply.created
    # A state that cannot be stored stops the reply too: neither is written.
    with pytest.raises(TypeError):
        await store.append("c1", "bot", "never stored", state={"when": object()})
    assert [e.text for e in await store.events("c1")] == ["boots", "Here are two boots."]
    assert (await store.get("c1")).state == state  # type: ignore[union-attr]
    # Without a state, the state stays.
    await store.append("c1", "user", "cheaper")
    assert (await store.get("c1")).state == state  # type: ignore[union-attr]


async def test_pending_lists_unanswered_user_messages(store: ConversationStore) -> None:
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


async def test_count_attempt_counts_every_try_durably(backend: Backend, store: ConversationStore) -> None:
    await store.open_conversation("c1", "alice", "web")
    first, _ = await store.append("c1", "user", "crashes the server")
    second, _ = await store.append("c1", "user", "so does this")
    assert [await store.count_attempt(first.id) for _ in range(2)] == [1, 2]
    assert await store.count_attempt(second.id) == 1
    await store.close()
    reopened = await backend.open()
    try:
        assert await reopened.count_attempt(first.id) == 3
    finally:
        await reopened.close()


async def test_events_after_id_and_limit(store: ConversationStore) -> None:
    await store.open_conversation("c1", "alice", "web")
    ids = [(await store.append("c1", "user", str(i)))[0].id for i in range(6)]
    assert ids == sorted(ids) and len(set(ids)) == 6
    assert [e.text for e in await store.events("c1", after_id=ids[2])] == ["3", "4", "5"]
    assert [e.text for e in await store.events("c1", after_id=ids[0], limit=2)] == ["1", "2"]
    assert [e.text for e in await store.events("c1", limit=1)] == ["0"]
    assert await store.events("c1", after_id=ids[-1]) == []
    assert await store.events("nope") == []


async def test_recent_is_the_last_events_of_those_roles_before_an_id(store: ConversationStore) -> None:
    await store.open_conversation("c1", "alice", "web")
    await store.open_conversation("c2", "bob", "web")
    ids = []
    for i in range(8):
        ids.append((await store.append("c1", "user" if i % 2 == 0 else "bot", str(i)))[0].id)
        await store.append("c2", "user", f"other {i}")
    await store.append("c1", "system", "note")
    later = (await store.append("c1", "user", "8"))[0].id
    assert [e.text for e in await store.recent("c1", later, ("user", "bot"), 3)] == ["5", "6", "7"]
    assert [e.text for e in await store.recent("c1", ids[4], ("user", "bot"), 10)] == ["0", "1", "2", "3"]
    assert [e.text for e in await store.recent("c1", later, ("bot",), 2)] == ["5", "7"]
    assert [e.role for e in await store.recent("c1", later + 1, ("user", "bot", "system"), 2)] == ["system", "user"]
    assert await store.recent("c1", ids[0], ("user",), 5) == []
    assert await store.recent("c1", later, ("user",), 0) == []
    assert await store.recent("nope", later, ("user",), 5) == []


async def test_concurrent_appends_keep_order_within_each_conversation(store: ConversationStore) -> None:
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


async def test_state_and_mode_round_trip_exactly(backend: Backend, store: ConversationStore) -> None:
    await store.open_conversation("c1", "alice", "web")
    state = {
        "slots": {"budget": 100, "category": "boots", "max": 99.99},
        "zeta": 1, "alpha": 2,  # key order is kept, not sorted
        "last_results": ["boot-1", "boot-2"], "note": "café – 日本 👢", "none": None, "flag": False,
        "tiny": 1e-300, "third": 1 / 3, "big": 2**62 + 1, "negative": -0.5, "empty": {}, "nested": [[], [{}]],
        "escapes": 'quote " backslash \\ newline \n tab \t',
    }  # fmt: skip
    await store.save_state("c1", state)
    await store.set_mode("c1", "agent", agent="dana")
    await store.close()

    reopened = await backend.open()
    try:
        conversation = await reopened.get("c1")
        assert conversation is not None
        assert conversation.state == state
        assert list(conversation.state) == list(state)
        assert type(conversation.state["big"]) is int and type(conversation.state["slots"]["budget"]) is int
        assert (conversation.mode, conversation.agent) == ("agent", "dana")
        await reopened.set_mode("c1", "bot")
        conversation = await reopened.get("c1")
        assert (conversation.mode, conversation.agent) == ("bot", None)  # type: ignore[union-attr]
    finally:
        await reopened.close()


async def test_bad_input_is_refused_before_it_reaches_the_database(store: ConversationStore) -> None:
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
    with pytest.raises(ValueError, match="mode must be one of"):
        await store.conversations(mode="paused")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        await store.save_state("c1", {"when": object()})
    assert await store.events("c1") == []


async def test_conversations_are_listed_most_recently_updated_first(store: ConversationStore) -> None:
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
    assert [c.id for c in await store.conversations(mode="agent")] == []
    assert [c.id for c in await store.conversations(mode="bot")] == ["b", "a"]
    assert [c.id for c in await store.conversations(limit=2)] == ["c", "b"]
    before = (await store.get("a")).updated  # type: ignore[union-attr]
    await store.append("a", "bot", "hi")
    assert (await store.get("a")).updated > before  # type: ignore[union-attr]


async def test_of_sender_lists_every_channel_oldest_first(store: ConversationStore) -> None:
    await store.open_conversation("widget:ann", "ann", "widget")
    await store.open_conversation("rest:bob", "bob", "rest")
    await store.open_conversation("telegram:ann", "ann", "telegram")
    await store.append("widget:ann", "user", "newer activity does not reorder")
    assert [c.id for c in await store.of_sender("ann")] == ["widget:ann", "telegram:ann"]
    assert [c.channel for c in await store.of_sender("bob")] == ["rest"]
    assert await store.of_sender("nobody") == []


async def test_erase_sender_removes_everything_of_that_sender_only(store: ConversationStore) -> None:
    for cid, sender in (("a1", "alice"), ("a2", "alice"), ("b1", "bob")):
        await store.open_conversation(cid, sender, "web")
        stored, _ = await store.append(cid, "user", f"{sender} here", client_id="m1")
        await store.count_attempt(stored.id)
        await store.append(cid, "bot", "hello")

    assert await store.erase_sender("alice") == 2
    assert await store.get("a1") is None and await store.get("a2") is None
    assert await store.events("a1") == [] and await store.events("a2") == []
    assert await store.of_sender("alice") == []
    assert [c.id for c in await store.conversations()] == ["b1"]
    assert [e.text for e in await store.events("b1")] == ["bob here", "hello"]
    assert await store.erase_sender("alice") == 0

    # A reused id starts a fresh conversation, and event ids are never reused.
    last_id = (await store.events("b1"))[-1].id
    await store.open_conversation("a1", "alice", "web")
    event, new = await store.append("a1", "user", "back again", client_id="m1")
    assert new and event.id > last_id
    assert await store.count_attempt(event.id) == 1  # no tries left over from the erased message


async def test_erased_ids_are_never_handed_out_again(store: ConversationStore) -> None:
    await store.open_conversation("a", "alice", "web")
    ids = [(await store.append("a", "user", str(i)))[0].id for i in range(3)]
    await store.erase_sender("alice")  # the newest events of the whole store are gone
    await store.open_conversation("b", "bob", "web")
    event, _ = await store.append("b", "user", "next")
    assert event.id > max(ids)


async def test_only_one_agent_can_claim_a_conversation(store: ConversationStore) -> None:
    await store.open_conversation("c", "s", "widget")
    await store.set_mode("c", "waiting_agent")
    results = await asyncio.gather(store.claim("c", "alice"), store.claim("c", "bob"), return_exceptions=True)
    winners = [r for r in results if not isinstance(r, BaseException)]
    losers = [r for r in results if isinstance(r, ConversationOwnedError)]
    assert len(winners) == 1 and len(losers) == 1
    owner = winners[0].agent
    assert winners[0].mode == "agent" and winners[0] == await store.get("c")
    assert "already handling" in str(losers[0]) and owner in str(losers[0])
    assert losers[0].agent == owner
    again = await store.claim("c", owner)  # taking one's own conversation again is fine
    assert again.mode == "agent" and again.agent == owner
    await store.set_mode("c", "bot")  # handed back: anyone may take it next time
    assert (await store.claim("c", "carol")).agent == "carol"
    with pytest.raises(ConversationNotFoundError):
        await store.claim("nope", "alice")


async def test_waiting_since_marks_the_start_of_the_wait(store: ConversationStore) -> None:
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


async def test_summaries_count_unread_shopper_messages(store: ConversationStore) -> None:
    for cid in ("a", "b", "quiet"):
        await store.open_conversation(cid, cid, "widget")
    first, _ = await store.append("a", "user", "one")
    await store.append("a", "bot", "reply")
    await store.append("a", "user", "two")
    await store.append("b", "user", "other")
    by_id = {s.conversation.id: s for s in await store.summaries()}
    assert by_id["a"].unread == 2 and (by_id["a"].last_role, by_id["a"].last_text) == ("user", "two")
    assert by_id["b"].unread == 1
    assert (by_id["quiet"].last_role, by_id["quiet"].last_text, by_id["quiet"].unread) == (None, "", 0)
    assert by_id["a"].conversation == await store.get("a")
    assert [s.conversation.id for s in await store.summaries()] == ["b", "a", "quiet"]  # most recent first
    assert [s.conversation.id for s in await store.summaries(limit=1)] == ["b"]
    await store.mark_read("a", first.id)
    assert {s.conversation.id: s.unread for s in await store.summaries()} == {"a": 1, "b": 1, "quiet": 0}
    await store.mark_read("a", 10**9)
    await store.mark_read("a", first.id)  # reading never goes backwards
    assert {s.conversation.id: s.unread for s in await store.summaries()}["a"] == 0
    await store.mark_read("nope", 1)  # nothing to mark: no error


async def test_a_closed_store_refuses_work(backend: Backend) -> None:
    store = await backend.open()
    await store.open_conversation("c1", "alice", "web")
    await store.close()
    await store.close()  # twice is fine
    with pytest.raises(StoreClosedError):
        await store.get("c1")
    async with await backend.open() as again:
        await again.append("c1", "user", "still works in a new store")
    with pytest.raises(StoreClosedError):
        await again.events("c1")


async def test_migrations_are_recorded_in_order_and_run_once(backend: Backend, store: ConversationStore) -> None:
    names = [migration.name for migration in MIGRATIONS]
    assert await backend.applied() == names
    await (await backend.open()).close()  # a second start applies nothing new
    assert await backend.applied() == names


# -- shopper profiles ------------------------------------------------------------------------


@pytest.fixture
def shoppers(store: ConversationStore) -> ShopperStore:
    return shopper_store(store)


def _event(shopper: str, pid: str, kind: str = "viewed", at: float = 1_700_000_000.0, **kw: str) -> ShopperEvent:
    return ShopperEvent(shopper, pid, kind, at, "api", **kw)  # type: ignore[arg-type]


async def test_shopper_events_with_the_same_key_are_stored_once(shoppers: ShopperStore) -> None:
    batch = [_event("ann", "p1", key="e1"), _event("ann", "p2", key="e2"), _event("ann", "p3")]
    assert await shoppers.record(batch) == 3
    assert await shoppers.record(batch) == 1  # the keyed two are already there; the unkeyed one is new
    assert [e.product_id for e in await shoppers.events("ann")] == ["p1", "p2", "p3", "p3"]
    assert await shoppers.record([_event("bob", "p1", key="e1"), _event("bob", "p9", key="e1")]) == 1  # within a batch too
    assert await shoppers.record([]) == 0
    assert await shoppers.count() == 5


async def test_shopper_events_come_back_as_recorded(shoppers: ShopperStore) -> None:
    recorded = [
        _event("ann", "p1", "purchased", 1_700_000_000.25, basket="o1", key="k1"),
        _event("ann", "p2", "added_to_cart", 1_700_000_001.5),
    ]
    await shoppers.record(recorded)
    assert await shoppers.events("ann") == recorded
    assert await shoppers.events("ann", limit=1) == recorded[1:]  # the newest
    assert await shoppers.events("nobody") == []


async def test_profile_has_preferences_and_newest_signals_oldest_first(shoppers: ShopperStore) -> None:
    await shoppers.record([_event("ann", f"p{i}", at=1_700_000_000.0 + i) for i in range(3)])
    await shoppers.save_preferences("ann", Preferences(sizes=["m"], brands=["TrailMax"], budget_max=80))
    profile = await shoppers.profile("ann", recipient="dad")
    assert [s.product_id for s in profile.signals] == ["p0", "p1", "p2"]
    assert profile.sizes == ["M"] and profile.brands == ["TrailMax"] and profile.budget_max == 80
    assert profile.recipient == "dad"
    assert (await shoppers.profile("nobody")).signals == []
    await shoppers.save_preferences("ann", Preferences(colors=["green"]))  # replaces, not merges
    assert (await shoppers.preferences("ann")) == Preferences(colors=["green"])
    assert await shoppers.preferences("nobody") == Preferences()


async def test_baskets_group_purchases_by_order(shoppers: ShopperStore) -> None:
    day = 1_700_000_000.0
    await shoppers.record([
        _event("ann", "a", "purchased", day, basket="o1"), _event("ann", "b", "purchased", day, basket="o1"),
        _event("ann", "c", "purchased", day, basket="o2"), _event("ann", "d", "viewed", day),
        _event("bob", "a", "purchased", day), _event("bob", "e", "purchased", day + 60),
        _event("bob", "f", "purchased", day + 86_400),  # the next (UTC) day: another basket
    ])  # fmt: skip
    assert await shoppers.baskets() == [("a", "b"), ("c",), ("a", "e"), ("f",)]


async def test_erase_removes_conversations_events_and_preferences_of_that_shopper_only(shoppers: ShopperStore) -> None:
    store = shoppers.store
    for who in ("ann", "bob"):
        await store.open_conversation(f"rest:{who}", who, "rest")
        await store.append(f"rest:{who}", "user", f"hello from {who}")
        await shoppers.record([_event(who, "p1")])
        await shoppers.save_preferences(who, Preferences(colors=["green"]))

    exported = await shoppers.export("ann")
    assert exported["user_id"] == "ann"
    assert exported["preferences"]["colors"] == ["green"]
    assert [e["product_id"] for e in exported["events"]] == ["p1"]
    assert exported["conversations"][0]["messages"][0]["text"] == "hello from ann"

    erased = await shoppers.erase("ann")
    assert (erased.conversations, erased.events, erased.preferences) == (1, 1, True)
    after = await shoppers.export("ann")
    assert after["events"] == [] and after["conversations"] == [] and after["preferences"]["colors"] == []
    assert (await shoppers.erase("ann")).preferences is False
    kept = await shoppers.export("bob")
    assert kept["conversations"][0]["messages"][0]["text"] == "hello from bob" and len(kept["events"]) == 1


# -- orders ----------------------------------------------------------------------------------

PRODUCTS = [
    ("boot-1", "TrailMax Waterproof Hiking Boots", 89.99),
    ("boot-2", "Summit Lightweight Hiking Boots", 129.0),
    ("run-1", "Stride Road Running Shoes", 74.5),
    ("mug-1", "Thermo Travel Mug 16 oz", 24.0),
    ("buds-1", "Pulse Wireless Earbuds", 59.99),
    ("tee-1", "Everyday Cotton T-Shirt", 15.0),
]
TODAY = date(2026, 5, 20)
MUGS = Order(
    number="A-1", email="x@example.com", status="processing",
    items=[{"product_id": "mug-1", "title": "Thermo Travel Mug 16 oz", "quantity": 2, "price": 24.0}],
    total=48.0, currency="EUR", placed="2026-05-19", shipped=None, eta="2026-05-25", tracking=None,
)  # fmt: skip


@pytest.fixture
async def orders(store: ConversationStore) -> OrderTable:
    table = order_table(store)
    assert await seed_demo_orders(table, PRODUCTS, today=TODAY) == 40
    return table


async def first_with(source: OrderTable, status: str) -> Order:
    for n in range(10001, 10041):
        order = await source.get(str(n))
        if order is not None and order.status == status:
            return order
    raise AssertionError(f"no {status} order seeded")


async def all_orders(source: OrderTable) -> list[Order]:
    found = [await source.get(str(n)) for n in range(10001, 10041)]
    assert all(order is not None for order in found)
    return found  # type: ignore[return-value]


async def test_seeding_is_idempotent(orders: OrderTable) -> None:
    before = await all_orders(orders)
    assert before == demo_orders(PRODUCTS, today=TODAY)  # what went in is exactly the deterministic set
    assert await seed_demo_orders(orders, PRODUCTS, today=date(2027, 1, 1)) == 0
    assert await seed_demo_orders(orders, PRODUCTS, count=5, seed=99) == 0
    assert await orders.count() == 40
    assert await all_orders(orders) == before


async def test_two_seedings_at_once_seed_once(store: ConversationStore) -> None:
    tables = [order_table(store), order_table(store)]
    seeded = await asyncio.gather(*(seed_demo_orders(t, PRODUCTS, count=8, today=TODAY) for t in tables))
    assert sorted(seeded) == [0, 8]
    assert await tables[0].count() == 8


async def test_seeding_nothing_without_products(store: ConversationStore) -> None:
    table = order_table(store)
    assert await seed_demo_orders(table, [], today=TODAY) == 0
    assert await table.count() == 0 and not await table.has_orders()


async def test_orders_survive_reopening(backend: Backend) -> None:
    async with await backend.open() as store:
        await seed_demo_orders(order_table(store), PRODUCTS, count=8, today=TODAY)
        expected = await order_table(store).get("10003")
    async with await backend.open() as store:
        assert expected is not None and await order_table(store).get("10003") == expected


async def test_get_finds_orders_by_number(orders: OrderTable) -> None:
    order = await orders.get("10001")
    assert order is not None and order.number == "10001"
    assert await orders.get(" #10001 ") == order  # the way people type it
    assert await orders.get("99999") is None
    assert order.to_dict()["items"] == order.items
    assert await orders.has_orders()


async def test_cancel_a_processing_order(orders: OrderTable) -> None:
    processing = await first_with(orders, "processing")
    cancelled = await orders.cancel(processing.number)
    assert cancelled.status == "cancelled" and cancelled.eta is None
    assert cancelled.items == processing.items and cancelled.total == processing.total
    assert await orders.get(processing.number) == cancelled
    with pytest.raises(OrderNotCancellableError, match=f"order {processing.number} is already cancelled"):
        await orders.cancel(processing.number)


async def test_two_cancels_at_once_cancel_once(orders: OrderTable) -> None:
    processing = await first_with(orders, "processing")
    results = await asyncio.gather(*(orders.cancel(processing.number) for _ in range(2)), return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["Order", "OrderNotCancellableError"]


async def test_cancelling_a_shipped_order_says_why_not(orders: OrderTable) -> None:
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


async def test_cancelling_an_unknown_order_says_so(orders: OrderTable) -> None:
    with pytest.raises(OrderNotFoundError) as caught:
        await orders.cancel("#424242")
    assert isinstance(caught.value, ShopbotError)
    assert str(caught.value) == (
        "there is no order number 424242; please check the number in your order confirmation email"
    )


async def test_put_inserts_or_replaces(orders: OrderTable) -> None:
    await orders.put(MUGS)
    assert await orders.get("A-1") == MUGS
    shipped = Order(**{**MUGS.to_dict(), "status": "shipped", "shipped": "2026-05-20", "tracking": "SB1"})
    await orders.put(shipped)
    assert await orders.get("A-1") == shipped and await orders.count() == 41
    with pytest.raises(ValueError, match="status must be one of"):
        await orders.put(Order(**{**MUGS.to_dict(), "status": "lost"}))  # type: ignore[arg-type]


async def test_put_many_is_all_or_nothing(store: ConversationStore) -> None:
    table = order_table(store)
    assert not await table.has_orders()
    others = [Order(**{**MUGS.to_dict(), "number": f"B-{i}", "status": s}) for i, s in enumerate(ORDER_STATUSES)]
    assert await table.put_many([MUGS, *others]) == 5
    assert await table.count() == 5 and await table.has_orders()
    assert [o.status for o in [await table.get(f"B-{i}") for i in range(4)]] == list(ORDER_STATUSES)  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="status must be one of"):
        await table.put_many([Order(**{**MUGS.to_dict(), "number": "C-1"}), Order(**{**MUGS.to_dict(), "status": "lost"})])  # type: ignore[arg-type]
    assert await table.get("C-1") is None and await table.count() == 5
    # A row the database itself refuses (no email) takes the whole import back.
    with pytest.raises(Exception):  # noqa: B017 - sqlite3.IntegrityError or asyncpg's NotNullViolationError
        await table.put_many([Order(**{**MUGS.to_dict(), "number": "C-1"}), Order(**{**MUGS.to_dict(), "email": None})])  # type: ignore[arg-type]
    assert await table.get("C-1") is None and await table.count() == 5
