"""The agent console's HTTP API and live socket, under /agent; nothing here works without signing in.

Sign-in: POST /agent/login with an agent token sets a signed, HttpOnly, SameSite=Strict
cookie; scripts may send `Authorization: Bearer <agent token>` instead.

  GET  /agent                                   the console (the sign-in page until signed in)
  GET  /agent/api/me                            who is signed in, who is online, whether people are available
  GET  /agent/api/conversations                 the list: status, unread count, wait time, last message
  GET  /agent/api/conversations/{id}            transcript with intent and confidence, cart, viewed products
  POST /agent/api/conversations/{id}/take       take over from the bot (one agent at a time: 409 otherwise)
  POST /agent/api/conversations/{id}/reply      {"text": ...}: sent live to the shopper
  POST /agent/api/conversations/{id}/share      {"product_id": ...}: a product card to the shopper
  POST /agent/api/conversations/{id}/release    hand back to the bot
  POST /agent/api/conversations/{id}/close      close the conversation
  POST /agent/api/conversations/{id}/read       {"event_id": ...}: read up to here
  GET  /agent/api/conversations/{id}/drafts     suggested replies (agent assist)
  GET  /agent/api/search?q=...                  product search for sharing
  GET  /agent/ws                                live updates: {"type": "update", "conversation": {...}, "event": {...}|null}
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from aiohttp import WSMsgType, web

from bot.agents.auth import AgentTokens
from bot.agents.desk import AgentDesk
from bot.channels.keys import EXECUTOR, SEARCH, Loaded
from bot.channels.limits import loads
from bot.channels.ws import event_json
from bot.dialogue.state import DialogueState
from bot.generation.facts import ProductFacts
from bot.hub import Update
from bot.store.base import Conversation, Event, Summary
from bot.web.site import CONSOLE as PAGES

logger = logging.getLogger(__name__)

DESK = web.AppKey("desk", Loaded[AgentDesk])  # filled in once the server has loaded (bot/startup.py)
TOKENS = web.AppKey("agent_tokens", AgentTokens)
CONSOLES = web.AppKey("consoles", set)
COOKIE = "shopbot_agent"


def signed_in(request: web.Request) -> str | None:
    """The agent this request comes from, or None."""
    tokens = request.app[TOKENS]
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return tokens.agent_of(header.removeprefix("Bearer "))
    cookie = request.cookies.get(COOKIE)
    return tokens.agent_of_cookie(cookie) if cookie else None


def _agent(request: web.Request) -> str:
    agent = signed_in(request)
    if agent is None:
        raise web.HTTPUnauthorized(reason="sign in to the agent console first (POST /agent/login with your agent token)")
    return agent


# -- pages and sign-in ---------------------------------------------------------------------


async def console_page(request: web.Request) -> web.FileResponse:
    """GET /agent: the console for a signed-in agent, the sign-in page for anyone else."""
    page = "console.html" if signed_in(request) else "signin.html"
    return web.FileResponse(PAGES / page, headers={"Cache-Control": "no-store"})


async def console_asset(request: web.Request) -> web.FileResponse:
    """GET /agent/assets/{name}: the console's script and styles, for signed-in agents only."""
    _agent(request)
    name = request.match_info["name"]
    if name not in ("console.js", "console.css"):
        raise web.HTTPNotFound(reason=f"there is no /agent/assets/{name}")
    return web.FileResponse(PAGES / name, headers={"Cache-Control": "no-cache"})


async def login(request: web.Request) -> web.Response:
    """POST /agent/login, a form or JSON with `token`: sets the session cookie."""
    if request.content_type == "application/json":
        body = await _json(request)
        token = body.get("token")
    else:
        token = (await request.post()).get("token")
    agent = request.app[TOKENS].agent_of(token) if isinstance(token, str) else None
    wants_json = request.content_type == "application/json"
    if agent is None:
        if wants_json:
            raise web.HTTPUnauthorized(reason="that agent token is not valid")
        raise web.HTTPFound("/agent?failed=1")
    response: web.Response = web.json_response({"agent": agent}) if wants_json else web.HTTPFound("/agent")
    response.set_cookie(COOKIE, request.app[TOKENS].cookie_for(agent), httponly=True, samesite="Strict", path="/agent")
    return response


