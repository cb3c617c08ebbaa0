"""`validate_product_search_form`: fill and check the search constraints a Rasa form asks for.

Slots: product_category, price_max (and price_min), product_color, product_size, product_brand;
a form requires whichever of them its domain lists. Each turn:

- extraction: Shopbot's catalog-aware extractor reads the message ("a red dress under $60"
  fills three slots at once); a bare answer to the slot being asked ("M", "60") fills that slot;
- validation: every candidate, whoever extracted it, is folded to the catalog's spelling
  ("dresses" -> "Dresses", "$60" -> 60.0) or rejected with a message saying why and what
  the catalog has (the slot is then left empty, so the form asks again);
- a message that gives the requested slot nothing at all (the shopper changed the subject)
  is rejected with ActionExecutionRejection, which the action server answers with 400 and
  Rasa takes as "let another policy handle this turn", as its own forms do.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.interfaces import ActionExecutionRejection
from rasa_sdk.types import DomainDict

from actions import resources as _resources
from actions import slots, values
from actions.messages import latest_text
from actions.resources import Resources
from bot.generation.facts import money

logger = logging.getLogger(__name__)

FORM_SLOTS = (
    slots.PRODUCT_CATEGORY, slots.PRODUCT_BRAND, slots.PRODUCT_COLOR, slots.PRODUCT_SIZE, slots.PRICE_MIN, slots.PRICE_MAX,
)  # fmt: skip
_ENTITY_OF = {
    slots.PRODUCT_CATEGORY: "category", slots.PRODUCT_BRAND: "brand", slots.PRODUCT_COLOR: "color",
    slots.PRODUCT_SIZE: "size",
}  # fmt: skip
_LISTED = 6
_BARE_WORDS = 3


async def _open() -> Resources | None:
    try:
        return await _resources.get()
    except Exception:
        logger.exception("the Shopbot resources could not be opened (is the data dir set up? run `shopbot setup`)")
        return None


def _some(names: list[str] | set[str], like: str = "", fallback: list[str] | None = None) -> str:
    """A few catalog values to suggest: those containing the shopper's word, else `fallback` or the first few."""
    stem = like.lower().rstrip("s")
    matching = sorted(n for n in names if stem and stem in n.lower())
    return ", ".join((matching or fallback or sorted(names))[:_LISTED])


