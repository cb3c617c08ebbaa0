"""Rasa slots <-> Shopbot's DialogueState: the names a Rasa domain declares, and the mapping both ways.

The search constraints, the results and the product in focus are ordinary Rasa slots, so
stories, rules, forms and responses can use them. What else Shopbot remembers between turns
(how far the results were paged, brands the shopper ruled out, products viewed) rides in
one `shopbot_memory` slot of type `any` that nothing in Rasa needs to read. Rasa's slots win
over the memory: a form or a story that changes `price_max` changes the next search.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from rasa_sdk.events import SlotSet

from actions import values
from bot.dialogue.state import DialogueState
from retrieval.catalog import normalize_size

logger = logging.getLogger(__name__)

# Rasa slot name -> DialogueState field.
PRODUCT_CATEGORY = "product_category"
PRODUCT_BRAND = "product_brand"
PRODUCT_COLOR = "product_color"
PRODUCT_SIZE = "product_size"
PRICE_MIN = "price_min"
PRICE_MAX = "price_max"
SEARCH_QUERY = "search_query"
PRODUCT_RESULTS = "product_results"
FOCUSED_PRODUCT = "focused_product"
ORDER_NUMBER = "order_number"
MEMORY = "shopbot_memory"

# Dotted names reach into the state's search constraints ("search.category").
TEXT_SLOTS = {
    PRODUCT_CATEGORY: "search.category",
    PRODUCT_BRAND: "search.brand",
    PRODUCT_COLOR: "search.color",
    PRODUCT_SIZE: "search.size",
    SEARCH_QUERY: "search.query",
    FOCUSED_PRODUCT: "focus",
    ORDER_NUMBER: "order_number",
}
PRICE_SLOTS = {PRICE_MIN: "search.price_min", PRICE_MAX: "search.price_max"}
SLOT_FIELDS = {**TEXT_SLOTS, **PRICE_SLOTS, PRODUCT_RESULTS: "results"}
# Every slot the actions may set, for the example domain and its test.
ALL_SLOTS = (*SLOT_FIELDS, MEMORY)


def state_from_slots(slots: dict[str, Any]) -> DialogueState:
    """The DialogueState a Rasa tracker's slots describe; unreadable values count as unset."""
    memory = slots.get(MEMORY)
    data: dict[str, Any] = {}
    if isinstance(memory, dict):
        data = {k: v for k, v in memory.items() if k in DialogueState.model_fields and k not in SLOT_FIELDS.values()}
    try:
        state = DialogueState.model_validate(data)
    except ValidationError:
        # Memory written by another version, or edited by hand: start it afresh, keep the slots.
        logger.warning("ignoring an unreadable %s slot", MEMORY)
        state = DialogueState()
    for slot, field in TEXT_SLOTS.items():
        _set(state, field, values.text(slots.get(slot)))
    for slot, field in PRICE_SLOTS.items():
        _set(state, field, values.amount(slots.get(slot)))
    if state.search.size:
        state.search.size = normalize_size(state.search.size)
    state.results = values.product_ids(slots.get(PRODUCT_RESULTS))
    if state.offset >= len(state.results):
        state.offset = 0  # Rasa replaced or cleared the results: the page starts again
    return state


def slots_of(state: DialogueState) -> dict[str, Any]:
    """The Rasa slot values for a DialogueState."""
    out: dict[str, Any] = {slot: _get(state, field) for slot, field in SLOT_FIELDS.items()}
    out[PRODUCT_RESULTS] = list(state.results)
    dumped = state.dump()
    search = dumped.get("search", {})
    # The memory keeps the search's other constraints (exclusions, features); the slots win on theirs.
    dumped["search"] = {k: v for k, v in search.items() if f"search.{k}" not in SLOT_FIELDS.values()}
    out[MEMORY] = {k: v for k, v in dumped.items() if k not in SLOT_FIELDS.values()}
    return out


def _get(state: DialogueState, path: str) -> Any:
    target: Any = state
    for name in path.split("."):
        target = getattr(target, name)
    return target


def _set(state: DialogueState, path: str, value: Any) -> None:
    *parents, name = path.split(".")
    target: Any = state
    for parent in parents:
        target = getattr(target, parent)
    setattr(target, name, value)


def slot_events(before: dict[str, Any], state: DialogueState) -> list[dict[str, Any]]:
    """SlotSet events for every slot whose value the turn changed."""
    return [SlotSet(slot, value) for slot, value in slots_of(state).items() if not _same(before.get(slot), value)]


def _same(old: Any, new: Any) -> bool:
    # An unset list slot and an empty list are the same to Rasa: no event for that.
    return old == new or (old in (None, []) and new in (None, []))
