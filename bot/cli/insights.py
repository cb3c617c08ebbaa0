"""`shopbot insights`: the products with the most negative recent reviews and the aspects
trending down, as tables in the terminal, JSON, or SVG charts on disk."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import click

from bot.cli import progress_bar, settings_of
from bot.merchant import charts
from bot.merchant.insights import DEFAULT_DAYS, DEFAULT_LIMIT, Insights, compute_insights
from bot.merchant.reviews import ReviewAnalyzer, iter_products
from bot.merchant.sentiment import load_sentiment_model
from bot.services import open_catalog


def _pct(share: float | None) -> str:
    return "  –" if share is None else f"{share:>3.0%}"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def products_table(insights: Insights, limit: int) -> str:
    """The products with the most negative recent reviews, one line each plus a quote."""
    rows = insights.products[:limit]
    if not rows:
        return "Products with negative recent reviews: none."
    lines = [
        "Products with the most negative recent reviews",
        f"  {'negative':>9} {'share':>5} {'stars':>5}  {'most complaints about':<22} product",
    ]
    for p in rows:
        stars = "    –" if p.average_rating is None else f"{p.average_rating:>5.1f}"
        about = f"{p.top_complaint} ({p.top_complaint_reviews})" if p.top_complaint else "–"
        lines.append(
            f"  {f'{p.negative_reviews} of {p.recent_reviews}':>9} {_pct(p.negative_share):>5} {stars}"
            f"  {about:<22} {_clip(p.title, 60)} [{p.product_id}]"
        )
        if p.quote:
            lines.append(f"  {'':>9} {'':>5} {'':>5}  “{_clip(p.quote, 100)}”")
    return "\n".join(lines)  # fmt: skip


def aspects_table(insights: Insights, limit: int) -> str:
    """The aspects whose complaint share rose, before and after."""
    rows = insights.trending_down(limit)
    rule = (
        f"(complaining reviews / reviews mentioning it; aspects with {insights.min_mentions}+ mentions in both windows)"
    )
    if not rows:
        return f"Aspects trending down: none {rule}."
    lines = ["Aspects trending down " + rule, f"  {'aspect':<16} {'before':>13} {'recent':>13} {'change':>7}"]
    for a in rows:
        before = f"{_pct(a.previous_share)} of {a.previous_mentions}"
        recent = f"{_pct(a.recent_share)} of {a.recent_mentions}"
        lines.append(f"  {a.aspect:<16} {before:>13} {recent:>13} {f'+{(a.change or 0) * 100:.0f} pts':>7}")
    return "\n".join(lines)  # fmt: skip


def header(insights: Insights) -> str:
    """What was read and which windows were compared."""
    scope = f"category {insights.category}" if insights.category else "the whole catalog"
    line = (
        f"{scope}: {insights.products_scanned:,} products, {insights.reviews_scanned:,} reviews, "
        f"{insights.recent_reviews:,} recent ({insights.negative_recent_reviews:,} negative)"
    )
    if insights.recent is None or insights.previous is None:
        return line + "\nno review has a date, so there is no recent window"
    r, p = insights.recent, insights.previous
    return (line + f"\nrecent: {r.start} to {r.end} ({r.days} days, ending on the newest review); "
            f"before: {p.start} to {p.end}")  # fmt: skip


def register(main: click.Group) -> None:
    """Add `insights` to the CLI."""

    @main.command()
    @click.option(
        "--days",
        type=click.IntRange(1, 730),
        default=None,
        help=f"Length of the recent window in days (default {DEFAULT_DAYS}).",
    )
    @click.option(
        "--since",
        type=click.DateTime(["%Y-%m-%d"]),
        default=None,
        help="First day of the recent window instead of --days (YYYY-MM-DD).",
    )
    @click.option("--category", default=None, help='Only products under this category, e.g. "Shoes > Men".')
    @click.option(
        "--limit", type=click.IntRange(1, 100), default=DEFAULT_LIMIT, show_default=True, help="Rows per table."
    )
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    @click.option(
        "--svg-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Also write the charts as SVG files into DIR.",
    )
    @click.pass_context
    def insights(
        ctx: click.Context,
        days: int | None,
        since: dt.datetime | None,
        category: str | None,
        limit: int,
        as_json: bool,
        svg_dir: Path | None,
    ) -> None:
        """Products with the most negative recent reviews, and aspects trending down."""
        if days is not None and since is not None:
            raise click.UsageError("give --days or --since, not both")
        settings = settings_of(ctx)
        with progress_bar("training the sentiment model", unit="step") as progress:
            analyzer = ReviewAnalyzer(load_sentiment_model(settings, progress=progress).classify)
        with open_catalog(settings) as store:
            total = store.count()
            if total == 0:
                raise click.ClickException("the catalog is empty; run `shopbot setup` or `shopbot catalog import`")
            started = time.perf_counter()
            with progress_bar("reading reviews") as progress:
                found = compute_insights(
                    iter_products(store), analyzer, days=days or DEFAULT_DAYS,
                    since=since.date() if since else None, category=category,
                    progress=lambda n: progress(n, total),
                )  # fmt: skip
            seconds = time.perf_counter() - started
        written = _write_charts(found, svg_dir, limit) if svg_dir is not None else []
        if as_json:
            click.echo(
                json.dumps(
                    {**found.to_dict(limit), "compute_seconds": round(seconds, 3), "charts": [str(p) for p in written]},
                    indent=2,
                    ensure_ascii=False,
                )
            )
            return
        parts = [header(found), products_table(found, limit), aspects_table(found, limit)]
        if written:
            parts.append("charts: " + ", ".join(str(p) for p in written))
        click.echo("\n\n".join(parts))


def _write_charts(insights: Insights, folder: Path, limit: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in charts.CHARTS:
        path = folder / f"{name}.svg"
        path.write_text(charts.render(insights, name, limit), encoding="utf-8")
        written.append(path)
    return written
