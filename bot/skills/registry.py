"""The skills, by name and by the acts they handle: one registry for the dialogue core, the
templates, the prompts and the grounding checks.

Built-in skills are registered here the same way an extension would be (`register`).
"""

from __future__ import annotations

from bot.skills import (
    cart,
    clarify,
    compare,
    fallback,
    handoff,
    order,
    policy,
    product_answer,
    redirect,
    reviews,
    search,
    smalltalk,
    suggestions,
)
from bot.skills.base import Run, Skill

_SKILLS: dict[str, Skill] = {}
_ACTS: dict[str, Run] = {}
_OWNER: dict[str, str] = {}  # act -> the skill that handles it


class UnknownSkillError(KeyError):
    """A name no registered skill (or act) has."""


def register(skill: Skill) -> None:
    """Add a skill; its name and each act it handles must be new."""
    if skill.name in _SKILLS:
        raise ValueError(f"a skill named {skill.name!r} is already registered")
    taken = sorted(set(skill.handles) & set(_ACTS))
    if taken:
        raise ValueError(f"acts already handled by another skill: {', '.join(taken)}")
    _SKILLS[skill.name] = skill
    _ACTS.update(skill.handles)
    _OWNER.update({act: skill.name for act in skill.handles})


def skill(name: str) -> Skill:
    """The skill whose answers are of kind `name` ("search", "product_answer", ...)."""
    try:
        return _SKILLS[name]
    except KeyError:
        raise UnknownSkillError(f"unknown skill {name!r}; known: {', '.join(sorted(_SKILLS))}") from None


def runner(act: str) -> Run:
    """How the act is run (each act is handled by exactly one skill)."""
    try:
        return _ACTS[act]
    except KeyError:
        raise UnknownSkillError(f"unknown act {act!r}; known: {', '.join(sorted(_ACTS))}") from None


def owner(act: str) -> str:
    """The name of the skill that handles `act`."""
    try:
        return _OWNER[act]
    except KeyError:
        raise UnknownSkillError(f"unknown act {act!r}; known: {', '.join(sorted(_ACTS))}") from None


def names() -> tuple[str, ...]:
    """Every skill's name."""
    return tuple(_SKILLS)


def acts() -> tuple[str, ...]:
    """Every act some skill handles."""
    return tuple(_ACTS)


def model_written() -> frozenset[str]:
    """Skills whose answers a model may phrase."""
    return frozenset(name for name, s in _SKILLS.items() if s.model_writes)


for _module in (search, suggestions, product_answer, reviews, compare, cart, order, policy, handoff, clarify,
                smalltalk, fallback, redirect):  # fmt: skip
    register(_module.SKILL)
