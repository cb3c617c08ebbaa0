"""Understanding one message: intent (classifier) plus entities (extractors), as one Parse."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.nlu.context import PREVIOUS_ACTS, check_act
from bot.nlu.dataset import FALLBACK_INTENT
from bot.nlu.entities import Entity, EntityExtractor
from bot.nlu.intent import IntentClassifier

# Longer messages are cut for understanding (the classifier reads 64 word pieces anyway);
# the full text is still what the conversation stores.
MAX_CHARS = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

__all__ = ["MAX_CHARS", "NLU", "PREVIOUS_ACTS", "Parse", "clean"]


@dataclass(frozen=True)
class Parse:
    """What a message means: intent, calibrated confidence, top-3 ranking and entities."""

    text: str
    intent: str
    confidence: float
    ranking: list[tuple[str, float]]
    entities: list[Entity]

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape printed by `shopbot nlu --json` and returned by the API."""
        return {
            "intent": self.intent,
            "confidence": self.confidence,
            "ranking": [{"intent": name, "confidence": conf} for name, conf in self.ranking],
            "entities": [e.to_dict() for e in self.entities],
        }


def clean(text: str) -> str:
    """Text safe to understand: NFC-normalised, control characters removed, length capped."""
    text = unicodedata.normalize("NFC", text)
    return _CONTROL.sub(" ", text)[:MAX_CHARS]


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


class NLU:
    """The message-understanding pipeline used by every channel."""

    def __init__(self, classifier: IntentClassifier, extractor: EntityExtractor) -> None:
        self.classifier = classifier
        self.extractor = extractor

    def parse(self, text: str, previous_act: str | None = None) -> Parse:
        """Understand one message; never raises for any string.

        `previous_act` is what the bot did in the turn before: "asked_question",
        "showed_list", "named_product" (bot/nlu/context.py PREVIOUS_ACTS) or None when
        unknown. It shifts the intent towards what usually follows that act ("nope, only
        indoor" after a list narrows it); ValueError for any other value.
        """
        return self.parse_batch([text], [previous_act])[0]

    def parse_batch(self, texts: Sequence[str], previous_acts: Sequence[str | None] | None = None) -> list[Parse]:
        """Understand many messages at once (one batched model call), in order; `previous_acts`,
        when given, holds one previous act (or None) per text."""
        if previous_acts is not None:
            if len(previous_acts) != len(texts):
                raise ValueError(f"{len(previous_acts)} previous acts for {len(texts)} messages")
            for act in previous_acts:
                check_act(act)
        cleaned = [clean(t) for t in texts]
        # Text with no letters or digits carries no request: it is out of scope, and the
        # classifier is not asked to guess.
        worded = [i for i, t in enumerate(cleaned) if _has_words(t)]
        acts = [previous_acts[i] for i in worded] if previous_acts is not None else None
        if acts is not None and not any(acts):
            acts = None
        predictions = dict(zip(worded, self.classifier.predict([cleaned[i] for i in worded], acts), strict=True))
        parses = []
        for i, text in enumerate(cleaned):
            entities = self.extractor.extract(text)
            pred = predictions.get(i)
            if pred is None:
                parses.append(Parse(text, FALLBACK_INTENT, 0.0, [], entities))
            else:
                parses.append(Parse(text, pred.intent, pred.confidence, pred.ranking, entities))
        return parses
