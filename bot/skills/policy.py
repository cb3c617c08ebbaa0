"""The store policy: a Markdown file of topics, finding the section that answers a question, and the
skill that answers policy questions from it.

A section answers only with evidence that it does, not because the question is of its kind:
"do you price match?" reads as a question about promotions, but the promotions section says
nothing about matching prices, so the answer is that the policy doesn't cover it. Evidence is
coverage: at least half the words the question turns on must be in the section (in some form,
or close in meaning to one of its words: "Germany" to "Canada"); then a keyword of the section
in the question, or a keyword or sentence of it the encoder finds close to the question and
clearly closer than any other section's.

A product's own terms ("Ships in 2 weeks", "No return policy") override the store policy: a
policy question about the product in focus, or named, is answered from its own fields when
they answer it (bot/skills/product_qa.py `product_terms`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import Stemmer

from bot.dialogue.plan import HANDOFF_BUTTONS, Plan, Request
from bot.dialogue.state import DialogueState
from bot.errors import ConfigError
from bot.generation.facts import AnswerContext, Finding, PolicyFacts, ProductFacts
from bot.generation.phrasing import finding_sentence, plural_title
from bot.skills import fallback
from bot.skills.base import Skill
from bot.skills.product_qa import product_terms, topic_of
from catalog import DEMO_POLICY
from retrieval.catalog import Product
from retrieval.embeddings import Encoder

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
# Words any policy question may hold without them being what it asks about.
_GENERIC = set(
    "how long much many do does did you your yours can could i im get got getting is are was were be been there any "
    "what whats where when which who why the a an to of in on at for from by with it its this that these those me my "
    "mine we our us they them want wanted need would will should shall may might if or and so not no yes policy "
    "policies please tell know about have has had take takes make item items product products thing things something "
    "anything order orders ordered buy bought purchase purchased store shop just also still really ok okay hi hello s "
    "dont doesnt didnt isnt arent wasnt cant couldnt wont wouldnt ive youre thats theres".split()
)
# A keyword found, and the question this close to the section (cosine, all-MiniLM-L6-v2).
KEYWORD_SIMILARITY = 0.40
# No keyword: the section this close, and this far ahead of the next section.
STRONG_SIMILARITY = 0.55
SECTION_MARGIN = 0.08
# A word of the question is covered by a section holding a word this close to it.
WORD_SIMILARITY = 0.55
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_STEMMER = Stemmer.Stemmer("english")


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("’", "").replace("'", ""))


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

    @cached_property
    def units(self) -> tuple[str, ...]:
        """What the encoder compares a question with: each keyword and each sentence."""
        return (*self.keywords, *(x for x in _SENTENCE.split(self.text) if x.strip()))

    @cached_property
    def vocabulary(self) -> tuple[str, ...]:
        """The words of the section (title, keywords and text) that say something."""
        words = _words(" ".join((self.title, *self.keywords, self.text)))
        return tuple(sorted({w for w in words if w not in _GENERIC and not w.isdigit()}))

    @cached_property
    def stems(self) -> frozenset[str]:
        """The stems of the section's words."""
        return frozenset(_STEMMER.stemWords(list(self.vocabulary)))

    def keyword_hits(self, stems: set[str]) -> int:
        """How many of the section's keywords (and title) the question holds, word forms aside."""
        names = (*self.keywords, self.title)
        return sum(1 for k in names if (ks := set(_STEMMER.stemWords(_words(k)))) and ks <= stems)

    def covers(self, word: str) -> bool:
        """Whether the section holds the word, in any form ("unworn" holds "worn")."""
        stem = _STEMMER.stemWord(word)
        return stem in self.stems or (len(word) > 3 and any(word in w for w in self.vocabulary))


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

    def find(self, question: str, intent: str | None = None, encoder: Encoder | None = None) -> PolicySection | None:
        """The section that answers a question, when there is evidence it does (see the module
        docstring); the intent only decides between sections that both answer."""
        if not self.sections:
            return None
        sections = list(self.sections.values())
        stems = set(_STEMMER.stemWords(_words(question)))
        content = [w for w in dict.fromkeys(_words(question)) if w not in _GENERIC and not w.isdigit()]
        hits = [s.keyword_hits(stems) for s in sections]
        uncovered = [[w for w in content if not s.covers(w)] for s in sections]
        topic = INTENT_TOPICS.get(intent or "")
        if encoder is None:
            # Words alone: a keyword, and at least half the question's words in the section.
            answering = [
                (h, s.topic == topic, -len(u), i)
                for i, (s, h, u) in enumerate(zip(sections, hits, uncovered, strict=True))
                if h and 2 * len(u) <= len(content)
            ]
            return sections[max(answering)[3]] if answering else None
        similarity = self._similarities(question, encoder)
        uncovered = [self._uncovered_by_meaning(s, u, encoder) for s, u in zip(sections, uncovered, strict=True)]
        answering = []
        for i, (s, h, u, sim) in enumerate(zip(sections, hits, uncovered, similarity, strict=True)):
            if 2 * len(u) > len(content):
                continue  # most of what is asked ("price match", "minimum order") is not in it
            ahead = sim - max((x for j, x in enumerate(similarity) if j != i), default=-1.0)
            keyword = h > 0 and sim >= KEYWORD_SIMILARITY
            strong = sim >= STRONG_SIMILARITY and ahead >= SECTION_MARGIN
            if keyword or strong:
                answering.append((s.topic == topic, sim, i))
        return sections[max(answering)[2]] if answering else None

    def warm(self, encoder: Encoder) -> None:
        """Encode every section's keywords, sentences and words once, before the first question."""
        sections = list(self.sections.values())
        encoder.encode_cached([u for s in sections for u in s.units] + [w for s in sections for w in s.vocabulary])

    def _similarities(self, question: str, encoder: Encoder) -> list[float]:
        """Each section's closeness to the question: its closest keyword or sentence."""
        units = [(i, u) for i, s in enumerate(self.sections.values()) for u in s.units]
        scores = encoder.encode_cached([u for _, u in units]) @ encoder.encode_query(question)
        best = [-1.0] * len(self.sections)
        for (i, _), score in zip(units, scores, strict=True):
            best[i] = max(best[i], float(score))
        return best

    @staticmethod
    def _uncovered_by_meaning(section: PolicySection, words: list[str], encoder: Encoder) -> list[str]:
        """The words no word of the section is close to ("Germany" is close to "Canada")."""
        if not words:
            return []
        vocabulary = encoder.encode_cached(list(section.vocabulary))
        closest = np.max(encoder.encode_cached(words) @ vocabulary.T, axis=1)
        return [w for w, c in zip(words, closest, strict=True) if c < WORD_SIMILARITY]


