"""From facts to a checked answer: guardrails, generation, sentence-by-sentence grounding, fallback.

The responder streams only sentences the checker has passed. An answer with an
unsupported claim is retried once with a stricter prompt, then replaced by the template
answer; a backend error or timeout goes straight to the template. If checked sentences
were already sent when a later one fails, a `Retract` event tells the channel to drop
them before the replacement arrives, so a shopper never keeps an unchecked or partial
answer.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from contextlib import aclosing
from dataclasses import dataclass, field, replace
from typing import Literal

from bot.generation import guardrails
from bot.generation.backends.base import GenerationError, Generator
from bot.generation.backends.template import TemplateGenerator
from bot.generation.checker import GroundingChecker, Violation, omissions
from bot.generation.claims import redact, split_sentences
from bot.generation.facts import AnswerContext, Turn

logger = logging.getLogger(__name__)

Outcome = Literal["grounded", "retried", "replaced", "redirected"]
# Skills whose answer a model may phrase. Confirmations, order status, clarifying
# questions and handoff notices say exactly what the store says, so templates write them.

def model_skills() -> frozenset[str]:
    """Skills whose answers a model may phrase (each skill declares it in bot/skills/)."""
    from bot.skills import registry

    return registry.model_written()

OUTCOMES: tuple[str, ...] = Outcome.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Delta:
    """A checked piece of the answer, ready to show."""

    text: str


@dataclass(frozen=True)
class Retract:
    """Everything sent so far for this answer is withdrawn; a replacement follows."""

    reason: str


@dataclass(frozen=True)
class Answer:
    """The final answer and how it came to be."""

    text: str
    outcome: Outcome
    backend: str
    problems: tuple[str, ...] = ()
    first_token_s: float | None = None
    seconds: float = 0.0


Event = Delta | Retract | Answer


@dataclass
class GroundingStats:
    """Counts of answer outcomes per backend, for metrics and reports."""

    outcomes: Counter[tuple[str, str]] = field(default_factory=Counter)
    violations: Counter[str] = field(default_factory=Counter)

    def record(self, answer: Answer, violations: Iterable[Violation] = ()) -> None:
        """Count one answer."""
        self.outcomes[(answer.backend, answer.outcome)] += 1
        self.violations.update(v.kind for v in violations)


class _Ungrounded(Exception):
    def __init__(self, violations: list[Violation]) -> None:
        super().__init__("; ".join(map(str, violations)))
        self.violations = violations


class Responder:
    """Turns an AnswerContext into a checked, streamed answer with one configured backend."""

    def __init__(
        self,
        generator: Generator,
        *,
        timeout: float = 20.0,
        brands: Iterable[str] = (),
        colors: Iterable[str] = (),
        stats: GroundingStats | None = None,
    ) -> None:
        self.generator = generator
        self.template = TemplateGenerator()
        self.timeout = timeout
        self.brands = list(brands)
        self.colors = list(colors)
        self.stats = stats if stats is not None else GroundingStats()

    async def answer(self, context: AnswerContext) -> Answer:
        """The final answer, without streaming."""
        async for event in self.stream(context):
            if isinstance(event, Answer):
                return event
        raise AssertionError("the responder always ends with an Answer")  # pragma: no cover

    async def stream(self, context: AnswerContext, *, intent: str | None = None) -> AsyncIterator[Event]:
        """Checked pieces of the answer as they are ready, Retract if needed, then the Answer."""
        started = time.perf_counter()
        context = _redacted(context)
        verdict = guardrails.assess(context.message, intent=intent)
        # A handoff only acknowledges the message (an angry one included): a person answers it.
        if verdict != "ok" and context.skill != "handoff":
            async for event in self._template(guardrails.redirect(context, verdict), "redirected", started, ()):
                yield event
            return
        # A policy question the policy does not answer has no facts a model could phrase:
        # left to a model, it invents a policy; the template says the policy doesn't say.
        unanswered = context.skill == "policy" and context.policy is None
        # An answer that shows no products has no product facts a check could hold a draft
        # to ("nothing cheaper" drafted freely became a story about borrowing shoes): templates.
        factless = not context.products
        if not self.generator.writes_free_text or context.skill not in model_skills() or unanswered or factless:
            async for event in self._template(context, "grounded", started, (), backend=self.template.name):
                yield event
            return

        problems: list[str] = []
        violations: list[Violation] = []
        deadline = started + self.timeout
        for attempt, strict in enumerate((False, True)[: 1 + self.generator.retries]):
            sent: list[str] = []
            first: float | None = None
            try:
                async with asyncio.timeout_at(_loop_deadline(deadline)):
                    async for sentence in self._checked(context, strict):
                        first = first or time.perf_counter() - started
                        sent.append(sentence)
                        yield Delta(sentence)
                text = "".join(sent).strip()
                if not text:
                    raise GenerationError("the model returned no text")
                if missing := omissions(context, text):
                    raise _Ungrounded(missing)
                answer = Answer(
                    text, "grounded" if attempt == 0 else "retried", self.generator.name,
                    tuple(problems), first, time.perf_counter() - started,
                )  # fmt: skip
                self.stats.record(answer, violations)
                yield answer
                return
            except _Ungrounded as exc:
                violations.extend(exc.violations)
                problems.append(f"attempt {attempt + 1}: {exc}")
                if sent:
                    yield Retract("an unsupported claim was found")
                continue  # the backend's stricter retries, then the template
            except (GenerationError, TimeoutError) as exc:
                reason = str(exc) or "timed out"
                problems.append(f"attempt {attempt + 1}: {self.generator.name} failed: {reason}")
                if sent:
                    yield Retract(reason)
                break  # a failing backend is not asked again for this answer
        logger.info("answer replaced by template: %s", " | ".join(problems))
        async for event in self._template(context, "replaced", started, problems, violations):
            yield event

    async def _checked(self, context: AnswerContext, strict: bool) -> AsyncIterator[str]:
        """Sentences of one attempt, each passed by the checker before it is yielded."""
        checker = GroundingChecker(context, brands=self.brands, colors=self.colors)
        buffer = ""
        sent_any = False
        # aclosing: stopping at a bad sentence must close the model's stream (and its
        # connection or generation thread) now, not whenever the generator is collected.
        async with aclosing(self.generator.stream(context, strict=strict)) as pieces:
            async for piece in pieces:
                buffer += piece
                sentences, buffer = split_sentences(buffer)
                for sentence in sentences:
                    if found := checker.check_sentence(sentence):
                        raise _Ungrounded(found)
                    sent_any = True
                    yield sentence
        if buffer.strip():
            if found := checker.check_sentence(buffer):
                raise _Ungrounded(found)
            # An unfinished last sentence means the model hit its length limit: drop it
            # rather than end the answer mid-thought, unless it is all there is.
            if not sent_any or buffer.rstrip()[-1:] in ".!?…)\"”":
                yield buffer

    async def _template(
        self,
        context: AnswerContext,
        outcome: Outcome,
        started: float,
        problems: Iterable[str],
        violations: Iterable[Violation] = (),
        backend: str | None = None,
    ) -> AsyncIterator[Event]:
        pieces: list[str] = []
        first: float | None = None
        async for piece in self.template.stream(context):
            first = first or time.perf_counter() - started
            pieces.append(piece)
            yield Delta(piece)
        answer = Answer(
            "".join(pieces).strip(), outcome, backend or self.generator.name, tuple(problems), first,
            time.perf_counter() - started,
        )  # fmt: skip
        self.stats.record(answer, violations)
        yield answer


def _redacted(context: AnswerContext) -> AnswerContext:
    """The context with personal data masked in everything the shopper wrote, wherever a
    skill may have copied it (search words, question topics)."""
    constraints = replace(
        context.constraints,
        **{k: redact(v) for k, v in vars(context.constraints).items() if isinstance(v, str)},
    )
    findings = tuple(
        replace(f, topic=redact(f.topic), quote=redact(f.quote) if f.quote else None) for f in context.findings
    )
    return replace(
        context,
        message=redact(context.message),
        history=tuple(Turn(t.role, redact(t.text)) for t in context.history),
        constraints=constraints,
        findings=findings,
    )


def _loop_deadline(deadline: float) -> float:
    """Convert a perf_counter deadline to the running loop's clock."""
    loop = asyncio.get_running_loop()
    return loop.time() + max(0.0, deadline - time.perf_counter())
