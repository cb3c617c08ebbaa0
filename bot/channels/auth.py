"""The API token that guards store-side routes (transcripts, events, shopper data)."""

from __future__ import annotations

import hmac
from typing import NoReturn

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


# -- pages a person opens in a browser ------------------------------------------------------
# A link cannot carry an Authorization header, so a store page may be opened once with
# ?token=<API token>: the page answers with a session cookie (a MAC keyed by the API token,
# never the token itself, the way the agent console signs its sessions) and a redirect to the
# same address without the token, so it does not stay in the address bar or the history.
# Changing the API token signs every browser out.

SESSION_COOKIE = "shopbot_session"


def _session_value(request: web.Request) -> str:
    token = request.app[SETTINGS].api_token
    if token is None:
        raise web.HTTPForbidden(reason="this route is closed: set SHOPBOT_API_TOKEN to open it")
    return hmac.new(token.get_secret_value().encode(), b"shopbot-store-session", "sha256").hexdigest()


def require_token_or_session(request: web.Request) -> None:
    """require_token, or the session cookie that `open_session` set for a browser."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie is not None and "Authorization" not in request.headers:
        if not hmac.compare_digest(cookie.encode(), _session_value(request).encode()):
            raise web.HTTPForbidden(reason="this browser session is no longer valid; open the page with ?token= again")
        return
    require_token(request)


def open_session(request: web.Request, path: str) -> NoReturn:
    """For a request carrying ?token=: 403 when it is wrong, else a redirect (303) to the same page
    without it (the query otherwise kept) that sets the session cookie for `path` and below."""
    sent = request.query.get("token", "")
    expected = request.app[SETTINGS].api_token
    if expected is None:
        raise web.HTTPForbidden(reason="this route is closed: set SHOPBOT_API_TOKEN to open it")
    if not hmac.compare_digest(sent.encode(), expected.get_secret_value().encode()):
        raise web.HTTPForbidden(reason="the API token is not valid")
    response = web.HTTPSeeOther(str(request.rel_url.without_query_params("token")))
    # Lax, not Strict: opened from a link in another site or an email, the first page load
    # after the redirect must carry the cookie; these pages only read.
    response.set_cookie(SESSION_COOKIE, _session_value(request), httponly=True, samesite="Lax", path=path)
    response.headers["Cache-Control"] = "no-store"
    raise response
