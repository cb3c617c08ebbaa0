"""The app answers from the moment its port opens (bot/app.py): /health at once, /ready and the
other routes say what is still loading, a load that fails says why, and a turn that raises is
answered with an apology over HTTP.

In-process with aiohttp's test client. `create_app` takes the function that opens the
assistant's parts, so a test can hold loading at a point of its choosing, or wrap the real
parts (the shipped models over a small catalog) with a dialogue that breaks.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.app import create_app
from bot.assistant import APOLOGY, TALK_TO_A_PERSON
from bot.config import Settings
from bot.coordination.wiring import Coordination
from bot.dialogue.state import CartLine, DialogueState
from bot.loading import LoadingStatus
from bot.merchant.sentiment import sentiment_model_dir
from bot.metrics import Metrics
from bot.nlu.parser import Parse
from bot.services import AssistantParts, intent_model_dir, open_assistant
from retrieval.catalog import Product
from retrieval.store import CatalogStore
from tests.conftest import make_product
from tests.support.server_process import free_port

TOKEN = "app-test-token"
FAIL = "the brown boots please"  # the wrapped dialogue breaks on this message
MakeClient = Callable[..., Awaitable[TestClient]]


def _settings(data: Path, products: list[Product]) -> Settings:
    with CatalogStore(data / "catalog.db") as store:
        store.upsert_many(products)
    return Settings(data_dir=data, generator="template", api_token=TOKEN)


async def _until(check: Callable[[], Awaitable[bool]], timeout: float = 60) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_while_loading_health_answers_ready_says_what_it_waits_for_and_routes_ask_to_retry(
    tmp_path: Path, aiohttp_client: MakeClient
) -> None:
    settings = _settings(tmp_path / "data", [make_product("mug-1", "Thermo Travel Mug")])
    release: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    async def slow_open(
        settings: Settings, executor: Executor, metrics: Metrics, loading: LoadingStatus, *_: Any
    ) -> AssistantParts:
        loading.done("catalog and index")
        loading.report("intent model", "training, step 40 of 300")
        await release
        raise AssertionError("not reached")

    client = await aiohttp_client(create_app(settings, open_parts=slow_open))
    await _until(lambda: _waiting(client, "intent model (training, step 40 of 300)"))

    resp = await client.get("/health")
    assert (resp.status, await resp.json()) == (200, {"status": "ok"})
    resp = await client.get("/ready")
    assert resp.status == 503 and resp.headers["Retry-After"] == "5"
    assert await resp.json() == {
        "status": "loading",
        "waiting_for": [
            "intent model (training, step 40 of 300)", "generator", "review sentiment model",
            "product names and types", "conversations and shopper profiles", "unanswered messages",
        ],
    }
    resp = await client.post("/webhooks/rest/webhook", json={"sender": "s1", "message": "hi"})
    assert resp.status == 503 and resp.headers["Retry-After"] == "5"
    assert "starting" in (await resp.json())["error"] and "intent model" in (await resp.json())["error"]
    for path in ("/search?q=mug", "/conversations/rest:s1"):
        assert (await client.get(path)).status == 503
    assert (await client.get("/nope")).status == 404  # an unknown path is still a 404
    assert (await client.get("/metrics")).status == 200
    assert (await client.get("/")).status == 200  # the store page is a plain file
    release.set_result(None)


async def _waiting(client: TestClient, step: str) -> bool:
    body = await (await client.get("/ready")).json()
    return step in body.get("waiting_for", [])


async def test_a_load_that_fails_is_reported_by_ready_and_every_route(tmp_path: Path, aiohttp_client: MakeClient) -> None:
    settings = _settings(tmp_path / "data", [make_product("mug-1", "Thermo Travel Mug")])

    async def broken_open(*args: Any) -> AssistantParts:
        raise OSError("the index file is unreadable")

    client = await aiohttp_client(create_app(settings, open_parts=broken_open))
    await _until(lambda: _failed(client))
    body = await (await client.get("/ready")).json()
    assert body == {"status": "failed", "error": "OSError: the index file is unreadable (the server log has the details)"}
    resp = await client.post("/webhooks/rest/webhook", json={"sender": "s1", "message": "hi"})
    assert resp.status == 503 and "could not start" in (await resp.json())["error"]
    assert (await client.get("/health")).status == 200  # the process itself is alive


async def _failed(client: TestClient) -> bool:
    return (await (await client.get("/ready")).json())["status"] == "failed"


async def test_an_empty_catalog_fails_before_any_model_loads(tmp_path: Path, aiohttp_client: MakeClient) -> None:
    opened: list[str] = []

    async def never(*args: Any) -> AssistantParts:
        opened.append("models")
        raise AssertionError("not reached")

    client = await aiohttp_client(create_app(Settings(data_dir=tmp_path / "data"), open_parts=never))
    await _until(lambda: _failed(client))
    error = (await (await client.get("/ready")).json())["error"]
    assert "catalog" in error and "is empty" in error and "shopbot setup" in error and "shopbot catalog import" in error
    assert opened == []


def test_serve_exits_with_the_reason_when_it_cannot_load(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPBOT_")}
    env.update(SHOPBOT_DATA_DIR=str(tmp_path / "data"), SHOPBOT_MODEL_CACHE=os.environ["SHOPBOT_MODEL_CACHE"])
    run = subprocess.run(
        [sys.executable, "-m", "bot", "serve", "--port", str(free_port())],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert run.returncode == 1
    assert "Error: Shopbot could not start: the catalog in" in run.stderr and "shopbot setup" in run.stderr
    assert "Traceback" not in run.stderr


# -- a turn that raises, through the real pipeline ------------------------------------------


class BreakingDialogue:
    """The real dialogue, except that FAIL breaks mid-plan after it set a slot and filled the cart."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    async def turn(self, state: DialogueState, parse: Parse, *args: Any, **kwargs: Any) -> Any:
        if FAIL in parse.text:
            state.search.query = "boots"
            state.cart.append(CartLine(product_id="boot-1", title="TrailMax Waterproof Hiking Boots", price=89.99))
            raise IndexError("list index out of range")
        return await self._real.turn(state, parse, *args, **kwargs)


