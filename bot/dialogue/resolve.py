"""Which products a message is about: "the second one", "both", "the cheaper one", a name, or "it"."""

from __future__ import annotations

from typing import Any

from rapidfuzz import fuzz

from bot.dialogue.state import DialogueState
from retrieval.catalog import Product

NAME_MATCH = 80


def reference_of(entities: list[Any]) -> dict[str, Any] | None:
    """The first product reference in a parse's entities."""
    return next((e.value for e in entities if e.type == "reference"), None)


def resolve(
    state: DialogueState, products: dict[str, Product], text: str, reference: dict[str, Any] | None
) -> list[Product]:
    """The products a message refers to, in the order meant; empty when it names none.

    `products` maps the ids of the last results (and the focus) to their catalog records.
    """
    shown = [products[i] for i in state.shown() if i in products]
    listed = [products[i] for i in state.results if i in products]
    if reference:
        if "index" in reference:
            index = reference["index"]
            pool = shown or listed
            position = index - 1 if index > 0 else len(pool) + index
            return [pool[position]] if 0 <= position < len(pool) else []
        if "indices" in reference:
            pool = shown or listed
            return [pool[i - 1] for i in reference["indices"] if 0 < i <= len(pool)]
        if reference.get("all"):
            return shown
        if "superlative" in reference and shown:
            kind = reference["superlative"]
            if kind == "cheapest":
                return [min(shown, key=lambda p: p.price)]
            if kind == "most_expensive":
                return [max(shown, key=lambda p: p.price)]
            return [max(shown, key=lambda p: p.rating or 0)]
        if reference.get("focus") and state.focus and state.focus in products:
            # "Is it non-slip?": the product last named, even when a word of the question is
            # in another product's title ("Non-Slip Mat").
            return [products[state.focus]]
    named = by_name(text, listed)
    if named:
        return named
    if state.focus and state.focus in products:
        return [products[state.focus]]
    return shown[:1] if len(shown) == 1 else []


def by_name(text: str, candidates: list[Product]) -> list[Product]:
    """Products whose distinctive title words the shopper wrote ("the Summit boots")."""
    lowered = text.lower()
    scored = []
    for p in candidates:
        words = [w for w in p.title.lower().split() if len(w) > 3]
        brand = (p.brand or "").lower()
        distinctive = [w for w in words if w != brand and sum(w in q.title.lower() for q in candidates) == 1]
        hits = sum(1 for w in distinctive if w in lowered)
        if hits:
            scored.append((hits, p))
    if not scored:
        best = max(candidates, key=lambda p: fuzz.partial_ratio(p.title.lower(), lowered), default=None)
        if best is not None and len(lowered) >= 8 and fuzz.partial_ratio(best.title.lower(), lowered) >= 90:
            return [best]
        return []
    top = max(h for h, _ in scored)
    return [p for h, p in scored if h == top][:2]
