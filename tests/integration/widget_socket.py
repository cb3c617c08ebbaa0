"""A widget's WebSocket as the tests drive it: hello, send, a whole turn, frames checked against the protocol."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest

FRAME_TIMEOUT = 30.0


def new_session() -> str:
    return "itest_" + uuid.uuid4().hex[:16]


class Widget:
    """One widget socket."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws

    async def recv(self, timeout: float = FRAME_TIMEOUT) -> dict[str, Any]:
        msg = await asyncio.wait_for(self.ws.receive(), timeout)
        assert msg.type == aiohttp.WSMsgType.TEXT, (msg.type, msg.data)
        return json.loads(msg.data)

    async def silent(self, seconds: float = 0.5) -> None:
        """Nothing arrives for a while."""
        try:
            frame = await asyncio.wait_for(self.ws.receive(), seconds)
        except TimeoutError:
            return
        pytest.fail(f"unexpected frame {frame.type}: {frame.data!r}")

    async def drain(self, seconds: float = 0.5) -> list[dict[str, Any]]:
        """Every frame that arrives until none has for `seconds`."""
        frames = []
        while True:
            try:
                frames.append(await self.recv(seconds))
            except TimeoutError:
                return frames

    async def hello(self, session: str, after: int = 0) -> list[dict[str, Any]]:
        await self.ws.send_json({"type": "hello", "session": session, "after": after})
        frame = await self.recv()
        assert frame["type"] == "history", frame
        return frame["events"]

    async def send(self, text: str, client_id: str | None = None) -> dict[str, Any]:
        await self.ws.send_json({"type": "message", "text": text, "client_id": client_id or uuid.uuid4().hex})
        return await self.recv()

    async def turn(self, text: str, client_id: str | None = None) -> dict[str, Any]:
        """Send a message; every frame until the stored reply, checked against the protocol."""
        client_id = client_id or uuid.uuid4().hex
        ack = await self.send(text, client_id)
        assert ack["type"] == "ack" and ack["client_id"] == client_id, ack
        assert ack["event"]["role"] == "user" and ack["event"]["text"] == text and ack["event"]["id"] > 0
        kinds, tokens = [], []
        while True:
            frame = await self.recv()
            kinds.append(frame["type"])
            if frame["type"] == "token":
                tokens.append(frame["text"])
            if frame["type"] == "retract":
                tokens.clear()
            if frame["type"] == "message":
                break
        reply = frame["event"]
        assert kinds[0] == "typing" and kinds[-1] == "message", kinds
        assert set(kinds[1:-1]) <= {"token", "retract"}, kinds
        assert reply["role"] == "bot" and reply["id"] > ack["event"]["id"]
        return {"ack": ack["event"], "reply": reply, "tokens": tokens, "kinds": kinds}


@asynccontextmanager
async def widget_sockets(base_url: str) -> AsyncIterator[Callable[[], Awaitable[Widget]]]:
    """`async with widget_sockets(url) as connect`: `await connect()` opens a widget socket to
    that server; every one is closed on leaving."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as http:
        sockets: list[aiohttp.ClientWebSocketResponse] = []

        async def open_socket() -> Widget:
            ws = await http.ws_connect(f"{base_url}/ws")
            sockets.append(ws)
            return Widget(ws)

        try:
            yield open_socket
        finally:
            for ws in sockets:
                await ws.close()
