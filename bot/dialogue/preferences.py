"""Preferences a shopper states in conversation, remembered across conversations.

Only what the shopper says about themselves counts: "I wear a size 10", "I love Alpine
Co", "my favourite colour is green", "my budget is $80", "for my dad". A size asked for
in a search ("boots in size 10") is remembered too (it is the shopper's size for that
kind of product); a brand or colour merely searched for is not a taste. Budgets are only
taken when the shopper calls it a budget, because the recommender treats a budget as a
hard limit for every later suggestion.
"""

from __future__ import annotations

import re

from bot.generation.facts import money
from bot.nlu.entities.prices import foreign_currency
from bot.nlu.parser import Parse
from retrieval.recommend import Preferences

_LIKE = r"(?:i (?:really )?(?:like|love|prefer|adore)|i'?m (?:a )?(?:big )?fan of|my (?:favou?rite|preferred) (?:brand|colou?r)s? (?:is|are))"
_LIKE_RE = re.compile(rf"\b{_LIKE}\b", re.IGNORECASE)
_NOT_LIKE_RE = re.compile(r"\b(?:don'?t|do not|never|no longer) (?:really )?(?:like|love)\b", re.IGNORECASE)
_BUDGET_RE = re.compile(r"\b(?:my |our |the )?budget\b", re.IGNORECASE)
# Sizes people keep: last few first, so "in your size" names the newest.
MAX_SIZES = 4
MAX_LIKES = 8


def stated(parse: Parse, currency: str | None = None) -> dict[str, list[str] | float]:
    """The preferences this message states, as a partial update (empty when none).

    `currency` is the store's: a budget named in another currency is not remembered, since
    there is no rate to read it in the store's money.
    """
    out: dict[str, list[str] | float] = {}
    sizes = [str(e.value) for e in parse.entities if e.type == "size"]
    if sizes:
        out["sizes"] = sizes
    liking = _LIKE_RE.search(parse.text) is not None and not _NOT_LIKE_RE.search(parse.text)
    if liking:
        after = _LIKE_RE.search(parse.text).end()  # type: ignore[union-attr]
        brands = [str(e.value) for e in parse.entities if e.type == "brand" and e.start >= after]
        colors = [str(e.value) for e in parse.entities if e.type == "color" and e.start >= after]
        if brands:
            out["brands"] = brands
        if colors:
            out["colors"] = colors
    if _BUDGET_RE.search(parse.text):
        for e in parse.entities:
            if e.type != "price" or foreign_currency(e.value, currency):
                continue
            if isinstance(e.value, dict) and e.value.get("max") is not None:
                out["budget_max"] = float(e.value["max"])
                break
    recipients = [_recipient(e.value) for e in parse.entities if e.type == "recipient"]
    if recipients:
        out["recipients"] = [r for r in recipients if r]
    return out


def _recipient(value: object) -> str:
    if isinstance(value, dict):
        return str(value.get("who") or "")
    return str(value)


def merge(current: Preferences, update: dict[str, list[str] | float]) -> Preferences:
    """`current` with `update` applied: newest values first, lists kept short."""
    if not update:
        return current
    data = current.model_dump()

    def newest_first(name: str, limit: int) -> None:
        if name in update:
            values = [*update[name], *data[name]]  # type: ignore[misc]
            data[name] = list(dict.fromkeys(values))[:limit]

    newest_first("sizes", MAX_SIZES)
    newest_first("brands", MAX_LIKES)
    newest_first("colors", MAX_LIKES)
    newest_first("recipients", MAX_LIKES)
    if "budget_max" in update:
        data["budget_max"] = update["budget_max"]
        if data["budget_min"] is not None and data["budget_min"] > data["budget_max"]:
            data["budget_min"] = None
    return Preferences.model_validate(data)


def describe(update: dict[str, list[str] | float], currency: str = "USD") -> str:
    """What was remembered, in words for the shopper ("your size 10 and that you like green").

    `currency` is the store's, the one a budget was read in ("your budget of ₹300").
    """
    parts = []
    if "sizes" in update:
        parts.append(f"your size {update['sizes'][0]}")  # type: ignore[index]
    if "brands" in update:
        parts.append("that you like " + " and ".join(update["brands"]))  # type: ignore[arg-type]
    if "colors" in update:
        parts.append("that you like " + " and ".join(update["colors"]))  # type: ignore[arg-type]
    if "budget_max" in update:
        parts.append(f"your budget of {money(float(update['budget_max']), currency)}")  # type: ignore[arg-type]
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1] if parts else ""
