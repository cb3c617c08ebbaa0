"""The groundedness report: a question set over the catalog, answered by each backend.

Questions cover every answering skill: search (the judged demo queries), product
questions (price, stock, sizes, colours, attributes, reviews), comparisons, recommendations
and store policy. Each context is built the way the assistant builds it (search, product
Q&A, policy look-up), then answered; the report counts grounded / retried / replaced.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bot.generation.checker import GroundingChecker
from bot.generation.facts import AnswerContext, ProductFacts
from bot.generation.responder import Answer, Responder
from bot.skills.policy import StorePolicy
from bot.skills.product_qa import answer_question
from retrieval.evaluation import JudgedQuery
from retrieval.search import ProductSearch

PRODUCT_QUESTIONS = (
    "how much is it?", "is it in stock?", "what sizes do you have?", "what colours does it come in?",
    "what is it made of?", "is it any good?", "does it come in black?", "what do reviewers say about comfort?",
)  # fmt: skip
POLICY_QUESTIONS = (
    "how long does shipping take?", "can I return something I bought?", "do you take paypal?",
    "are there any discount codes?", "can I cancel my order?", "when is customer service open?",
)  # fmt: skip


def question_set(
    search: ProductSearch,
    policy: StorePolicy,
    queries: list[JudgedQuery],
    *,
    per_kind: int = 8,
    seed: int = 7,
) -> list[AnswerContext]:
    """Answer contexts for `per_kind` questions of each skill, drawn reproducibly from the catalog."""
    rng = random.Random(seed)
    contexts: list[AnswerContext] = []
    picked = rng.sample(queries, min(per_kind, len(queries)))
    result_lists = []
    for q in picked:
        hits = search.search(q.query, k=5)
        result_lists.append(hits)
        products = tuple(ProductFacts.from_product(h.product) for h in hits)
        contexts.append(AnswerContext("search", q.query, products=products, total_results=len(hits)))
    for i, hits in enumerate(result_lists[:per_kind]):
        if not hits:
            continue
        product = hits[0].product
        question = PRODUCT_QUESTIONS[i % len(PRODUCT_QUESTIONS)]
        findings = tuple(answer_question(product, question))
        contexts.append(
            AnswerContext("product_answer", question, products=(ProductFacts.from_product(product),), findings=findings)
        )
        if len(hits) >= 2:
            pair = tuple(ProductFacts.from_product(h.product) for h in hits[:2])
            contexts.append(AnswerContext("compare", "compare the first two", products=pair))
        rated = sorted((h.product for h in hits), key=lambda p: -(p.rating or 0))[:3]
        reasons = {p.id: (f"rated {p.rating:g} out of 5",) for p in rated if p.rating}
        contexts.append(
            AnswerContext(
                "recommend", f"what would you recommend for {picked[i].query}?",
                products=tuple(ProductFacts.from_product(p) for p in rated), reasons=reasons,
            )
        )  # fmt: skip
    for question in POLICY_QUESTIONS[:per_kind]:
        section = policy.find(question)
        contexts.append(AnswerContext("policy", question, policy=section.facts() if section else None))
    return contexts


@dataclass(frozen=True)
class Sample:
    """One answer of the report, kept for reading by eye."""

    skill: str
    question: str
    outcome: str
    text: str


@dataclass
class GroundednessReport:
    """Outcomes of one backend over the question set."""

    backend: str
    outcomes: Counter[str] = field(default_factory=Counter)
    by_skill: dict[str, Counter[str]] = field(default_factory=dict)
    problems: Counter[str] = field(default_factory=Counter)
    seconds: list[float] = field(default_factory=list)
    # Final answers the checker would still flag: should be zero for every backend,
    # since replaced answers are templates, so it also tests templates and checker together.
    final_flagged: list[str] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Answers in the report."""
        return sum(self.outcomes.values())

    def share(self, outcome: str) -> float:
        """Fraction of answers with this outcome."""
        return self.outcomes[outcome] / self.total if self.total else 0.0

    @property
    def p50_seconds(self) -> float:
        """Median seconds per answer."""
        return sorted(self.seconds)[len(self.seconds) // 2] if self.seconds else 0.0

    def add(self, context: AnswerContext, answer: Answer) -> None:
        """Count one answer."""
        self.outcomes[answer.outcome] += 1
        self.by_skill.setdefault(context.skill, Counter())[answer.outcome] += 1
        for problem in answer.problems:
            kind = problem.split(": ", 2)[1] if problem.count(": ") >= 2 else problem
            self.problems[kind.split(" ")[0]] += 1
        self.seconds.append(answer.seconds)


async def evaluate(
    responder: Responder,
    contexts: Iterable[AnswerContext],
    progress: Callable[[int, int], None] | None = None,
    *,
    label: str | None = None,
) -> GroundednessReport:
    """Answer every context with one responder and count the outcomes (reported as `label`, or the backend's name)."""
    contexts = list(contexts)
    report = GroundednessReport(label or responder.generator.name)
    for i, context in enumerate(contexts, 1):
        answer = await responder.answer(context)
        report.add(context, answer)
        report.samples.append(Sample(context.skill, context.message, answer.outcome, answer.text))
        if flagged := GroundingChecker(context, brands=responder.brands, colors=responder.colors).check(answer.text):
            report.final_flagged.append(f"{context.skill} {context.message!r}: {flagged[0]}")
        if progress:
            progress(i, len(contexts))
    return report
