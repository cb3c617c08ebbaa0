"""A planned, phrased answer as Rasa messages: text with quick-reply buttons, product cards as a custom payload.

The cards are the chat server's own (`ProductFacts.card()`), in the `custom` message shape
its REST channel sends, `{"type": "product_cards", "products": [...]}`, so a widget or
channel that renders Shopbot's cards renders these too. Buttons send their title back as
the shopper's next message ("Show more", "Cheaper"), which Rasa's NLU then classifies.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from bot.dialogue.engine import Plan


def buttons(titles: tuple[str, ...]) -> list[dict[str, str]]:
    """Rasa buttons whose payload is the title, sent back as text."""
    return [{"title": title, "payload": title} for title in titles]


def product_cards(plan: Plan) -> list[dict[str, Any]]:
    """The product cards of a plan, prices and stock straight from the catalog."""
    return [facts.card() for facts in plan.cards]


def send(dispatcher: CollectingDispatcher, text: str, plan: Plan) -> None:
    """One Rasa message: the answer, its quick replies and, when there are any, its product cards."""
    cards = product_cards(plan)
    custom = {"type": "product_cards", "products": cards} if cards else None
    dispatcher.utter_message(text=text, buttons=buttons(plan.buttons), json_message=custom)
