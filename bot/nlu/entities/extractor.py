"""The entity extractor: every extractor's candidates, merged into one non-overlapping list."""

from __future__ import annotations

import bisect
import logging
import re

from bot.nlu.entities.features import FeatureMatcher
from bot.nlu.entities.model import TYPE_RANK, Candidate, Entity
from bot.nlu.entities.orders import extract_emails, extract_order_numbers, extract_quantities, quantity_before
from bot.nlu.entities.prices import extract_prices
from bot.nlu.entities.references import extract_recipients, extract_references
from bot.nlu.entities.sizes import SizeMatcher
from bot.nlu.entities.terms import TermMatcher, tokenize
from bot.nlu.vocabulary import CatalogVocabulary

logger = logging.getLogger(__name__)

_DIGIT = re.compile(r"[0-9]")


class EntityExtractor:
    """Finds prices, colours, sizes, brands, categories, quantities, order numbers, emails,
    references and recipients in a shopper's message.

    All look-up tables are built once here, so `extract` only scans the message. Without a
    vocabulary, brands and categories are not recognised (they only make sense for a
    catalog); colours use the built-in list and sizes are not checked against a catalog.
    """

    def __init__(self, vocabulary: CatalogVocabulary | None = None) -> None:
        """Precompile the vocabulary look-ups (brands, categories, colours, sizes)."""
        self.vocabulary = vocabulary
        self._terms = TermMatcher(vocabulary)
        self._sizes = SizeMatcher(vocabulary.sizes if vocabulary else None, self._terms.color_words())
        self._currency = vocabulary.currency if vocabulary else None
        self._features = (
            FeatureMatcher(vocabulary.flags, vocabulary.measures, vocabulary.values, vocabulary.numbered)
            if vocabulary else FeatureMatcher()
        )

    def extract(self, text: str) -> list[Entity]:
        """Entities in `text`, sorted by start, never overlapping; never raises.

        Where candidates overlap, the longest span wins ("Running Shoes" over "Shoes",
        "under $50" over "$50"); on equal length an exact match beats a typo match, then
        the more specific type wins (order number over price over quantity, ...).
        """
        if not isinstance(text, str) or not text.strip():
            return []
        try:
            return self._extract(text)
        except Exception:  # a chat turn must survive one odd message; the log keeps the bug visible
            logger.exception("entity extraction failed for a message of %d characters", len(text))
            return []

    def _extract(self, text: str) -> list[Entity]:
        has_digit = _DIGIT.search(text) is not None
        candidates: list[Candidate] = []
        tokens = tokenize(text)
        terms = list(self._terms.find(text, tokens))
        candidates.extend(terms)
        if has_digit or any(t.key in _COUNT_WORDS for t in tokens):
            for term in terms:
                if term.type == "category":
                    counted = quantity_before(text, term.start)
                    if counted is not None:
                        candidates.append(counted)
        candidates.extend(extract_prices(text, has_digit, self._currency))
        candidates.extend(self._sizes.find(text, has_digit))
        candidates.extend(extract_quantities(text))
        candidates.extend(extract_references(text))
        candidates.extend(extract_recipients(text))
        features = list(self._features.find(text))
        candidates.extend(features)
        if has_digit:
            candidates.extend(extract_order_numbers(text))
        if "@" in text:
            candidates.extend(extract_emails(text))
        if features:
            # "Food for a puppy": where the catalog has the word as a product feature (life stage
            # "puppy"), it describes the product, not who it is for.
            candidates = [c for c in candidates if c.type != "recipient"
                          or not any(f.type == "feature" and c.start <= f.start and f.end <= c.end for f in features)]  # fmt: skip
        return [
            Entity(c.type, c.value, c.start, c.end, text[c.start : c.end]) for c in _resolve(candidates)
        ]


_COUNT_WORDS = frozenset(
    "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen"
    " eighteen nineteen twenty thirty forty fifty".split()
)


def _resolve(candidates: list[Candidate]) -> list[Candidate]:
    """Keep the best candidates that do not overlap, returned in text order."""
    ordered = sorted(
        (c for c in candidates if c.end > c.start),
        key=lambda c: (c.start - c.end, not c.exact, -TYPE_RANK[c.type], c.start),
    )
    starts: list[int] = []
    ends: list[int] = []
    kept: list[Candidate] = []
    for candidate in ordered:
        at = bisect.bisect_left(starts, candidate.start)
        if at > 0 and ends[at - 1] > candidate.start:
            continue
        if at < len(starts) and starts[at] < candidate.end:
            continue
        starts.insert(at, candidate.start)
        ends.insert(at, candidate.end)
        kept.insert(at, candidate)
    return kept

