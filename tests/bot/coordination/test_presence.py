"""Agent presence across processes (bot/coordination/presence.py): an agent signed in anywhere counts everywhere.

Each SharedPresence on its own client is one process. `sync()` is what the background task
runs every few seconds; calling it directly keeps the tests exact.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.agents.presence import OfficeHours
from bot.coordination.presence import SharedPresence
from tests.bot.coordination.conftest import Connect
from tests.bot.coordination.waiting import until

pytestmark = pytest.mark.scaleout

ALWAYS = OfficeHours.parse("always")


async def test_agents_signed_in_through_two_processes_are_seen_by_both(clients: Connect) -> None:
    a = SharedPresence(ALWAYS, clients(), "process-a")
    b = SharedPresence(ALWAYS, clients(), "process-b")
    assert not b.available()
    a.signed_in("alice")
    a.signed_in("alice")  # a second tab
    b.signed_in("bob")
    await a.sync()
    await b.sync()
    await a.sync()
    assert a.online == b.online == ["alice", "bob"]
    assert b.available()

    a.signed_out("alice")  # one tab still open
    await a.sync()
    await b.sync()
    assert b.online == ["alice", "bob"]
    a.signed_out("alice")
    await a.sync()
    await b.sync()
    assert b.online == ["bob"]


async def test_a_dead_processs_agents_disappear_after_its_lease(clients: Connect) -> None:
    dead = SharedPresence(ALWAYS, clients(), "process-dead", lease=0.5)
    alive = SharedPresence(ALWAYS, clients(), "process-alive", lease=0.5)
    dead.signed_in("alice")
    await dead.sync()  # and then it never refreshes again
    await alive.sync()
    assert alive.available() and alive.online == ["alice"]
    await asyncio.sleep(0.6)
    await alive.sync()
    assert alive.online == [] and not alive.available()


async def test_the_background_refresh_and_a_clean_close(clients: Connect) -> None:
    a = SharedPresence(ALWAYS, clients(), "process-a", refresh=0.05)
    b = SharedPresence(ALWAYS, clients(), "process-b", refresh=0.05)
    await a.start()
    await b.start()
    try:
        a.signed_in("alice")  # no sync called: the refresh task publishes it
        await until(lambda: b.online == ["alice"], what="the other process to see alice")
        await a.close()  # a process that stops takes its agents off the list at once
        await until(lambda: b.online == [], what="alice to go")
    finally:
        await a.close()
        await b.close()