async def answer(d: Dialogue, state: DialogueState, req: Request) -> Plan:
    """The product's own terms when the question is about a product that has them, else the section
    of the store's policy that answers it; never a guess when none does."""
    parse, intent, encoder = req.parse, req.frame.intent, d.encoder
    product = await _product_asked_about(d, state, req)
    # One trip to the model threads for both readings: each trip waits behind other turns' work.
    section, terms = await d.run(lambda: (
        d.policy.find(parse.text, intent, encoder), product_terms(product, parse.text, encoder) if product else []
    ))  # fmt: skip
    if product is not None:
        if terms:
            return _product_terms(state, req, product, terms, section)
        if section is None and INTENT_TOPICS.get(intent or ""):
            # Neither the product nor the store says: the catalog doesn't say, and a person may.
            state.offered_handoff = True
            unknown = [Finding(topic_of(product, parse.text), "unknown", "none")]
            return _product_terms(state, req, product, unknown, None)
    elif req.frame.reference is not None and await _shown_have_terms(d, state, req):
        # "Can I return it?" over a list, with no product in focus: its own terms may differ.
        return d.which(req, state)
    if section is None and (intent in INTENT_TOPICS or not d.policy.sections):
        # A policy question the store's policy does not answer: say so, never guess.
        state.offered_handoff = True
        return Plan(AnswerContext("policy", parse.text), buttons=HANDOFF_BUTTONS)
    if section is None:
        return await fallback.fallback(d, state, req)
    return Plan(AnswerContext("policy", parse.text, policy=section.facts()))


