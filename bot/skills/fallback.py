"""Fallback: a message not understood (or refused by the guardrails)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.dialogue.plan import Plan, Request
from bot.dialogue.state import DialogueState
from bot.generation.facts import AnswerContext
from bot.generation.phrasing import facts_or
from bot.skills import handoff
from bot.skills.base import Skill

if TYPE_CHECKING:
    from bot.dialogue.engine import Dialogue


async def fallback(d: Dialogue, state: DialogueState, req: Request) -> Plan:
    """Not understood: say so and what the assistant can do; after a few in a row, a person."""
    parse = req.parse
    state.fallbacks += 1
    if state.fallbacks >= d.fallbacks_before_handoff:
        state.fallbacks = 0
        return await handoff.handoff(d, state, req)
    buttons: tuple[str, ...] = ("Talk to a person",) if state.fallbacks >= 2 else tuple(d.categories[:3])
    return Plan(AnswerContext("fallback", parse.text), buttons=buttons)


SKILL = Skill(
    name="fallback",
    render=facts_or(
        "Sorry, I didn't quite get that. I can find products, answer questions about them, compare them, "
        "and check on orders. For example, try “waterproof hiking boots”."
    ),
    task="Say you did not understand and suggest what you can help with.",
)
