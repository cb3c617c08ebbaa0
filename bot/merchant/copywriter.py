"""Product copy for store owners: descriptions, ads, social posts and emails, grounded in the catalog.

The configured generator writes the words; the grounding checker holds every variant to
the product's catalog facts (price, discount, materials, certifications, ratings, names).
A variant that fails is retried once with stricter instructions (as the backend allows),
then replaced by the template copy, and each variant reports which of the three happened:
`grounded`, `retried` or `replaced`. The template copywriter needs no model at all.

Review text is data: a few verbatim sentences from 4-5 star reviews are offered as
highlights, and only those that themselves pass the checker, so a review saying
"100% organic, now only $1" never turns into a claim.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from bot.errors import ShopbotError
from bot.generation.backends.base import GenerationError, Generator
from bot.generation.checker import COMMON_WORDS, GroundingChecker, Violation
from bot.generation.facts import ProductFacts
from bot.generation.prompt import CopyBrief, CopyContext
from bot.merchant.copy_template import TONES, CopyFacts, TemplateCopywriter, word_count
from bot.merchant.text import split_sentences
from retrieval.catalog import Product
from retrieval.store import CatalogStore

logger = logging.getLogger(__name__)

Kind = Literal["description", "ad", "social", "email"]
KINDS: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]
DEFAULT_WORDS = {"description": 80, "ad": 30, "social": 40, "email": 120}
MAX_VARIANTS = 10
MAX_WORDS = 400
Outcome = Literal["grounded", "retried", "replaced"]
# Each variant leads with something else, so a model's variants differ in substance, not only wording.
ANGLES = (
    "the product's name and what it is for",
    "what it is made of and its key details",
    "what customers say about it",
    "its price and why it is worth it",
)
_MAX_HIGHLIGHTS = 3
# Review sentences about the shop rather than the product do not sell the product.
_OFF_TOPIC = re.compile(
    r"\b(?:deliver(?:y|ed)|shipping|shipped|arrived|seller|package|packaging|refund|customer service)\b", re.IGNORECASE
)


class CopyRequestError(ShopbotError):
    """A copy request that cannot be served as asked (unknown kind or tone, bad length)."""


class ProductNotFoundError(ShopbotError):
    """No product with the requested id in the catalog."""


@dataclass(frozen=True)
class CopyRequest:
    """What to write: kind, tone, length limit in words, and how many variants."""

    kind: str = "description"
    tone: str = "friendly"
    max_words: int | None = None
    variants: int = 1

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise CopyRequestError(f"unknown kind {self.kind!r}; use one of {', '.join(KINDS)}")
        if self.tone not in TONES:
            raise CopyRequestError(f"unknown tone {self.tone!r}; use one of {', '.join(TONES)}")
        if self.max_words is not None and not 1 <= self.max_words <= MAX_WORDS:
            raise CopyRequestError(f"max words must be a whole number from 1 to {MAX_WORDS}, not {self.max_words}")
        if not 1 <= self.variants <= MAX_VARIANTS:
            raise CopyRequestError(f"variants must be a whole number from 1 to {MAX_VARIANTS}, not {self.variants}")

    @property
    def words(self) -> int:
        """The word limit: as asked, or the kind's usual length."""
        return self.max_words or DEFAULT_WORDS[self.kind]


@dataclass(frozen=True)
class CopyVariant:
    """One piece of copy and how it came to be."""

    variant: int
    text: str
    outcome: Outcome
    backend: str
    problems: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """The variant as JSON."""
        return {"variant": self.variant, "text": self.text, "outcome": self.outcome, "backend": self.backend,
                "problems": list(self.problems)}  # fmt: skip


@dataclass(frozen=True)
class CopyResult:
    """All variants written for one product."""

    product_id: str
    title: str
    kind: str
    tone: str
    variants: tuple[CopyVariant, ...] = field(default_factory=tuple)


