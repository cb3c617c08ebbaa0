"""Shopper routes for the store's own systems, behind the API token.

    POST   /events                       a store's site events (views, carts, purchases...)
    GET    /users/{id}/preferences       stated preferences
    PUT    /users/{id}/preferences       replace them
    GET    /users/{id}/recommendations   ?q=&k=&category=&max_price=...: ranked, with reasons
    GET    /products/{id}/complements    ?user_id=&k=: what goes with a product
    GET    /users/{id}/data              export everything stored about a shopper
    DELETE /users/{id}/data              erase it

`POST /events` body: one event, a list, or {"events": [...]}; each event is
{"user_id", "product_id", "kind", "at"?, "order_id"?, "event_id"?}. A batch is stored
whole or not at all: any invalid event (or unknown product) rejects the request with
the position and the reason, so the sender can fix it and send the batch again.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from bot.channels.auth import require_token
from bot.channels.keys import EXECUTOR, PERSONALIZATION, SEARCH
from bot.channels.limits import MessageRejected, loads
from bot.config import describe_validation_error
from bot.store.shoppers import ShopperEvent
from retrieval.filters import SearchFilters
from retrieval.recommend import Preferences, SignalKind, UnknownProductError

MAX_EVENTS = 1000
_ID = Field(min_length=1, max_length=200)


class EventIn(BaseModel):
    """One site event as a store sends it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    user_id: str = _ID
    product_id: str = _ID
    kind: SignalKind
    at: dt.datetime | None = None
    order_id: str | None = Field(default=None, max_length=200)
    event_id: str | None = Field(default=None, max_length=200)

    def stored(self, now: float) -> ShopperEvent:
        """The event as stored; without `at` it happened now, naive times are UTC."""
        at = self.at.replace(tzinfo=self.at.tzinfo or dt.UTC).timestamp() if self.at else now
        basket = self.order_id if self.kind == "purchased" else None
        return ShopperEvent(self.user_id, self.product_id, self.kind, at, "api", basket, self.event_id)


_EVENTS = TypeAdapter(list[EventIn])


async def _json(request: web.Request, example: str) -> Any:
    try:
        return await request.json(loads=loads)
    except ValueError:
        raise MessageRejected(f"the body is not valid JSON; send e.g. {example}") from None


def _name(loc: str) -> str:
    # "3.kind" -> "event 4: kind"; a person counts from one.
    head, _, rest = loc.partition(".")
    return f"event {int(head) + 1}: {rest}" if head.isdigit() else loc


async def post_events(request: web.Request) -> web.Response:
    """POST /events: store a batch of site events."""
    require_token(request)
    example = '{"events": [{"user_id": "c-42", "product_id": "SB-00001", "kind": "viewed"}]}'
    body = await _json(request, example)
    items = body.get("events") if isinstance(body, dict) and "events" in body else body
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list) or not items:
        raise MessageRejected(f"send one event, a list of events, or {example}")
    if len(items) > MAX_EVENTS:
        raise MessageRejected(f"at most {MAX_EVENTS} events per request, not {len(items)}; split the batch")
    try:
        events = _EVENTS.validate_python(items)
    except ValidationError as exc:
        raise MessageRejected(describe_validation_error(exc, "events", _name)) from None
    search = request.app[SEARCH].get()
    known = search.index.vectors.row_of
    unknown = [(i, e.product_id) for i, e in enumerate(events) if e.product_id not in known]
    if unknown:
        listed = "; ".join(f"event {i + 1}: {pid!r}" for i, pid in unknown[:5])
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        raise MessageRejected(f"unknown product_id, not in the catalog: {listed}{more}; nothing was stored", status=422)
    now = dt.datetime.now(dt.UTC).timestamp()
    stored = await request.app[PERSONALIZATION].get().record([e.stored(now) for e in events])
    return web.json_response({"stored": stored, "duplicates": len(events) - stored})


def _user(request: web.Request) -> str:
    user = request.match_info["id"].strip()
    if not user or len(user) > 200:
        raise MessageRejected("the user id must be 1 to 200 characters")
    return user


async def get_preferences(request: web.Request) -> web.Response:
    """GET /users/{id}/preferences."""
    require_token(request)
    prefs = await request.app[PERSONALIZATION].get().shoppers.preferences(_user(request))
    return web.json_response(json.loads(prefs.model_dump_json()))


