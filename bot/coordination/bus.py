"""Conversation updates between processes, over Redis pub/sub.

A shopper's widget may be connected to one process while an agent replies through another: each
process's hub delivers its own updates to its own listeners at once (bot/hub.py) and hands them
to the bus, which publishes them on one Redis channel; every other process receives them and
delivers them to its listeners, exactly once. In one process no bus is needed: the hub alone is
the in-process version.

Updates wait in a bounded outbox and are published in order by one task, so a turn never waits
for Redis; while Redis is down they stay queued (the oldest dropped beyond the bound) and go out
once it is back. Pub/sub keeps nothing for a subscriber that is away, so a process misses what
others published while its own connection was down: a widget catches up when it reconnects
(its hello names the last event it has), and consoles reload the list.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import OrderedDict
from contextlib import suppress
from dataclasses import asdict, fields
from typing import Any, TypedDict

from redis.asyncio import Redis

from bot.coordination.client import REDIS_ERRORS, Backoff, Outage, database_of
from bot.hub import Listener, Update
from bot.store.base import Conversation, Event
from bot.tasks import cancel_and_wait

logger = logging.getLogger(__name__)

CHANNEL = "shopbot:updates"
OUTBOX_LIMIT = 10_000  # updates kept for the other processes while Redis is down
CLOSE_GRACE = 2.0  # seconds the outbox gets to empty at shutdown
_ORIGINS_KEPT = 1_000  # senders whose last sequence number is remembered (one per process start)


class Envelope(TypedDict):
    """An update on the wire: who sent it, its place in that sender's order, and the update."""

    origin: str
    seq: int
    conversation: dict[str, Any]
    event: dict[str, Any] | None


def encode(update: Update, origin: str, seq: int) -> bytes:
    """An update as JSON for the channel."""
    envelope: Envelope = {
        "origin": origin,
        "seq": seq,
        "conversation": asdict(update.conversation),
        "event": asdict(update.event) if update.event is not None else None,
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()


def decode(data: bytes) -> tuple[str, int, Update]:
    """(origin, sequence number, update) from the channel; ValueError for anything else."""
    try:
        envelope = json.loads(data)
        conversation = _record(Conversation, envelope["conversation"])
        event = _record(Event, envelope["event"]) if envelope["event"] is not None else None
        return str(envelope["origin"]), int(envelope["seq"]), Update(conversation, event)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"not a conversation update ({type(exc).__name__})") from None


def _record(kind: type[Any], data: dict[str, Any]) -> Any:
    # Fields a newer process added are left out, so processes of two versions can run side by side.
    known = {f.name for f in fields(kind)}
    return kind(**{k: v for k, v in data.items() if k in known})


class RedisBus:
    """Carries this process's hub updates to the other processes, and theirs to this process's hub."""

    def __init__(self, client: Redis, origin: str, *, outbox_limit: int = OUTBOX_LIMIT) -> None:
        self.origin = origin
        # Pub/sub channels are server-wide: the database number keeps deployments sharing one server apart.
        self.channel = f"{CHANNEL}:{database_of(client)}"
        self._client = client
        self._outbox: asyncio.Queue[bytes] = asyncio.Queue(outbox_limit)
        self._seq = 0
        self._last_seen: OrderedDict[str, int] = OrderedDict()
        self._deliver: Listener | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self.dropped = 0
        self.subscribed = asyncio.Event()  # set while the channel is being listened to
        self._sending = Outage("sending live updates", "they are kept and sent once it is back")
        self._receiving = Outage(
            "receiving live updates", "updates from other processes reach this one's widgets and consoles once it is back"
        )

    def send(self, update: Update) -> None:
        """Queue an update for the other processes; never blocks, never raises."""
        self._seq += 1
        data = encode(update, self.origin, self._seq)
        if self._outbox.full():
            self._outbox.get_nowait()
            self._outbox.task_done()
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 1000 == 0:
                logger.warning("%d live update(s) for other processes dropped while Redis is unreachable", self.dropped)
        self._outbox.put_nowait(data)

    async def start(self, deliver: Listener) -> None:
        """Start publishing the outbox, and delivering other processes' updates to `deliver`."""
        self._deliver = deliver
        self._tasks = [
            asyncio.create_task(self._listen(), name="shopbot-bus-listen"),
            asyncio.create_task(self._publish(), name="shopbot-bus-publish"),
        ]

    async def close(self, grace: float = CLOSE_GRACE) -> None:
        """Give queued updates a moment to go out, then stop."""
        if self._tasks and not self._sending.down:
            with suppress(TimeoutError):
                async with asyncio.timeout(grace):
                    await self._outbox.join()
        await cancel_and_wait(*self._tasks)
        self._tasks = []

    async def _publish(self) -> None:
        backoff = Backoff()
        while True:
            data = await self._outbox.get()
            try:
                while True:
                    try:
                        await self._client.publish(self.channel, data)
                    except REDIS_ERRORS as exc:
                        self._sending.failed(exc)
                        await asyncio.sleep(backoff.next())
                        continue
                    self._sending.ok()
                    backoff.reset()
                    break
            finally:
                self._outbox.task_done()

    async def _listen(self) -> None:
        backoff = Backoff()
        while True:
            pubsub = self._client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                self._receiving.ok()
                backoff.reset()
                self.subscribed.set()
                while True:
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5.0)
                    if message is not None:
                        await self._receive(message["data"])
            except REDIS_ERRORS as exc:
                self.subscribed.clear()
                self._receiving.failed(exc)
            finally:
                with suppress(*REDIS_ERRORS):
                    await pubsub.aclose()
            await asyncio.sleep(backoff.next())

    async def _receive(self, data: bytes) -> None:
        try:
            origin, seq, update = decode(data)
        except ValueError as exc:
            logger.warning("ignored a message on %s: %s", self.channel, exc)
            return
        if origin == self.origin:
            return  # this process's listeners already have it
        # A publish retried after a lost reply can arrive twice: each sender's numbers only grow.
        if seq <= self._last_seen.get(origin, 0):
            return
        self._last_seen[origin] = seq
        self._last_seen.move_to_end(origin)
        while len(self._last_seen) > _ORIGINS_KEPT:
            self._last_seen.popitem(last=False)
        assert self._deliver is not None
        await self._deliver(update)
