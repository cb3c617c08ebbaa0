"""Store insights for the store's people, behind the API token.

    GET /admin/insights              a page: the products with the most negative recent
                                     reviews and the aspects trending down, as charts and tables
    GET /admin/insights.json         the same data as JSON
    GET /admin/insights/{chart}.svg  one chart (products, aspects) as an SVG image

Query parameters, all optional: days (the recent window, 1-730, default 90) or since (its
first day, YYYY-MM-DD), category (a category path prefix, "Shoes > Men"), limit (rows, 1-50).

Scripts send `Authorization: Bearer <API token>`. A browser opens the page once as
/admin/insights?token=<API token>: it is redirected to the same address without the token
and signed in with a session cookie for /admin (see bot/channels/auth.py).

Reading every review takes seconds on a large catalog, so the work runs in the model
executor, and its result is kept per catalog version and parameters: reloading the page, or
fetching its JSON and charts, costs nothing until the catalog changes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from bot.channels.auth import open_session, require_token_or_session
from bot.channels.keys import EXECUTOR, REVIEWS, SEARCH
from bot.channels.limits import MessageRejected
from bot.merchant import charts
from bot.merchant.insights import DEFAULT_DAYS, DEFAULT_LIMIT, AspectTrend, Insights, compute_insights
from bot.merchant.reviews import iter_products

MAX_DAYS = 730
MAX_LIMIT = 50
CACHE_SIZE = 32
_PARAMS = ("days", "since", "category", "limit", "token")
_PATH = "/admin"

_CSS = """
body { font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif;
       color: #1F2933; margin: 0 auto; max-width: 1100px; padding: 24px; }
h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 20px; margin: 36px 0 8px; }
.muted { color: #5F6B7A; } .chart svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; margin-top: 12px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #E4E7EB; vertical-align: top; }
th { background: #F5F7FA; font-weight: 600; } td.n { text-align: right; white-space: nowrap; }
q { color: #3E4C59; font-style: italic; } form { margin: 16px 0; display: flex; gap: 12px; flex-wrap: wrap; }
label { display: flex; flex-direction: column; font-size: 13px; color: #5F6B7A; }
input { font: inherit; padding: 4px 6px; } button { font: inherit; padding: 4px 14px; align-self: end; }
"""


@dataclass(frozen=True)
class Query:
    """The validated parameters of one insights request."""

    days: int
    since: dt.date | None
    category: str | None
    limit: int

    def key(self) -> tuple[object, ...]:
        """What the computation depends on (the limit only cuts the result)."""
        return (self.days, self.since, (self.category or "").casefold())

    def query_string(self) -> str:
        """These parameters as a query string, for links to the JSON and the charts."""
        params: dict[str, str] = {"limit": str(self.limit)}
        if self.since is not None:
            params["since"] = self.since.isoformat()
        else:
            params["days"] = str(self.days)
        if self.category:
            params["category"] = self.category
        return urlencode(params)


def parse_query(query: Any) -> Query:
    """The request's parameters, or MessageRejected (400) saying which one is wrong and why."""
    unknown = sorted(set(query) - set(_PARAMS))
    if unknown:
        raise MessageRejected(f"unknown parameter(s): {', '.join(unknown)}; known: days, since, category, limit")
    if query.get("days") and query.get("since"):
        raise MessageRejected("give days or since, not both")
    days = _whole(query.get("days"), "days", DEFAULT_DAYS, MAX_DAYS)
    limit = _whole(query.get("limit"), "limit", DEFAULT_LIMIT, MAX_LIMIT)
    since = None
    if query.get("since"):
        try:
            since = dt.date.fromisoformat(query["since"].strip())
        except ValueError:
            raise MessageRejected(f"since must be a date like 2025-10-01, not {query['since']!r}") from None
    category = (query.get("category") or "").strip() or None
    if category is not None and len(category) > 200:
        raise MessageRejected("category must be at most 200 characters")
    return Query(days, since, category, limit)


def _whole(raw: str | None, name: str, default: int, most: int) -> int:
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
        if not 1 <= value <= most:
            raise ValueError
    except ValueError:
        raise MessageRejected(f"{name} must be a whole number from 1 to {most}, not {raw!r}") from None
    return value


class InsightsCache:
    """Computed insights per (catalog version, parameters); one computation per key at a time."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._done: OrderedDict[tuple[object, ...], tuple[Insights, float]] = OrderedDict()
        self._running: dict[tuple[object, ...], asyncio.Future[tuple[Insights, float]]] = {}
        self._size = size

    async def get(self, key: tuple[object, ...], run: Callable[[], Insights], executor: Any) -> tuple[Insights, float]:
        """The insights for `key` and the seconds they took to compute; `run` in `executor` if not cached."""
        if key in self._done:
            self._done.move_to_end(key)
            return self._done[key]
        running = self._running.get(key)
        if running is None:
            running = asyncio.get_running_loop().run_in_executor(executor, _timed, run)
            self._running[key] = running
            running.add_done_callback(lambda f: self._finish(key, f))
        # shield: a browser that gives up must not cancel the work others wait for.
        return await asyncio.shield(running)

    def _finish(self, key: tuple[object, ...], future: asyncio.Future[tuple[Insights, float]]) -> None:
        self._running.pop(key, None)
        if future.cancelled() or future.exception() is not None:
            return
        self._done[key] = future.result()
        while len(self._done) > self._size:
            self._done.popitem(last=False)


CACHE = web.AppKey("insights_cache", InsightsCache)


def _timed(run: Callable[[], Insights]) -> tuple[Insights, float]:
    started = time.perf_counter()
    insights = run()
    return insights, time.perf_counter() - started


def _authorize(request: web.Request) -> None:
    if "token" in request.query:  # a link a person opened: sign the browser in, drop the token
        open_session(request, _PATH)
    require_token_or_session(request)


async def _insights(request: web.Request) -> tuple[Insights, float, Query]:
    _authorize(request)
    query = parse_query(request.query)
    analyzer = request.app[REVIEWS].get()
    if analyzer is None:
        raise MessageRejected("review insights need the sentiment model: run `shopbot train sentiment`, then "
                              "restart the server", status=503)  # fmt: skip
    store = request.app[SEARCH].get().store
    key = (store.version, *query.key())

    def run() -> Insights:
        return compute_insights(iter_products(store), analyzer, days=query.days, since=query.since,
                                category=query.category)  # fmt: skip

    insights, seconds = await request.app[CACHE].get(key, run, request.app[EXECUTOR])
    return insights, seconds, query


async def insights_page(request: web.Request) -> web.Response:
    """GET /admin/insights: charts and tables."""
    insights, seconds, query = await _insights(request)
    return web.Response(text=render_page(insights, query, seconds), content_type="text/html", charset="utf-8",
                        headers={"Cache-Control": "no-store"})  # fmt: skip


async def insights_json(request: web.Request) -> web.Response:
    """GET /admin/insights.json: the same data as the page."""
    insights, seconds, query = await _insights(request)
    body = {**insights.to_dict(query.limit), "compute_seconds": round(seconds, 3)}
    return web.json_response(body, dumps=lambda o: json.dumps(o, ensure_ascii=False),
                             headers={"Cache-Control": "no-store"})  # fmt: skip


async def insights_chart(request: web.Request) -> web.Response:
    """GET /admin/insights/{chart}.svg: one chart as an image."""
    _authorize(request)
    chart = request.match_info["chart"]
    if chart not in charts.CHARTS:
        raise web.HTTPNotFound(reason=f"there is no chart {chart!r}; the charts are {', '.join(charts.CHARTS)}")
    insights, _, query = await _insights(request)
    return web.Response(text=charts.render(insights, chart, query.limit), content_type="image/svg+xml",
                        charset="utf-8", headers={"Cache-Control": "no-store"})  # fmt: skip


# -- the page --------------------------------------------------------------------------------


def _pct(share: float | None) -> str:
    return "–" if share is None else f"{share:.0%}"


def _window(insights: Insights) -> str:
    if insights.recent is None or insights.previous is None:
        return "No review has a date, so there is no recent window."
    r, p = insights.recent, insights.previous
    return (
        f"Recent: {r.start:%d %b %Y} – {r.end:%d %b %Y} ({r.days} days, ending on the newest review); "
        f"compared with {p.start:%d %b %Y} – {p.end:%d %b %Y}."
    )


def render_page(insights: Insights, query: Query, seconds: float) -> str:
    """The insights page as HTML; every piece of catalog text is escaped."""
    scope = f"Category {insights.category}" if insights.category else "The whole catalog"
    links = query.query_string()
    out = [
        "<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Review insights · Shopbot</title>", f"<style>{_CSS}</style></head><body>",
        "<h1>Review insights</h1>",
        (f'<p class="muted">{escape(scope)}: {insights.products_scanned:,} products, '
        f"{insights.reviews_scanned:,} reviews; {insights.recent_reviews:,} recent, "
        f"{insights.negative_recent_reviews:,} of them negative. {escape(_window(insights))}</p>"),
        _form(query),
    ]  # fmt: skip
    if insights.products_scanned == 0:
        out.append(
            f"<p><strong>No products under {escape(insights.category or '')}.</strong> "
            "Category paths look like <code>Shoes &gt; Men</code>.</p>"
        )

    out += [
        "<h2>Products with the most negative recent reviews</h2>",
        f'<div class="chart">{charts.products_chart(insights, query.limit)}</div>',
        _products_table(insights, query),
    ]
    trending = insights.trending_down(query.limit)
    out += [
        "<h2>Aspects trending down</h2>",
        (f'<p class="muted">Share of reviews mentioning an aspect that complain about it, recent window against '
        f"the one before. Only aspects at least {insights.min_mentions} reviews mention in both windows are "
        "ranked, so a handful of reviews cannot top the list.</p>"),
        f'<div class="chart">{charts.aspects_chart(insights)}</div>',
        _aspects_table(trending) if trending else
        "<p>No aspect's complaint share rose between the two windows.</p>",
        (f'<p class="muted">Also as <a href="/admin/insights.json?{escape(links)}">JSON</a>, '
        f'<a href="/admin/insights/products.svg?{escape(links)}">products.svg</a> and '
        f'<a href="/admin/insights/aspects.svg?{escape(links)}">aspects.svg</a>. '
        f"Computed in {seconds:.1f} s; kept until the catalog changes.</p>"),
        "</body></html>",
    ]  # fmt: skip
    return "\n".join(out)


def _form(query: Query) -> str:
    def field(name: str, label: str, value: str, kind: str = "text", extra: str = "") -> str:
        return f'<label>{label}<input name="{name}" type="{kind}" value="{escape(value)}" {extra}></label>'

    return "".join([
        '<form method="get" action="/admin/insights">',
        field("days", "Recent days", str(query.days), "number", f'min="1" max="{MAX_DAYS}"'),
        field("category", "Category starts with", query.category or "", extra='placeholder="Shoes &gt; Men"'),
        field("limit", "Rows", str(query.limit), "number", f'min="1" max="{MAX_LIMIT}"'),
        "<button>Show</button></form>",
    ])  # fmt: skip


def _products_table(insights: Insights, query: Query) -> str:
    rows = insights.products[: query.limit]
    if not rows:
        return "<p>No product has a negative review in the recent window.</p>"
    head = (
        "<table><thead><tr><th>Product</th><th>Negative</th><th>Share</th><th>Stars</th>"
        "<th>Most complaints about</th><th>In their words</th></tr></thead><tbody>"
    )
    body = []
    for p in rows:
        stars = "–" if p.average_rating is None else f"{p.average_rating:.1f}"
        about = f"{escape(p.top_complaint)} ({p.top_complaint_reviews})" if p.top_complaint else "–"
        quote = f"<q>{escape(p.quote)}</q>" if p.quote else ""
        body.append(
            f'<tr><td>{escape(p.title)}<br><span class="muted">{escape(p.product_id)} · {escape(p.category)}</span></td>'
            f'<td class="n">{p.negative_reviews} of {p.recent_reviews}</td><td class="n">{_pct(p.negative_share)}</td>'
            f'<td class="n">{stars}</td><td>{about}</td><td>{quote}</td></tr>'
        )
    return head + "".join(body) + "</tbody></table>"


def _aspects_table(trending: list[AspectTrend]) -> str:
    head = (
        "<table><thead><tr><th>Aspect</th><th>Before</th><th>Recent</th><th>Change</th>"
        "<th>A recent complaint</th></tr></thead><tbody>"
    )
    body = []
    for a in trending:
        quote = f"<q>{escape(a.quote)}</q>" if a.quote else ""
        body.append(
            f"<tr><td>{escape(a.aspect)}</td>"
            f'<td class="n">{_pct(a.previous_share)} <span class="muted">of {a.previous_mentions}</span></td>'
            f'<td class="n">{_pct(a.recent_share)} <span class="muted">of {a.recent_mentions}</span></td>'
            f'<td class="n">+{(a.change or 0) * 100:.0f} points</td><td>{quote}</td></tr>'
        )
    return head + "".join(body) + "</tbody></table>"


def add_routes(app: web.Application) -> None:
    """Mount the insights routes (and the cache they share)."""
    app[CACHE] = InsightsCache()
    app.router.add_get("/admin/insights", insights_page)
    app.router.add_get("/admin/insights.json", insights_json)
    app.router.add_get("/admin/insights/{chart}.svg", insights_chart)