def review_highlights(product: Product, limit: int = _MAX_HIGHLIGHTS) -> list[str]:
    """Verbatim sentences from the product's 4-5 star reviews, most repeated first.

    Candidates are then filtered by the checker (see `CopyWriter.facts`): a highlight is
    quoted as written or not at all.
    """
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for review in product.reviews:
        if (review.rating or 0) < 4:
            continue
        for sentence in split_sentences(review.text):
            words = word_count(sentence)
            if 3 <= words <= 25 and not sentence.endswith("?") and not _OFF_TOPIC.search(sentence):
                counts[sentence] += 1
                first_seen.setdefault(sentence, len(first_seen))
    ranked = sorted(counts, key=lambda s: (-counts[s], first_seen[s]))
    return ranked[: limit * 3]  # extra candidates: some will not pass the checker


def mentions_product(facts: ProductFacts, text: str) -> bool:
    """True when copy names the product: its title, its brand, or a distinctive title word."""
    lowered = text.lower()
    if facts.title.lower() in lowered or (facts.brand and re.search(rf"\b{re.escape(facts.brand.lower())}\b", lowered)):
        return True
    words = [
        w for w in re.findall(r"[a-z0-9][a-z0-9'-]+", facts.title.lower()) if len(w) >= 4 and w not in COMMON_WORDS
    ]
    return any(re.search(rf"\b{re.escape(w)}\b", lowered) for w in words)


_PREAMBLE = re.compile(
    r"^(?:sure|certainly|of course|okay|ok)?[!,. ]*(?:here(?:'s| is| are)\b[^\n:]*:)\s*", re.IGNORECASE
)


def tidy(text: str, max_words: int) -> str:
    """Model output as copy: no chatty preamble, markdown or wrapping quotes; cut to `max_words`
    at a sentence (or line) boundary."""
    text = _PREAMBLE.sub("", text.strip()).replace("**", "").strip()
    if len(text) > 1 and text[0] in '"“' and text[-1] in '"”' and text.count(text[0]) <= 2:
        text = text[1:-1].strip()
    text = re.sub(r"\n{3,}", "\n\n", text)
    if word_count(text) <= max_words:
        return text
    pieces = re.split(r"(?<=[.!?…])\s+|(?<=\n)", text)
    kept, used = [], 0
    for piece in pieces:
        n = word_count(piece)
        if used + n > max_words:
            break
        kept.append(piece)
        used += n
    if not kept:  # one long first sentence: cut it at the limit
        return " ".join(text.split()[:max_words]) + "…"
    return " ".join(p.strip() if not p.endswith("\n") else p for p in kept).replace("\n ", "\n").strip()


