"""Shopbot as a real server process, and a shopper's view of what it answers.

`ShopbotServer` starts `python -m bot serve` on a data dir and port (a `ServerProcess`, the one
server-process harness the tests and benchmarks share), waits for /ready (the port opens at once
and /ready answers 503 while the server loads), can be killed with SIGKILL and restarted on the
same data dir, and speaks its HTTP routes. `Chat` is one shopper talking over the REST webhook;
`Reply` is what that shopper sees.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import sqlite3
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.support.server_process import START_TIMEOUT, ServerProcess

TOKEN = "itest-token-8f2c41"
READY_TIMEOUT = START_TIMEOUT


def server_env(data_dir: Path, **settings: object) -> dict[str, str]:
    """The environment of a server process: none of the developer's SHOPBOT_* settings, offline
    models, this data dir and a model cache beside it, template answers, the test API token, then `settings`
    (rate_limit_per_minute=5 -> SHOPBOT_RATE_LIMIT_PER_MINUTE=5)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPBOT_") and k != "OPENAI_API_KEY"}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONUNBUFFERED="1")
    env.update(SHOPBOT_DATA_DIR=str(data_dir), SHOPBOT_GENERATOR="template", SHOPBOT_API_TOKEN=TOKEN)
    # A model cache of the test's own: never the developer's (~/.cache/shopbot), never another test's.
    env.update(SHOPBOT_MODEL_CACHE=str(data_dir.parent / "model-cache"))
    env.update({f"SHOPBOT_{name.upper()}": str(value) for name, value in settings.items()})
    return env


@dataclass
class Response:
    """One HTTP response: status, headers and the JSON body (None when the body is not JSON)."""

    status: int
    headers: dict[str, str]
    body: Any
    raw: bytes = b""


@dataclass
class Reply:
    """What a shopper sees after one message over the REST webhook."""

    messages: list[dict[str, Any]]

    @property
    def empty(self) -> bool:
        """No reply at all: a person is handling the conversation."""
        return not self.messages

    @property
    def text(self) -> str:
        return "\n".join(m["text"] for m in self.messages if "text" in m)

    @property
    def buttons(self) -> list[str]:
        return [b["title"] for m in self.messages for b in m.get("buttons", [])]

    @property
    def cards(self) -> list[dict[str, Any]]:
        return [p for m in self.messages if "custom" in m for p in m["custom"]["products"]]

    @property
    def card_ids(self) -> list[str]:
        return [c["id"] for c in self.cards]

    @property
    def card_prices(self) -> list[float]:
        return [c["price"] for c in self.cards]


