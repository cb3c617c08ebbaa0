"""The one adapter every Shopbot action is: tracker in, the core's dialogue turn, Rasa messages and events out.

    slots -> DialogueState        (actions/slots.py)
    latest message -> Parse       (actions/messages.py; Shopbot's NLU plus Rasa's entities)
    Dialogue.turn(state, parse, act=...)   guardrails, then the skill the action names decides the facts
    Responder.answer(context)     the configured generator, every claim checked (templates otherwise)
    -> text, buttons, product cards to the dispatcher; SlotSet for what changed

The action names the skill (Rasa already chose it): the turn is never re-routed to another
skill, and a message the guardrails refuse changes no slot, as in every other channel. Each
subclass only says which skill it runs and, where needed, checks its input first. No
business logic lives here.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from dataclasses import replace
from typing import Any, ClassVar

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import replies
from actions import resources as _resources
from actions.messages import history, understand
from actions.resources import Resources
from actions.slots import slot_events, state_from_slots
from bot.dialogue.engine import Plan
from bot.dialogue.state import DialogueState
from bot.nlu.entities import Entity
from bot.nlu.parser import Parse

logger = logging.getLogger(__name__)

UNAVAILABLE = "Sorry, I can't look that up right now. Please try again in a moment."
FAILED = "Sorry, something went wrong on our side while I was looking that up. Please try again."


class ShopbotAction(Action, ABC):
    """A rasa-sdk action that runs one Shopbot skill on the conversation's slots."""

    #: The Shopbot skill this action runs (bot/skills/registry.py).
    skill: ClassVar[str]
    #: The intent the message counts as, when the action fixes it (order status is never a cancellation).
    intent: ClassVar[str | None] = None

    @abstractmethod
    def name(self) -> str:
        """The action's name in the Rasa domain."""

    def act_for(self, parse: Parse, tracker: Tracker, state: DialogueState) -> str | None:
        """The act of this skill to run, when the action decides it (else the message decides, within the skill)."""
        return None

    def entities_for(self, parse: Parse) -> list[Entity]:
        """The entities the skill should see (all of them, unless an action narrows them)."""
        return parse.entities

    async def prepare(self, state: DialogueState, parse: Parse, tracker: Tracker, resources: Resources) -> str | None:
        """Check and complete the input; a returned message is the whole reply (bad input), None goes on."""
        return None

    def reply(self, dispatcher: CollectingDispatcher, text: str, plan: Plan, tracker: Tracker, resources: Resources) -> None:
        """Send the answer to the shopper."""
        replies.send(dispatcher, text, plan)

    def events_after(self, plan: Plan, tracker: Tracker) -> list[dict[str, Any]]:
        """Events besides the slots (a pause for a handoff)."""
        return []

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        """Run the skill; the shopper always gets an answer, never an error."""
        try:
            resources = await _resources.get()
        except Exception:
            logger.exception("the Shopbot resources could not be opened (is the data dir set up? run `shopbot setup`)")
            dispatcher.utter_message(text=UNAVAILABLE)
            return []
        try:
            return await self._turn(dispatcher, tracker, resources)
        except Exception:
            # A bug must not reach the shopper as a stack trace or Rasa as a 500; the log keeps it.
            logger.exception("%s failed for sender %s", self.name(), tracker.sender_id)
            dispatcher.utter_message(text=FAILED)
            return []

    async def _turn(self, dispatcher: CollectingDispatcher, tracker: Tracker, resources: Resources) -> list[dict[str, Any]]:
        state = state_from_slots(tracker.slots)
        parse = await understand(tracker, resources, state.previous_act)
        stop = await self.prepare(state, parse, tracker, resources)
        if stop is not None:
            dispatcher.utter_message(text=stop)
            return slot_events(tracker.slots, state)
        act = self.act_for(parse, tracker, state)
        parse = replace(parse, intent=self.intent or parse.intent, entities=self.entities_for(parse))
        plan = await resources.dialogue.turn(state, parse, history(tracker), skill=self.skill, act=act)
        answer = await resources.responder.answer(plan.context)
        self.reply(dispatcher, answer.text, plan, tracker, resources)
        return [*slot_events(tracker.slots, state), *self.events_after(plan, tracker)]
