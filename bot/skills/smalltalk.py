"""Small talk: greetings, thanks, goodbyes, what the assistant can do, yes and no on their own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.dialogue.plan import Plan, Request
from bot.dialogue.state import DialogueState
from bot.generation.facts import AnswerContext
from bot.generation.phrasing import facts_or
from bot.skills import fallback
from bot.skills.base import Skill

if TYPE_CHECKING:
    from bot.dialogue.engine import Dialogue


async def smalltalk(d: Dialogue, state: DialogueState, req: Request) -> Plan:
    """Greetings, thanks, goodbyes, "who are you?": a short fixed reply; anything else is not understood."""
    parse, intent = req.parse, req.frame.intent
    store = d.store_name
    replies = {
        "greet": f"Hi! I'm the shopping assistant of {store}. I can find products, answer questions about them, "
        "compare them and check on orders. What are you looking for?",
        "capabilities": "I can find products, answer questions about them, compare them, keep a cart, "
        "answer questions about shipping, returns and payment, check or cancel an order, "
        "and connect you with a person from our team.",
        "thanks": "You're welcome! Is there anything else I can help with?",
        "goodbye": f"Thanks for visiting {store}. Goodbye!",
        "bot_challenge": "I'm an automated shopping assistant. I can connect you with a person from our team at any time.",
        "feedback": "Thank you for the feedback! I've passed it on to our team.",
        "deny": "No problem. What else can I help you with?",
        "affirm": "Great! What would you like to do next?",
    }
    if intent == "deny":
        state.offered_handoff = False
    if intent not in replies:
        return await fallback.fallback(d, state, req)
    buttons = tuple(d.categories[:3]) if intent in ("greet", "capabilities") else ()
    return Plan(AnswerContext("smalltalk", parse.text, store_facts=(replies[intent],)), buttons=buttons)


SKILL = Skill(
    name="smalltalk",
    render=facts_or("Hi! What can I help you find today?"),
    task="Reply briefly and warmly, saying what the STORE FACTS say.",
    handles={"smalltalk": smalltalk},
)
