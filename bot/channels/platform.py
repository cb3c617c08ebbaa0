"""What the messaging-platform channels (Telegram, Slack, WhatsApp, Messenger) share.

A platform's webhook must answer fast, and its replies go out through the platform's API,
not in the HTTP answer. So a webhook only verifies, parses and calls `accept`, which returns
as soon as the shopper's message is durably stored; the rest of the turn runs in a task the
app holds (shutdown waits for it, then cancels; `resume_pending` answers what a cancelled
turn left). Every reply, agent message and notice of a platform's conversations reaches the
shopper from a hub listener, through the platform's API, one conversation's messages in
order. A platform whose credentials are not all set is not mounted: its webhook paths answer
404 naming the settings to set.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.web_log import AccessLogger

from bot.assistant import Assistant, Message, Stored
from bot.channels.keys import ASSISTANT, COORDINATION, LIMITER, METRICS, SETTINGS
from bot.channels.limits import MessageRejected, loads
from bot.config import Settings
from bot.coordination.receipts import RedisReceipts
from bot.generation.facts import money, rating_text
from bot.hub import Hub, Update
from bot.store.base import Conversation, Event

logger = logging.getLogger(__name__)

SHOPPER_FACING = ("bot", "agent", "system")  # the roles a shopper is sent; their own messages are not echoed
SHUTDOWN_GRACE = 10.0  # seconds running turns and sends get to finish when the server stops
ERRORS_METRIC = "shopbot_platform_errors_total"

Deliver = Callable[[web.Application, Conversation, Event], Awaitable[None]]


@dataclass(frozen=True)
class Platform:
    """A messaging platform's channel: the settings it needs, its routes, and how it sends an event."""

    channel: str  # Message.channel, and so the conversation id's prefix ("telegram:<chat id>")
    title: str
    required: tuple[str, ...]  # Settings fields that must all be set for the channel to be mounted
    paths: tuple[str, ...]
    add_routes: Callable[[web.Application], None]
    deliver: Deliver

    def missing(self, settings: Settings) -> list[str]:
        """The environment variables still to set before this channel can work."""
        return [f"SHOPBOT_{name.upper()}" for name in self.required if getattr(settings, name) is None]


