"""A scriptable stand-in for an OpenAI-compatible chat endpoint, served over real HTTP by aiohttp.

The generation and copy benchmarks (`python -m tests.bench`) use it to measure the openai
backend's own overhead, and the tests use it to script model answers and endpoint failures
without a paid API.

It speaks `POST /v1/chat/completions`, both as plain JSON and as a server-sent-event stream
(`data: {chunk}` lines ending with `data: [DONE]`), so the real `openai` client can be
pointed at it. Each test decides what the "model" answers, request by request:

    async with fake_openai_server("Hello there!") as server:      # every request gets this
        gen = OpenAIGenerator(base_url=server.base_url, ...)
        server.enqueue(Reply(status=429), Reply("Second try works"))  # the next two requests
        server.reply = lambda req: Reply(req.last_user_message.upper())  # or decide per request
        ...
        assert server.requests[0].model == "gpt-4o-mini"

Queued replies are used first, in order; then `server.reply` (text, a `Reply`, or a function
of the `ReceivedRequest`, sync or async, returning either). A `Reply` also scripts failures:
an HTTP error status with OpenAI's error body, delays, an invalid JSON chunk, a stream that
ends without `[DONE]`, a dropped connection, or exact raw events.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import json
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

_ERROR_BODIES = {
    400: ("invalid_request_error", None, "Invalid request."),
    401: ("invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
    404: ("invalid_request_error", "model_not_found", "The model does not exist."),
    429: ("requests", "rate_limit_exceeded", "Rate limit reached for requests. Please try again later."),
}


@dataclass
class Reply:
    """What the fake model does for one request.

    text: the answer. For a stream it is cut into `chunk_size`-character deltas.
    status: a non-200 status answers with OpenAI's JSON error body instead (no stream).
    retry_after_ms: sent as `retry-after-ms` on error statuses, so the openai client's
        retries wait this long instead of its ~0.5 s+ backoff; None omits the header.
    delay: seconds before anything is sent, headers included.
    chunk_delay: seconds before each streamed chunk (so also after the headers).
    malformed: send a data line of invalid JSON after the first content chunk.
    done: end the stream with `data: [DONE]`; False ends the body cleanly without it.
    drop: close the connection after the content chunks, mid-body (no clean end).
    events: exact SSE data payloads to send instead of the generated chunks (dicts are
        JSON-encoded, strings sent verbatim), e.g. `[{"id": "x"}]` for a chunk with no
        choices. `[DONE]` is still appended when `done` is true.
    """

    text: str = ""
    status: int = 200
    retry_after_ms: int | None = 10
    delay: float = 0.0
    chunk_delay: float = 0.0
    chunk_size: int = 4
    malformed: bool = False
    done: bool = True
    drop: bool = False
    events: Sequence[dict[str, Any] | str] | None = None


@dataclass
class ReceivedRequest:
    """One request the fake received: its JSON body and headers (names lower-cased)."""

    body: dict[str, Any]
    headers: dict[str, str]

    @property
    def model(self) -> str | None:
        return self.body.get("model")

    @property
    def messages(self) -> list[dict[str, Any]]:
        return self.body.get("messages") or []

    @property
    def stream(self) -> bool:
        return bool(self.body.get("stream"))

    @property
    def temperature(self) -> float | None:
        return self.body.get("temperature")

    @property
    def max_tokens(self) -> int | None:
        # Newer clients may send max_completion_tokens instead.
        return self.body.get("max_tokens", self.body.get("max_completion_tokens"))

    @property
    def authorization(self) -> str | None:
        """The Authorization header as sent, e.g. "Bearer sk-test"."""
        return self.headers.get("authorization")

    @property
    def last_user_message(self) -> str:
        """The text of the last user message ("" if none): what a test usually answers."""
        for message in reversed(self.messages):
            if message.get("role") == "user" and isinstance(message.get("content"), str):
                return message["content"]
        return ""


ReplySource = str | Reply | Callable[[ReceivedRequest], "str | Reply | Awaitable[str | Reply]"]


@dataclass
class FakeOpenAIServer:
    """The fake endpoint. Start it with `fake_openai_server()` (or `start()`/`close()`)."""

    reply: ReplySource = "Hello from the fake model."
    requests: list[ReceivedRequest] = field(default_factory=list)
    base_url: str = ""
    _queue: deque[str | Reply] = field(default_factory=deque)
    _runner: web.AppRunner | None = None
    _ids: itertools.count[int] = field(default_factory=itertools.count)

    def enqueue(self, *replies: str | Reply) -> None:
        """Answer the next requests with these, in order, before falling back to `reply`."""
        self._queue.extend(replies)

    async def start(self) -> str:
        """Listen on 127.0.0.1 on a free port; returns the base URL ("http://127.0.0.1:N/v1")."""
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._handle)
        # Handlers are cancelled when the client hangs up (after a client-side timeout), and
        # shutdown does not wait on a scripted sleep, so tests end promptly.
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.1, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}/v1"
        return self.base_url

    async def close(self) -> None:
        """Stop listening and end any request still in progress."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _next_reply(self, request: ReceivedRequest) -> Reply:
        source: ReplySource = self._queue.popleft() if self._queue else self.reply
        if callable(source):
            source = source(request)
            if inspect.isawaitable(source):
                source = await source
        return source if isinstance(source, Reply) else Reply(text=source)

    async def _handle(self, http: web.Request) -> web.StreamResponse:
        body = await http.json()
        request = ReceivedRequest(body=body, headers={k.lower(): v for k, v in http.headers.items()})
        self.requests.append(request)
        reply = await self._next_reply(request)
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.status != 200:
            return _error_response(reply)
        completion_id = f"chatcmpl-fake-{next(self._ids)}"
        model = request.model or "fake-model"
        if not request.stream:
            return web.json_response(_completion(completion_id, model, reply.text))
        return await self._stream(http, reply, completion_id, model)

    async def _stream(self, http: web.Request, reply: Reply, completion_id: str, model: str) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
        await response.prepare(http)
        if reply.events is not None:
            events = [e if isinstance(e, str) else json.dumps(e) for e in reply.events]
        else:
            events = [json.dumps(c) for c in _chunks(completion_id, model, reply.text, reply.chunk_size)]
            if reply.malformed:
                events.insert(2, '{"id": "broken", "choices": [{"delta": {"content": "oops"')
        try:
            for event in events:
                if reply.chunk_delay:
                    await asyncio.sleep(reply.chunk_delay)
                await response.write(f"data: {event}\n\n".encode())
            if reply.drop:
                # Hang up mid-body: the client sees the chunked body end without its terminator.
                assert http.transport is not None
                http.transport.close()
                return response
            if reply.done:
                await response.write(b"data: [DONE]\n\n")
            await response.write_eof()
        except ConnectionResetError:
            pass  # the client gave up (timeout) or was closed; nothing left to send
        return response