async def logout(request: web.Request) -> web.Response:
    """POST /agent/logout: forget the session cookie."""
    response = web.HTTPFound("/agent")
    response.del_cookie(COOKIE, path="/agent")
    return response


# -- the API ---------------------------------------------------------------------------------


async def me(request: web.Request) -> web.Response:
    """Who is signed in, who is online, and whether shoppers can reach a person now."""
    agent = _agent(request)
    presence = request.app[DESK].get().presence
    return web.json_response(
        {"agent": agent, "online": presence.online, "available": presence.available(), "hours": presence.hours.text}
    )


async def conversations(request: web.Request) -> web.Response:
    """The conversation list, most recently active first."""
    _agent(request)
    return _json_response([summary_json(s) for s in await request.app[DESK].get().queue()])


async def conversation(request: web.Request) -> web.Response:
    """One conversation: transcript with the bot's understanding, cart and viewed products."""
    _agent(request)
    desk = request.app[DESK].get()
    found = await desk.conversation(request.match_info["id"])
    events = await desk.store.events(found.id)
    state = DialogueState.load(found.state)
    viewed = desk.assistant.dialogue.catalog.get_many(state.viewed[-10:])
    body = {
        **conversation_json(found),
        "events": _with_understanding(events),
        "cart": [line.model_dump() for line in state.cart],
        "viewed": [ProductFacts.from_product(viewed[i]).card() for i in reversed(state.viewed[-10:]) if i in viewed],
        "leaving_message": state.leaving_message,
    }
    return _json_response(body)


async def take(request: web.Request) -> web.Response:
    """Take over the conversation."""
    return _json_response(conversation_json(await request.app[DESK].get().take(request.match_info["id"], _agent(request))))


async def reply(request: web.Request) -> web.Response:
    """Send a message to the shopper."""
    agent = _agent(request)
    text = (await _json(request)).get("text")
    if not isinstance(text, str):
        raise web.HTTPBadRequest(reason="'text' is required and must be a string")
    event = await request.app[DESK].get().reply(request.match_info["id"], agent, text)
    return _json_response(event_json(event), status=201)


async def share(request: web.Request) -> web.Response:
    """Share a product card with the shopper."""
    agent = _agent(request)
    product_id = (await _json(request)).get("product_id")
    if not isinstance(product_id, str) or not product_id:
        raise web.HTTPBadRequest(reason="'product_id' is required and must be a string")
    event = await request.app[DESK].get().share(request.match_info["id"], agent, product_id)
    return _json_response(event_json(event), status=201)


async def release(request: web.Request) -> web.Response:
    """Hand the conversation back to the bot."""
    return _json_response(conversation_json(await request.app[DESK].get().hand_back(request.match_info["id"], _agent(request))))


async def close(request: web.Request) -> web.Response:
    """Close the conversation."""
    return _json_response(conversation_json(await request.app[DESK].get().close(request.match_info["id"], _agent(request))))


async def read(request: web.Request) -> web.Response:
    """Mark the conversation read up to an event."""
    _agent(request)
    event_id = (await _json(request)).get("event_id")
    if not isinstance(event_id, int) or isinstance(event_id, bool) or event_id < 0:
        raise web.HTTPBadRequest(reason="'event_id' is required and must be a whole number")
    await request.app[DESK].get().mark_read(request.match_info["id"], event_id)
    return web.json_response({"read": event_id})


async def drafts(request: web.Request) -> web.Response:
    """Suggested replies to the shopper's last message."""
    _agent(request)
    found = await request.app[DESK].get().drafts(request.match_info["id"])
    return _json_response([{"text": d.text, "cards": list(d.cards), "source": d.source} for d in found])


