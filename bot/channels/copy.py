"""Product copy for the store's own tools, behind the API token.

    POST /admin/copy   {"product_id", "kind", "tone"?, "max_words"?, "variants"?}
                       -> {"product_id", "kind", "variants": [{"text", "outcome", "backend", "problems"}]}

The copy is written by the server's configured generator and checked against the catalog
like every chat answer; a variant whose draft failed the check says so in `outcome`
(`retried` or `replaced`) and lists what was wrong in `problems`.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.channels.auth import require_token
from bot.channels.keys import ASSISTANT, EXECUTOR, SEARCH, SETTINGS
from bot.channels.limits import MessageRejected, loads
from bot.config import describe_validation_error
from bot.merchant.copywriter import (
    MAX_VARIANTS,
    MAX_WORDS,
    CopyRequest,
    CopyRequestError,
    CopyWriter,
    ProductNotFoundError,
    get_product,
)  # fmt: skip

EXAMPLE = '{"product_id": "SB-00001", "kind": "ad", "tone": "playful", "max_words": 30, "variants": 2}'


class CopyIn(BaseModel):
    """A copy request as a store's tool sends it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    product_id: str = Field(min_length=1, max_length=200)
    kind: str = "description"
    tone: str = "friendly"
    max_words: int | None = Field(default=None, ge=1, le=MAX_WORDS)
    variants: int = Field(default=1, ge=1, le=MAX_VARIANTS)


def _writer(app: web.Application) -> CopyWriter:
    """A CopyWriter over the chat responder's generator (already warmed up) and the catalog's names.

    Cheap to build, so one per request: nothing is added to the running app's state.
    """
    responder = app[ASSISTANT].get().responder
    settings = app[SETTINGS]
    return CopyWriter(
        responder.generator, brands=responder.brands, colors=responder.colors, store_name=settings.store_name,
        timeout=max(settings.generator_timeout, 30.0),
    )  # fmt: skip


async def _body(request: web.Request) -> CopyIn:
    try:
        body: Any = await request.json(loads=loads)
    except ValueError:
        raise MessageRejected(f"the body is not valid JSON; send e.g. {EXAMPLE}") from None
    if not isinstance(body, dict):
        raise MessageRejected(f"send a JSON object, e.g. {EXAMPLE}")
    try:
        return CopyIn.model_validate(body)
    except ValidationError as exc:
        raise MessageRejected(describe_validation_error(exc, "copy request", str)) from None


async def post_copy(request: web.Request) -> web.Response:
    """POST /admin/copy: checked copy variants for one product."""
    require_token(request)
    body = await _body(request)
    try:
        wanted = CopyRequest(body.kind, body.tone, body.max_words, body.variants)
    except CopyRequestError as exc:
        raise MessageRejected(str(exc)) from None
    store = request.app[SEARCH].get().store
    try:
        product = await asyncio.get_running_loop().run_in_executor(
            request.app[EXECUTOR], get_product, store, body.product_id
        )
    except ProductNotFoundError as exc:
        raise web.HTTPNotFound(reason=str(exc)) from None
    result = await _writer(request.app).write(product, wanted)
    payload = {
        "product_id": result.product_id,
        "kind": result.kind,
        "tone": result.tone,
        "variants": [v.to_dict() for v in result.variants],
    }
    return web.json_response(payload, dumps=lambda o: json.dumps(o, ensure_ascii=False))


def add_routes(app: web.Application) -> None:
    """Mount the copy route."""
    app.router.add_post("/admin/copy", post_copy)
