"""Picks the shared pieces from Settings: in this process by default, through Redis when `redis_url` is set."""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING

from redis.asyncio import Redis

from bot.agents.presence import OfficeHours, Presence
from bot.config import Settings
from bot.coordination.bus import RedisBus
from bot.coordination.client import connect
from bot.coordination.locks import LocalTurnLocks, RedisTurnLocks, TurnLocks
from bot.coordination.presence import SharedPresence
from bot.coordination.receipts import RedisReceipts
from bot.coordination.rates import LocalRateLimiter, RateLimiter, RedisRateLimiter
from bot.coordination.recovery import RecoverySweep
from bot.hub import Hub

if TYPE_CHECKING:
    from bot.assistant import Assistant

logger = logging.getLogger(__name__)


class Coordination:
    """What the processes of a deployment share: hub, turn locks, rate limits, presence, receipts, recovery.

    Building one does no I/O; `start` and `close` run in the server's lifetime (bot/startup.py).
    """

    def __init__(self, per_minute: int, client: Redis | None = None) -> None:
        self.shared = client is not None
        self.origin = uuid.uuid4().hex  # this process, among the others on the same Redis
        self._client = client
        self._presences: list[SharedPresence] = []
        self._sweep: RecoverySweep | None = None
        self.bus: RedisBus | None = None
        self.locks: TurnLocks
        self.limiter: RateLimiter
        # Platform messages being answered; in one process the platforms' Dispatcher keeps its own.
        self.receipts: RedisReceipts | None = None
        if client is None:
            self.locks, self.limiter = LocalTurnLocks(), LocalRateLimiter(per_minute)
        else:
            self.bus = RedisBus(client, self.origin)
            self.locks = RedisTurnLocks(client)
            self.limiter = RedisRateLimiter(client, per_minute)
            self.receipts = RedisReceipts(client)
        self.hub = Hub(self.bus.send if self.bus is not None else None)

    async def presence(self, hours: OfficeHours) -> Presence:
        """Who is signed in to the agent console: here only, or in every process (kept fresh until `close`)."""
        if self._client is None:
            return Presence(hours)
        presence = SharedPresence(hours, self._client, self.origin)
        await presence.start()
        self._presences.append(presence)
        return presence

    async def start(self) -> None:
        """Start relaying live updates between processes (nothing to do in one process)."""
        if self.bus is not None:
            await self.bus.start(self.hub.deliver)
            logger.info("sharing live updates, turn order, rate limits and agent presence through Redis")

    def recover(self, assistant: Assistant) -> None:
        """Answer, from this process too, messages another process died before answering (shared only)."""
        if self.shared and self._sweep is None:
            self._sweep = RecoverySweep(assistant, self.locks)
            self._sweep.start()

    async def close(self) -> None:
        """Stop the background work, take this process's agents off the list, close the connection."""
        if self._sweep is not None:
            await self._sweep.close()
        for presence in self._presences:
            await presence.close()
        if self.bus is not None:
            await self.bus.close()
        if self._client is not None:
            await self._client.aclose()


def open_coordination(settings: Settings) -> Coordination:
    """In-process pieces, or Redis ones when `redis_url` is set (the URL itself is never logged)."""
    client = connect(settings.redis_url) if settings.redis_url is not None else None
    return Coordination(settings.rate_limit_per_minute, client)
