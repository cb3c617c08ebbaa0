"""The reply as the shopper saw it, and the registry of checks by name."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, get_type_hints

from pydantic import TypeAdapter

from retrieval.catalog import Product
from retrieval.money import format_money


@dataclass(frozen=True)
class Seen:
    """One bot reply as the shopper sees it: text, product cards, quick replies, a handoff."""

    text: str = ""
    cards: tuple[Mapping[str, Any], ...] = ()
    buttons: tuple[str, ...] = ()
    handoff: bool = False
    # No reply at all: a person from the team is handling the conversation.
    held: bool = False
    # The product the reply says it is about, when the reply reports one.
    focus: str | None = None

    @classmethod
    def of(cls, reply: Mapping[str, Any] | Seen) -> Seen:
        """From a reply dict: {"text", "cards", "buttons", "handoff"}, or those inside a "payload"."""
        if isinstance(reply, Seen):
            return reply
        payload = {**reply.get("payload", {}), **{k: v for k, v in reply.items() if k != "payload"}}
        buttons = tuple(b.get("title", "") if isinstance(b, Mapping) else str(b) for b in payload.get("buttons") or ())
        focus = payload.get("focus")
        return cls(
            text=str(payload.get("text") or ""),
            cards=tuple(payload.get("cards") or ()),
            buttons=buttons,
            handoff=bool(payload.get("handoff")),
            held=bool(payload.get("held")),
            focus=focus if isinstance(focus, str) else None,
        )

    @property
    def card_ids(self) -> list[str]:
        """The ids of the cards shown, in order."""
        return [str(c.get("id")) for c in self.cards]

    def describe(self, limit: int = 240) -> str:
        """What was seen, in one line, for a failure report."""
        if self.held:
            return "no reply (a person is handling the conversation)"
        text = " ".join(self.text.split())
        text = text if len(text) <= limit else text[: limit - 1] + "…"
        cards = ", ".join(f"{c.get('id')} {c.get('title')} {_price(c)}" for c in self.cards) or "none"
        handoff = "; handed to a person" if self.handoff else ""
        return f'text "{text}"; cards: {cards}{handoff}'


def _price(card: Mapping[str, Any]) -> str:
    price = card.get("price")
    return format_money(float(price), str(card.get("currency") or "USD")) if isinstance(price, (int, float)) else "(no price)"


@dataclass(frozen=True)
class Context:
    """What a check may consult besides the reply: the catalog and this conversation's earlier replies."""

    catalog: Mapping[str, Product]
    earlier: Sequence[Seen] = field(default_factory=tuple)


CheckFn = Callable[[Any, Seen, Context], "str | None"]


@dataclass(frozen=True)
class Check:
    """One registered check: its function and the schema of its value."""

    name: str
    run: CheckFn
    schema: TypeAdapter[Any]


CHECKS: dict[str, Check] = {}


def check(name: str) -> Callable[[CheckFn], CheckFn]:
    """Register a check under `name`; the type of its first parameter is the schema of its value.

    The function returns None when the reply passes, else what was wrong, in words.
    """

    def register(fn: CheckFn) -> CheckFn:
        first = next(iter(inspect.signature(fn).parameters))
        CHECKS[name] = Check(name, fn, TypeAdapter(get_type_hints(fn, include_extras=True)[first]))
        return fn

    return register


def parse_check(name: str, value: Any) -> Any:
    """The validated value of a check as written in a file; KeyError or ValueError say what is wrong."""
    if name not in CHECKS:
        raise KeyError(f"unknown check {name!r}; known checks: {', '.join(sorted(CHECKS))}")
    return CHECKS[name].schema.validate_python(value)


def run_check(name: str, value: Any, reply: Mapping[str, Any] | Seen, context: Context) -> str | None:
    """Run one check on a reply (a Seen or a reply dict); None when it passes, else what was wrong."""
    return CHECKS[name].run(parse_check(name, value), Seen.of(reply), context)
