"""The store policy: a Markdown file of topics, finding the section that answers a question, and the
skill that answers policy questions from it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.dialogue.plan import Plan, Request
from bot.dialogue.state import DialogueState
from bot.errors import ConfigError
from bot.generation.facts import AnswerContext, PolicyFacts
from bot.skills import fallback
from bot.skills.base import Skill
from catalog import DEMO_POLICY

if TYPE_CHECKING:
    from bot.dialogue.engine import Dialogue
    from bot.generation.checker import Violation

# The demo store's policy: served only with the demo catalog (bot/services.load_policy).
DEFAULT_POLICY_FILE = DEMO_POLICY

# NLU intents that name a policy topic outright.
INTENT_TOPICS = {
    "shipping_info": "shipping",
    "return_refund": "returns",
    "payment_info": "payment",
    "billing": "payment",
    "promotions": "promotions",
    "order_modify": "orders",
    "order_cancel": "orders",
}


@dataclass(frozen=True)
class PolicySection:
    """One topic of the policy: its title, the words shoppers use for it, and the answer text."""

    topic: str
    title: str
    keywords: tuple[str, ...]
    text: str

    def facts(self) -> PolicyFacts:
        """The section as answer facts."""
        return PolicyFacts(topic=self.topic, title=self.title, text=self.text)


class StorePolicy:
    """The policy sections of one store; none at all when the store has not written one."""

    def __init__(self, sections: list[PolicySection]) -> None:
        self.sections = {s.topic: s for s in sections}

    @classmethod
    def none(cls) -> StorePolicy:
        """A store without a policy file: every policy question is answered "I don't have that"."""
        return cls([])

    @classmethod
    def load(cls, path: Path | None = None) -> StorePolicy:
        """Read a policy file: `## Title`, an optional `keywords:` line, then the text."""
        path = path or DEFAULT_POLICY_FILE
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read the store policy file {path}: {exc.strerror}") from None
        sections = []
        for block in re.split(r"^## +", text, flags=re.M)[1:]:
            title, _, body = block.partition("\n")
            keywords: tuple[str, ...] = ()
            lines = []
            for line in body.strip().splitlines():
                if line.lower().startswith("keywords:"):
                    keywords = tuple(k.strip().lower() for k in line.split(":", 1)[1].split(",") if k.strip())
                else:
                    lines.append(line)
            body_text = " ".join(x.strip() for x in lines if x.strip())
            if body_text:
                sections.append(PolicySection(title.strip().lower(), title.strip(), keywords, body_text))
        if not sections:
            raise ConfigError(f"the store policy file {path} has no '## Topic' sections")
        return cls(sections)

    def find(self, question: str, intent: str | None = None) -> PolicySection | None:
        """The section that answers a question: by intent, else by the most keyword matches."""
        topic = INTENT_TOPICS.get(intent or "")
        if topic in self.sections:
            return self.sections[topic]
        lowered = question.lower()
        scored = [
            (sum(1 for k in s.keywords if re.search(rf"\b{re.escape(k)}\b", lowered)), s) for s in self.sections.values()
        ]
        if not scored:
            return None
        best, section = max(scored, key=lambda x: x[0])
        return section if best > 0 else None


async def answer(d: Dialogue, state: DialogueState, req: Request) -> Plan:
    """The section of the store's policy that answers the question; never a guess when none does."""
    parse, intent = req.parse, req.frame.intent
    section = d.policy.find(parse.text, intent)
    if section is None and (intent in INTENT_TOPICS or not d.policy.sections):
        # A policy question the store's policy does not answer: say so, never guess.
        state.offered_handoff = True
        return Plan(AnswerContext("policy", parse.text), buttons=("Yes, connect me", "No thanks"))
    if section is None:
        return await fallback.fallback(d, state, req)
    return Plan(AnswerContext("policy", parse.text, policy=section.facts()))


def _policy(c: AnswerContext) -> list[str]:
    if c.policy is None:
        return ["I don't have that in our store policy. I can connect you with our team if you'd like."]
    return [c.policy.text]


def policy_checks(context: AnswerContext, text: str, named: set[str]) -> list[Violation]:
    """A policy answer must carry the policy's figures."""
    from bot.generation.checker import policy_omissions

    return policy_omissions(context, text)


SKILL = Skill(
    name="policy",
    render=_policy,
    task="Answer the question using the POLICY text.",
    handles={"policy": answer},
    checks=policy_checks,
    model_writes=True,
)