@asynccontextmanager
async def fake_openai_server(reply: ReplySource = "Hello from the fake model.") -> AsyncIterator[FakeOpenAIServer]:
    """A started fake endpoint answering `reply` (see `FakeOpenAIServer`), closed on exit."""
    server = FakeOpenAIServer(reply=reply)
    await server.start()
    try:
        yield server
    finally:
        await server.close()


def _error_response(reply: Reply) -> web.Response:
    kind, code, message = _ERROR_BODIES.get(
        reply.status, ("server_error", None, "The server had an error while processing your request.")
    )
    headers = {"retry-after-ms": str(reply.retry_after_ms)} if reply.retry_after_ms is not None else {}
    body = {"error": {"message": message, "type": kind, "param": None, "code": code}}
    return web.json_response(body, status=reply.status, headers=headers)


def _completion(completion_id: str, model: str, text: str) -> dict[str, Any]:
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "logprobs": None, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


def _chunks(completion_id: str, model: str, text: str, size: int) -> list[dict[str, Any]]:
    """OpenAI's chunk sequence: a role delta with empty content, the content deltas, a stop."""

    def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
        return {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}],
        }

    pieces = [text[i : i + size] for i in range(0, len(text), max(size, 1))]
    return [
        chunk({"role": "assistant", "content": ""}),
        *(chunk({"content": piece}) for piece in pieces),
        chunk({}, "stop"),
    ]
