"""Charts of the store insights as hand-written SVG: no plotting library, the same picture on
the admin page (inline), in a browser (the .svg routes) and on disk (`shopbot insights --svg-dir`).

Every chart is a complete SVG document with a <title> and <desc> for screen readers, text
escaped, a viewBox so it scales to its container, and colours from the Okabe-Ito palette,
which people with the common colour-vision deficiencies can tell apart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from bot.merchant.insights import AspectTrend, Insights, ProductInsight, Window

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
NEGATIVE = "#D55E00"  # vermilion
REST = "#C9CED6"
INK = "#1F2933"
MUTED = "#5F6B7A"
GRID = "#E4E7EB"
RECENT_BAND = "#FFF4E5"
# Okabe-Ito, without black and yellow (too close to the axes, too pale on white).
SERIES = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

CHARTS = ("products", "aspects")
MAX_LINES = 5  # more lines than this tangle into a chart nobody can read


def _text(
    x: float, y: float, body: str, *, size: int = 13, anchor: str = "start", fill: str = INK, weight: str = "normal"
) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"'
            f' font-weight="{weight}">{escape(body)}</text>')  # fmt: skip


def _document(name: str, width: int, height: int, title: str, desc: str, body: list[str]) -> str:
    # Ids carry the chart's name: both charts are inlined in one admin page.
    return "\n".join([
        (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}"'
        f' height="{height}" role="img" aria-labelledby="{name}-title {name}-desc" font-family={quoteattr(FONT)}>'),
        f'<title id="{name}-title">{escape(title)}</title>',
        f'<desc id="{name}-desc">{escape(desc)}</desc>',
        f'<rect width="{width}" height="{height}" fill="#FFFFFF"/>',
        *body,
        "</svg>",
    ])  # fmt: skip


def _clip(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _window_text(window: Window | None) -> str:
    if window is None:
        return "no dated reviews"
    return f"{window.start:%d %b %Y} – {window.end:%d %b %Y} ({window.days} days)"


def products_chart(insights: Insights, limit: int = 10) -> str:
    """Horizontal bars: each product's recent reviews, the negative part in colour, most negative first."""
    products: Sequence[ProductInsight] = insights.products[:limit]
    title = "Products with the most negative recent reviews"
    width, left, right, top, row = 860, 330, 150, 70, 30
    height = top + max(1, len(products)) * row + 50
    body = [
        _text(16, 26, title, size=17, weight="bold"),
        _text(16, 48, f"Recent reviews, {_window_text(insights.recent)}", size=13, fill=MUTED),
    ]
    if not products:
        body.append(
            _text(width / 2, top + 24, "No negative reviews in this window.", size=14, anchor="middle", fill=MUTED)
        )
        return _document(
            "products", width, height, title, "No product has a negative review in the recent window.", body
        )
    most = max(p.recent_reviews for p in products)
    scale = (width - left - right) / most
    for i, p in enumerate(products):
        y = top + i * row
        bad, all_ = p.negative_reviews * scale, p.recent_reviews * scale
        tip = f"{p.title}: {p.negative_reviews} of {p.recent_reviews} recent reviews negative"
        if p.top_complaint:
            tip += f"; most complaints about {p.top_complaint}"
        body += [
            f"<g><title>{escape(tip)}</title>",
            _text(left - 10, y + 19, _clip(p.title, 42), anchor="end"),
            f'<rect x="{left}" y="{y + 5}" width="{all_:.1f}" height="{row - 10}" fill="{REST}" rx="2"/>',
            f'<rect x="{left}" y="{y + 5}" width="{bad:.1f}" height="{row - 10}" fill="{NEGATIVE}" rx="2"/>',
            _text(left + all_ + 8, y + 19, f"{p.negative_reviews} of {p.recent_reviews} negative", size=12,
                  fill=MUTED),
            "</g>",
        ]  # fmt: skip
    axis = top + len(products) * row + 4
    body.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{axis}" stroke="{MUTED}" stroke-width="1"/>')
    ly = axis + 24
    body += [f'<rect x="{left}" y="{ly - 11}" width="12" height="12" fill="{NEGATIVE}"/>',
             _text(left + 18, ly, "negative reviews", size=12),
             f'<rect x="{left + 150}" y="{ly - 11}" width="12" height="12" fill="{REST}"/>',
             _text(left + 168, ly, "other recent reviews", size=12)]  # fmt: skip
    top_one = products[0]
    desc = (
        f"{len(products)} products. The most negative is {top_one.title} with {top_one.negative_reviews} "
        f"negative of {top_one.recent_reviews} recent reviews."
    )
    return _document("products", width, height, title, desc, body)


def _month_label(month: str, first: bool) -> str:
    year, number = month.split("-")
    name = MONTHS[int(number) - 1]
    return f"{name} {year}" if first or number == "01" else name


def _ticks(peak: float) -> tuple[float, int]:
    """A round gridline step and how many gridlines reach above `peak` (a share, 0-1)."""
    for step in (0.05, 0.1, 0.2, 0.25):
        count = max(2, math.ceil(round(peak / step, 6)))
        if count <= 5:
            return step, count
    return 0.25, 4


