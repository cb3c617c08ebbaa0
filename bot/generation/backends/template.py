"""Answers rendered from the facts alone: deterministic, always grounded, readable on their own.

This is the fallback whenever a model fails, times out or states something unsupported,
so every skill declares a complete template (its `render`, in bot/skills/), and every
sentence only restates facts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from bot.generation.backends.base import Generator
from bot.generation.facts import AnswerContext


def _pieces(context: AnswerContext) -> list[str]:
    from bot.skills import registry  # the skills import the generation package: look them up late

    return registry.skill(context.skill).render(context)

def render(context: AnswerContext) -> str:
    """The template answer for a context, as one string."""
    return "".join(_pieces(context)).strip()


class TemplateGenerator(Generator):
    """Renders answers from facts; never fails, never needs checking."""

    name = "template"
    writes_free_text = False

    async def stream(self, context: AnswerContext, *, strict: bool = False) -> AsyncIterator[str]:
        """Yield the rendered answer piece by piece (a line or sentence each)."""
        pieces = _pieces(context)
        for i, piece in enumerate(pieces):
            yield piece.rstrip() if i == len(pieces) - 1 else piece
