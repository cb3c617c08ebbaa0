"""The handoff action: tell the shopper a person takes over, pause the Rasa conversation, send a handoff payload.

The payload is a `custom` message a handoff channel or an agent desk reads:

    {"type": "handoff", "handoff": {"sender_id", "agents_available", "message", "reason",
     "note", "context": {search slots, "focused_product", "product_results"}}}

`ConversationPaused` stops Rasa predicting bot actions until the agent side resumes it
(`ConversationResumed`), the same pause Rasa's own human-handoff recipes use.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ConversationPaused
from rasa_sdk.executor import CollectingDispatcher

from actions import slots
from actions.messages import latest_text, rasa_intent
from actions.resources import Resources
from actions.turn import ShopbotAction
from bot.dialogue.engine import Plan
from bot.nlu.entities import Entity
from bot.nlu.parser import Parse

# What the agent sees of the shopper's search, so they need not ask again.
_CONTEXT_SLOTS = (
    slots.PRODUCT_CATEGORY, slots.PRODUCT_BRAND, slots.PRODUCT_COLOR, slots.PRODUCT_SIZE,
    slots.PRICE_MIN, slots.PRICE_MAX, slots.SEARCH_QUERY, slots.FOCUSED_PRODUCT, slots.ORDER_NUMBER,
)  # fmt: skip


def handoff_payload(tracker: Tracker, plan: Plan, note: str, agents_available: bool) -> dict[str, Any]:
    """The custom payload announcing a handoff."""
    context = {name: tracker.get_slot(name) for name in _CONTEXT_SLOTS if tracker.get_slot(name) is not None}
    results = tracker.get_slot(slots.PRODUCT_RESULTS)
    if isinstance(results, list) and results:
        context[slots.PRODUCT_RESULTS] = results[:5]
    return {
        "type": "handoff",
        "handoff": {
            "sender_id": tracker.sender_id,
            "agents_available": agents_available,
            "message": latest_text(tracker),
            "reason": rasa_intent(tracker) or "human_handoff",
            "note": note,
            "context": context,
        },
    }


class ActionHandoff(ShopbotAction):
    """Hand the conversation to a person: the shopper is told, Rasa pauses, the payload goes out."""

    skill = "handoff"

    def name(self) -> str:
        return "action_handoff"

    def entities_for(self, parse: Parse) -> list[Entity]:
        # A handoff needs no entities; a product reference must not turn it into a product question.
        return []

    def reply(self, dispatcher: CollectingDispatcher, text: str, plan: Plan, tracker: Tracker, resources: Resources) -> None:
        available = resources.dialogue.agents_available()
        dispatcher.utter_message(text=text, json_message=handoff_payload(tracker, plan, text, available))

    def events_after(self, plan: Plan, tracker: Tracker) -> list[dict[str, Any]]:
        return [ConversationPaused()] if plan.handoff else []
