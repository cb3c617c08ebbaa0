"""Redis unreachable while the server runs: a message that needs its conversation's lock is refused
clearly (503 and Retry-After over HTTP, an error frame the widget offers to resend) and never stored,
rather than answered out of order.

The assistant's turn locks point at a port where nothing listens; everything else is real.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from pydantic import SecretStr

from bot.app import error_middleware
from bot.assistant import Assistant
from bot.channels import rest, ws
from bot.channels.keys import ASSISTANT, LIMITER, METRICS, SETTINGS, STORE, Loaded
from bot.config import Settings
from bot.coordination.client import connect
from bot.coordination.locks import RedisTurnLocks
from bot.coordination.rates import LocalRateLimiter
from bot.generation.backends.template import TemplateGenerator
from bot.generation.responder import Responder
from bot.metrics import shopbot_metrics
from bot.store.sqlite import SQLiteConversationStore
from tests.bot.test_assistant import ScriptedDialogue, Understanding
from tests.support.servers import free_port

MakeClient = Callable[..., Awaitable[TestClient]]


@pytest.fixture
async def client(tmp_path: Path, aiohttp_client: MakeClient) -> AsyncIterator[TestClient]:
    """The REST and widget channels over an assistant whose Redis is down."""
    redis = connect(SecretStr(f"redis://127.0.0.1:{free_port()}/0"))
    store = SQLiteConversationStore(tmp_path / "conversations.db")
    metrics = shopbot_metrics()
    responder = Responder(TemplateGenerator(), timeout=5.0, brands=[])
    assistant = Assistant(
        store, Understanding(), ScriptedDialogue(), responder, metrics, locks=RedisTurnLocks(redis)  # type: ignore[arg-type]
    )
    app = web.Application(middlewares=[error_middleware])
    app[SETTINGS], app[METRICS], app[LIMITER] = Settings(data_dir=tmp_path / "data"), metrics, LocalRateLimiter(60)
    app[ASSISTANT], app[STORE] = Loaded.holding("assistant", assistant), Loaded.holding("conversation store", store)
    rest.add_routes(app)
    ws.add_routes(app)
    yield await aiohttp_client(app)
    await store.close()
    await redis.aclose()


async def test_a_rest_message_is_refused_with_503_and_retry_after(client: TestClient) -> None:
    resp = await client.post("/webhooks/rest/webhook", json={"sender": "ann", "message": "hi there"})
    assert resp.status == 503 and resp.headers["Retry-After"] == "5"
    assert "send it again" in (await resp.json())["error"]
    assert await client.app[STORE].get().get("rest:ann") is None  # nothing stored: sending again is safe


async def test_a_widget_message_gets_an_error_frame_for_its_client_id(client: TestClient) -> None:
    socket = await client.ws_connect("/ws")
    try:
        await socket.send_json({"type": "hello", "session": "session-0001"})
        assert (await socket.receive_json(timeout=5))["type"] == "history"
        await socket.send_json({"type": "message", "text": "hi there", "client_id": "m1"})
        frame = await socket.receive_json(timeout=5)
        assert frame["type"] == "error" and frame["client_id"] == "m1" and "send it again" in frame["error"]
        await socket.send_json({"type": "ping"})  # the socket stays open
        assert (await socket.receive_json(timeout=5))["type"] == "pong"
    finally:
        await socket.close()
