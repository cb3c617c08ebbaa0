"""Store insights from reviews: which products draw the most negative recent reviews, and
which aspects (delivery, fit, quality...) reviewers complain about more than they used to.

Every review is cut into clauses and each clause labelled by the sentiment classifier, as
the aspect summaries do (bot/merchant/aspects.py); a review's label is `review_label` of its
clauses, and a review complains about an aspect when one of its clauses on that aspect is
negative. Clauses are classified in large batches across products, and the analyzer's memo
means a clause that recurs anywhere in the catalog is classified once.

Time. "Recent" is the last `days` days up to a reference date, which defaults to the newest
review date in the catalog: a catalog whose reviews stopped a while ago (the demo catalog's
end in 2025) still has a recent window, and the insights describe the latest reviews rather
than an empty stretch. Reviews without a date are counted but sit in no window.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.errors import ShopbotError
from bot.merchant.aspects import LEXICON, aspects_of, clauses as clauses_of, review_label
from bot.merchant.reviews import ReviewAnalyzer, review_texts
from bot.merchant.sentiment import Classify
from retrieval.catalog import Product

DEFAULT_DAYS = 90
DEFAULT_LIMIT = 10
# Reviews mentioning an aspect, in each window, before its change counts as a trend: below
# this a couple of complaints swing the share by tens of points.
MIN_MENTIONS = 10
# The monthly series covers at least this many days before the reference date.
SERIES_DAYS = 365
# Clauses classified per batch: big enough to keep the model busy, small enough for memory.
_BATCH_CLAUSES = 4096


class WindowError(ShopbotError):
    """The asked-for window does not fit the reviews (it starts after the newest one)."""


@dataclass(frozen=True)
class Window:
    """A span of days, both ends included."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        """How many days the window spans."""
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


@dataclass(frozen=True)
class ProductInsight:
    """One product's recent reviews: how many are negative, and what about."""

    product_id: str
    title: str
    category: str
    recent_reviews: int
    negative_reviews: int
    average_rating: float | None  # stars of the recent reviews that have them
    quote: str | None  # the clearest negative clause of a recent review, verbatim
    top_complaint: str | None  # the aspect most recent reviews complain about
    top_complaint_reviews: int

    @property
    def negative_share(self) -> float:
        """Negative recent reviews / recent reviews."""
        return self.negative_reviews / self.recent_reviews if self.recent_reviews else 0.0


@dataclass(frozen=True)
class MonthShare:
    """One calendar month of one aspect: reviews mentioning it and reviews complaining about it."""

    month: str  # "2025-03"
    mentions: int
    complaints: int

    @property
    def share(self) -> float | None:
        """Complaints / mentions; None in a month nobody mentioned the aspect."""
        return self.complaints / self.mentions if self.mentions else None


@dataclass(frozen=True)
class AspectTrend:
    """An aspect's complaint share in the recent window against the window before it."""

    aspect: str
    previous_mentions: int
    previous_complaints: int
    recent_mentions: int
    recent_complaints: int
    months: list[MonthShare]
    quote: str | None  # the clearest recent complaint about it, verbatim

    @property
    def previous_share(self) -> float | None:
        """Complaining reviews / reviews mentioning the aspect, in the previous window."""
        return self.previous_complaints / self.previous_mentions if self.previous_mentions else None

    @property
    def recent_share(self) -> float | None:
        """Complaining reviews / reviews mentioning the aspect, in the recent window."""
        return self.recent_complaints / self.recent_mentions if self.recent_mentions else None

    @property
    def change(self) -> float | None:
        """Recent share minus previous share (0.12 = twelve points more complaints)."""
        if self.previous_share is None or self.recent_share is None:
            return None
        return self.recent_share - self.previous_share