class CopyWriter:
    """Writes checked product copy with one configured generator (or templates only)."""

    def __init__(
        self,
        generator: Generator,
        *,
        brands: Iterable[str] = (),
        colors: Iterable[str] = (),
        store_name: str = "our store",
        timeout: float = 30.0,
    ) -> None:
        self.generator = generator
        self.brands = list(brands)
        self.colors = list(colors)
        self.store_name = store_name
        self.timeout = timeout
        self._warm = False

    # -- facts ------------------------------------------------------------------------

    def _context(self, facts: ProductFacts, brief: CopyBrief) -> CopyContext:
        return CopyContext("product_answer", "", products=(facts,), store_name=self.store_name, brief=brief)

    def checker(self, product: Product) -> GroundingChecker:
        """A checker for copy about `product`: its catalog facts, with its description for materials."""
        context = self._context(ProductFacts.from_product(product), CopyBrief("description", "friendly", 1))
        return GroundingChecker(context, brands=self.brands, colors=self.colors, product_texts=[product.description])

    def facts(self, product: Product) -> CopyFacts:
        """What copy about `product` may use; highlights and description sentences that pass the checker."""

        def passes(sentence: str) -> bool:
            return not self.checker(product).check(sentence)

        highlights = [s for s in review_highlights(product) if passes(s)][:_MAX_HIGHLIGHTS]
        described = [s for s in split_sentences(product.description) if 4 <= word_count(s) <= 30 and passes(s)]
        return CopyFacts(ProductFacts.from_product(product), tuple(described), tuple(highlights), self.store_name)

    # -- writing ----------------------------------------------------------------------

    async def write(self, product: Product, request: CopyRequest) -> CopyResult:
        """Every requested variant for one product, each checked, retried or replaced."""
        if not self._warm:
            # Load the model once up front: variant copies share the loaded weights.
            await self.generator.warm_up()
            self._warm = True
        facts = self.facts(product)
        template = TemplateCopywriter(lambda: self.checker(product))
        variants = []
        for index in range(request.variants):
            if not self.generator.writes_free_text:
                text = template.write(facts, request.kind, request.tone, request.words, index)
                variants.append(CopyVariant(index + 1, text, "grounded", self.generator.name))
                continue
            variants.append(await self._model_variant(product, facts, template, request, index))
        return CopyResult(product.id, product.title, request.kind, request.tone, tuple(variants))

    async def _model_variant(
        self, product: Product, facts: CopyFacts, template: TemplateCopywriter, request: CopyRequest, index: int
    ) -> CopyVariant:
        brief = CopyBrief(
            request.kind, request.tone, request.words, ANGLES[index % len(ANGLES)],
            product.description, facts.highlights, index,
        )  # fmt: skip
        context = self._context(facts.product, brief)
        generator = self._tuned(index, request.words)
        problems: list[str] = []
        try:
            for attempt, strict in enumerate((False, True)[: 1 + self.generator.retries]):
                try:
                    async with asyncio.timeout(self.timeout):
                        raw = await generator.generate(context, strict=strict)
                except (GenerationError, TimeoutError) as exc:
                    problems.append(f"attempt {attempt + 1}: {self.generator.name} failed: {exc or 'timed out'}")
                    break  # a failing backend is not asked again for this variant
                text = tidy(raw, request.words)
                found = self._problems(product, facts.product, request.kind, text)
                if not found:
                    outcome: Outcome = "grounded" if attempt == 0 else "retried"
                    return CopyVariant(index + 1, text, outcome, self.generator.name, tuple(problems))
                problems.append(f"attempt {attempt + 1}: " + "; ".join(map(str, found)))
        finally:
            if generator is not self.generator:
                await generator.close()
        logger.info("copy for %s replaced by template: %s", product.id, " | ".join(problems))
        text = template.write(facts, request.kind, request.tone, request.words, index)
        return CopyVariant(index + 1, text, "replaced", self.generator.name, tuple(problems))

    def _problems(self, product: Product, facts: ProductFacts, kind: str, text: str) -> list[Violation]:
        """Unsupported claims in model copy, and what copy of this kind must have."""
        if not text.strip():
            return [Violation("omission", kind, "the model returned no copy")]
        found = self.checker(product).check(text)
        if not mentions_product(facts, text):
            found.append(Violation("omission", facts.title, "the copy never names the product"))
        if kind == "email" and not re.match(r"\s*subject\s*:", text, re.IGNORECASE):
            found.append(Violation("omission", "subject", "an email needs a 'Subject:' line first"))
        return found

    def _tuned(self, index: int, words: int) -> Generator:
        """The generator for one variant: later variants sample hotter, and copy may run longer
        than a chat answer. A copy is made so a shared generator's settings never change under
        a concurrent chat answer."""
        if not hasattr(self.generator, "temperature"):
            return self.generator
        tuned = copy.copy(self.generator)
        base = float(self.generator.temperature)  # type: ignore[attr-defined]
        tuned.temperature = base if index == 0 else min(1.2, max(base, 0.6) + 0.15 * (index - 1))  # type: ignore[attr-defined]
        if hasattr(tuned, "max_tokens"):
            tuned.max_tokens = max(tuned.max_tokens, int(words * 1.8) + 40)
        if hasattr(tuned, "_client"):
            tuned._client = None  # its own HTTP client, closed after the variant (the original's stays open)
        return tuned


def get_product(store: CatalogStore, product_id: str) -> Product:
    """The catalog product with this id; ProductNotFoundError names the id otherwise."""
    product = store.get(product_id.strip())
    if product is None:
        raise ProductNotFoundError(f"no product with id {product_id!r} in the catalog")
    return product
