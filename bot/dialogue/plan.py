"""What a skill returns (`Plan`) and what it is given (`Request`): the contract between the
dialogue core and its skills, in a module of its own so skills need nothing else of the core."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.generation.facts import AnswerContext, ProductFacts
from bot.nlu.parser import Parse
from retrieval.recommend import ShopperProfile, SignalKind

# The quick replies under "shall I connect you with a person?". The first one means yes
# whatever the intent model reads in its words.
HANDOFF_BUTTONS = ("Yes, connect me", "No thanks")

if TYPE_CHECKING:
    from bot.dialogue.frame import Frame


@dataclass
class Plan:
    """What to say (as facts), which products to show, which quick replies to offer."""

    context: AnswerContext
    cards: tuple[ProductFacts, ...] = ()
    buttons: tuple[str, ...] = ()
    handoff: bool = False
    payload: dict[str, Any] = field(default_factory=dict)
    # What the shopper did this turn (product id, kind) and the preferences they stated:
    # the assistant stores both with the shopper's profile.
    signals: list[tuple[str, SignalKind]] = field(default_factory=list)
    remember: dict[str, Any] = field(default_factory=dict)


@dataclass
class Request:
    """One turn as a skill receives it: the frame, the parse it came from, the shopper's profile."""

    frame: Frame
    parse: Parse
    profile: Callable[[], Awaitable[ShopperProfile]]
    # The products the message names about equally well (frame.named_close), for "which one?".
    close: list[Any] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The shopper's message."""
        return self.parse.text
