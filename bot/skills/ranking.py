"""Ranking products by a numeric field ("the cheapest", "the best rated", "the lightest"), as the
search, product-answer and cart skills all need it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from retrieval.catalog import Product
from retrieval.filters import number_of

if TYPE_CHECKING:
    from bot.dialogue.frame import Superlative


def field_value(product: Product, name: str) -> float | None:
    """A product's value of a numeric field: price, rating, review count or a numeric attribute."""
    if name == "price":
        return product.price
    if name == "rating":
        return product.rating
    if name == "review_count":
        return float(product.review_count or len(product.reviews))
    return number_of(product.attributes.get(name))


def by_superlative(products: list[Product], superlative: Superlative) -> list[Product]:
    """Products with a value for the field, the asked-for end first; buyable ones before sold-out."""
    valued = [(v, p) for p in products if (v := field_value(p, superlative.field)) is not None]
    valued.sort(key=lambda vp: (not vp[1].in_stock, -vp[0] if superlative.highest else vp[0]))
    return [p for _, p in valued]