async def _product_asked_about(d: Dialogue, state: DialogueState, req: Request) -> Product | None:
    """The one product the question is about: referred to ("it", the one in focus), or named."""
    referred = await d.referred(state, req)
    if referred:
        return referred[0] if len(referred) == 1 else None
    if not _capitalised(req.text) and not any(e.type in ("brand", "category") for e in req.parse.entities):
        return None  # names nothing: a question about the store
    hits = await d.run(lambda: d.search.search(req.text, k=5))
    return next((h.product for h in hits if _names(req.text, h.product)), None)


def _capitalised(text: str) -> bool:
    """Whether a message holds a capitalised word past its first: a name ("the Lenovo Yoga 920")."""
    return any(w[0].isupper() for w in text.split()[1:] if w[0].isalpha() and w != "I")


def _names(text: str, product: Product) -> bool:
    """Whether the text names the product: its title, or two of its longer title words."""
    lowered = f" {' '.join(_words(text))} "
    title = _words(product.title)
    if f" {' '.join(title)} " in lowered:
        return True
    return sum(1 for w in set(title) if len(w) > 3 and f" {w} " in lowered) >= 2


async def _shown_have_terms(d: Dialogue, state: DialogueState, req: Request) -> bool:
    """Whether any of several products on show has its own terms on the question."""
    shown = await d.products(state.shown())
    encoder = d.encoder
    return len(shown) > 1 and any(await d.run(lambda: [product_terms(p, req.text, encoder) for p in shown]))


def _product_terms(
    state: DialogueState, req: Request, product: Product, terms: list[Finding], section: PolicySection | None
) -> Plan:
    """The product's own terms as the answer; the store's section on it, if any, is not given."""
    state.remember_focus(product.id)
    facts = ProductFacts.from_product(product)
    notes = (f"These apply instead of our general {section.title.lower()} policy.",) if section else ()
    context = AnswerContext("policy", req.text, products=(facts,), findings=tuple(terms), store_facts=notes)
    buttons = ("Add to cart", "Talk to a person") if facts.in_stock else ("Show similar", "Talk to a person")
    if any(f.answer == "unknown" for f in terms):
        buttons = HANDOFF_BUTTONS
    return Plan(context, cards=(facts,), buttons=buttons, signals=[(product.id, "viewed")])


def _policy(c: AnswerContext) -> list[str]:
    if c.findings and c.focus is not None:
        return [*_terms_sentences(c.findings, c.focus), *(f"{fact} " for fact in c.store_facts)]
    if c.policy is None:
        return ["I don't have that in our store policy. I can connect you with our team if you'd like."]
    return [c.policy.text]


def _terms_sentences(findings: tuple[Finding, ...], p: ProductFacts) -> list[str]:
    """The product's own terms, said as such: "The Lenovo Yoga 920 has its own terms here: its return policy is ..."."""
    has, its = ("have", "their") if plural_title(p.title) else ("has", "its")
    values = [f"{its} {f.topic} is “{f.answer}”" for f in findings
              if f.source == "attribute" and f.answer not in ("yes", "no", "unknown")]  # fmt: skip
    quotes = [f"{its} description says: “{f.quote}”" for f in findings if f.quote]
    out = [f"The {p.title} {has} {its} own terms here: {', and '.join(values)}. "] if values else []
    out += [f"The {p.title} {has} {its} own terms here; {q} " for q in quotes]
    # A yes or no ("returnable: yes") reads as product answers do.
    out += [finding_sentence(f, p) + " " for f in findings if f.answer in ("yes", "no")]
    out += [
        f"Neither the product details for the {p.title} nor our store policy say anything about {f.topic}, so I "
        "can't promise either way. I can connect you with our team if you'd like to ask them. "
        for f in findings if f.answer == "unknown"
    ]  # fmt: skip
    return out


def policy_checks(context: AnswerContext, text: str, named: set[str]) -> list[Violation]:
    """A policy answer must carry the policy's figures, or the product's own terms it gives."""
    from bot.generation.checker import finding_omissions, policy_omissions

    return policy_omissions(context, text) + finding_omissions(context, text)


SKILL = Skill(
    name="policy",
    render=_policy,
    task="Answer the question using the POLICY text, or the product's own terms in the ANSWER lines.",
    handles={"policy": answer},
    checks=policy_checks,
    model_writes=True,
)
