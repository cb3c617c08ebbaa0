"""The aiohttp application: built explicitly from Settings; its resources load behind the open port (bot/startup.py)."""

from __future__ import annotations

import asyncio
import functools
import math
import json
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from pydantic import ValidationError

from bot.agents.auth import AgentTokens
from bot.agents.desk import NotHandlingError
from bot.channels import admin, agent, copy, messenger, platform, rest, shoppers, slack, telegram, whatsapp, ws
from bot.channels.auth import require_token
from bot.channels.keys import (
    ASSISTANT, COORDINATION, EXECUTOR, LIMITER, LOADING, METRICS, NLU_PIPELINE, PERSONALIZATION, REVIEWS, SEARCH, SETTINGS,
    STORE, Loaded,
)  # fmt: skip
from bot.channels.limits import MessageRejected, loads
from bot.config import Settings, describe_validation_error
from bot.coordination.wiring import open_coordination
from bot.errors import USER_ERRORS
from bot.loading import LoadingStatus
from bot.store.base import ConversationNotFoundError, ConversationOwnedError, StoreUnavailableError
from bot.metrics import shopbot_metrics
from bot.services import open_assistant
from bot.startup import RETRY_AFTER_SECONDS, Opener, coordinating, loading_gate, resources
from bot.web import site
from retrieval.filters import SearchFilters
from retrieval.search import MODES, SORTS

logger = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# Messaging platforms; each is mounted only when its credentials are configured.
PLATFORMS = (telegram.PLATFORM, slack.PLATFORM, whatsapp.PLATFORM, messenger.PLATFORM)


def json_error(status: int, message: str) -> web.Response:
    """A JSON error body a person can read."""
    return web.json_response({"error": message}, status=status)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """User errors become 4xx with their message, an unreachable database a 503 with Retry-After;
    anything else a logged, opaque 500."""
    try:
        return await handler(request)
    except MessageRejected as exc:
        request.app[METRICS].inc("shopbot_rejected_total", reason=str(exc.status))
        response = json_error(exc.status, str(exc))
        if exc.retry_after is not None:
            response.headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after)))
        return response
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        request.app[METRICS].inc("shopbot_rejected_total", reason=str(exc.status))
        response = json_error(exc.status, _http_message(request, exc))
        if "Allow" in exc.headers:  # a 405 names the methods that do work
            response.headers["Allow"] = exc.headers["Allow"]
        return response
    except StoreUnavailableError:
        # The database is away (restarting, a network cut): nothing was half-written, and the
        # same request will work once it is back. Which database, and why, is for the server
        # log (the store logged it), not for whoever sent the request.
        request.app[METRICS].inc("shopbot_rejected_total", reason="503")
        response = json_error(503, "the conversation database cannot be reached right now; try again in a few seconds")
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    except USER_ERRORS as exc:
        status = next((code for kind, code in _STATUS_OF.items() if isinstance(exc, kind)), 400)
        return json_error(status, str(exc))
    except Exception:
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return json_error(500, "internal error; the server log has details")


# User errors that are not a bad request: an unknown conversation, someone else's conversation.
_STATUS_OF: dict[type[Exception], int] = {ConversationNotFoundError: 404, ConversationOwnedError: 409, NotHandlingError: 409}


def _http_message(request: web.Request, exc: web.HTTPException) -> str:
    if exc.status == 404 and request.match_info.route.resource is None:
        return f"there is no {request.path}; see the README for the routes"
    if exc.status == 405:
        return f"{request.method} is not allowed on {request.path}"
    if exc.status == 413:
        return f"the request body is larger than the limit of {request.app[SETTINGS].max_body_bytes:,} bytes"
    return exc.reason


async def health(request: web.Request) -> web.Response:
    """Liveness: the process answers (while it loads, too)."""
    return web.json_response({"status": "ok"})


async def ready(request: web.Request) -> web.Response:
    """Readiness: 200 once the catalog, index, models and conversation store are loaded; 503
    saying what it still loads, or why loading failed, before that."""
    loading = request.app[LOADING]
    if loading.error is not None:
        return web.json_response({"status": "failed", "error": loading.error}, status=503)
    if not loading.ready:
        return web.json_response(
            {"status": "loading", "waiting_for": loading.waiting_for}, status=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )  # fmt: skip
    search = request.app[SEARCH].get()
    generator = request.app[ASSISTANT].get().responder.generator.name
    return web.json_response(
        {"status": "ready", "products": len(search.index), "index": search.index.vectors.kind, "generator": generator}
    )


_SEARCH_PARAMS = {"q", "k", "mode", "sort", *SearchFilters.model_fields}


