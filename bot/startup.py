"""Starting the server: the port opens at once, everything else loads behind it.

`resources` (the app's cleanup context) starts `_load` as a background task and returns, so
aiohttp binds the port straight away. Until loading is done, `GET /ready` says what it is
waiting for and `loading_gate` answers the routes that need the catalog or models with 503
and Retry-After. Loading ends by answering the messages the last run left unanswered; if it
fails, /ready and every gated route say why (`shopbot serve` then exits with the reason).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import Executor, ThreadPoolExecutor

from aiohttp import web

from bot.agents.desk import AgentDesk
from bot.catalog_watch import follow_published_index
from bot.channels import agent, platform, ws
from bot.channels.keys import (
    ASSISTANT, COORDINATION, EXECUTOR, LOADING, METRICS, NLU_PIPELINE, PERSONALIZATION, REVIEWS, SEARCH, SETTINGS, STORE,
)  # fmt: skip
from bot.config import Settings
from bot.coordination.wiring import Coordination
from bot.errors import USER_ERRORS, NotReadyError
from bot.loading import LoadingCancelledError, LoadingStatus
from bot.metrics import Metrics
from bot.services import LOADING_STEPS, AssistantParts, open_catalog
from bot.tasks import cancel_and_wait

logger = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

Opener = Callable[[Settings, Executor, Metrics, LoadingStatus, Coordination], Awaitable[AssistantParts]]

# Answered while the server loads: liveness, readiness, metrics, and pages that are plain files.
_OPEN_WHILE_LOADING = frozenset({"/health", "/ready", "/metrics", "/", "/agent"})
_OPEN_PREFIXES_WHILE_LOADING = ("/static/", "/agent/assets/")
# What a client is told to wait before asking again while the server loads.
RETRY_AFTER_SECONDS = 5


@web.middleware
async def loading_gate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Until everything is loaded, routes that need it answer 503 with Retry-After, never a 500."""
    loading = request.app[LOADING]
    path = request.path
    if (
        loading.ready
        or path in _OPEN_WHILE_LOADING
        or path.startswith(_OPEN_PREFIXES_WHILE_LOADING)
        or request.match_info.route.resource is None  # unknown paths still get their 404
    ):
        return await handler(request)
    if loading.error is not None:
        return web.json_response({"error": f"Shopbot could not start: {loading.error}"}, status=503)
    waiting = ", ".join(loading.waiting_for)
    return web.json_response(
        {"error": f"Shopbot is starting (still loading: {waiting}); try again in a few seconds"},
        status=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )  # fmt: skip


async def coordinating(app: web.Application) -> AsyncIterator[None]:
    """Share live updates with the other processes from the start; stop once everything else has closed."""
    coordination = app[COORDINATION]
    await coordination.start()
    yield
    await coordination.close()


async def resources(app: web.Application, open_parts: Opener) -> AsyncIterator[None]:
    """Load in the background once the port is open (see /ready); close everything at shutdown."""
    # Model calls are CPU-bound: a small pool keeps the event loop free for other requests.
    executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="shopbot-model")
    app[EXECUTOR] = executor
    opened: list[AssistantParts] = []
    loader = asyncio.create_task(_load(app, open_parts, opened), name="shopbot-load")
    yield
    app[LOADING].cancel()  # a training or encoding run in progress stops at its next step
    await cancel_and_wait(loader)
    if opened:
        await opened[0].close()
    executor.shutdown(wait=False, cancel_futures=True)


async def _load(app: web.Application, open_parts: Opener, opened: list[AssistantParts]) -> None:
    """Open everything, answer what the last run left unanswered, then report ready (or why not)."""
    settings, loading = app[SETTINGS], app[LOADING]
    loading.expect(*LOADING_STEPS)  # open_parts reports these as they finish
    loading.expect("conversations and shopper profiles", "unanswered messages", order=1)
    try:
        await asyncio.get_running_loop().run_in_executor(app[EXECUTOR], lambda: _check_catalog(settings))
        parts = await open_parts(settings, app[EXECUTOR], app[METRICS], loading, app[COORDINATION])
        opened.append(parts)
        loading.done("conversations and shopper profiles")
        app[SEARCH].set(parts.search)
        app[NLU_PIPELINE].set(parts.nlu)
        app[STORE].set(parts.store)
        app[ASSISTANT].set(parts.assistant)
        app[PERSONALIZATION].set(parts.personalization)
        app[REVIEWS].set(parts.reviews)
        desk = AgentDesk(parts.assistant, parts.presence)
        app[agent.DESK].set(desk)
        agent.listen(app, desk)
        ws.listen(app, parts.assistant.hub)
        platform.listen(app, parts.assistant.hub)  # before resume_pending: its replies go out too
        # Never stops the start: a message that cannot be answered gets an apology (bot/assistant.py).
        resumed = await parts.assistant.resume_pending()
        if resumed:
            logger.info("answered %d message(s) left unanswered by the last run", resumed)
        app[COORDINATION].recover(parts.assistant)  # with other processes: what any of them leaves unanswered
    except LoadingCancelledError:
        return  # shutting down while loading
    except USER_ERRORS as exc:
        logger.error("Shopbot cannot start: %s", exc)
        loading.fail(str(exc))
        return
    except Exception as exc:
        logger.exception("Shopbot cannot start")
        loading.fail(f"{type(exc).__name__}: {exc} (the server log has the details)")
        return
    loading.finish()
    logger.info("ready: %d products", len(parts.search.index))
    if settings.index_poll_seconds > 0:
        # The loader lives on as the catalog follower, and is cancelled with it at shutdown.
        loop = asyncio.get_running_loop()
        await follow_published_index(
            parts.search, lambda fn: loop.run_in_executor(app[EXECUTOR], fn), parts.follow_catalog,
            settings.index_poll_seconds,
        )  # fmt: skip


def _check_catalog(settings: Settings) -> None:
    """A data dir without products gets a message saying how to add them, before any model loads."""
    with open_catalog(settings) as store:
        empty = store.count() == 0
    if empty:
        raise NotReadyError(
            f"the catalog in {settings.data_dir} is empty: run `shopbot setup` for the demo catalog, "
            "or `shopbot catalog import FILE` for your own"
        )
