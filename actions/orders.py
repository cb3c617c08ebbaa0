"""The order-status action: the order number from the message, Rasa's entity or the slot."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions import values
from actions.messages import rasa_entities
from actions.resources import Resources
from actions.slots import ORDER_NUMBER
from actions.turn import ShopbotAction
from bot.dialogue.state import DialogueState
from bot.nlu.entities import Entity
from bot.nlu.parser import Parse


class ActionOrderStatus(ShopbotAction):
    """Tell the shopper where their order is (status, dates, tracking, items and total)."""

    skill = "order"
    intent = "order_status"

    def name(self) -> str:
        return "action_order_status"

    def entities_for(self, parse: Parse) -> list[Entity]:
        # Only the number matters here; "the second one" must not turn this into a product question.
        return [e for e in parse.entities if e.type == "order_number"]

    async def prepare(self, state: DialogueState, parse: Parse, tracker: Tracker, resources: Resources) -> str | None:
        if any(e.type == "order_number" for e in parse.entities):
            return None
        given = next((e.get("value") for e in rasa_entities(tracker) if e["entity"] in ("order_number", "order_id")), None)
        raw = given if given is not None else tracker.get_slot(ORDER_NUMBER)
        state.order_number = values.order_number(raw)
        if raw is not None and state.order_number is None:
            shown = values.text(raw) or "That"
            return (
                f"{shown!r} doesn't look like an order number. It's the number in your order confirmation "
                "email, made of digits (for example #12345). What's your order number?"
            )
        return None