async def search(request: web.Request) -> web.Response:
    """Product search from the console, as cards to share."""
    _agent(request)
    query = request.query.get("q", "").strip()
    if len(query) > 200:
        raise web.HTTPBadRequest(reason="the search is longer than 200 characters")
    engine = request.app[SEARCH].get()
    loop = asyncio.get_running_loop()
    hits = await loop.run_in_executor(request.app[EXECUTOR], lambda: engine.search(query, k=8))
    return _json_response([ProductFacts.from_product(h.product).card() for h in hits])


async def live(request: web.Request) -> web.WebSocketResponse:
    """GET /agent/ws: every conversation update, as it happens, while the console is open."""
    agent = _agent(request)
    ws = web.WebSocketResponse(heartbeat=30)
    await ws.prepare(request)
    presence = request.app[DESK].get().presence
    presence.signed_in(agent)
    request.app[CONSOLES].add(ws)
    try:
        async for frame in ws:
            if frame.type == WSMsgType.TEXT and frame.data == '{"type":"ping"}':
                await ws.send_json({"type": "pong"})
    finally:
        request.app[CONSOLES].discard(ws)
        presence.signed_out(agent)
    return ws


async def _broadcast(app: web.Application, update: Update) -> None:
    frame = {
        "type": "update",
        "conversation": conversation_json(update.conversation),
        "event": event_json(update.event) if update.event else None,
    }
    for ws in list(app[CONSOLES]):
        if not ws.closed:
            try:
                await ws.send_json(frame)
            except ConnectionError:
                app[CONSOLES].discard(ws)


# -- shapes ----------------------------------------------------------------------------------


def conversation_json(c: Conversation) -> dict[str, Any]:
    """A conversation's header as the console shows it."""
    return {
        "id": c.id, "channel": c.channel, "sender": c.sender, "mode": c.mode, "agent": c.agent,
        "updated": c.updated, "waiting_seconds": round(time.time() - c.waiting_since) if c.waiting_since else None,
    }  # fmt: skip


def summary_json(s: Summary) -> dict[str, Any]:
    """A row of the conversation list."""
    return {**conversation_json(s.conversation), "unread": s.unread, "last_role": s.last_role, "last_text": s.last_text[:160]}


def _with_understanding(events: list[Event]) -> list[dict[str, Any]]:
    """Events for the transcript; each shopper message with the intent and confidence the bot read."""
    out = [event_json(e) for e in events]
    for i, e in enumerate(events):
        if e.role != "user":
            continue
        answer = next((a for a in events[i + 1 :] if a.role in ("bot", "agent", "user")), None)
        if answer is not None and answer.role == "bot" and "intent" in answer.payload:
            out[i]["intent"] = answer.payload["intent"]
            out[i]["confidence"] = answer.payload.get("confidence")
    return out


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json(loads=loads)
    except ValueError:
        raise web.HTTPBadRequest(reason="the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(reason="the body must be a JSON object")
    return body


def _json_response(body: Any, status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False))


def add_routes(app: web.Application) -> None:
    """Mount the console, its API and its socket; conversation updates reach open consoles."""
    app[CONSOLES] = set()
    app[DESK] = Loaded("agent desk")
    r = app.router
    r.add_get("/agent", console_page)
    r.add_get("/agent/assets/{name}", console_asset)
    r.add_post("/agent/login", login)
    r.add_post("/agent/logout", logout)
    r.add_get("/agent/api/me", me)
    r.add_get("/agent/api/conversations", conversations)
    r.add_get("/agent/api/conversations/{id}", conversation)
    for action, handler in (("take", take), ("reply", reply), ("share", share), ("release", release), ("close", close), ("read", read)):
        r.add_post(f"/agent/api/conversations/{{id}}/{action}", handler)
    r.add_get("/agent/api/conversations/{id}/drafts", drafts)
    r.add_get("/agent/api/search", search)
    r.add_get("/agent/ws", live)


def listen(app: web.Application, desk: AgentDesk) -> None:
    """Forward the desk's conversation updates to open consoles."""

    async def forward(update: Update) -> None:
        await _broadcast(app, update)

    desk.hub.subscribe(forward)