@dataclass
class Insights:
    """What a store owner reads: the products and the aspects to look at first."""

    reference: dt.date | None  # None when no review has a date
    recent: Window | None
    previous: Window | None
    category: str | None
    min_mentions: int
    products_scanned: int
    reviews_scanned: int
    undated_reviews: int
    recent_reviews: int
    negative_recent_reviews: int
    months: list[str]
    products: list[ProductInsight] = field(default_factory=list)  # most negative recent reviews first
    aspects: list[AspectTrend] = field(default_factory=list)  # every aspect mentioned, in lexicon order

    def trending_down(self, limit: int | None = None) -> list[AspectTrend]:
        """Aspects whose complaint share rose from the previous window to the recent one, most
        first; only aspects with at least `min_mentions` reviews mentioning them in *both*
        windows, so an aspect two reviews talk about cannot top the list on noise."""
        rising = [
            a for a in self.aspects
            if a.change is not None and a.change > 0
            and min(a.previous_mentions, a.recent_mentions) >= self.min_mentions
        ]  # fmt: skip
        rising.sort(key=lambda a: (-(a.change or 0.0), a.aspect))
        return rising[:limit] if limit is not None else rising

    def most_complained(self, limit: int = 5) -> list[AspectTrend]:
        """Aspects with the highest recent complaint share (with enough recent mentions)."""
        ranked = [a for a in self.aspects if a.recent_mentions >= self.min_mentions and a.recent_complaints]
        return sorted(ranked, key=lambda a: (-(a.recent_share or 0.0), a.aspect))[:limit]

    def to_dict(self, limit: int | None = DEFAULT_LIMIT) -> dict[str, Any]:
        """JSON-ready: windows as ISO dates, shares as fractions rounded to 4 places."""

        def window(w: Window | None) -> dict[str, Any] | None:
            return {"start": w.start.isoformat(), "end": w.end.isoformat(), "days": w.days} if w else None

        def trend(a: AspectTrend) -> dict[str, Any]:
            return {
                "aspect": a.aspect, "quote": a.quote,
                "previous": {"mentions": a.previous_mentions, "complaints": a.previous_complaints,
                             "share": _round(a.previous_share)},
                "recent": {"mentions": a.recent_mentions, "complaints": a.recent_complaints,
                           "share": _round(a.recent_share)},
                "change": _round(a.change),
                "months": [{"month": m.month, "mentions": m.mentions, "complaints": m.complaints,
                            "share": _round(m.share)} for m in a.months],
            }  # fmt: skip

        products = self.products[:limit] if limit is not None else self.products
        return {
            "reference_date": self.reference.isoformat() if self.reference else None,
            "recent": window(self.recent),
            "previous": window(self.previous),
            "category": self.category,
            "min_mentions": self.min_mentions,
            "products_scanned": self.products_scanned,
            "reviews_scanned": self.reviews_scanned,
            "undated_reviews": self.undated_reviews,
            "recent_reviews": self.recent_reviews,
            "negative_recent_reviews": self.negative_recent_reviews,
            "months": self.months,
            "products": [{**asdict(p), "negative_share": _round(p.negative_share),
                          "average_rating": _round(p.average_rating, 2)} for p in products],
            "trending_down": [trend(a) for a in self.trending_down(limit)],
            "aspects": [trend(a) for a in self.aspects],
        }  # fmt: skip


def _round(value: float | None, places: int = 4) -> float | None:
    return round(value, places) if value is not None else None


# -- reading reviews -------------------------------------------------------------------------


@dataclass
class _Review:
    """One review after classification, as the insights need it."""

    product: int  # index into the products read
    date: dt.date | None
    rating: int | None
    label: str = "neutral"
    mentioned: set[str] = field(default_factory=set)
    complained: set[str] = field(default_factory=set)
    # (confidence, clause, aspects) of each negative clause
    negatives: list[tuple[float, str, tuple[str, ...]]] = field(default_factory=list)


@dataclass
class _Read:
    products: list[Product]
    reviews: list[_Review]
    newest: dt.date | None  # over every product read, in the category or not


