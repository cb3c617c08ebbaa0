"""A skill: the acts it handles, how it runs them, and how its answers are phrased and checked.

Everything about one kind of answer lives in its skill's module: the dialogue acts that
lead to it (bot/dialogue/frame.py), `run` for each act (facts, cards and quick replies as a
`Plan`), the template that phrases it without a model, the task a model is given, and the
checks a model's draft must pass to be shown. Adding a skill is one module registered in
bot/skills/registry.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.dialogue.plan import Plan, Request
from bot.dialogue.state import DialogueState
from bot.generation.facts import AnswerContext

if TYPE_CHECKING:
    from bot.dialogue.engine import Dialogue
    from bot.generation.checker import Violation

Run = Callable[["Dialogue", DialogueState, Request], Awaitable[Plan]]
Render = Callable[[AnswerContext], list[str]]
# (context, draft text, ids of the products the draft names) -> what the draft leaves out.
Checks = Callable[[AnswerContext, str, set[str]], list["Violation"]]


def _no_checks(context: AnswerContext, text: str, named: set[str]) -> list[Violation]:
    return []


def list_checks(context: AnswerContext, text: str, named: set[str]) -> list[Violation]:
    """A list answer (search hits, suggestions) must name products found, each with its price."""
    from bot.generation.checker import Violation, unpriced

    missing = []
    if context.products and not named:
        missing.append(Violation("omission", context.skill, "names none of the products found"))
    return missing + unpriced(context, text, named)


@dataclass(frozen=True)
class Skill:
    """One skill (see the module docstring). `name` is the kind of answer it gives."""

    name: str
    render: Render
    task: str
    handles: Mapping[str, Run] = field(default_factory=dict)
    checks: Checks = _no_checks
    # Whether a model may phrase its answers (else the template always does).
    model_writes: bool = False
    # The act run when a caller names this skill and the message reads as another skill's.
    default_act: str | None = None

    def fallback_act(self) -> str:
        """The act run when this skill is named for a message that reads as another's."""
        if self.default_act is not None:
            return self.default_act
        return next(iter(self.handles))
