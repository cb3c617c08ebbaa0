"""Personalization for a running assistant: shopper profiles, their events, and the recommender.

One object per server. It reads and writes profiles through `ShopperStore`, and keeps
the recommender's "bought together" counts in step with the purchases it records, so a
store's own orders (sent to `POST /events`) shape the next suggestion.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from bot.dialogue import preferences as stated
from bot.store.shoppers import Erased, ShopperEvent, ShopperStore
from catalog import is_demo_catalog
from retrieval.recommend import CoOccurrence, Preferences, Recommender, ShopperProfile
from retrieval.search import ProductSearch

logger = logging.getLogger(__name__)

T = TypeVar("T")
Runner = Callable[[Callable[[], T]], Awaitable[T]]

DEMO_SHOPPERS = 400


class Personalization:
    """Profiles, events and recommendations over one catalog; safe to share between requests."""

    def __init__(self, shoppers: ShopperStore, search: ProductSearch, cooccurrence: CoOccurrence,
                 run: Runner[Any]) -> None:
        self.shoppers = shoppers
        self.search = search
        self.run = run
        self.recommender = Recommender(search, cooccurrence=cooccurrence)
        self._rebuild: asyncio.Task[None] | None = None
        self._stale = False

    @classmethod
    async def open(cls, shoppers: ShopperStore, search: ProductSearch, run: Runner[Any], *,
                   demo_shoppers: bool = True) -> Personalization:
        """Load purchase baskets from the database (seeding demo histories first when enabled and empty)."""
        if demo_shoppers and await shoppers.count() == 0:
            seeded = await seed_demo_shoppers(shoppers, search, run)
            if seeded:
                logger.info("seeded %d demo shopper events (%d shoppers)", seeded, DEMO_SHOPPERS)
        baskets = await shoppers.baskets()
        cooccurrence = await run(lambda: CoOccurrence.from_baskets(baskets))
        personalization = cls(shoppers, search, cooccurrence, run)
        # Catalog columns are built on first use; building them now keeps that off a shopper's turn.
        await run(lambda: personalization.recommender.columns)
        return personalization

    async def profile(self, shopper: str, *, recipient: str | None = None) -> ShopperProfile:
        """The shopper's preferences and newest signals."""
        return await self.shoppers.profile(shopper, recipient=recipient)

    async def record(self, events: Sequence[ShopperEvent]) -> int:
        """Store events; new purchases refresh "bought together" in the background. Returns how many were new."""
        new = await self.shoppers.record(events)
        if new and any(e.kind == "purchased" for e in events):
            self._refresh()
        return new

    async def remember(self, shopper: str, update: dict[str, Any]) -> Preferences:
        """Merge preferences the shopper just stated into the stored ones."""
        current = await self.shoppers.preferences(shopper)
        merged = stated.merge(current, update)
        if merged != current:
            await self.shoppers.save_preferences(shopper, merged)
        return merged

    async def set_preferences(self, shopper: str, preferences: Preferences) -> None:
        """Replace the shopper's preferences (the API's PUT)."""
        await self.shoppers.save_preferences(shopper, preferences)

    async def export(self, shopper: str) -> dict[str, Any]:
        """Everything stored about the shopper."""
        return await self.shoppers.export(shopper)

    async def erase(self, shopper: str) -> Erased:
        """Delete everything stored about the shopper; their purchases leave "bought together" too."""
        erased = await self.shoppers.erase(shopper)
        if erased.events:
            self._refresh()
        return erased

    def _refresh(self) -> None:
        # One rebuild at a time; purchases arriving during it trigger one more afterwards.
        if self._rebuild is not None and not self._rebuild.done():
            self._stale = True
            return
        self._rebuild = asyncio.get_running_loop().create_task(self._rebuild_cooccurrence())

    async def _rebuild_cooccurrence(self) -> None:
        while True:
            self._stale = False
            baskets = await self.shoppers.baskets()
            cooccurrence = await self.run(lambda: CoOccurrence.from_baskets(baskets))
            fresh = Recommender(self.search, cooccurrence=cooccurrence)
            await self.run(lambda: fresh.columns)
            self.recommender = fresh
            if not self._stale:
                return

    async def settle(self) -> None:
        """Wait for a pending refresh of "bought together" (tests and shutdown)."""
        if self._rebuild is not None:
            await self._rebuild


async def seed_demo_shoppers(shoppers: ShopperStore, search: ProductSearch, run: Runner[Any]) -> int:
    """Synthetic shopper histories over the shipped demo catalog, so "bought together" and
    popularity work in the demo. Nothing is seeded for any other catalog: a real store's
    suggestions must never cite purchases nobody made."""
    from catalog.histories import generate_histories

    ids = [i for i in search.index.vectors.row_ids if i]
    if not await run(lambda: is_demo_catalog(ids)):
        return 0
    products = await run(lambda: list(search.store.get_many(ids).values()))
    histories = await run(lambda: generate_histories(products, DEMO_SHOPPERS))
    # Shift the synthetic year so it ends today: signals decay with age.
    last = max(s.at for h in histories for s in h.history.signals)
    shift = dt.datetime.now(dt.UTC) - last
    events = []
    for shopper in histories:
        h = shopper.history
        baskets = {pid: f"demo-{h.shopper_id}-{n}" for n, basket in enumerate(h.baskets) for pid in basket}
        for i, s in enumerate(h.signals):
            events.append(ShopperEvent(
                shopper=f"demo-{h.shopper_id}", product_id=s.product_id, kind=s.kind,
                at=(s.at + shift).timestamp(), source="demo",
                basket=baskets.get(s.product_id) if s.kind == "purchased" else None, key=f"demo-{i}",
            ))  # fmt: skip
    return await shoppers.record(events)