def in_category(product: Product, prefix: Sequence[str]) -> bool:
    """Whether a product's category path starts with `prefix` (node by node, any case)."""
    nodes = [n.casefold() for n in product.category]
    return nodes[: len(prefix)] == [n.casefold() for n in prefix]


def category_prefix(category: str | None) -> list[str]:
    """'Shoes > Men' -> ['Shoes', 'Men']; '' or None -> [] (the whole catalog)."""
    from retrieval.catalog import split_category

    return split_category(category) if category and category.strip() else []


def _read(
    products: Iterable[Product], classify: Classify, prefix: Sequence[str], progress: Callable[[int], None] | None
) -> _Read:
    kept: list[Product] = []
    reviews: list[_Review] = []
    pending: list[tuple[_Review, list[str]]] = []
    clauses = 0

    def flush() -> None:
        nonlocal clauses
        texts = [c for _, cs in pending for c in cs]
        verdicts = iter(classify(texts) if texts else [])
        for review, cs in pending:
            labels = []
            for clause in cs:
                label, confidence = next(verdicts)
                labels.append(label)
                on = aspects_of(clause)
                review.mentioned.update(on)
                if label == "negative":
                    review.complained.update(on)
                    review.negatives.append((confidence, clause, tuple(on)))
            review.label = review_label(labels)
        pending.clear()
        clauses = 0

    newest: dt.date | None = None
    for seen, product in enumerate(products, start=1):
        if progress is not None:
            progress(seen)
        dates = [r.date for r in product.reviews if r.date is not None]
        if dates and (newest is None or max(dates) > newest):
            newest = max(dates)
        if prefix and not in_category(product, prefix):
            continue
        index = len(kept)
        kept.append(product)
        for text in review_texts(product):
            review = _Review(index, text.date, text.rating)
            reviews.append(review)
            cs = clauses_of(text.text)
            pending.append((review, cs))
            clauses += len(cs)
        if clauses >= _BATCH_CLAUSES:
            flush()
    flush()
    return _Read(kept, reviews, newest)


# -- the insights ----------------------------------------------------------------------------


def compute_insights(
    products: Iterable[Product],
    classify: ReviewAnalyzer | Classify,
    *,
    days: int = DEFAULT_DAYS,
    since: dt.date | None = None,
    reference: dt.date | None = None,
    category: str | None = None,
    min_mentions: int = MIN_MENTIONS,
    progress: Callable[[int], None] | None = None,
) -> Insights:
    """Insights over `products` (optionally only those under `category`, e.g. "Shoes > Men").

    The recent window is the `days` days ending on `reference` (default: the newest review
    date among all the products read, so a category is measured over the same window as the
    whole store); `since` instead starts the recent window on that date.
    The previous window is the same number of days just before it. `progress(n)` is called
    with the number of products read so far (in the category or not).
    """
    if days < 1:
        raise ValueError(f"days must be at least 1, not {days}")
    if isinstance(classify, ReviewAnalyzer):
        classify = classify.classify
    prefix = category_prefix(category)
    read = _read(products, classify, prefix, progress)
    dated = [r.date for r in read.reviews if r.date is not None]
    reference = reference or read.newest
    recent = previous = None
    if reference is not None:
        if since is not None:
            if since > reference:
                raise WindowError(f"since ({since}) is after the newest review ({reference}); pick an earlier date")
            days = (reference - since).days + 1
        recent = Window(reference - dt.timedelta(days=days - 1), reference)
        previous = Window(recent.start - dt.timedelta(days=days), recent.start - dt.timedelta(days=1))
    months = _months(reference, recent, previous)
    in_recent = [r for r in read.reviews if recent is not None and r.date in recent]
    return Insights(
        reference=reference,
        recent=recent,
        previous=previous,
        category=" > ".join(prefix) or None,
        min_mentions=min_mentions,
        products_scanned=len(read.products),
        reviews_scanned=len(read.reviews),
        undated_reviews=len(read.reviews) - len(dated),
        recent_reviews=len(in_recent),
        negative_recent_reviews=sum(r.label == "negative" for r in in_recent),
        months=months,
        products=_rank_products(read.products, in_recent),
        aspects=_aspect_trends(read.reviews, recent, previous, months),
    )


