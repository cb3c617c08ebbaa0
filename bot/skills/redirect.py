"""Redirect: a message outside shopping (or one the guardrails hold back) gets a polite way back."""

from __future__ import annotations

from bot.generation.facts import AnswerContext
from bot.skills.base import Skill


def _redirect(c: AnswerContext) -> list[str]:
    if c.store_facts:
        return [f"{fact} " for fact in c.store_facts]
    return [
        f"I can only help with shopping at {c.store_name}: finding products, answering questions about them, "
        "and orders. What are you looking for today?"
    ]


SKILL = Skill(
    name="redirect",
    render=_redirect,
    task="Politely say you can only help with shopping at this store.",
)