async def put_preferences(request: web.Request) -> web.Response:
    """PUT /users/{id}/preferences: replace the stated preferences."""
    require_token(request)
    user = _user(request)
    body = await _json(request, '{"sizes": ["10"], "brands": ["TrailMax"], "budget_max": 120}')
    try:
        prefs = Preferences.model_validate(body)
    except ValidationError as exc:
        raise MessageRejected(describe_validation_error(exc, "preferences", str)) from None
    await request.app[PERSONALIZATION].get().set_preferences(user, prefs)
    return web.json_response(json.loads(prefs.model_dump_json()))


def _k(request: web.Request, default: int) -> int:
    try:
        k = int(request.query.get("k", str(default)))
        if not 1 <= k <= 50:
            raise ValueError
    except ValueError:
        raise MessageRejected("k must be a whole number from 1 to 50") from None
    return k


def _filters(params: dict[str, str]) -> SearchFilters:
    unknown = sorted(set(params) - set(SearchFilters.model_fields))
    if unknown:
        raise MessageRejected(f"unknown parameter(s): {', '.join(unknown)}")
    try:
        return SearchFilters(**params)
    except ValidationError as exc:
        raise MessageRejected(describe_validation_error(exc, "filter", str)) from None


async def recommendations(request: web.Request) -> web.Response:
    """GET /users/{id}/recommendations?q=&k=&<filters>: ranked for this shopper, with reasons."""
    require_token(request)
    user = _user(request)
    params = dict(request.query)
    query, k = params.pop("q", ""), _k(request, 10)
    params.pop("k", None)
    filters = _filters(params)
    personalization = request.app[PERSONALIZATION].get()
    profile = await personalization.profile(user)
    recommender = personalization.recommender
    recs = await asyncio.get_running_loop().run_in_executor(
        request.app[EXECUTOR], lambda: recommender.recommend(profile, query=query, filters=filters, k=k)
    )
    return web.json_response({"user_id": user, "recommendations": [r.to_dict() for r in recs]},
                             dumps=lambda o: json.dumps(o, ensure_ascii=False))


async def complements(request: web.Request) -> web.Response:
    """GET /products/{id}/complements?user_id=&k=: what goes with this product."""
    require_token(request)
    product_id = request.match_info["id"]
    params = dict(request.query)
    user, k = params.pop("user_id", None), _k(request, 5)
    params.pop("k", None)
    filters = _filters(params)
    personalization = request.app[PERSONALIZATION].get()
    profile = await personalization.profile(user) if user else None
    recommender = personalization.recommender
    try:
        recs = await asyncio.get_running_loop().run_in_executor(
            request.app[EXECUTOR], lambda: recommender.complements(product_id, profile=profile, filters=filters, k=k)
        )
    except UnknownProductError as exc:
        raise web.HTTPNotFound(reason=str(exc)) from None
    return web.json_response({"product_id": product_id, "complements": [r.to_dict() for r in recs]},
                             dumps=lambda o: json.dumps(o, ensure_ascii=False))


async def export_data(request: web.Request) -> web.Response:
    """GET /users/{id}/data: everything stored about the shopper, as one JSON document."""
    require_token(request)
    data = await request.app[PERSONALIZATION].get().export(_user(request))
    return web.json_response(data, dumps=lambda o: json.dumps(o, ensure_ascii=False))


async def erase_data(request: web.Request) -> web.Response:
    """DELETE /users/{id}/data: erase conversations, events and preferences."""
    require_token(request)
    erased = await request.app[PERSONALIZATION].get().erase(_user(request))
    return web.json_response({"erased": {"conversations": erased.conversations, "events": erased.events,
                                         "preferences": erased.preferences}})


def add_routes(app: web.Application) -> None:
    """Mount the shopper routes."""
    app.router.add_post("/events", post_events)
    app.router.add_get("/users/{id}/preferences", get_preferences)
    app.router.add_put("/users/{id}/preferences", put_preferences)
    app.router.add_get("/users/{id}/recommendations", recommendations)
    app.router.add_get("/products/{id}/complements", complements)
    app.router.add_get("/users/{id}/data", export_data)
    app.router.add_delete("/users/{id}/data", erase_data)