def _rank_products(products: Sequence[Product], recent: Sequence[_Review]) -> list[ProductInsight]:
    by_product: dict[int, list[_Review]] = defaultdict(list)
    for review in recent:
        by_product[review.product].append(review)
    ranked: list[ProductInsight] = []
    for index, mine in by_product.items():
        negative = [r for r in mine if r.label == "negative"]
        if not negative:
            continue
        product = products[index]
        stars = [r.rating for r in mine if r.rating is not None]
        complaints: dict[str, int] = defaultdict(int)
        for review in mine:
            for aspect in review.complained:
                complaints[aspect] += 1
        order = list(LEXICON)
        top = min(complaints, key=lambda a: (-complaints[a], order.index(a))) if complaints else None
        # The clearest complaint; among equals the shorter one reads better.
        clauses = [(round(c, 2), -len(text), text) for r in mine for c, text, _ in r.negatives]
        ranked.append(ProductInsight(
            product_id=product.id,
            title=product.title,
            category=product.category_path,
            recent_reviews=len(mine),
            negative_reviews=len(negative),
            average_rating=sum(stars) / len(stars) if stars else None,
            quote=max(clauses)[2] if clauses else None,
            top_complaint=top,
            top_complaint_reviews=complaints[top] if top else 0,
        ))  # fmt: skip
    ranked.sort(
        key=lambda p: (
            -p.negative_reviews,
            -p.negative_share,
            6.0 if p.average_rating is None else p.average_rating,
            p.title,
        )
    )
    return ranked


def _month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _months(reference: dt.date | None, recent: Window | None, previous: Window | None) -> list[str]:
    """Calendar months from the start of the previous window (or a year back, if earlier) to the reference."""
    if reference is None or recent is None or previous is None:
        return []
    start = min(previous.start, reference - dt.timedelta(days=SERIES_DAYS - 1))
    months: list[str] = []
    year, month = start.year, start.month
    while (year, month) <= (reference.year, reference.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _aspect_trends(
    reviews: Sequence[_Review], recent: Window | None, previous: Window | None, months: Sequence[str]
) -> list[AspectTrend]:
    mentions: dict[tuple[str, str], int] = defaultdict(int)  # (aspect, window or month) -> reviews
    complaints: dict[tuple[str, str], int] = defaultdict(int)
    quotes: dict[str, tuple[float, int, str]] = {}
    shown = set(months)
    for review in reviews:
        if review.date is None:
            continue
        spans = [_month(review.date)] if _month(review.date) in shown else []
        if recent is not None and review.date in recent:
            spans.append("recent")
        elif previous is not None and review.date in previous:
            spans.append("previous")
        for aspect in review.mentioned:
            for span in spans:
                mentions[aspect, span] += 1
                complaints[aspect, span] += aspect in review.complained
        if "recent" in spans:
            for confidence, clause, on in review.negatives:
                for aspect in on:
                    candidate = (round(confidence, 2), -len(clause), clause)
                    quotes[aspect] = max(quotes.get(aspect, candidate), candidate)
    seen = {aspect for aspect, _ in mentions}
    return [
        AspectTrend(
            aspect=aspect,
            previous_mentions=mentions[aspect, "previous"],
            previous_complaints=complaints[aspect, "previous"],
            recent_mentions=mentions[aspect, "recent"],
            recent_complaints=complaints[aspect, "recent"],
            months=[MonthShare(m, mentions[aspect, m], complaints[aspect, m]) for m in months],
            quote=quotes[aspect][2] if aspect in quotes else None,
        )
        for aspect in LEXICON
        if aspect in seen
    ]
