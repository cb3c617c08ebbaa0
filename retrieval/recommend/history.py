"""A shopper's past as data: signals over time and the baskets they checked out."""

from __future__ import annotations

from dataclasses import dataclass

from retrieval.recommend.profile import Signal


@dataclass(frozen=True)
class ShopperHistory:
    """Everything one shopper did, oldest first; baskets are product-id tuples (orders or carts)."""

    shopper_id: str
    signals: tuple[Signal, ...]
    baskets: tuple[tuple[str, ...], ...]
