"""The API token that guards store-side routes (transcripts, events, shopper data)."""

from __future__ import annotations

import hmac

from aiohttp import web

from bot.channels.keys import SETTINGS


def require_token(request: web.Request) -> None:
    """Raise 401/403 unless the request carries the configured API token."""
    token = request.app[SETTINGS].api_token
    if token is None:
        raise web.HTTPForbidden(reason="this route is closed: set SHOPBOT_API_TOKEN to open it")
    sent = request.headers.get("Authorization", "")
    if not sent.startswith("Bearer "):
        raise web.HTTPUnauthorized(reason="send the API token as 'Authorization: Bearer <token>'")
    if not hmac.compare_digest(sent.removeprefix("Bearer ").encode(), token.get_secret_value().encode()):
        raise web.HTTPForbidden(reason="the API token is not valid")
