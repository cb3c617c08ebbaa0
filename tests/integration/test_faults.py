"""Faults in a deployment of two real server processes over one PostgreSQL and one Redis.

Processes A and B share a PostgreSQL (conversations) and a Redis (turn locks, live updates)
that the test starts, and each loads the same catalog index. What a shopper must never see:
a message lost, a message answered twice, a conversation answered out of order, or an
internal error. A process is SIGKILLed in the middle of turns, Redis is restarted (and comes
back empty), PostgreSQL is stopped and started again.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.store.postgres import PostgresConversationStore
from tests.integration.harness import Response, ShopbotServer, server_env, two_servers, unique_sender
from tests.integration.widget_socket import new_session, widget_sockets
from tests.support.servers import Postgres, Redis, postgres, redis

pytestmark = [pytest.mark.slow, pytest.mark.scaleout]

ALICE = "alice-faults-token-5523"
WEBHOOK = "/webhooks/rest/webhook"


@dataclass
class Deployment:
    a: ShopbotServer
    b: ShopbotServer
    pg: Postgres
    redis: Redis

    def alive(self) -> Deployment:
        """Both processes running (a test before may have killed one)."""
        for server in (self.a, self.b):
            if not server.running:
                server.start()
        return self


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory, prepared_data_dir: Path) -> Iterator[Deployment]:
    with postgres() as pg, redis(tmp_path_factory.mktemp("redis")) as shared:
        data = tmp_path_factory.mktemp("faults") / "data"
        shutil.copytree(prepared_data_dir, data, ignore=shutil.ignore_patterns("shopbot.db*"))
        env = server_env(data, database_url=pg.url, redis_url=shared.url, agent_tokens=f"alice:{ALICE}")
        with two_servers(data, env) as (a, b):
            yield Deployment(a, b, pg, shared)


def _post(server: ShopbotServer, sender: str, text: str) -> Response:
    return server.request("POST", WEBHOOK, {"sender": sender, "message": text}, timeout=30)


def _turns(server: ShopbotServer, conversation_id: str) -> list[tuple[str, str]]:
    """(shopper's message, bot's reply) for every turn; fails unless each message has exactly one reply after it."""
    events = [e for e in server.events(conversation_id) if e["role"] in ("user", "bot")]
    roles = [e["role"] for e in events]
    assert roles == ["user", "bot"] * (len(roles) // 2), roles
    return [(events[i]["text"], events[i + 1]["text"]) for i in range(0, len(events), 2)]


def _until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.5)


def _answered(server: ShopbotServer, conversation_id: str) -> bool:
    events = server.events(conversation_id)
    return bool(events) and events[-1]["role"] == "bot"


def test_one_conversation_across_two_processes_is_one_conversation_in_order(deployment: Deployment) -> None:
    d = deployment.alive()
    sender = unique_sender("alternate")
    conversation_id = f"rest:{sender}"

    boots = d.a.send(sender, "show me hiking boots")
    assert boots.cards
    cheaper = d.b.send(sender, "cheaper")  # B refines the search A made
    assert cheaper.cards, cheaper.text
    assert max(cheaper.card_prices) < min(boots.card_prices)
    assert all(d.b.product(i)["category"].endswith("hiking boots") for i in cheaper.card_ids)
    ask = d.a.send(sender, "add the first one to my cart")  # "the first one" is B's first card
    assert ask.buttons, ask.text
    size = ask.buttons[0]
    added = d.b.send(sender, size)  # the size question A asked is answered on B
    assert cheaper.cards[0]["title"] in added.text and size in added.text

    # Sent alternately to A and B, each a moment after the last, without waiting for answers.
    burst = [f"what is in my cart? ({n})" for n in range(6)]

    async def send_all() -> list[Any]:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:

            async def send(n: int) -> Any:
                await asyncio.sleep(0.3 * n)
                server = (d.a, d.b)[n % 2]
                async with session.post(server.url + WEBHOOK, json={"sender": sender, "message": burst[n]}) as resp:
                    assert resp.status == 200, await resp.text()
                    return await resp.json()

            return await asyncio.gather(*(send(n) for n in range(len(burst))))

    replies = asyncio.run(send_all())
    turns = _turns(d.a, conversation_id)
    assert [m for m, _ in turns] == ["show me hiking boots", "cheaper", "add the first one to my cart", size, *burst]
    for (_, stored), reply in zip(turns[-len(burst) :], replies):
        assert reply[0]["text"] == stored  # each shopper got the answer stored after their own message
        assert cheaper.cards[0]["title"] in stored
    assert _turns(d.b, conversation_id) == turns  # both processes read the same conversation


def test_a_process_killed_mid_turn_loses_nothing_and_a_survivor_answers_once(deployment: Deployment) -> None:
    d = deployment.alive()
    senders = [unique_sender(f"killed{i}") for i in range(8)]
    for sender in senders:
        d.a.send(sender, "hi")
    texts = ["show me hiking boots", "show me yoga mats", "show me travel mugs", "show me wireless earbuds"]
    sent = {sender: texts[i % len(texts)] for i, sender in enumerate(senders)}

    async def in_flight() -> list[Any]:
        async def send(session: aiohttp.ClientSession, sender: str) -> Any:
            try:
                async with session.post(d.a.url + WEBHOOK, json={"sender": sender, "message": sent[sender]}) as resp:
                    return await resp.json()
            except (aiohttp.ClientError, TimeoutError):
                return None  # A died under this request

        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
            tasks = [asyncio.create_task(send(session, s)) for s in senders]
            await asyncio.sleep(0.05)
            d.a.kill()
            return await asyncio.gather(*tasks)

    results = dict(zip(senders, asyncio.run(in_flight())))

    # And what a kill between "message stored" and "reply stored" leaves behind, for certain:
    # a conversation whose last event is the shopper's message.
    orphan = unique_sender("orphan")

    async def leave_unanswered() -> None:
        store = await PostgresConversationStore.connect(d.pg.url)
        try:
            await store.open_conversation(f"rest:{orphan}", orphan, "rest")
            await store.append(f"rest:{orphan}", "user", "do you sell yoga mats?")
        finally:
            await store.close()

    asyncio.run(leave_unanswered())

    # B, still running, answers what A left: once the dead turn's lock has lapsed and the conversation stayed quiet.
    _until(lambda: _answered(d.b, f"rest:{orphan}"), 120, "the survivor answered the orphaned message")
    (question, answer), = _turns(d.b, f"rest:{orphan}")
    assert question == "do you sell yoga mats?" and answer
    for sender in senders:
        _until(lambda: _answered(d.b, f"rest:{sender}"), 60, f"{sender} is answered")
    assert "another process left unanswered" in d.b.log()

    d.a.start()  # A comes back and looks for what it left pending: the survivor answered it already
    for sender in senders:
        turns = _turns(d.a, f"rest:{sender}")
        assert [m for m, _ in turns] in (["hi"], ["hi", sent[sender]]), turns  # stored once, or never taken
        if results[sender]:  # the shopper saw an answer: it is the one stored
            assert len(turns) == 2 and results[sender][0]["text"] == turns[-1][1]
    assert len(_turns(d.a, f"rest:{orphan}")) == 1
    for sender in senders:  # everyone carries on, on either process
        assert d.b.send(sender, "thanks").text


def test_a_redis_restart_loses_nothing_and_live_updates_cross_processes_again(deployment: Deployment) -> None:
    d = deployment.alive()
    sender = unique_sender("redis")
    conversation_id = f"rest:{sender}"
    assert d.a.send(sender, "show me travel mugs").cards

    d.redis.stop()
    for n, server in enumerate((d.a, d.b, d.a)):
        # Without Redis no process can keep the conversation's turns in order: the message is
        # not taken, and the shopper is told to send it again.
        resp = _post(server, sender, f"in black ({n})")
        assert resp.status == 503, (resp.status, resp.body)
        assert int(resp.headers["Retry-After"]) > 0 and "again" in resp.body["error"]
    d.redis.start()  # an empty Redis: locks, queues and presence are gone
    taken: list[str] = []

    def both_answer() -> bool:
        ok = True
        for server in (d.a, d.b):
            text = f"cheaper ({len(taken)})"
            if _post(server, sender, text).status == 200:
                taken.append(text)
            else:
                ok = False
        return ok

    _until(both_answer, 60, "both processes serve again")
    turns = _turns(d.b, conversation_id)
    assert [m for m, _ in turns] == ["show me travel mugs", *taken]

    # The live hub works across processes again: a widget on A hears the agent who replies through B.
    async def live() -> None:
        session = new_session()
        widget_id = f"widget:{session}"
        headers = {"Authorization": f"Bearer {ALICE}"}
        async with widget_sockets(d.a.url) as connect:
            widget = await connect()
            await widget.hello(session)
            await widget.turn("do you have hiking boots?")
            took = await asyncio.to_thread(d.b.request, "POST", f"/agent/api/conversations/{widget_id}/take", None, headers)
            assert took.status == 200, took.body
            text = "Hello from the team, which size do you wear?"
            deadline = time.monotonic() + 30
            while True:  # B's subscription comes back with Redis; until then a reply may miss the live socket
                sent = await asyncio.to_thread(
                    d.b.request, "POST", f"/agent/api/conversations/{widget_id}/reply", {"text": text}, headers
                )
                assert sent.status == 201, sent.body
                try:
                    while True:
                        frame = await asyncio.wait_for(widget.recv(), 3)
                        if frame.get("type") == "message" and frame["event"]["role"] == "agent":
                            assert frame["event"]["text"] == text
                            return
                except TimeoutError:
                    assert time.monotonic() < deadline, "the agent's reply never reached the widget on A"

    asyncio.run(live())


def test_postgres_down_gets_503_and_nothing_half_written_then_service_resumes(deployment: Deployment) -> None:
    d = deployment.alive()
    sender = unique_sender("pgdown")
    conversation_id = f"rest:{sender}"
    assert d.b.send(sender, "show me yoga mats").cards

    d.pg.stop()
    for server in (d.a, d.b):
        resp = _post(server, sender, "cheaper")
        assert resp.status == 503, (resp.status, resp.body)
        assert int(resp.headers["Retry-After"]) > 0 and resp.body["error"]
        assert "Traceback" not in resp.raw.decode()
        health = server.request("GET", "/health")
        assert health.status == 200  # the process itself stays up
    d.pg.start()

    _until(lambda: _post(d.a, sender, "cheaper").status == 200, 60, "A serves again")
    turns = _turns(d.b, conversation_id)
    # The 503s stored nothing; the message that got through is answered once, refining the search.
    assert [m for m, _ in turns] == ["show me yoga mats", "cheaper"]
    more = d.b.send(sender, "show me travel mugs")
    assert more.cards
