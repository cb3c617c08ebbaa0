"""The store policy: a Markdown file of topics, and finding the section that answers a question."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.errors import ConfigError
from bot.generation.facts import PolicyFacts
from catalog import DEMO_POLICY

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
