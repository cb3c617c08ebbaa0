"""The aiohttp application: built explicitly from Settings, resources opened in cleanup_ctx."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web
from pydantic import ValidationError

from bot.config import Settings, describe_validation_error
from bot.errors import USER_ERRORS
from bot.nlu.parser import NLU
from bot.services import load_nlu, open_search
from retrieval.filters import SearchFilters
from retrieval.search import MODES, SORTS, ProductSearch

logger = logging.getLogger(__name__)

SETTINGS = web.AppKey("settings", Settings)
SEARCH = web.AppKey("search", ProductSearch)
NLU_PIPELINE = web.AppKey("nlu", NLU)
EXECUTOR = web.AppKey("executor", ThreadPoolExecutor)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def json_error(status: int, message: str) -> web.Response:
    """A JSON error body a person can read."""
    return web.json_response({"error": message}, status=status)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """User errors become 4xx with their message; anything else a logged, opaque 500."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return json_error(exc.status, exc.reason)
    except USER_ERRORS as exc:
        return json_error(400, str(exc))
    except Exception:
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return json_error(500, "internal error; the server log has details")


async def _resources(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    # Model calls are CPU-bound: a small pool keeps the event loop free for other requests.
    executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="shopbot-model")
    app[EXECUTOR] = executor
    loop = asyncio.get_running_loop()
    search, report = await loop.run_in_executor(executor, lambda: open_search(settings))
    logger.info("catalog ready: %d products in a %s index (%s)", report.total, report.kind, report.reason)
    app[SEARCH] = search

    def log_training(step: int, total: int) -> None:
        if step == 1 or step % 50 == 0 or step == total:
            logger.info("training the intent model (first start): step %d of %d", step, total)

    app[NLU_PIPELINE] = await loop.run_in_executor(
        executor, lambda: load_nlu(settings, search.store, progress=log_training)
    )
    yield
    search.store.close()
    executor.shutdown(wait=False, cancel_futures=True)


async def health(request: web.Request) -> web.Response:
    """Liveness: the process answers."""
    return web.json_response({"status": "ok"})


async def ready(request: web.Request) -> web.Response:
    """Readiness: the catalog and index are loaded."""
    search = request.app[SEARCH]
    return web.json_response({"status": "ready", "products": len(search.index), "index": search.index.vectors.kind})


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
    search = request.app[SEARCH]
    loop = asyncio.get_running_loop()
    hits = await loop.run_in_executor(
        request.app[EXECUTOR],
        lambda: search.search(query, filters=filters, k=k, mode=mode, sort=sort),  # type: ignore[arg-type]
    )
    return web.json_response([h.to_dict() for h in hits], dumps=lambda o: json.dumps(o, ensure_ascii=False))


async def parse_message(request: web.Request) -> web.Response:
    """POST /model/parse {"text": …}: intent, confidence, ranking and entities (Rasa's route)."""
    try:
        body = await request.json()
    except ValueError:
        return json_error(400, "the body must be JSON like {\"text\": \"where is my order?\"}")
    text = body.get("text") if isinstance(body, dict) else None
    if not isinstance(text, str):
        return json_error(400, "'text' is required and must be a string")
    nlu = request.app[NLU_PIPELINE]
    loop = asyncio.get_running_loop()
    parse = await loop.run_in_executor(request.app[EXECUTOR], nlu.parse, text)
    return web.json_response({"text": text, **parse.to_dict()}, dumps=lambda o: json.dumps(o, ensure_ascii=False))


def create_app(settings: Settings) -> web.Application:
    """The Shopbot web application for these settings."""
    app = web.Application(middlewares=[error_middleware])
    app[SETTINGS] = settings
    app.cleanup_ctx.append(_resources)
    app.router.add_get("/health", health)
    app.router.add_get("/ready", ready)
    app.router.add_get("/search", search_products)
    app.router.add_post("/model/parse", parse_message)
    return app
