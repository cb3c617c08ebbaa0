"""Shopper profiles in the conversation database: stated preferences and what shoppers did.

A shopper is identified by the id their channel gives them (the widget's session id, a
Telegram chat id, a store's own customer id sent to `POST /events`): the same id as the
`sender` of their conversations, so one export or erase covers everything about them.

Here: the interface and its SQLite implementation. PostgreSQL's is bot/store/postgres_shoppers.py.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.store.base import ConversationStore
from bot.store.sqlite import SQLiteConversationStore
from retrieval.recommend.profile import Preferences, ShopperProfile, Signal, SignalKind

# Enough history to rank by (signals decay with a 30-day half-life) without reading years.
PROFILE_SIGNALS = 500


@dataclass(frozen=True)
class ShopperEvent:
    """One thing a shopper did with one product, as stored.

    `basket` groups the purchases of one order; `key` is the sender's id for the event, so
    an event sent twice is stored once.
    """

    shopper: str
    product_id: str
    kind: SignalKind
    at: float
    source: str
    basket: str | None = None
    key: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The event as the data export shows it."""
        return {
            "product_id": self.product_id, "kind": self.kind,
            "at": dt.datetime.fromtimestamp(self.at, dt.UTC).isoformat(), "source": self.source,
            **({"order_id": self.basket} if self.basket else {}), **({"event_id": self.key} if self.key else {}),
        }


@dataclass(frozen=True)
class Erased:
    """How much an erase removed."""

    conversations: int
    events: int
    preferences: bool


class ShopperStore(ABC):
    """Preferences and signals per shopper, in the same database as their conversations.

    Each backend writes its own SQL (SQLiteShopperStore here, PostgresShopperStore in
    bot/store/postgres_shoppers.py); `shopper_store(store)` in bot/store/backends.py picks
    the one for a conversation store. Profiles, exports and erasure are built on top, once.
    """

    def __init__(self, store: ConversationStore) -> None:
        self.store = store

    @abstractmethod
    async def record(self, events: Sequence[ShopperEvent]) -> int:
        """Store the events in one transaction; returns how many were new (re-sent keys count once)."""

    @abstractmethod
    async def events(self, shopper: str, limit: int | None = None) -> list[ShopperEvent]:
        """The shopper's events, oldest first; with `limit`, only the newest `limit` of them."""

    @abstractmethod
    async def preferences(self, shopper: str) -> Preferences:
        """What the shopper told us (empty when nothing)."""

    @abstractmethod
    async def save_preferences(self, shopper: str, preferences: Preferences) -> None:
        """Replace the shopper's stated preferences."""

    @abstractmethod
    async def count(self) -> int:
        """How many events are stored, over all shoppers."""

    @abstractmethod
    async def purchases(self) -> list[tuple[str, str, str]]:
        """Every purchase as (shopper, basket, product id), by shopper (in code point order), then
        time, then arrival; a purchase without an order id has its UTC day ("2026-05-20") as basket."""

    @abstractmethod
    async def erase_profile(self, shopper: str) -> tuple[int, bool]:
        """Delete the shopper's events and preferences in one transaction; returns (events, whether
        there were preferences)."""

    async def baskets(self) -> list[tuple[str, ...]]:
        """Every purchase basket: one per order id, or per shopper and day without one."""
        grouped: dict[tuple[str, str], list[str]] = {}
        for shopper, basket, product_id in await self.purchases():
            grouped.setdefault((shopper, basket), []).append(product_id)
        return [tuple(dict.fromkeys(ids)) for ids in grouped.values()]

    async def profile(self, shopper: str, *, recipient: str | None = None) -> ShopperProfile:
        """Preferences plus the newest signals, ready for the recommender."""
        preferences = await self.preferences(shopper)
        events = await self.events(shopper, limit=PROFILE_SIGNALS)
        signals = [Signal(product_id=e.product_id, kind=e.kind, at=dt.datetime.fromtimestamp(e.at, dt.UTC))
                   for e in events]
        return ShopperProfile(**preferences.model_dump(), recipient=recipient, signals=signals)

    async def export(self, shopper: str) -> dict[str, Any]:
        """Everything stored about one shopper: conversations with their messages, events, preferences."""
        conversations = []
        for conversation in await self.store.of_sender(shopper):
            messages = await self.store.events(conversation.id)
            conversations.append({
                "id": conversation.id, "channel": conversation.channel, "mode": conversation.mode,
                "state": conversation.state,
                "created": _iso(conversation.created), "updated": _iso(conversation.updated),
                "messages": [{"id": e.id, "role": e.role, "text": e.text, "payload": e.payload,
                              "created": _iso(e.created)} for e in messages],
            })  # fmt: skip
        preferences = await self.preferences(shopper)
        return {
            "user_id": shopper,
            "preferences": json.loads(preferences.model_dump_json()),
            "events": [e.to_dict() for e in await self.events(shopper)],
            "conversations": conversations,
        }

    async def erase(self, shopper: str) -> Erased:
        """Delete everything stored about one shopper: conversations, events, preferences."""
        conversations = await self.store.erase_sender(shopper)
        events, preferences = await self.erase_profile(shopper)
        return Erased(conversations, events, preferences)


