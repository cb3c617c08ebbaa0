"""Clarify: one question back when a request names nothing to search for or no product to act on."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.dialogue.plan import Plan, Request
from bot.dialogue.state import DialogueState
from bot.generation.facts import AnswerContext
from bot.generation.phrasing import facts_or
from bot.skills.base import Skill

if TYPE_CHECKING:
    from bot.dialogue.engine import Dialogue

# Words that ask for something without saying what ("show me something nice").
VAGUE = frozenset(
    "i i'm im want need looking look for some something anything a an the to buy get find show me please products "
    "product stuff things items item can you have do any what got sell good nice new recommend ideas idea".split()
)


def vague(d: Dialogue, state: DialogueState, req: Request) -> Plan | None:
    """One clarifying question when a request names nothing to search for."""
    words = [w for w in re.findall(r"[a-z']+", req.text.lower()) if w not in VAGUE]
    if req.parse.entities or words or state.clarified:
        return None
    state.clarified = True
    question = "What kind of product are you looking for? Tell me a category, a brand or what it's for."
    return Plan(AnswerContext("clarify", req.text, store_facts=(question,)), buttons=tuple(d.categories[:5]))


async def clarify(d: Dialogue, state: DialogueState, req: Request) -> Plan:
    """Ask what the shopper is looking for, or which product they mean."""
    return vague(d, state, req) or d.which(req, state)


SKILL = Skill(
    name="clarify",
    render=facts_or("Could you tell me a bit more about what you're looking for?"),
    task="Ask the shopper the one question in the STORE FACTS to narrow the search.",
    handles={"clarify": clarify},
)
