"""Product actions: search, answer a question about a product, recommend, compare."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.messages import explicit_product, rasa_intent
from actions.resources import Resources
from actions.turn import ShopbotAction
from bot.dialogue.state import DialogueState
from bot.nlu.parser import Parse

# Rasa intents that ask for a new search, whatever the assistant calls them.
NEW_SEARCH_INTENTS = frozenset({"product_search", "search_products", "search"})


async def check_focus(state: DialogueState, tracker: Tracker, resources: Resources) -> str | None:
    """Focus the product the message names by id; a message when the catalog has no such product.

    A focused_product slot naming a product that is no longer in the catalog is dropped
    quietly: the shopper did not just ask for it.
    """
    named = explicit_product(tracker)
    wanted = [pid for pid in (named, state.focus) if pid]
    found = await resources.dialogue.run(lambda: resources.catalog.get_many(wanted)) if wanted else {}
    if named is not None:
        if named not in found:
            state.focus = None
            return f"I can't find a product with the id {named!r} in our catalog. Tell me its name or what you're looking for."
        state.remember_focus(named)
    elif state.focus and state.focus not in found:
        state.focus = None
    return None


def _form_ran_this_turn(tracker: Tracker) -> bool:
    """True when a Rasa form collected slots after the latest user message (its answers refine, not restart)."""
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            return False
        if event.get("event") == "active_loop" or (event.get("event") == "slot" and event.get("name") == "requested_slot"):
            return True
    return False


class ActionSearchProducts(ShopbotAction):
    """Search the catalog under the search slots; results and focus go back as slots.

    A new search (the slots start over from this message) when the message asks for one
    and names what to look for; otherwise the current constraints are refined, so the
    answers a form collected over several turns all apply.
    """

    skill = "search"

    def name(self) -> str:
        return "action_search_products"

    def act_for(self, parse: Parse, tracker: Tracker, state: DialogueState) -> str | None:
        asked = rasa_intent(tracker)
        wants_new = asked in NEW_SEARCH_INTENTS if asked in (*NEW_SEARCH_INTENTS, "refine") else parse.intent == "product_search"
        if not state.has_search_slots() or (wants_new and not _form_ran_this_turn(tracker) and parse.text):
            return "search"
        return None  # a follow-up: narrow, page or accept, as the message reads

    async def prepare(self, state: DialogueState, parse: Parse, tracker: Tracker, resources: Resources) -> str | None:
        search = state.search
        if not search.query and state.has_search_slots():
            # Slots a form filled carry no search words; what they name is the query.
            search.query = " ".join(x for x in (search.color, search.brand, search.category) if x) or None
        if not parse.text and not state.has_search_slots():
            return "What are you looking for? Tell me a category, a brand or what it's for."
        await check_focus(state, tracker, resources)
        return None


class ActionAnswerProductQuestion(ShopbotAction):
    """Answer a question about the product in focus, one named ("the second one", a name), or an id."""

    skill = "product_answer"

    def name(self) -> str:
        return "action_answer_product_question"

    async def prepare(self, state: DialogueState, parse: Parse, tracker: Tracker, resources: Resources) -> str | None:
        return await check_focus(state, tracker, resources)


class ActionRecommendProducts(ShopbotAction):
    """Recommend a few well-rated products for what the message asks, with the reasons."""

    skill = "recommend"

    def name(self) -> str:
        return "action_recommend_products"

    async def prepare(self, state: DialogueState, parse: Parse, tracker: Tracker, resources: Resources) -> str | None:
        if not parse.text:
            return "What would you like a recommendation for? Tell me what it's for, or a budget."
        await check_focus(state, tracker, resources)
        return None


class ActionCompareProducts(ShopbotAction):
    """Compare the products the message names ("the first two"), else the first two shown."""

    skill = "compare"

    def name(self) -> str:
        return "action_compare_products"

    async def prepare(self, state: DialogueState, parse: Parse, tracker: Tracker, resources: Resources) -> str | None:
        return await check_focus(state, tracker, resources)