class ShopbotServer(ServerProcess):
    """One `python -m bot serve` process on its own data dir; its log is `server.log` beside it."""

    def __init__(self, data_dir: Path, env: dict[str, str], port: int | None = None) -> None:
        super().__init__([sys.executable, "-m", "bot", "serve"], env, data_dir.parent / "server.log", port=port)
        self.data_dir = data_dir
        self._taken_orders: set[str] = set()

    # -- process (spawn, start, kill, stop, log: ServerProcess) ------------------------------

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> ShopbotServer:
        """Wait until /ready answers 200 (it answers 503 while the server loads); ServerStartError if the process exits."""
        self.wait_for("/ready", timeout)
        return self

    def wait_listening(self, timeout: float = 60) -> Response:
        """Wait until the port answers GET /health (long before /ready); its response."""
        self.wait_for("/health", timeout, status=None, interval=0.05)
        return self.request("GET", "/health", timeout=5)

    def restart(self, *, kill: bool = True) -> ShopbotServer:
        """Kill (or stop) the process and start a new one on the same data dir."""
        self.kill() if kill else self.stop()
        return self.start()

    # -- HTTP --------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        body: bytes | str | dict[str, Any] | list[Any] | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 60,
    ) -> Response:
        """Any request; 4xx and 5xx are returned, not raised."""
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        data = body.encode() if isinstance(body, str) else body
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers or {})
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                status, got, raw = resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as err:
            status, got, raw = err.code, dict(err.headers), err.read()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        return Response(status, got, parsed, raw)

    def send(self, sender: str, message: str, **extra: Any) -> Reply:
        """One shopper message over the REST webhook; the reply must be 200."""
        resp = self.request("POST", "/webhooks/rest/webhook", {"sender": sender, "message": message, **extra})
        assert resp.status == 200, (message, resp.status, resp.body)
        assert isinstance(resp.body, list), resp.body
        for m in resp.body:
            assert m["recipient_id"] == sender, m
        return Reply(resp.body)

    def chat(self, sender: str) -> Chat:
        return Chat(self, sender)

    def transcript(self, conversation_id: str, token: str | None = TOKEN) -> Response:
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        return self.request("GET", f"/conversations/{conversation_id}", headers=headers)

    def events(self, conversation_id: str) -> list[dict[str, Any]]:
        """The stored events of a conversation ([] when it does not exist)."""
        resp = self.transcript(conversation_id)
        if resp.status == 404:
            return []
        assert resp.status == 200, resp.body
        return resp.body["events"]

    def metrics(self) -> dict[str, float]:
        """/metrics as {'name{labels}': value} (histogram buckets left out)."""
        resp = self.request("GET", "/metrics")
        assert resp.status == 200
        out: dict[str, float] = {}
        for line in resp.raw.decode().splitlines():
            if line and not line.startswith("#") and "_bucket{" not in line:
                name, _, value = line.rpartition(" ")
                out[name] = float(value)
        return out

    # -- data on disk (test set-up only; assertions go through the server) ------------------

    def _read(self, db: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        con = sqlite3.connect(f"file:{self.data_dir / db}?mode=ro", uri=True, timeout=10)
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()

    def take_order(self, status: str) -> str:
        """A demo order number with this status that no other test has taken."""
        rows = self._read("shopbot.db", "SELECT number FROM orders WHERE status = ? ORDER BY number DESC", (status,))
        for (number,) in rows:
            if number not in self._taken_orders:
                self._taken_orders.add(number)
                return number
        pytest.fail(f"no demo order with status {status!r} left")

    def cheapest(self, leaf: str) -> float:
        """The lowest price among the catalog's products of this leaf category."""
        rows = self._read("catalog.db", "SELECT MIN(price) FROM products WHERE category LIKE ?", (f"% > {leaf.lower()}",))
        assert rows and rows[0][0] is not None, f"no products in {leaf}"
        return float(rows[0][0])

    def product(self, product_id: str) -> dict[str, Any]:
        """The catalog's record of a product: its JSON, plus `category` (lower-case path, " > "
        between levels), `brand_key` (lower case) and `colors` (a set, lower case)."""
        rows = self._read("catalog.db", "SELECT data, category, colors, brand FROM products WHERE id = ?", (product_id,))
        assert rows, f"no product {product_id} in the catalog"
        data, category, colors, brand = rows[0]
        return {**json.loads(data), "category": category, "colors": set(filter(None, colors.split("|"))), "brand_key": brand}


@contextmanager
def two_servers(data_dir: Path, env: dict[str, str]) -> Iterator[tuple[ShopbotServer, ShopbotServer]]:
    """Processes A and B on one data dir and one environment (their logs server.log and
    server-b.log beside it), started one at a time: the first creates or migrates the database."""
    a = ShopbotServer(data_dir, env)
    b = ShopbotServer(data_dir, env)
    b.log_path = data_dir.parent / "server-b.log"
    try:
        a.start()
        b.start()
        yield a, b
    finally:
        a.stop()
        b.stop()


@dataclass
class Chat:
    """One shopper talking to a server over REST."""

    server: ShopbotServer
    sender: str
    sent: list[str] = field(default_factory=list)

    @property
    def conversation_id(self) -> str:
        return f"rest:{self.sender}"

    def say(self, message: str) -> Reply:
        self.sent.append(message)
        return self.server.send(self.sender, message)

    def events(self) -> list[dict[str, Any]]:
        return self.server.events(self.conversation_id)


_counter = itertools.count(1)


def unique_sender(prefix: str) -> str:
    """A sender id no other test (or earlier run on the same server) uses."""
    return f"{prefix}-{os.getpid()}-{next(_counter)}"


class AgentAtConsole:
    """An agent with the console open: its live socket (/agent/ws) held open in a thread.

    While it is open the server counts a person as available, so a handoff connects the
    shopper instead of offering to leave a message. Reconnects after a server restart.
    """

    def __init__(self, server: ShopbotServer, token: str) -> None:
        self.server = server
        self.token = token
        self.connected = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._hold()), daemon=True)

    def __enter__(self) -> AgentAtConsole:
        self._thread.start()
        assert self.connected.wait(30), "the agent console socket did not open"
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(30)

    async def _hold(self) -> None:
        url = self.server.url.replace("http", "ws", 1) + "/agent/ws"
        headers = {"Authorization": f"Bearer {self.token}"}
        async with aiohttp.ClientSession() as session:
            while not self._stop.is_set():
                try:
                    async with session.ws_connect(url, headers=headers, heartbeat=10) as ws:
                        self.connected.set()
                        while not self._stop.is_set() and not ws.closed:
                            try:
                                await ws.receive(timeout=0.2)  # keeps answering the server's pings
                            except asyncio.TimeoutError:
                                pass
                except (aiohttp.ClientError, OSError):
                    pass
                self.connected.clear()
                await asyncio.sleep(0.2)
