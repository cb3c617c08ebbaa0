"""Agents signed in through any process, so every process knows whether a person can take a chat.

The in-process version is bot/agents/presence.py's Presence: the consoles open in this process.
With several processes an agent's console is connected to one of them, yet a shopper on another
must be offered a person. SharedPresence publishes this process's consoles in one Redis hash
(a field per process, holding a deadline and the counts) and reads everyone's back, in one
script: a field whose deadline passed (its process died) is dropped, so a dead process's agents
disappear after the lease.

The dialogue asks `available()` synchronously in the middle of a turn, so it reads a snapshot
that a background task refreshes every few seconds, and at once when an agent signs in or out
here. When Redis cannot be reached for longer than the lease, only this process's agents count.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from contextlib import suppress

from redis.asyncio import Redis

from bot.agents.presence import OfficeHours, Presence
from bot.coordination.client import REDIS_ERRORS, Outage
from bot.tasks import cancel_and_wait

logger = logging.getLogger(__name__)

KEY = "shopbot:agents"
REFRESH = 3.0  # seconds between two reads of the other processes' agents
LEASE = 15.0  # seconds a process's agents stay listed after its last refresh

# KEYS: the hash. ARGV: this process, its agents as JSON ('' for none), lease ms.
# Returns the live fields as a flat list: process, agents, process, agents, ...
_SYNC = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if ARGV[2] == '' then
  redis.call('HDEL', KEYS[1], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], string.format('%d', now + tonumber(ARGV[3])) .. '|' .. ARGV[2])
end
local live = {}
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local deadline, agents = string.match(all[i + 1], '^(%d+)|(.*)$')
  if deadline and tonumber(deadline) >= now then
    table.insert(live, all[i])
    table.insert(live, agents)
  else
    redis.call('HDEL', KEYS[1], all[i])
  end
end
return live
"""


class SharedPresence(Presence):
    """Presence over every process on one Redis: this process's consoles plus a fresh snapshot of the others'."""

    def __init__(
        self, hours: OfficeHours, client: Redis, origin: str, *, refresh: float = REFRESH, lease: float = LEASE
    ) -> None:
        super().__init__(hours)
        self.origin = origin
        self.refresh = refresh
        self.lease = lease
        self._client = client
        self._sync = client.register_script(_SYNC)
        self._elsewhere: frozenset[str] = frozenset()
        self._synced_at = float("-inf")
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._outage = Outage("agent presence", "agents signed in through other processes count until their lease ends")

    def signed_in(self, agent: str) -> None:
        """An agent opened a console here; the others hear of it at their next refresh."""
        super().signed_in(agent)
        self._changed.set()

    def signed_out(self, agent: str) -> None:
        """An agent closed a console here."""
        super().signed_out(agent)
        self._changed.set()

    @property
    def online(self) -> list[str]:
        """Agents with a console open in any process."""
        # A snapshot older than the lease may list agents whose process has died since.
        elsewhere = self._elsewhere if time.monotonic() - self._synced_at <= self.lease else frozenset()
        return sorted(set(self.here()) | elsewhere)

    async def sync(self) -> None:
        """Publish this process's agents and read every live process's (raises when Redis is unreachable)."""
        here = self.here()
        live = await self._sync(keys=[KEY], args=[self.origin, json.dumps(here) if here else "", round(self.lease * 1000)])
        elsewhere: set[str] = set()
        for process, agents in zip(live[::2], live[1::2]):
            if process.decode() == self.origin:
                continue
            try:
                counts = json.loads(agents)
                elsewhere.update(name for name, n in counts.items() if isinstance(name, str) and n > 0)
            except (ValueError, AttributeError, TypeError):
                logger.warning("ignored unreadable agent presence of another process")
        self._elsewhere = frozenset(elsewhere)
        self._synced_at = time.monotonic()

    async def start(self) -> None:
        """Keep the snapshot fresh in the background until `close`."""
        self._task = asyncio.create_task(self._run(), name="shopbot-presence")

    async def close(self) -> None:
        """Stop refreshing, and take this process's agents off the list at once."""
        await cancel_and_wait(self._task)
        self._task = None
        with suppress(*REDIS_ERRORS, TimeoutError):
            async with asyncio.timeout(2.0):
                await self._client.hdel(KEY, self.origin)

    async def _run(self) -> None:
        while True:
            self._changed.clear()
            try:
                await self.sync()
                self._outage.ok()
            except REDIS_ERRORS as exc:
                self._outage.failed(exc)
            with suppress(TimeoutError):
                async with asyncio.timeout(self.refresh):
                    await self._changed.wait()
