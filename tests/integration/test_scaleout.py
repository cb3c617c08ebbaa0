"""Two real server processes behind one Redis act as one: a shopper on one and an agent on the other
hear each other live, and the agent signed in through one is available to shoppers on both.

Both processes share one data dir (the conversation database) and a Redis the test starts;
the shopper's widget connects to A, the agent's console and API calls go to B.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.integration.harness import Response, ShopbotServer, server_env, two_servers
from tests.integration.widget_socket import Widget, new_session, widget_sockets
from tests.support.servers import redis

pytestmark = [pytest.mark.slow, pytest.mark.scaleout]

ALICE = "alice-scaleout-token-7731"


@pytest.fixture(scope="module")
def pair(
    tmp_path_factory: pytest.TempPathFactory, prepared_data_dir: Path
) -> Iterator[tuple[ShopbotServer, ShopbotServer]]:
    """Processes A and B on one data dir and one Redis."""
    with redis(tmp_path_factory.mktemp("redis")) as shared:
        data = tmp_path_factory.mktemp("scaleout") / "data"
        shutil.copytree(prepared_data_dir, data, ignore=shutil.ignore_patterns("shopbot.db*"))
        with two_servers(data, server_env(data, redis_url=shared.url, agent_tokens=f"alice:{ALICE}")) as pair:
            yield pair


async def _agent_call(server: ShopbotServer, method: str, path: str, body: Any = None) -> Response:
    headers = {"Authorization": f"Bearer {ALICE}"}
    return await asyncio.to_thread(server.request, method, "/agent/api/" + path, body, headers)


async def _until_frame(widget: Widget, want: dict[str, Any]) -> dict[str, Any]:
    """The first frame whose fields include `want` (frames before it are skipped)."""
    while True:
        frame = await widget.recv()
        event = frame.get("event") or {}
        if all(frame.get(k) == v or event.get(k) == v for k, v in want.items()):
            return frame


async def _console_update(console: aiohttp.ClientWebSocketResponse, conversation_id: str, text: str) -> dict[str, Any]:
    while True:
        frame = json.loads((await asyncio.wait_for(console.receive(), 30)).data)
        if frame["conversation"]["id"] == conversation_id and (frame.get("event") or {}).get("text") == text:
            return frame


async def test_a_shopper_on_one_process_and_an_agent_on_the_other_hear_each_other(
    pair: tuple[ShopbotServer, ShopbotServer],
) -> None:
    a, b = pair
    session = new_session()
    conversation_id = f"widget:{session}"
    async with widget_sockets(a.url) as connect, aiohttp.ClientSession() as http:
        console_url = b.url.replace("http", "ws", 1) + "/agent/ws"
        console = await http.ws_connect(console_url, headers={"Authorization": f"Bearer {ALICE}"})
        try:
            # Alice's console is open on B: shoppers on A can be offered a person (after a presence refresh).
            async def alice_available_on_a() -> bool:
                me = await _agent_call(a, "GET", "me")
                return me.body["online"] == ["alice"] and me.body["available"]

            for _ in range(100):
                if await alice_available_on_a():
                    break
                await asyncio.sleep(0.1)
            assert await alice_available_on_a()

            widget = await connect()
            await widget.hello(session)
            turn = await widget.turn("do you have hiking boots?")
            assert turn["reply"]["role"] == "bot"

            # The shopper's message, sent through A, reaches the console open on B.
            await widget.turn("I'd like to talk to someone about sizes")
            frame = await _console_update(console, conversation_id, "I'd like to talk to someone about sizes")
            assert frame["event"]["role"] == "user"

            # The agent takes over and replies through B; the widget on A hears both at once.
            taken = await _agent_call(b, "POST", f"conversations/{conversation_id}/take")
            assert taken.status == 200, taken.body
            mode = await _until_frame(widget, {"type": "mode", "mode": "agent"})
            assert mode["agent"] == "alice"
            text = "Hi, Alice here. Which size?"
            sent = await _agent_call(b, "POST", f"conversations/{conversation_id}/reply", {"text": text})
            assert sent.status == 201, sent.body
            reply = await _until_frame(widget, {"type": "message", "role": "agent"})
            assert reply["event"]["text"] == text and reply["event"]["agent"] == "alice"
            await widget.silent(0.5)  # exactly once: no second copy follows
        finally:
            await console.close()
