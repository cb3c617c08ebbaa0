"""What we know about one shopper: stated preferences and what they did, weighted and decayed.

A profile is plain data (no storage here): the server keeps signals in its own store and
hands a `ShopperProfile` to the recommender per request.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from retrieval.catalog import normalize_color, normalize_size

SignalKind = Literal["viewed", "clicked", "added_to_cart", "purchased", "dismissed"]
SIGNAL_KINDS: tuple[SignalKind, ...] = ("viewed", "clicked", "added_to_cart", "purchased", "dismissed")
# How each kind is said in a reason ("similar to the X you looked at").
KIND_PHRASES: dict[str, str] = {
    "viewed": "looked at",
    "clicked": "looked at",
    "added_to_cart": "added to your cart",
    "purchased": "bought",
}


class Signal(BaseModel):
    """One thing a shopper did with one product, and when."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    product_id: str = Field(min_length=1)
    kind: SignalKind
    at: dt.datetime

    @field_validator("at")
    @classmethod
    def _aware(cls, v: dt.datetime) -> dt.datetime:
        # Naive and aware datetimes cannot be compared; read naive ones as UTC.
        return v if v.tzinfo else v.replace(tzinfo=dt.UTC)


class Preferences(BaseModel):
    """What a shopper has told us: sizes, favourite brands and colours, budget, who they buy for."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    sizes: list[Annotated[str, Field(max_length=40)]] = Field(default_factory=list, max_length=20)
    brands: list[Annotated[str, Field(max_length=80)]] = Field(default_factory=list, max_length=20)
    colors: list[Annotated[str, Field(max_length=40)]] = Field(default_factory=list, max_length=20)
    budget_min: float | None = Field(default=None, ge=0)
    budget_max: float | None = Field(default=None, ge=0)
    recipients: list[Annotated[str, Field(max_length=40)]] = Field(default_factory=list, max_length=20)

    @field_validator("sizes")
    @classmethod
    def _fold_sizes(cls, v: list[str]) -> list[str]:
        return list(dict.fromkeys(normalize_size(s) for s in v if s.strip()))

    @field_validator("colors")
    @classmethod
    def _fold_colors(cls, v: list[str]) -> list[str]:
        return list(dict.fromkeys(normalize_color(c) for c in v if c.strip()))

    @field_validator("brands", "recipients")
    @classmethod
    def _unique(cls, v: list[str]) -> list[str]:
        return list(dict.fromkeys(x.strip() for x in v if x.strip()))

    @model_validator(mode="after")
    def _check_budget(self) -> Self:
        if self.budget_min is not None and self.budget_max is not None and self.budget_min > self.budget_max:
            raise ValueError(f"budget_min ({self.budget_min}) is above budget_max ({self.budget_max})")
        return self

    def preferences(self) -> Preferences:
        """Only the stated preferences (no signals, no request-specific fields)."""
        return Preferences.model_validate(self.model_dump(include=set(Preferences.model_fields)))


class ShopperProfile(Preferences):
    """Explicit preferences plus implicit signals, and who this request is for. Every field is optional."""

    recipient: str | None = None
    signals: list[Signal] = Field(default_factory=list)

    def ids(self, *kinds: SignalKind) -> set[str]:
        """Product ids with at least one signal of the given kinds (all kinds when none given)."""
        wanted = set(kinds or SIGNAL_KINDS)
        return {s.product_id for s in self.signals if s.kind in wanted}

    @property
    def is_cold(self) -> bool:
        """True when nothing the shopper did can be used (no positive signals)."""
        return not any(s.kind != "dismissed" for s in self.signals)

    def liked_brands(self) -> set[str]:
        """Explicit favourite brands, lower-cased as the catalog columns are."""
        return {b.strip().lower() for b in self.brands if b.strip()}


@dataclass(frozen=True)
class SignalWeights:
    """How much each kind of signal says about taste, and how fast it fades.

    Fixed a priori (not fitted): a purchase says more than a cart, a cart more than a
    click, a click more than a view; half the weight is gone after `half_life_days`.
    """

    viewed: float = 1.0
    clicked: float = 2.0
    added_to_cart: float = 4.0
    purchased: float = 6.0
    half_life_days: float = 30.0

    def of(self, kind: SignalKind) -> float:
        """The base weight of a kind; dismissals carry none (they only exclude)."""
        return 0.0 if kind == "dismissed" else float(getattr(self, kind))


@dataclass(frozen=True)
class Engagement:
    """Decayed engagement per product, strongest first, with the strongest kind per product."""

    weights: dict[str, float]
    kinds: dict[str, SignalKind]

    def __bool__(self) -> bool:
        return bool(self.weights)


def engagement(profile: ShopperProfile, weights: SignalWeights | None = None,
               now: dt.datetime | None = None) -> Engagement:
    """Sum each product's signals, weighted by kind and decayed by age.

    `now` defaults to the shopper's latest signal, so results never depend on the clock.
    A dismissed product gets no weight however much it was viewed before.
    """
    weights = weights or SignalWeights()
    positive = [s for s in profile.signals if s.kind != "dismissed"]
    if not positive:
        return Engagement({}, {})
    now = now or max(s.at for s in profile.signals)
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    dismissed = profile.ids("dismissed")
    rate = math.log(2) / (weights.half_life_days * 86400.0)
    total: dict[str, float] = {}
    kinds: dict[str, SignalKind] = {}
    for s in positive:
        if s.product_id in dismissed:
            continue
        age = max(0.0, (now - s.at).total_seconds())
        total[s.product_id] = total.get(s.product_id, 0.0) + weights.of(s.kind) * math.exp(-rate * age)
        if weights.of(s.kind) > weights.of(kinds.get(s.product_id, "viewed")) or s.product_id not in kinds:
            kinds[s.product_id] = s.kind
    ordered = dict(sorted(total.items(), key=lambda item: -item[1]))
    return Engagement(ordered, kinds)