async def search_products(request: web.Request) -> web.Response:
    """GET /search?q=…&max_price=…: hybrid search as JSON."""
    params = dict(request.query)
    unknown = sorted(set(params) - _SEARCH_PARAMS)
    if unknown:
        return json_error(400, f"unknown parameter(s): {', '.join(unknown)}; known: {', '.join(sorted(_SEARCH_PARAMS))}")
    query = params.pop("q", "")
    mode = params.pop("mode", "hybrid")
    sort = params.pop("sort", "relevance")
    if mode not in MODES:
        return json_error(400, f"mode must be one of {', '.join(MODES)}")
    if sort not in SORTS:
        return json_error(400, f"sort must be one of {', '.join(SORTS)}")
    try:
        k = int(params.pop("k", "10"))
        if not 1 <= k <= 100:
            raise ValueError
    except ValueError:
        return json_error(400, "k must be a whole number from 1 to 100")
    try:
        filters = SearchFilters(**params)
    except ValidationError as exc:
        return json_error(400, describe_validation_error(exc, "filter", str))
    search = request.app[SEARCH].get()
    loop = asyncio.get_running_loop()
    hits = await loop.run_in_executor(
        request.app[EXECUTOR],
        lambda: search.search(query, filters=filters, k=k, mode=mode, sort=sort),  # type: ignore[arg-type]
    )
    return web.json_response([h.to_dict() for h in hits], dumps=lambda o: json.dumps(o, ensure_ascii=False))


async def parse_message(request: web.Request) -> web.Response:
    """POST /model/parse {"text": …}: intent, confidence, ranking and entities (Rasa's route)."""
    try:
        body = await request.json(loads=loads)
    except ValueError:
        return json_error(400, "the body must be JSON like {\"text\": \"where is my order?\"}")
    text = body.get("text") if isinstance(body, dict) else None
    if not isinstance(text, str):
        return json_error(400, "'text' is required and must be a string")
    nlu = request.app[NLU_PIPELINE].get()
    loop = asyncio.get_running_loop()
    parse = await loop.run_in_executor(request.app[EXECUTOR], nlu.parse, text)
    return web.json_response({"text": text, **parse.to_dict()}, dumps=lambda o: json.dumps(o, ensure_ascii=False))


async def metrics(request: web.Request) -> web.Response:
    """Prometheus text: turns, latency, intents, fallbacks, grounding outcomes, handoffs."""
    return web.Response(text=request.app[METRICS].render(), content_type="text/plain", charset="utf-8")


async def transcript(request: web.Request) -> web.Response:
    """GET /conversations/{id}: the whole conversation, for agents and audits (API token)."""
    require_token(request)
    conversation_id = request.match_info["id"]
    store = request.app[STORE].get()
    conversation = await store.get(conversation_id)
    if conversation is None:
        raise web.HTTPNotFound(reason=f"no conversation {conversation_id!r}")
    events = await store.events(conversation_id)
    body = {
        "id": conversation.id, "sender": conversation.sender, "channel": conversation.channel,
        "mode": conversation.mode, "agent": conversation.agent, "created": conversation.created,
        "updated": conversation.updated, "state": conversation.state,
        "events": [{"id": e.id, "role": e.role, "text": e.text, "payload": e.payload, "created": e.created} for e in events],
    }  # fmt: skip
    return web.json_response(body, dumps=lambda o: json.dumps(o, ensure_ascii=False))


def create_app(settings: Settings, *, open_parts: Opener = open_assistant) -> web.Application:
    """The Shopbot web application for these settings.

    The port opens at once; `open_parts` (the catalog, models, store: `open_assistant`)
    runs in the background, and until it is done /ready says what it waits for and the
    routes that need it answer 503.
    """
    app = web.Application(
        middlewares=[error_middleware, loading_gate], client_max_size=settings.max_body_bytes,
        handler_args={"access_log_class": platform.RedactingAccessLogger},  # no webhook secret in the access log
    )  # fmt: skip
    app[SETTINGS] = settings
    app[LOADING] = LoadingStatus()
    # Filled in by the background loading (bot/startup.py); the routes reading them wait behind its gate.
    app[SEARCH], app[NLU_PIPELINE], app[STORE] = Loaded("catalog search"), Loaded("intent model"), Loaded("conversation store")
    app[ASSISTANT], app[PERSONALIZATION], app[REVIEWS] = Loaded("assistant"), Loaded("shopper profiles"), Loaded("review analyzer")
    app[METRICS] = shopbot_metrics()
    # In this process, or shared with the other processes through Redis (SHOPBOT_REDIS_URL).
    app[COORDINATION] = coordination = open_coordination(settings)
    app[LIMITER] = coordination.limiter
    app.cleanup_ctx.append(coordinating)  # first in, last out: turns and sends finish before it closes
    app[agent.TOKENS] = AgentTokens.from_settings(settings)
    # Before _resources: the platforms' HTTP session must outlive the turns that send through it.
    platform.mount(app, PLATFORMS)
    app.cleanup_ctx.append(functools.partial(resources, open_parts=open_parts))
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/conversations/{id}", transcript)
    rest.add_routes(app)
    shoppers.add_routes(app)
    admin.add_routes(app)
    copy.add_routes(app)
    ws.add_routes(app)
    agent.add_routes(app)
    site.add_routes(app)
    app.router.add_get("/health", health)
    app.router.add_get("/ready", ready)
    app.router.add_get("/search", search_products)
    app.router.add_post("/model/parse", parse_message)
    return app