@pytest.mark.slow
async def test_a_turn_that_raises_is_answered_with_an_apology_over_http(
    shipped: Settings, sample_products: list[Product], tmp_path: Path, aiohttp_client: MakeClient
) -> None:
    data = tmp_path / "data"
    shutil.copytree(intent_model_dir(shipped), data / "models" / "intent")
    shutil.copytree(sentiment_model_dir(shipped), data / "models" / "sentiment")
    settings = _settings(data, sample_products)

    async def open_breaking(
        settings: Settings, executor: Executor, metrics: Metrics, loading: LoadingStatus, coordination: Coordination
    ) -> AssistantParts:
        parts = await open_assistant(settings, executor, metrics, loading, coordination)
        parts.assistant.dialogue = BreakingDialogue(parts.assistant.dialogue)  # type: ignore[assignment]
        return parts

    client = await aiohttp_client(create_app(settings, open_parts=open_breaking))
    await _until(lambda: _status(client, "/ready", 200), timeout=300)

    async def say(text: str) -> list[dict[str, Any]]:
        resp = await client.post("/webhooks/rest/webhook", json={"sender": "ann", "message": text})
        assert resp.status == 200, await resp.text()
        return await resp.json()

    boots = await say("show me hiking boots")
    auth = {"Authorization": f"Bearer {TOKEN}"}
    before = (await (await client.get("/conversations/rest:ann", headers=auth)).json())["state"]

    sorry = await say(FAIL)
    assert sorry[0]["text"] == APOLOGY and [b["title"] for b in sorry[0]["buttons"]] == [TALK_TO_A_PERSON]
    metrics = await (await client.get("/metrics")).text()
    assert 'shopbot_turn_errors_total{channel="rest",error="IndexError"} 1' in metrics
    transcript = await (await client.get("/conversations/rest:ann", headers=auth)).json()
    assert transcript["state"] == before  # no slot, no cart line from the broken turn
    assert [e["role"] for e in transcript["events"]] == ["user", "bot"] * 2

    cheaper = await say("cheaper")  # the conversation carries on from the search before
    assert cheaper[0]["text"] != APOLOGY
    person = await say(TALK_TO_A_PERSON)
    assert "our team" in person[0]["text"] or "Nobody" in person[0]["text"]
    assert boots  # (the first search answered normally)


async def _status(client: TestClient, path: str, status: int) -> bool:
    return (await client.get(path)).status == status
