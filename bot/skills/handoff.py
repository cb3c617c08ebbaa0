"""Handoff: a person from the store's team takes the conversation (and complaints that ask for one)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.dialogue.leave_message import offline_note
from bot.dialogue.plan import HANDOFF_BUTTONS, Plan, Request
from bot.dialogue.state import DialogueState
from bot.generation.facts import AnswerContext
from bot.generation.phrasing import facts_or
from bot.skills.base import Skill

if TYPE_CHECKING:
    from bot.dialogue.engine import Dialogue

ANGRY_RE = re.compile(
    r"!!|\b(?:ridiculous|unacceptable|worst|furious|angry|disgusted|scam|rip[- ]?off|useless|terrible|awful|"
    r"never again|sue|lawyer|refund now)\b",
    re.IGNORECASE,
)


async def handoff(d: Dialogue, state: DialogueState, req: Request) -> Plan:
    """Hand the conversation to the team (or take a message for them when nobody is there)."""
    parse = req.parse
    state.offered_handoff = False
    if not d.agents_available():
        # Still queued for the team, who read it later; meanwhile the bot takes the message.
        state.leaving_message = True
        note = offline_note(d.agent_hours)
    else:
        state.leaving_message = False
        note = "I'm connecting you with a person from our team. They will see this conversation, so you won't need to repeat yourself."
    return Plan(AnswerContext("handoff", parse.text, store_facts=(note,)), handoff=True)


async def complaint(d: Dialogue, state: DialogueState, req: Request) -> Plan:
    """An angry message goes to a person at once; otherwise a person is offered."""
    parse = req.parse
    if ANGRY_RE.search(parse.text) or parse.text.isupper():
        return await handoff(d, state, req)
    state.offered_handoff = True
    note = "I'm sorry to hear that. Would you like me to connect you with a person from our team who can sort it out?"
    return Plan(AnswerContext("smalltalk", parse.text, store_facts=(note,)), buttons=HANDOFF_BUTTONS)


SKILL = Skill(
    name="handoff",
    render=facts_or(
        "I'm connecting you with a member of our team. They will see this conversation, so you won't need to repeat yourself."
    ),
    task="Tell the shopper a person from the team will take over the conversation.",
    handles={"handoff": handoff, "complaint": complaint},
)
