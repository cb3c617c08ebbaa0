"""When the shared PostgreSQL goes away, HTTP clients get a 503 with Retry-After (bot/app.py), a
turn caught mid-way leaves nothing half-written, and the server carries on once it is back.

A real PostgreSQL, really stopped. The app runs in-process with aiohttp's test client over a
real Assistant and store; only the intent model and the dialogue are small stand-ins (as in
test_assistant.py), one of which stops the database in the middle of a turn.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import Executor
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.agents.presence import OfficeHours, Presence
from bot.app import create_app
from bot.assistant import Assistant
from bot.channels.keys import STORE
from bot.config import Settings
from bot.dialogue.engine import Plan
from bot.dialogue.state import DialogueState
from bot.generation.backends.template import TemplateGenerator
from bot.generation.facts import AnswerContext
from bot.generation.responder import Responder
from bot.loading import LoadingStatus
from bot.metrics import Metrics
from bot.nlu.parser import Parse
from bot.services import LOADING_STEPS, AssistantParts
from bot.store import open_conversation_store
from retrieval.store import CatalogStore
from tests.bot.test_assistant import Understanding
from tests.conftest import make_product
from tests.support.servers import Postgres, postgres

pytestmark = pytest.mark.scaleout

TOKEN = "outage-test-token"
PULL_THE_PLUG = "what about the red ones"  # the stand-in dialogue stops the database on this message
MakeClient = Callable[..., Awaitable[TestClient]]


@pytest.fixture(scope="module")
def pg() -> Iterator[Postgres]:
    with postgres() as server:
        yield server


class PlugPullingDialogue:
    """Small talk; for PULL_THE_PLUG it changes the state, then the database goes down before the reply is saved."""

    store_name = "Test Shop"

    def __init__(self, pg: Postgres) -> None:
        self.pg = pg

    async def turn(self, state: DialogueState, parse: Parse, *args: Any, **kwargs: Any) -> Plan:
        state.search.query = parse.text
        if PULL_THE_PLUG in parse.text:
            self.pg.stop()
        return Plan(AnswerContext("smalltalk", parse.text, store_facts=("Hello from the test shop.",)))


class _NoIndex(list[Any]):
    """What /ready reads of the search index, when nothing searches."""

    vectors = SimpleNamespace(kind="none")


def _opener(pg: Postgres) -> Callable[..., Awaitable[AssistantParts]]:
    async def open_parts(
        settings: Settings, executor: Executor, metrics: Metrics, loading: LoadingStatus, *_: Any
    ) -> AssistantParts:
        store = await open_conversation_store(settings)
        responder = Responder(TemplateGenerator(), timeout=5.0, brands=[])
        assistant = Assistant(store, Understanding(), PlugPullingDialogue(pg), responder, metrics)  # type: ignore[arg-type]
        for step in LOADING_STEPS:
            loading.done(step)
        search = SimpleNamespace(index=_NoIndex(), store=SimpleNamespace(close=lambda: None))  # nothing here searches
        presence = Presence(OfficeHours.parse(settings.agent_hours))
        return AssistantParts(search, None, store, assistant, presence, None)  # type: ignore[arg-type]

    return open_parts


@pytest.fixture
async def client(pg: Postgres, tmp_path: Path, aiohttp_client: MakeClient) -> TestClient:
    data = tmp_path / "data"
    with CatalogStore(data / "catalog.db") as catalog:  # the server refuses to start on an empty catalog
        catalog.upsert_many([make_product("mug-1", "Thermo Travel Mug")])
    settings = Settings(data_dir=data, api_token=TOKEN, database_url=pg.url)
    client = await aiohttp_client(create_app(settings, open_parts=_opener(pg)))
    deadline = asyncio.get_running_loop().time() + 60
    while (ready := await (await client.get("/ready")).json())["status"] != "ready":
        assert ready["status"] == "loading" and asyncio.get_running_loop().time() < deadline, ready
        await asyncio.sleep(0.05)
    return client


async def _say(client: TestClient, sender: str, text: str) -> Any:
    return await client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text})


async def _transcript(client: TestClient, conversation_id: str) -> Any:
    resp = await client.get(f"/conversations/{conversation_id}", headers={"Authorization": f"Bearer {TOKEN}"})
    return resp.status, await resp.json()


async def test_requests_during_an_outage_get_503_with_retry_after_and_work_again_after(
    pg: Postgres, client: TestClient
) -> None:
    assert (await _say(client, "ann", "hi there")).status == 200
    pg.stop()
    try:
        for resp in (await _say(client, "ann", "are you there?"), await client.get(
            "/conversations/rest:ann", headers={"Authorization": f"Bearer {TOKEN}"}
        )):  # fmt: skip
            assert resp.status == 503
            assert resp.headers["Retry-After"] == "5"
            body = await resp.json()
            assert body == {"error": "the conversation database cannot be reached right now; try again in a few seconds"}
        assert (await client.get("/health")).status == 200  # the process itself is fine
    finally:
        pg.start()

    resp = await _say(client, "ann", "back again")
    assert resp.status == 200 and (await resp.json())[0]["text"]
    status, transcript = await _transcript(client, "rest:ann")
    assert status == 200
    # The message sent during the outage was never stored: the shopper saw a 503 and can re-send it.
    assert [(e["role"], e["text"]) for e in transcript["events"] if e["role"] == "user"] == [
        ("user", "hi there"), ("user", "back again"),
    ]  # fmt: skip
    assert 'shopbot_rejected_total{reason="503"} 2' in await (await client.get("/metrics")).text()


async def test_a_turn_cut_off_by_the_outage_keeps_the_message_and_saves_no_half_reply(
    pg: Postgres, client: TestClient
) -> None:
    assert (await _say(client, "bo", "hello")).status == 200
    _, before = await _transcript(client, "rest:bo")

    try:
        resp = await _say(client, "bo", PULL_THE_PLUG)  # stored, then the database goes before the reply
        assert resp.status == 503 and resp.headers["Retry-After"] == "5"
    finally:
        pg.start()

    _, after = await _transcript(client, "rest:bo")
    assert [e["role"] for e in after["events"]] == ["user", "bot", "user"]  # the message, and no reply
    assert after["events"][-1]["text"] == PULL_THE_PLUG
    assert after["state"] == before["state"]  # the reply's state went with the reply: not at all
    # Answered on the next start (Assistant.resume_pending), like any message a crash left unanswered.
    pending = await client.app[STORE].get().pending("rest:bo")
    assert [e.text for e in pending] == [PULL_THE_PLUG]
