"""Rasa slot and entity values read as the catalog spells them, or None when they cannot be.

A Rasa assistant's slots arrive as whatever its NLU or a form wrote: "boots", "$60",
"under 60", 60, "Navy", "m", "#10001". Search filters match exactly, so each value is
folded to the catalog's form here, once, with Shopbot's own catalog-aware extractor:
"dresses" becomes the category "Dresses", "under $60" a ceiling of 60.0. Values that
cannot be read (a word for a price, a list for a colour) become None, never an error.
"""

from __future__ import annotations

import re
from typing import Any

from bot.nlu.entities import CatalogVocabulary, EntityExtractor
from retrieval.catalog import normalize_color, normalize_size

_ORDER_NUMBER_RE = re.compile(r"#?\s*(?:ORD-?)?[0-9]{3,12}", re.IGNORECASE)
_AMOUNT_RE = re.compile(r"[$£€]?\s*([0-9]+(?:\.[0-9]+)?)\s*(?:[$£€]|dollars?|usd|eur|euros?|gbp|bucks)?", re.I)


def text(value: Any) -> str | None:
    """A non-empty string, or None (numbers are written out: a size 10 slot may hold 10)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        value = f"{value:g}"
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _typed(extractor: EntityExtractor, value: str, kind: str) -> Any:
    return next((e.value for e in extractor.extract(value) if e.type == kind), None)


def category(value: Any, extractor: EntityExtractor, vocabulary: CatalogVocabulary) -> str | None:
    """The catalog category a value names ("dresses" -> "Dresses"), or None for no known category."""
    raw = text(value)
    if raw is None:
        return None
    by_name = {c.lower(): c for c in vocabulary.categories}
    return by_name.get(raw.lower()) or _typed(extractor, raw, "category")


def brand(value: Any, extractor: EntityExtractor, vocabulary: CatalogVocabulary) -> str | None:
    """The catalog brand a value names (case and small typos forgiven), or None."""
    raw = text(value)
    if raw is None:
        return None
    by_name = {b.lower(): b for b in vocabulary.brands}
    return by_name.get(raw.lower()) or _typed(extractor, raw, "brand")


def color(value: Any, extractor: EntityExtractor, vocabulary: CatalogVocabulary) -> str | None:
    """A colour the catalog has ("Navy" -> "navy"), or None."""
    raw = text(value)
    if raw is None:
        return None
    folded = normalize_color(raw)
    if folded in vocabulary.colors:
        return folded
    found = _typed(extractor, raw, "color")
    return found if found in vocabulary.colors else None


def size(value: Any, vocabulary: CatalogVocabulary) -> str | None:
    """A size some product comes in ("m" -> "M", "size 10" -> "10"), or None."""
    raw = text(value)
    if raw is None:
        return None
    folded = normalize_size(re.sub(r"(?i)^size\s+", "", raw))
    return folded if folded in vocabulary.sizes else None


def amount(value: Any) -> float | None:
    """One non-negative amount of money (60, "60", "$59.99", "60 dollars"), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if value >= 0 else None
    raw = text(value)
    if raw is None:
        return None
    match = _AMOUNT_RE.fullmatch(raw.replace(",", ""))
    return float(match.group(1)) if match else None


def price_range(value: Any, extractor: EntityExtractor) -> tuple[float | None, float | None] | None:
    """(min, max) from an amount (a ceiling: "60" is a budget) or a phrase ("under 60",
    "between 20 and 40", "around 30"), or from Shopbot's own {"min", "max"} value; None when unreadable."""
    if isinstance(value, dict):
        low, high = amount(value.get("min")), amount(value.get("max"))
        return (low, high) if low is not None or high is not None else None
    single = amount(value)
    if single is not None:
        return (None, single)
    raw = text(value)
    if raw is None:
        return None
    found = _typed(extractor, raw, "price")
    if not isinstance(found, dict) or (found.get("min") is None and found.get("max") is None):
        return None
    return found.get("min"), found.get("max")


def order_number(value: Any) -> str | None:
    """An order number as stored ("#10001" -> "10001", "ord-55821" -> "ORD-55821"), or None when
    the value does not look like one."""
    raw = text(value)
    if raw is None or not _ORDER_NUMBER_RE.fullmatch(raw):
        return None
    return re.sub(r"[#\s]", "", raw).upper()


def product_ids(value: Any) -> list[str]:
    """A list of product ids from a list slot (anything that is not a string is dropped)."""
    if not isinstance(value, list):
        return []
    return [v for v in (text(x) for x in value) if v]
