"""A Rasa tracker's latest message as a Shopbot Parse, and its earlier turns as history.

Shopbot re-reads the message text with its own NLU: the catalog-aware extractor knows this
store's brands, categories, colours and sizes and reads price phrases ("under $60",
"around 30") as ranges, which a generic Rasa entity of "60" cannot say. Entities Rasa found
fill in only the types Shopbot did not find in the text (a value from a button payload
such as `/search{"product_category": "Dresses"}`, which has no text to read).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rasa_sdk import Tracker

from actions import values
from actions.resources import Resources
from bot.generation.facts import Turn
from bot.nlu.dataset import FALLBACK_INTENT
from bot.nlu.entities import Entity
from bot.nlu.parser import Parse

HISTORY_TURNS = 6

# Rasa entity names the actions understand -> Shopbot entity types.
ENTITY_TYPES = {
    "product_category": "category", "category": "category",
    "product_brand": "brand", "brand": "brand",
    "product_color": "color", "color": "color", "colour": "color",
    "product_size": "size", "size": "size",
    "price": "price", "price_max": "price", "budget": "price",
    "price_min": "price_min",
    "order_number": "order_number", "order_id": "order_number",
}  # fmt: skip
PRODUCT_ID_ENTITIES = ("product_id", "product")


def latest_text(tracker: Tracker) -> str:
    """The shopper's words; empty for a Rasa payload ("/intent{...}"), which is not something they wrote."""
    text = values.text((tracker.latest_message or {}).get("text")) or ""
    return "" if text.startswith("/") else text


def rasa_intent(tracker: Tracker) -> str | None:
    """The intent Rasa's NLU gave the latest message."""
    intent = (tracker.latest_message or {}).get("intent") or {}
    return values.text(intent.get("name")) if isinstance(intent, dict) else None


def rasa_entities(tracker: Tracker) -> list[dict[str, Any]]:
    """The latest message's Rasa entities, well-formed ones only."""
    entities = (tracker.latest_message or {}).get("entities") or []
    return [e for e in entities if isinstance(e, dict) and isinstance(e.get("entity"), str)]


def explicit_product(tracker: Tracker) -> str | None:
    """A product id the latest message names through a Rasa entity (a product card's button)."""
    for e in rasa_entities(tracker):
        if e["entity"] in PRODUCT_ID_ENTITIES and (pid := values.text(e.get("value"))):
            return pid
    return None


async def understand(tracker: Tracker, resources: Resources, previous_act: str | None = None) -> Parse:
    """Shopbot's parse of the latest message, with Rasa's entities for the types it did not find.

    `previous_act` is what Shopbot's last action did (kept in the memory slot), read as the
    web server reads it: "nope, only indoor" after a list narrows the list."""
    text = latest_text(tracker)
    if text:
        parse = await resources.nlu.parse(text, previous_act)
    else:
        parse = Parse("", FALLBACK_INTENT, 0.0, [], [])
    found = {e.type for e in parse.entities}
    extra: list[Entity] = []
    for e in rasa_entities(tracker):
        kind = ENTITY_TYPES.get(e["entity"])
        if kind is None or kind in found or ("price" in found and kind == "price_min"):
            continue
        entity = _entity(kind, e, resources)
        if entity is not None:
            extra.append(entity)
            found.add(entity.type)
    return replace(parse, entities=[*parse.entities, *extra])


def _entity(kind: str, e: dict[str, Any], resources: Resources) -> Entity | None:
    raw = e.get("value")
    value: Any
    if kind == "category":
        value = values.category(raw, resources.extractor, resources.vocabulary)
    elif kind == "brand":
        value = values.brand(raw, resources.extractor, resources.vocabulary)
    elif kind == "color":
        value = values.color(raw, resources.extractor, resources.vocabulary)
    elif kind == "size":
        value = values.size(raw, resources.vocabulary)
    elif kind == "order_number":
        value = values.order_number(raw)
    else:
        bounds = (values.amount(raw), None) if kind == "price_min" else values.price_range(raw, resources.extractor)
        if bounds is None or bounds == (None, None):
            return None
        value, kind = {"min": bounds[0], "max": bounds[1], "currency": None, "qualifier": None}, "price"
    if value is None:
        return None
    start, end = (e.get("start"), e.get("end"))
    start, end = (start, end) if isinstance(start, int) and isinstance(end, int) else (0, 0)
    return Entity(kind, value, start, end, values.text(raw) or "")


def history(tracker: Tracker) -> tuple[Turn, ...]:
    """The conversation's earlier user and bot messages, oldest first, for the generator's context."""
    turns = []
    for event in tracker.events or []:
        kind, text = event.get("event"), values.text(event.get("text"))
        if text and kind == "user" and not text.startswith("/"):
            turns.append(Turn("user", text))
        elif text and kind == "bot":
            turns.append(Turn("assistant", text))
    if turns and turns[-1].role == "user":
        turns.pop()  # the message being answered now
    return tuple(turns[-HISTORY_TURNS:])
