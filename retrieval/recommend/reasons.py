"""Why a product is recommended: short phrases from the features that scored it, with their facts.

A reason is only written from a feature that contributed most to the item's score, and
only when the fact it states holds for that item: a builder returns None rather than a
phrase it cannot back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from retrieval.catalog import Product
from retrieval.money import format_money
from retrieval.recommend.columns import BANDS
from retrieval.recommend.profile import KIND_PHRASES, ShopperProfile, SignalKind

# A feature explains an item when it brings at least this share of the item's score.
MIN_SHARE = 0.12
MAX_REASONS = 3
TOP_RATED_RANK = 3
GOOD_RATING = 4.0


@dataclass(frozen=True)
class Reason:
    """One reason: the feature it comes from, the phrase, and the facts that make it true."""

    kind: str
    text: str
    facts: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of a reason."""
        return {"kind": self.kind, "text": self.text, "facts": self.facts}


@dataclass(frozen=True)
class Evidence:
    """What the reason builders may cite for one item, gathered by the recommender."""

    product: Product
    profile: ShopperProfile
    query: str = ""
    similar: Product | None = None
    similar_kind: SignalKind | None = None
    bought_with: Product | None = None
    bought_together: int = 0
    rating_rank: int | None = None  # among in-stock products of its leaf category under the price cap
    max_price: float | None = None
    orders: int = 0  # baskets holding it, when there are histories
    brand_source: str | None = None  # "favourite" or "history"
    category_level: str | None = None  # "leaf" (its kind of product) or "department" the shopper engaged with
    band: str | None = None  # the shopper's usual price band, when it is the item's band
    pairs_with: Product | None = None  # the anchor of a complement, when a rule pairs them


def money(value: float, currency: str) -> str:
    """An amount in the store's own format: "$120", "$89.99", "₹1,299", "€12,50"."""
    return format_money(value, currency)


def _relevance(e: Evidence) -> Reason | None:
    return Reason("relevance", f'matches "{e.query}"', {"query": e.query}) if e.query else None


def _similarity(e: Evidence) -> Reason | None:
    if e.similar is None or e.similar_kind is None:
        return None
    did = KIND_PHRASES[e.similar_kind]
    return Reason("similarity", f"similar to the {e.similar.title} you {did}",
                  {"product_id": e.similar.id, "title": e.similar.title, "signal": e.similar_kind})


def _cooccurrence(e: Evidence) -> Reason | None:
    if e.bought_with is None or e.bought_together <= 0:
        return None
    return Reason("cooccurrence", f"often bought with the {e.bought_with.title}",
                  {"product_id": e.bought_with.id, "title": e.bought_with.title, "baskets": e.bought_together})


def _brand(e: Evidence) -> Reason | None:
    brand = e.product.brand
    if not brand or e.brand_source is None:
        return None
    text = f"from {brand}, a brand you like" if e.brand_source == "favourite" else f"from {brand}, a brand you've shopped"
    return Reason("brand", text, {"brand": brand, "source": e.brand_source})


def _category(e: Evidence) -> Reason | None:
    if e.category_level is None or not e.product.category:
        return None
    if e.category_level == "leaf":
        leaf = e.product.category[-1]
        return Reason("category", f"more {leaf}, which you've been shopping", {"leaf": leaf})
    dept = e.product.category[0]
    return Reason("category", f"more from {dept}, which you've been shopping", {"department": dept})


def _price(e: Evidence) -> Reason | None:
    if e.band is None or not e.product.category:
        return None
    leaf = e.product.category[-1]
    return Reason("price", f"{e.band} for {leaf}, like what you usually pick", {"band": e.band, "price": e.product.price})


def _size(e: Evidence) -> Reason | None:
    have = [s for s in e.profile.sizes if s in e.product.sizes_in_stock()]
    if not have:
        return None
    # Without stock in the catalog the size is only known to exist, not to be on the shelf.
    said = "in stock in" if e.product.stock_known else "comes in"
    return Reason("size", f"{said} your size {have[0]}", {"size": have[0], "stock_known": e.product.stock_known})


def _color(e: Evidence) -> Reason | None:
    have = [c for c in e.profile.colors if c in e.product.colors_in_stock()]
    if not have:
        return None
    said = "available in" if e.product.stock_known else "comes in"
    return Reason("color", f"{said} {have[0]}", {"color": have[0], "stock_known": e.product.stock_known})


def _quality(e: Evidence) -> Reason | None:
    p = e.product
    rating = p.rating or 0.0
    leaf = p.category[-1] if p.category else None
    if leaf and e.rating_rank is not None and e.rating_rank <= TOP_RATED_RANK and rating >= GOOD_RATING:
        cap = f" under {money(e.max_price, p.currency)}" if e.max_price is not None else ""
        return Reason("quality", f"top rated in {leaf}{cap} ({rating:g} out of 5)",
                      {"category": leaf, "rank": e.rating_rank, "rating": rating, "max_price": e.max_price})
    if e.orders >= 5:
        return Reason("quality", f"popular: in {e.orders} recent orders", {"orders": e.orders})
    if rating >= GOOD_RATING and p.review_count:
        return Reason("quality", f"rated {rating:g} out of 5 by {p.review_count:,} reviewers",
                      {"rating": rating, "reviews": p.review_count})
    return None


def _pairing(e: Evidence) -> Reason | None:
    if e.pairs_with is None or not e.pairs_with.category or not e.product.category:
        return None
    return Reason("pairing", f"goes with {e.pairs_with.category[-1]}",
                  {"product_id": e.pairs_with.id, "category": e.pairs_with.category[-1]})


def _fit(e: Evidence) -> Reason | None:
    # That a product suits the recipient is why it is on the list at all (the lead says
    # who it is for); no fact of the item itself backs a phrase like "popular gift for
    # women", so the item's own reasons (its rating, what it matches) are given instead.
    return None


BUILDERS: dict[str, Callable[[Evidence], Reason | None]] = {
    "relevance": _relevance, "similarity": _similarity, "cooccurrence": _cooccurrence,
    "brand": _brand, "category": _category, "price": _price, "size": _size, "color": _color,
    "quality": _quality, "pairing": _pairing, "fit": _fit,
}


def explain(contributions: dict[str, float], evidence: Evidence) -> tuple[Reason, ...]:
    """Reasons from the features that brought the most of this item's score, biggest first.

    When no leading feature can be stated truthfully, the item still gets one true fact
    (its rating, or that it is in stock in its category) rather than no reason at all;
    when the catalog states neither rating nor stock, it gets none rather than a filler.
    """
    total = sum(v for v in contributions.values() if v > 0)
    reasons: list[Reason] = []
    for name, value in sorted(contributions.items(), key=lambda item: -item[1]):
        if value <= 0 or value < MIN_SHARE * total or len(reasons) == MAX_REASONS:
            break
        reason = BUILDERS[name](evidence)
        if reason is not None:
            reasons.append(reason)
    if not reasons:
        fallback = _quality(evidence)
        if fallback is None and evidence.product.category and evidence.product.stock_known:
            leaf = evidence.product.category[-1]
            fallback = Reason("quality", f"in stock in {leaf}", {"category": leaf})
        reasons = [fallback] if fallback else []
    return tuple(reasons)


def band_name(position: float) -> str:
    """The name of the price band a within-category price position falls in."""
    return BANDS[min(int(position * 3), 2)]
