"""Live updates between processes (bot/coordination/bus.py): every process's listeners hear every update, once.

Two Coordination objects on one real Redis stand for two Shopbot processes: an agent's reply
published through one reaches the widget listening on the other, and a Redis restart only
pauses that.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from pydantic import SecretStr
from redis.asyncio import Redis

from bot.coordination.client import connect
from bot.coordination.wiring import Coordination
from bot.hub import Update
from bot.store.base import Conversation, Event
from tests.bot.coordination.conftest import Connect
from tests.bot.coordination.waiting import until
from tests.support.servers import redis

pytestmark = pytest.mark.scaleout


def _reply(text: str, event_id: int) -> Update:
    conversation = Conversation("widget:s1", "s1", "widget", "agent", {"cart": [{"id": "mug-1"}]}, "alice", 1.5, 2.25)
    event = Event(event_id, "widget:s1", "agent", text, {"agent": "alice", "cards": []}, 3.125, None)
    return Update(conversation, event)


async def _process(client: Redis) -> tuple[Coordination, list[Update]]:
    """A "process": its coordination started, and what its listeners heard."""
    coordination = Coordination(60, client)
    await coordination.start()
    heard: list[Update] = []

    async def listen(update: Update) -> None:
        heard.append(update)

    coordination.hub.subscribe(listen)
    return coordination, heard


def _listening(*processes: Coordination) -> bool:
    return all(p.bus is not None and p.bus.subscribed.is_set() for p in processes)


async def test_an_update_published_in_one_process_is_heard_once_in_every_process(clients: Connect) -> None:
    (a, heard_a), (b, heard_b) = await _process(clients()), await _process(clients())
    try:
        await until(lambda: _listening(a, b), what="both processes to subscribe")
        reply = _reply("Hi, I'm Alice from the shop", 7)
        await a.hub.publish(reply)
        assert heard_a == [reply]  # this process's own listeners: at once, not through Redis
        await until(lambda: len(heard_b) == 1, what="the other process to hear it")
        assert heard_b == [reply]  # the same conversation and event, every field

        taken_back = Update(reply.conversation)  # a change of mode: no event
        await b.hub.publish(taken_back)
        await until(lambda: len(heard_a) == 2, what="the first process to hear the second's update")
        await asyncio.sleep(0.3)  # room for a duplicate or an echo to arrive, if there were one
        assert heard_a == [reply, taken_back] and heard_b == [reply, taken_back]
    finally:
        await a.close()
        await b.close()


async def test_a_platform_sender_acts_only_on_its_own_processs_updates(clients: Connect) -> None:
    """Every process sends replies through a messaging platform; each reply must go out once."""
    (a, _), (b, heard_b) = await _process(clients()), await _process(clients())
    sent_by_b: list[Update] = []

    async def send_through_platform(update: Update) -> None:
        sent_by_b.append(update)

    b.hub.subscribe(send_through_platform, from_elsewhere=False)
    try:
        await until(lambda: _listening(a, b), what="both processes to subscribe")
        from_a, from_b = _reply("answered by a", 1), _reply("answered by b", 2)
        await a.hub.publish(from_a)
        await until(lambda: from_a in heard_b, what="b to hear a's reply")
        await b.hub.publish(from_b)
        assert sent_by_b == [from_b]  # a's reply is a's to send
    finally:
        await a.close()
        await b.close()


async def test_a_message_that_is_not_an_update_is_ignored(clients: Connect) -> None:
    (a, heard_a), (b, _) = await _process(clients()), await _process(clients())
    try:
        await until(lambda: _listening(a, b), what="both processes to subscribe")
        assert a.bus is not None
        await clients().publish(a.bus.channel, b'{"not": "an update"}')
        await b.hub.publish(_reply("still here", 8))
        await until(lambda: len(heard_a) == 1, what="the update after the junk")
    finally:
        await a.close()
        await b.close()


async def test_after_a_redis_restart_both_processes_reconnect_and_updates_flow_again(tmp_path: Path) -> None:
    with redis(tmp_path) as server:
        (a, heard_a) = await _process(connect(SecretStr(server.url)))
        (b, heard_b) = await _process(connect(SecretStr(server.url)))
        try:
            await until(lambda: _listening(a, b), what="both processes to subscribe")
            server.stop()
            await until(lambda: not a.bus.subscribed.is_set() and not b.bus.subscribed.is_set(),  # type: ignore[union-attr]
                        what="both processes to notice")  # fmt: skip

            meanwhile = _reply("sent while Redis is down", 1)
            await asyncio.wait_for(a.hub.publish(meanwhile), 1)  # never waits for Redis
            assert heard_a == [meanwhile]  # nor does this process's own widget

            server.start()
            await until(lambda: _listening(a, b), timeout=20, what="both processes to reconnect")
            later = _reply("sent after the restart", 2)
            await b.hub.publish(later)
            await until(lambda: later in heard_a, what="the update after the restart")
            last = _reply("and the other way", 3)
            await a.hub.publish(last)
            await until(lambda: last in heard_b, what="the update the other way")
            await asyncio.sleep(0.3)
            assert heard_a.count(later) == 1 and heard_b.count(last) == 1
            assert heard_a.count(meanwhile) == 1 and heard_b.count(meanwhile) <= 1  # sent once it was back
        finally:
            await a.close()
            await b.close()