class SQLiteShopperStore(ShopperStore):
    """Shopper profiles in the SQLite file of the conversations, on its database thread."""

    store: SQLiteConversationStore

    def __init__(self, store: SQLiteConversationStore) -> None:
        super().__init__(store)

    async def record(self, events: Sequence[ShopperEvent]) -> int:
        rows = [(e.shopper, e.product_id, e.kind, e.at, e.source, e.basket, e.key) for e in events]

        def work(db: sqlite3.Connection) -> int:
            before = db.total_changes
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany(
                    "INSERT OR IGNORE INTO shopper_events (shopper, product_id, kind, at, source, basket, key)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            return db.total_changes - before

        return await self.store.run(work) if rows else 0

    async def events(self, shopper: str, limit: int | None = None) -> list[ShopperEvent]:
        def work(db: sqlite3.Connection) -> list[ShopperEvent]:
            rows = db.execute(
                "SELECT shopper, product_id, kind, at, source, basket, key FROM shopper_events"
                " WHERE shopper = ? ORDER BY at DESC, id DESC LIMIT ?",
                (shopper, -1 if limit is None else limit),
            ).fetchall()
            return [ShopperEvent(*row) for row in reversed(rows)]

        return await self.store.run(work)

    async def preferences(self, shopper: str) -> Preferences:
        def work(db: sqlite3.Connection) -> str | None:
            row = db.execute("SELECT data FROM shopper_preferences WHERE shopper = ?", (shopper,)).fetchone()
            return row[0] if row else None

        data = await self.store.run(work)
        return Preferences.model_validate_json(data) if data else Preferences()

    async def save_preferences(self, shopper: str, preferences: Preferences) -> None:
        data = preferences.model_dump_json()

        def work(db: sqlite3.Connection) -> None:
            db.execute(
                "INSERT INTO shopper_preferences (shopper, data, updated) VALUES (?, ?, ?)"
                " ON CONFLICT (shopper) DO UPDATE SET data = excluded.data, updated = excluded.updated",
                (shopper, data, time.time()),
            )

        await self.store.run(work)

    async def purchases(self) -> list[tuple[str, str, str]]:
        def work(db: sqlite3.Connection) -> list[tuple[str, str, str]]:
            return db.execute(
                "SELECT shopper, COALESCE(basket, date(at, 'unixepoch')), product_id FROM shopper_events"
                " WHERE kind = 'purchased' ORDER BY shopper, at, id"
            ).fetchall()

        return await self.store.run(work)

    async def count(self) -> int:
        return await self.store.run(lambda db: int(db.execute("SELECT count(*) FROM shopper_events").fetchone()[0]))

    async def erase_profile(self, shopper: str) -> tuple[int, bool]:
        def work(db: sqlite3.Connection) -> tuple[int, bool]:
            db.execute("BEGIN IMMEDIATE")
            try:
                events = db.execute("DELETE FROM shopper_events WHERE shopper = ?", (shopper,)).rowcount
                prefs = db.execute("DELETE FROM shopper_preferences WHERE shopper = ?", (shopper,)).rowcount
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            return events, bool(prefs)

        return await self.store.run(work)


def _iso(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat()