def aspects_chart(insights: Insights, limit: int = MAX_LINES) -> str:
    """Lines: the monthly complaint share of the aspects trending down (or, when none is, the
    most complained-about ones), with the recent window shaded."""
    limit = min(limit, MAX_LINES)
    trends: Sequence[AspectTrend] = insights.trending_down(limit)
    title = "Aspects trending down: share of reviews that complain, by month"
    subtitle = "Complaining reviews / reviews mentioning the aspect"
    if not trends:
        trends = insights.most_complained(limit)
        title = "Most complained-about aspects, by month (none is trending down)"
    months = insights.months
    width, left, right, top, bottom = 860, 64, 190, 70, 56
    height = 380
    plot_w, plot_h = width - left - right, height - top - bottom
    body = [_text(16, 26, title, size=17, weight="bold"), _text(16, 48, subtitle, size=13, fill=MUTED)]
    if not trends or not months:
        body.append(
            _text(
                width / 2,
                top + plot_h / 2,
                "Not enough reviews mention any aspect yet.",
                size=14,
                anchor="middle",
                fill=MUTED,
            )
        )
        return _document("aspects", width, height, title, "No aspect has enough mentions to chart.", body)

    peak = max((m.share or 0.0) for a in trends for m in a.months)
    tick, ticks = _ticks(peak)
    ceiling = tick * ticks
    step = plot_w / max(1, len(months) - 1)

    def x_of(i: int) -> float:
        return left + i * step if len(months) > 1 else left + plot_w / 2

    def y_of(share: float) -> float:
        return top + plot_h * (1 - share / ceiling)

    recent = insights.recent
    if recent is not None:
        first = next((i for i, m in enumerate(months) if m >= f"{recent.start:%Y-%m}"), len(months) - 1)
        x0 = max(left, x_of(first) - step / 2)
        body += [(f'<rect x="{x0:.1f}" y="{top}" width="{left + plot_w - x0:.1f}" height="{plot_h}"'
                 f' fill="{RECENT_BAND}"/>'),
                 _text(left + plot_w, top - 6, f"recent {recent.days} days", size=11, anchor="end",
                       fill=MUTED)]  # fmt: skip
    for t in range(ticks + 1):
        share = tick * t
        y = y_of(share)
        body += [
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID}"/>',
            _text(left - 8, y + 4, f"{share:.0%}", size=12, anchor="end", fill=MUTED),
        ]
    every = max(1, -(-len(months) // 12))  # at most 12 labels
    for i, month in enumerate(months):
        if i % every == 0:
            body.append(
                _text(x_of(i), top + plot_h + 20, _month_label(month, i == 0), size=12, anchor="middle", fill=MUTED)
            )
    body.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="{MUTED}"/>')

    for n, trend in enumerate(trends):
        colour = SERIES[n % len(SERIES)]
        runs: list[list[tuple[float, float]]] = [[]]
        dots: list[str] = []
        for i, m in enumerate(trend.months):
            if m.share is None:  # nobody mentioned it that month: a gap, not a zero
                runs.append([])
                continue
            point = (x_of(i), y_of(min(m.share, ceiling)))
            runs[-1].append(point)
            tip = f"{trend.aspect}, {m.month}: {m.complaints} of {m.mentions} reviews complain ({m.share:.0%})"
            dots.append(
                f'<circle cx="{point[0]:.1f}" cy="{point[1]:.1f}" r="3.5" fill="{colour}">'
                f"<title>{escape(tip)}</title></circle>"
            )
        paths = [" ".join(f"{'M' if j == 0 else 'L'}{x:.1f},{y:.1f}" for j, (x, y) in enumerate(run))
                 for run in runs if len(run) > 1]  # fmt: skip
        body.append(f"<g aria-label={quoteattr(trend.aspect)}>")
        body += [
            f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="2.5" stroke-linejoin="round"/>' for d in paths
        ]
        body += dots
        body.append("</g>")
        ly = top + 10 + n * 40
        change = f"{trend.previous_share or 0:.0%} → {trend.recent_share or 0:.0%}"
        body += [(f'<line x1="{width - right + 16}" y1="{ly}" x2="{width - right + 40}" y2="{ly}" stroke="{colour}"'
                 ' stroke-width="3"/>'),
                 _text(width - right + 46, ly + 4, trend.aspect, size=13, weight="bold"),
                 _text(width - right + 46, ly + 21, change, size=12, fill=MUTED)]  # fmt: skip
    desc = "; ".join(
        f"{t.aspect}: {t.previous_share or 0:.0%} of reviews complained in the previous window, "
        f"{t.recent_share or 0:.0%} in the recent one"
        for t in trends
    )
    return _document("aspects", width, height, title, desc + ".", body)


def render(insights: Insights, chart: str, limit: int = 10) -> str:
    """One chart by name ('products' or 'aspects')."""
    if chart == "products":
        return products_chart(insights, limit)
    if chart == "aspects":
        return aspects_chart(insights, limit)
    raise KeyError(f"no chart {chart!r}; the charts are {', '.join(CHARTS)}")