class ValidateProductSearchForm(FormValidationAction):
    """Extracts and validates the product search form's slots against the catalog."""

    def name(self) -> str:
        return "validate_product_search_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Extract and validate; reject a turn that gives the requested slot nothing."""
        resources = await _open()
        if resources is None:
            dispatcher.utter_message(text="Sorry, I can't check that right now. Please try again in a moment.")
            return []
        # The same process-wide object on every call, so concurrent runs sharing this
        # action instance see the same value.
        self._resources = resources
        events = await super().run(dispatcher, tracker, domain)
        requested = tracker.get_slot(REQUESTED_SLOT)
        form_slots = set(self.domain_slots(domain))
        filled = any(e.get("event") == "slot" and e.get("name") in form_slots for e in events)
        if tracker.active_loop_name == self.form_name() and requested in form_slots and not filled:
            raise ActionExecutionRejection(
                self.name(), f"Failed to extract slot {requested} with action {self.name()}"
            )
        return events

    # -- extraction: Shopbot's extractor over the message text ------------------------------

    def _candidate(self, tracker: Tracker, slot: str) -> dict[str, Any]:
        text = latest_text(tracker)
        if not text or tracker.slots_to_validate().get(slot) is not None:
            return {}  # nothing to read, or Rasa's own mapping already has a value for it
        requested = tracker.get_slot(REQUESTED_SLOT) == slot
        found = {e.type: e.value for e in self._resources.extractor.extract(text)}
        if slot in _ENTITY_OF and _ENTITY_OF[slot] in found:
            return {slot: found[_ENTITY_OF[slot]]}
        if slot in (slots.PRICE_MIN, slots.PRICE_MAX) and isinstance(found.get("price"), dict):
            bound = found["price"]["min" if slot == slots.PRICE_MIN else "max"]
            return {slot: bound} if bound is not None else {}
        if requested and not found.keys() & {*_ENTITY_OF.values(), "price"} and len(text.split()) <= _BARE_WORDS:
            # A bare answer to the question just asked: "M" for the size, "60" for the budget.
            # A longer message, or one that named something else, is not an answer to it.
            return {slot: text}
        return {}

    async def extract_product_category(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        """The category the message names."""
        return self._candidate(tracker, slots.PRODUCT_CATEGORY)

    async def extract_product_brand(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        """The brand the message names."""
        return self._candidate(tracker, slots.PRODUCT_BRAND)

    async def extract_product_color(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        """The colour the message names."""
        return self._candidate(tracker, slots.PRODUCT_COLOR)

    async def extract_product_size(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        """The size the message names."""
        return self._candidate(tracker, slots.PRODUCT_SIZE)

    async def extract_price_min(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        """The lowest price the message names ("over $20", "between 20 and 40")."""
        return self._candidate(tracker, slots.PRICE_MIN)

    async def extract_price_max(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        """The budget the message names ("under $60", "60")."""
        return self._candidate(tracker, slots.PRICE_MAX)

    # -- validation: every candidate against the catalog -------------------------------------

    async def validate_product_category(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A category of this catalog, or a message listing some that are."""
        vocabulary = self._resources.vocabulary
        found = values.category(value, self._resources.extractor, vocabulary)
        if found is None:
            said = values.text(value) or "that"
            dispatcher.utter_message(
                text=f"We don't have a category called {said!r}. Some we do have: {_some(vocabulary.categories, said, self._resources.dialogue.categories)}."
            )
        return {slots.PRODUCT_CATEGORY: found}

    async def validate_product_brand(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A brand of this catalog, or a message saying it is not carried."""
        found = values.brand(value, self._resources.extractor, self._resources.vocabulary)
        if found is None:
            dispatcher.utter_message(text=f"We don't carry the brand {values.text(value) or 'you named'!r}.")
        return {slots.PRODUCT_BRAND: found}

    async def validate_product_color(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A colour some product comes in, or a message listing some."""
        vocabulary = self._resources.vocabulary
        found = values.color(value, self._resources.extractor, vocabulary)
        if found is None:
            said = values.text(value) or "that colour"
            dispatcher.utter_message(text=f"No products come in {said!r}. Colours we have include {_some(vocabulary.colors)}.")
        return {slots.PRODUCT_COLOR: found}

    async def validate_product_size(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A size some product comes in, or a message saying so."""
        found = values.size(value, self._resources.vocabulary)
        if found is None:
            said = values.text(value) or "that size"
            dispatcher.utter_message(text=f"No products come in size {said!r}. Tell me a size like S, M, L or a shoe size like 9.")
        return {slots.PRODUCT_SIZE: found}

    async def validate_price_max(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A budget: a non-negative amount, not below the lowest price asked for."""
        bounds = values.price_range(value, self._resources.extractor)
        said = values.text(value) or "that"
        # Amounts are read in the store's currency: echo them in it, never relabelled.
        currency = self._resources.vocabulary.currency or "USD"
        if bounds is None:
            dispatcher.utter_message(
                text=f"I didn't catch a budget in {said!r}. Tell me an amount, like 50 or under {money(80, currency)}."
            )
            return {slots.PRICE_MAX: None}
        low, high = bounds
        low = low if low is not None else values.amount(tracker.get_slot(slots.PRICE_MIN))
        if high is None:
            # "over $50" names a floor, not a budget: keep it and ask for the budget again.
            dispatcher.utter_message(text=f"Got it, over {money(low or 0, currency)}. And the most you'd like to spend?")
            return {slots.PRICE_MIN: low, slots.PRICE_MAX: None}
        if low is not None and low > high:
            dispatcher.utter_message(
                text=f"A budget of {money(high, currency)} is below the lowest price you asked for ({money(low, currency)}). "
                "What's your budget?"
            )
            return {slots.PRICE_MAX: None}
        return {slots.PRICE_MAX: high, slots.PRICE_MIN: low} if low is not None else {slots.PRICE_MAX: high}

    async def validate_price_min(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A lowest price: a non-negative amount."""
        low = values.amount(value)
        if low is None:
            bounds = values.price_range(value, self._resources.extractor)
            low = bounds[0] if bounds else None
        if low is None:
            dispatcher.utter_message(text=f"I didn't catch a price in {values.text(value) or 'that'!r}. Tell me an amount, like 20.")
        return {slots.PRICE_MIN: low}
