"""Shopper profiles in SQLite: events stored once, baskets, export, and an erase that erases."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.store.shoppers import ShopperEvent, ShopperStore
from bot.store.sqlite import SQLiteConversationStore
from retrieval.recommend import Preferences


@pytest.fixture
async def shoppers(tmp_path: Path):
    store = SQLiteConversationStore(tmp_path / "shopbot.db")
    yield ShopperStore(store)
    await store.close()


def _event(shopper: str, pid: str, kind: str = "viewed", at: float = 1_700_000_000.0, **kw) -> ShopperEvent:
    return ShopperEvent(shopper, pid, kind, at, "api", **kw)  # type: ignore[arg-type]


async def test_events_with_the_same_key_are_stored_once(shoppers: ShopperStore) -> None:
    batch = [_event("ann", "p1", key="e1"), _event("ann", "p2", key="e2"), _event("ann", "p3")]
    assert await shoppers.record(batch) == 3
    assert await shoppers.record(batch) == 1  # the keyed two are already there; the unkeyed one is new
    assert [e.product_id for e in await shoppers.events("ann")] == ["p1", "p2", "p3", "p3"]


async def test_profile_has_preferences_and_newest_signals_oldest_first(shoppers: ShopperStore) -> None:
    await shoppers.record([_event("ann", f"p{i}", at=1_700_000_000.0 + i) for i in range(3)])
    await shoppers.save_preferences("ann", Preferences(sizes=["m"], brands=["TrailMax"], budget_max=80))
    profile = await shoppers.profile("ann", recipient="dad")
    assert [s.product_id for s in profile.signals] == ["p0", "p1", "p2"]
    assert profile.sizes == ["M"] and profile.brands == ["TrailMax"] and profile.budget_max == 80
    assert profile.recipient == "dad"
    assert (await shoppers.profile("nobody")).signals == []


async def test_baskets_group_purchases_by_order(shoppers: ShopperStore) -> None:
    day = 1_700_000_000.0
    await shoppers.record([
        _event("ann", "a", "purchased", day, basket="o1"), _event("ann", "b", "purchased", day, basket="o1"),
        _event("ann", "c", "purchased", day, basket="o2"), _event("ann", "d", "viewed", day),
        _event("bob", "a", "purchased", day), _event("bob", "e", "purchased", day + 60),
    ])  # fmt: skip
    assert sorted(await shoppers.baskets()) == [("a", "b"), ("a", "e"), ("c",)]


async def test_erase_removes_conversations_events_and_preferences_of_that_shopper_only(
    shoppers: ShopperStore, tmp_path: Path
) -> None:
    store = shoppers.store
    for who in ("ann", "bob"):
        await store.open_conversation(f"rest:{who}", who, "rest")
        await store.append(f"rest:{who}", "user", f"hello from {who}")
        await shoppers.record([_event(who, "p1")])
        await shoppers.save_preferences(who, Preferences(colors=["green"]))

    exported = await shoppers.export("ann")
    assert exported["preferences"]["colors"] == ["green"]
    assert [e["product_id"] for e in exported["events"]] == ["p1"]
    assert exported["conversations"][0]["messages"][0]["text"] == "hello from ann"

    erased = await shoppers.erase("ann")
    assert (erased.conversations, erased.events, erased.preferences) == (1, 1, True)
    after = await shoppers.export("ann")
    assert after["events"] == [] and after["conversations"] == [] and after["preferences"]["colors"] == []
    # Nothing of ann is left in the file itself, and bob is untouched.
    await store.close()
    raw = sqlite3.connect(tmp_path / "shopbot.db")
    dumped = "\n".join(raw.iterdump())
    raw.close()
    assert "hello from ann" not in dumped and "'ann'" not in dumped
    assert "hello from bob" in dumped
    # Not even in the file's free pages.
    raw_bytes = (tmp_path / "shopbot.db").read_bytes()
    assert b"hello from ann" not in raw_bytes and b"hello from bob" in raw_bytes
