"""What a conversation remembers between turns: search slots, the last results, focus, cart.

State is plain data (saved as JSON with the conversation after every turn), so a restart
or another server process continues exactly where the last reply left off.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from bot.dialogue.constraints import SearchConstraints

PAGE = 5
# Earlier result lists kept, so a name or "the earlier ones" still finds them.
EARLIER_LISTS = 3


class CartLine(BaseModel):
    """One product in the cart, with the variant the shopper chose."""

    product_id: str
    title: str
    price: float
    currency: str = "USD"
    quantity: int = 1
    size: str | None = None
    color: str | None = None


class DialogueState(BaseModel):
    """Slots and memory of one conversation."""

    # What the shopper is looking for, carried over turns until changed or a new topic starts.
    search: SearchConstraints = Field(default_factory=SearchConstraints)
    # The last result list (product ids, in the order shown), how far it was paged, and
    # the product being discussed. `total` is how many products match when that is a real
    # count (those passing the filters), None when unknown: the list itself is capped.
    results: list[str] = Field(default_factory=list)
    earlier: list[list[str]] = Field(default_factory=list)  # the lists shown before, newest last
    total: int | None = None
    offset: int = 0
    focus: str | None = None
    viewed: list[str] = Field(default_factory=list)
    # When the results are suggestions (not search hits): why each was suggested, and what
    # they answer ("more like this" or "what goes with this" name a product).
    suggested: bool = False
    reasons: dict[str, list[str]] = Field(default_factory=dict)
    anchor: str | None = None
    suggest_kind: str | None = None
    recipient: str | None = None  # who the suggestions are for ("dad"), when a gift
    cart: list[CartLine] = Field(default_factory=list)
    # Consecutive turns not understood: after two, a person is offered.
    fallbacks: int = 0
    clarified: bool = False
    # A question the bot asked and the answer it waits for.
    pending_add: str | None = None
    offered_handoff: bool = False
    # The nearest search offered when a refinement matched nothing ("blue in other sizes"): a yes shows it.
    offered_search: SearchConstraints | None = None
    leaving_message: bool = False  # nobody was available: the shopper's next messages are for the team
    order_number: str | None = None
    asked: str | None = None  # what the bot's last reply asked for ("order_number"); for the next message only
    last_intent: str | None = None
    # What the bot's last reply did, as the intent model reads it (bot/nlu/context.py):
    # "asked_question", "showed_list", "named_product", or None.
    previous_act: str | None = None

    @classmethod
    def load(cls, data: dict[str, Any] | None) -> DialogueState:
        """State from its saved JSON (empty for a new conversation)."""
        return cls.model_validate(data or {})

    def dump(self) -> dict[str, Any]:
        """State as JSON-ready data."""
        return self.model_dump(mode="json")

    def shown(self) -> list[str]:
        """Product ids on the page the shopper last saw."""
        return self.results[self.offset : self.offset + PAGE]

    def remember_focus(self, product_id: str) -> None:
        """Make a product the one in focus and count it as viewed."""
        self.focus = product_id
        if product_id in self.viewed:
            self.viewed.remove(product_id)
        self.viewed.append(product_id)
        del self.viewed[:-50]

    def has_search_slots(self) -> bool:
        """True when anything narrows a search."""
        return not self.search.is_empty()

    def show(self, results: list[str]) -> None:
        """Replace the result list (the one before is kept among the earlier lists)."""
        if self.results and self.results != results:
            self.earlier = [*self.earlier, self.results][-EARLIER_LISTS:]
        self.results = results
        self.offset = 0
