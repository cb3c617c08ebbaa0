"""What a conversation remembers between turns: search slots, the last results, focus, cart.

State is plain data (saved as JSON with the conversation after every turn), so a restart
or another server process continues exactly where the last reply left off.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

PAGE = 5


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

    # Search slots: what the shopper is looking for, carried over turns until changed.
    query: str | None = None
    category: str | None = None
    brand: str | None = None
    exclude_brands: list[str] = Field(default_factory=list)
    color: str | None = None
    size: str | None = None
    price_min: float | None = None
    price_max: float | None = None
    in_stock: bool = False  # "only the ones in stock": keeps products whose stock is untracked
    # The last result list (product ids, in the order shown), how far it was paged, and
    # the product being discussed. `total` is how many products match when that is a real
    # count (those passing the filters), None when unknown: the list itself is capped.
    results: list[str] = Field(default_factory=list)
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
    leaving_message: bool = False  # nobody was available: the shopper's next messages are for the team
    order_number: str | None = None
    last_intent: str | None = None

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
        return any(
            x is not None for x in (self.query, self.category, self.brand, self.color, self.size, self.price_min, self.price_max)
        )
