"""The widget's WebSocket channel, `GET /ws`: streamed replies, ids and acknowledgements.

Client frames (JSON):
  {"type": "hello", "session": "<id>", "after": <last event id seen, 0 for all>}
  {"type": "message", "text": "...", "client_id": "<unique per message>"}
  {"type": "signal", "kind": "clicked", "product_id": "..."}   viewed, clicked or dismissed
  {"type": "ping"}
Server frames:
  {"type": "history", "events": [event, ...],       events after `after`, on hello, and who
   "mode": ..., "agent": ...}                        answers now (bot, waiting_agent, agent, closed)
  {"type": "ack", "client_id": ..., "event": event}  the message is stored (durable)
  {"type": "typing"}                                 a reply is being prepared
  {"type": "token", "text": ...}                     a checked piece of the reply
  {"type": "retract"}                                drop the streamed text; a replacement follows
  {"type": "message", "event": event}                a stored message (bot, agent, or this
                                                     shopper's from another tab)
  {"type": "held", "mode": ...}                      no bot reply: a person has this conversation
  {"type": "mode", "mode": ..., "agent": ...}        who answers changed (a person joined or left)
  {"type": "error", "error": "..."}                  a bad frame; the socket stays open
  {"type": "pong"}
An event is {"id", "role", "text", "cards", "buttons", "created", "agent"}: role is user, bot,
agent (with the agent's name) or system (a notice such as "Alice joined the chat"). A client that
reconnects sends hello with the last id it has and re-sends unacknowledged messages with
the same client_id: nothing is lost and nothing is stored twice.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from typing import Any

from aiohttp import WSMsgType, web

from bot.assistant import Held, Message, Replied, Retracted, Stored, Token
from bot.channels.keys import ASSISTANT, LIMITER, PERSONALIZATION, SEARCH, SETTINGS, STORE
from bot.channels.limits import MessageRejected, check_text, loads
from bot.hub import Hub, Update
from bot.store.base import Event, StoreUnavailableError
from bot.store.shoppers import ShopperEvent

logger = logging.getLogger(__name__)

CHANNEL = "widget"
_SESSION_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def event_json(event: Event) -> dict[str, Any]:
    """A stored event as the widget sees it."""
    return {
        "id": event.id,
        "role": event.role,
        "text": event.text,
        "cards": event.payload.get("cards", []),
        "buttons": event.payload.get("buttons", []),
        "created": event.created,
        "agent": event.payload.get("agent"),
    }


class Sockets:
    """The open sockets of each conversation, so every tab sees every message."""

    def __init__(self) -> None:
        self._by_conversation: dict[str, set[web.WebSocketResponse]] = {}
        # Client ids each socket sent: that socket gets an ack for them, not a copy.
        self.sent: dict[web.WebSocketResponse, set[str]] = {}

    async def deliver(self, update: Update) -> None:
        """Forward a conversation update to its open sockets (the hub calls this)."""
        conversation = update.conversation
        if conversation.channel != CHANNEL:
            return
        if update.event is None:
            await self.send(conversation.id, {"type": "mode", "mode": conversation.mode, "agent": conversation.agent})
            return
        frame = {"type": "message", "event": event_json(update.event)}
        for ws in list(self._by_conversation.get(conversation.id, ())):
            if update.event.role == "user" and update.event.client_id in self.sent.get(ws, ()):
                continue
            await self._send_one(conversation.id, ws, frame)

    def add(self, conversation_id: str, ws: web.WebSocketResponse) -> None:
        self._by_conversation.setdefault(conversation_id, set()).add(ws)

    def remove(self, conversation_id: str, ws: web.WebSocketResponse) -> None:
        self.sent.pop(ws, None)
        sockets = self._by_conversation.get(conversation_id)
        if sockets is not None:
            sockets.discard(ws)
            if not sockets:
                del self._by_conversation[conversation_id]

    async def send(self, conversation_id: str, frame: dict[str, Any], skip: web.WebSocketResponse | None = None) -> None:
        """Send a frame to every open socket of a conversation."""
        for ws in list(self._by_conversation.get(conversation_id, ())):
            if ws is not skip:
                await self._send_one(conversation_id, ws, frame)

    async def _send_one(self, conversation_id: str, ws: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        if ws.closed:
            return
        try:
            await ws.send_json(frame)
        except ConnectionError:
            self.remove(conversation_id, ws)


SOCKETS = web.AppKey("sockets", Sockets)


async def websocket(request: web.Request) -> web.WebSocketResponse:
    """One widget connection: hello, then messages, until it closes."""
    ws = web.WebSocketResponse(heartbeat=30, max_msg_size=request.app[SETTINGS].max_body_bytes)
    await ws.prepare(request)
    session: str | None = None
    try:
        async for frame in ws:
            if frame.type == WSMsgType.BINARY:
                await ws.send_json({"type": "error", "error": "frames must be JSON text, not binary"})
                continue
            if frame.type != WSMsgType.TEXT:
                continue
            try:
                data = loads(frame.data)
                if not isinstance(data, dict):
                    raise ValueError
            except ValueError:
                await ws.send_json({"type": "error", "error": "frames must be JSON objects"})
                continue
            except MessageRejected as exc:
                await ws.send_json({"type": "error", "error": str(exc)})
                continue
            kind = data.get("type")
            if kind == "ping":
                await ws.send_json({"type": "pong"})
            elif kind == "hello":
                session = await _hello(request, ws, data, session)
            elif kind == "message":
                if session is None:
                    await ws.send_json({"type": "error", "error": "send hello with a session id first"})
                    continue
                await _message(request, ws, session, data)
            elif kind == "signal":
                if session is None:
                    await ws.send_json({"type": "error", "error": "send hello with a session id first"})
                    continue
                await _signal(request, ws, session, data)
            else:
                await ws.send_json({"type": "error", "error": f"unknown frame type {kind!r}; use hello, message, signal or ping"})
    finally:
        if session is not None:
            request.app[SOCKETS].remove(f"{CHANNEL}:{session}", ws)
    return ws


# What a page can report about its own shopper. Carts and purchases come from the
# conversation or the store's systems (POST /events), never from a browser's say-so.
WIDGET_SIGNALS = ("viewed", "clicked", "dismissed")


async def _signal(request: web.Request, ws: web.WebSocketResponse, session: str, data: dict[str, Any]) -> None:
    """{"type": "signal", "kind": "clicked", "product_id": ...}: the shopper opened or dismissed a product."""
    kind, product_id = data.get("kind"), data.get("product_id")
    if kind not in WIDGET_SIGNALS:
        await ws.send_json({"type": "error", "error": f"'kind' must be one of {', '.join(WIDGET_SIGNALS)}"})
        return
    if not isinstance(product_id, str) or product_id not in request.app[SEARCH].get().index.vectors.row_of:
        await ws.send_json({"type": "error", "error": "'product_id' must be the id of a product in the catalog"})
        return
    event = ShopperEvent(session, product_id, kind, time.time(), CHANNEL)
    await request.app[PERSONALIZATION].get().record([event])


async def _hello(request: web.Request, ws: web.WebSocketResponse, data: dict[str, Any], old: str | None) -> str | None:
    session = data.get("session")
    if not isinstance(session, str) or not _SESSION_RE.match(session):
        await ws.send_json({"type": "error", "error": "'session' must be 8-64 letters, digits, '-' or '_'"})
        return old
    after = data.get("after", 0)
    if not isinstance(after, int) or after < 0:
        after = 0
    conversation_id = f"{CHANNEL}:{session}"
    if old is not None:
        request.app[SOCKETS].remove(f"{CHANNEL}:{old}", ws)
    request.app[SOCKETS].add(conversation_id, ws)
    store = request.app[STORE].get()
    events = await store.events(conversation_id, after_id=after)
    conversation = await store.get(conversation_id)
    mode, agent = (conversation.mode, conversation.agent) if conversation else ("bot", None)
    await ws.send_json({"type": "history", "events": [event_json(e) for e in events], "mode": mode, "agent": agent})
    return session


async def _message(request: web.Request, ws: web.WebSocketResponse, session: str, data: dict[str, Any]) -> None:
    client_id = data.get("client_id")
    if client_id is not None and (not isinstance(client_id, str) or not 1 <= len(client_id) <= 100):
        await ws.send_json({"type": "error", "error": "'client_id' must be a string of 1 to 100 characters"})
        return
    try:
        text = check_text(data.get("text"), request.app[SETTINGS].max_message_chars)
        await request.app[LIMITER].check(f"{CHANNEL}:{session}")
    except MessageRejected as exc:
        await ws.send_json({"type": "error", "error": str(exc), "client_id": client_id})
        return
    sockets = request.app[SOCKETS]
    message = Message(sender=session, text=text, channel=CHANNEL, client_id=client_id)
    if client_id is not None:
        sockets.sent.setdefault(ws, set()).add(client_id)
    try:
        await _turn(request, ws, message, client_id)
    except MessageRejected as exc:
        # Not taken (its conversation's order cannot be kept right now): the widget offers to send it again.
        await ws.send_json({"type": "error", "error": str(exc), "client_id": client_id})
    except StoreUnavailableError:
        # The database is away: the message was stored whole or not at all, and re-sending it with
        # its client id is safe either way (the store keeps one copy). Which database, and why, the store logged.
        await ws.send_json({"type": "error", "client_id": client_id,
                            "error": "the conversation database cannot be reached right now; please send it again in a few seconds"})


async def _turn(request: web.Request, ws: web.WebSocketResponse, message: Message, client_id: str | None) -> None:
    """Run the message's turn, streaming it to this socket (other tabs get the stored events through the hub)."""
    resent = False
    async for event in request.app[ASSISTANT].get().handle(message):
        if isinstance(event, Stored):
            resent = not event.new
            await ws.send_json({"type": "ack", "client_id": client_id, "event": event_json(event.event)})
            if event.new:
                await ws.send_json({"type": "typing"})
        elif isinstance(event, Token):
            await ws.send_json({"type": "token", "text": event.text})
        elif isinstance(event, Retracted):
            await ws.send_json({"type": "retract"})
        elif isinstance(event, Replied) and resent:
            # A re-sent message's reply is replayed to the sender only: other tabs already have it.
            # (New replies reach every tab through the hub.)
            await ws.send_json({"type": "message", "event": event_json(event.event)})
        elif isinstance(event, Held):
            await ws.send_json({"type": "held", "mode": event.mode})
        await asyncio.sleep(0)


def add_routes(app: web.Application) -> None:
    """Mount the WebSocket channel."""
    app[SOCKETS] = Sockets()
    app.router.add_get("/ws", websocket)


def listen(app: web.Application, hub: Hub) -> None:
    """Deliver conversation updates (bot replies, agents' messages, notices) to open widgets."""
    hub.subscribe(app[SOCKETS].deliver)