class Dispatcher:
    """Turns finishing after their webhook answered, and ordered outbound sends, held for a clean shutdown."""

    def __init__(self, receipts: RedisReceipts | None = None) -> None:
        self._tasks: set[asyncio.Task[None]] = set()
        self._inflight: dict[tuple[str, str], asyncio.Future[Stored]] = {}
        self._tails: dict[str, asyncio.Task[None]] = {}
        self._receipts = receipts  # the same, across processes (bot/coordination/receipts.py)

    async def accept(self, assistant: Assistant, message: Message) -> Stored | None:
        """Start the turn; return once the message is stored (None: stored by another process, whose turn
        runs). The reply goes out through the hub."""
        key = (message.conversation_id, message.client_id) if message.client_id else None
        if key is not None and key in self._inflight:
            # The platform re-delivered a message whose turn is still running: same answer, no second turn.
            return await asyncio.shield(self._inflight[key])
        if key is not None and self._receipts is not None and await self._receipts.has(*key):
            return None  # re-delivered to this process while another answers it
        stored: asyncio.Future[Stored] = asyncio.get_running_loop().create_future()
        if key is not None:
            self._inflight[key] = stored
        self.spawn(self._turn(assistant, message, stored, key))
        # Shielded: a webhook request that goes away must not cancel the turn it started.
        return await asyncio.shield(stored)

    async def _turn(
        self, assistant: Assistant, message: Message, stored: asyncio.Future[Stored], key: tuple[str, str] | None
    ) -> None:
        receipts = self._receipts if key is not None else None
        noted = False
        try:
            async for event in assistant.handle(message):
                if isinstance(event, Stored) and not stored.done():
                    stored.set_result(event)
                    if receipts is not None and key is not None:
                        await receipts.add(*key)
                        noted = True
        except asyncio.CancelledError:
            if not stored.done():
                stored.cancel()
            raise
        except Exception as exc:
            if not stored.done():
                stored.set_exception(exc)  # not stored: the webhook answers 500 and the platform re-delivers
            else:
                # Stored but not answered: the next start's resume_pending answers it.
                logger.exception("a %s turn failed after the message was stored", message.channel)
        finally:
            if key is not None:
                self._inflight.pop(key, None)
                if noted and receipts is not None:
                    await receipts.discard(*key)

    def send(self, conversation_id: str, make: Callable[[], Awaitable[None]]) -> None:
        """Run `make()` after this conversation's earlier sends, so the shopper reads messages in order."""
        previous = self._tails.get(conversation_id)

        async def after() -> None:
            if previous is not None:
                await asyncio.wait([previous])
            await make()

        task = self.spawn(after())
        self._tails[conversation_id] = task
        task.add_done_callback(lambda t: self._tails.pop(conversation_id) if self._tails.get(conversation_id) is t else None)

    def spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """Run `work` in a task held until it ends; its failure is logged, never raised."""
        task = asyncio.get_running_loop().create_task(_logged(work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def close(self, grace: float = SHUTDOWN_GRACE) -> None:
        """Let running turns and sends finish for up to `grace` seconds, then cancel the rest."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace
        # Loop: a turn that finishes starts the sends of its reply.
        while self._tasks and loop.time() < deadline:
            await asyncio.wait(set(self._tasks), timeout=deadline - loop.time())
        pending = set(self._tasks)
        for task in pending:
            task.cancel()
        if pending:
            logger.warning("cancelled %d platform task(s) at shutdown", len(pending))
            await asyncio.wait(pending)


async def _logged(work: Coroutine[Any, Any, None]) -> None:
    try:
        await work
    except asyncio.CancelledError:
        raise
    except Exception:
        logger.exception("a platform task failed")


HTTP = web.AppKey("platform_http", aiohttp.ClientSession)
DISPATCHER = web.AppKey("platform_dispatcher", Dispatcher)
MOUNTED = web.AppKey("platforms", tuple)


# -- mounting ---------------------------------------------------------------------------------


def mount(app: web.Application, platforms: tuple[Platform, ...]) -> None:
    """Mount each configured platform; the others' paths answer 404 naming what to set.

    Call before the cleanup context that opens the assistant, so the HTTP session outlives
    every turn (cleanup runs in reverse order), and after app[COORDINATION] is set.
    """
    settings = app[SETTINGS]
    mounted = []
    for platform in platforms:
        missing = platform.missing(settings)
        if missing:
            for path in platform.paths:
                app.router.add_route("*", path, _not_configured(platform, missing))
        else:
            platform.add_routes(app)
            mounted.append(platform)
    app[MOUNTED] = tuple(mounted)
    app[DISPATCHER] = Dispatcher(app[COORDINATION].receipts)
    app[METRICS].describe(ERRORS_METRIC, "counter", "Calls to a messaging platform's API that failed, by platform.")
    if mounted:
        app.cleanup_ctx.append(_http_session)
        app.on_shutdown.append(_drain)


def _not_configured(platform: Platform, missing: list[str]) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handler(request: web.Request) -> web.StreamResponse:
        raise web.HTTPNotFound(reason=f"the {platform.title} channel is not configured: set {' and '.join(missing)}")

    return handler


async def _http_session(app: web.Application) -> AsyncIterator[None]:
    # One session (one connection pool) per app for every platform's API.
    timeout = aiohttp.ClientTimeout(total=app[SETTINGS].platform_timeout)
    async with aiohttp.ClientSession(timeout=timeout, raise_for_status=False) as session:
        app[HTTP] = session
        yield


async def _drain(app: web.Application) -> None:
    await app[DISPATCHER].close()


def listen(app: web.Application, hub: Hub) -> None:
    """Send every reply, agent message and notice of a mounted platform's conversations through its API."""
    for platform in app[MOUNTED]:
        # Only what this process published: another process's reply is sent by that process.
        hub.subscribe(_forwarder(app, platform), from_elsewhere=False)


def _forwarder(app: web.Application, platform: Platform) -> Callable[[Update], Awaitable[None]]:
    async def forward(update: Update) -> None:
        event, conversation = update.event, update.conversation
        if event is None or conversation.channel != platform.channel or event.role not in SHOPPER_FACING:
            return
        app[DISPATCHER].send(conversation.id, lambda: platform.deliver(app, conversation, event))

    return forward


class RedactingAccessLogger(AccessLogger):
    """aiohttp's access log, without the secrets platforms put in query strings.

    Messenger's subscription handshake sends our verify token as ?hub.verify_token=..., and
    a store page opened from a link carries the API token as ?token=...; the request line
    would otherwise carry them into the log.
    """

    _SECRET = re.compile(r"((?:^|[?&])(?:hub\.verify_token|token)=)[^&\s]*")

    def _format_line(self, request: Any, response: Any, time: float) -> Iterable[tuple[str | tuple[str, str], str]]:
        return [
            (key, self._SECRET.sub(r"\1[redacted]", value) if key == "first_request_line" else value)
            for key, value in super()._format_line(request, response, time)
        ]


# -- inbound ------------------------------------------------------------------------------------


async def accept(request: web.Request, message: Message) -> Stored | None:
    """Rate-limit the shopper, then store the message and start the turn (see Dispatcher.accept)."""
    await request.app[LIMITER].check(message.conversation_id)
    return await request.app[DISPATCHER].accept(request.app[ASSISTANT].get(), message)


def parse_json(body: bytes) -> dict[str, Any]:
    """A webhook body as a JSON object, or MessageRejected (400)."""
    try:
        parsed = loads(body)
    except (ValueError, UnicodeDecodeError):
        raise MessageRejected("the body is not valid JSON") from None
    if not isinstance(parsed, dict):
        raise MessageRejected("the body must be a JSON object")
    return parsed


def same_secret(sent: str, expected: str) -> bool:
    """Compare a received secret or signature with the expected one in constant time."""
    return hmac.compare_digest(sent.encode(), expected.encode())


# -- outbound -----------------------------------------------------------------------------------


async def call_api(
    app: web.Application, platform: str, method: str, url: str, **request: Any
) -> tuple[int, Any] | None:
    """POST to a platform's API: (status, parsed JSON body), or None when it could not be reached.

    Failures are logged and counted by platform and method only: URLs and errors may carry
    credentials (Telegram puts the bot token in the path), so neither is ever logged.
    """
    try:
        async with app[HTTP].post(url, **request) as response:
            text = await response.text()
            status = response.status
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        failed(app, platform, method, type(exc).__name__)
        return None
    try:
        body = loads(text) if text else None
    except (ValueError, MessageRejected):
        body = None
    if status >= 400:
        failed(app, platform, method, f"HTTP {status} {_error_of(body)}")
    return status, body


def failed(app: web.Application, platform: str, method: str, why: str) -> None:
    """Log and count a failed platform call; the conversation stays stored and the server goes on."""
    app[METRICS].inc(ERRORS_METRIC, platform=platform)
    logger.warning("%s %s failed: %s", platform, method, why)


def _error_of(body: Any) -> str:
    """The platform's own short error text, if its error body has one."""
    if not isinstance(body, dict):
        return ""
    found = body.get("description") or body.get("error") or body.get("message") or ""
    if isinstance(found, dict):  # Graph API: {"error": {"message": ...}}
        found = found.get("message", "")
    return str(found)[:200]


def display_text(event: Event) -> str:
    """The text a shopper is sent: an agent's message carries the agent's name, as the widget shows it."""
    agent = event.payload.get("agent")
    if event.role == "agent" and agent:
        return f"{agent}: {event.text}"
    return event.text


def buttons_of(event: Event) -> list[dict[str, str]]:
    """The event's quick replies, each {"title", "payload"}."""
    return [b for b in event.payload.get("buttons") or [] if isinstance(b, dict) and b.get("title")]


def cards_of(event: Event) -> list[dict[str, Any]]:
    """The event's product cards."""
    return [c for c in event.payload.get("cards") or [] if isinstance(c, dict) and c.get("title")]


def card_details(card: dict[str, Any]) -> str:
    """A card's facts in one line, from catalog fields only: "$89.99 (was $99) · in stock · 4.6★"."""
    parts = []
    if card.get("price") is not None:
        price = money(card["price"], card.get("currency") or "USD")
        if card.get("compare_at_price") and card["compare_at_price"] > card["price"]:
            price += f" (was {money(card['compare_at_price'], card.get('currency') or 'USD')})"
        parts.append(price)
    # "in stock" only when the catalog tracks stock (stock_known); untracked says nothing.
    if card.get("in_stock") is not None and (not card["in_stock"] or card.get("stock_known", True)):
        parts.append("in stock" if card["in_stock"] else "out of stock")
    if card.get("rating"):
        parts.append(f"{rating_text(card['rating'])}★")
    return " · ".join(parts)


def web_url(url: object) -> str | None:
    """`url` when it is an absolute http(s) URL a platform will accept for a link or an image."""
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) else None


def clip(text: str, limit: int) -> str:
    """`text` cut to a platform's length limit, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
