"""The intent classifier: BertForSequenceClassification fine-tuned from the packaged MiniLM.

Training holds out a stratified validation share of the training data; on it a softmax
temperature is fitted (so confidences mean what they say) and the confidence threshold
below which a message is treated as out of scope is chosen. The test split is never
seen during training or calibration. The loop itself lives in bot/nlu/finetune.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot.nlu import finetune
from bot.nlu.dataset import FALLBACK_INTENT, INTENTS, Example, data_hash, stratified_split

_META = "shopbot_intent.json"


@dataclass(frozen=True)
class IntentPrediction:
    """The classifier's answer for one text: best intent, its calibrated probability, top 3."""

    intent: str
    confidence: float
    ranking: list[tuple[str, float]]


@dataclass(frozen=True)
class TrainConfig(finetune.HyperParams):
    """Fine-tuning hyper-parameters; the defaults train in about a minute on 2 cores."""

    epochs: int = 8


@dataclass
class IntentModelMeta(finetune.ModelMeta):
    """The shared model metadata plus the out-of-scope threshold."""

    threshold: float = 0.0


# Kept under their old names: tests and callers import them from here.
fit_temperature = finetune.fit_temperature
choose_threshold = finetune.choose_threshold
_softmax = finetune.softmax


class IntentClassifier(finetune.FineTunedClassifier):
    """A fine-tuned intent model ready to predict."""

    META_FILE = _META
    META_CLASS = IntentModelMeta
    MISSING = "no intent model in {folder}; run `shopbot train nlu`"

    def __init__(self, model: Any, tokenizer: Any, meta: IntentModelMeta) -> None:
        super().__init__(model, tokenizer, meta)
        self._fallback = self.labels.index(FALLBACK_INTENT)

    def predict(self, texts: Sequence[str]) -> list[IntentPrediction]:
        """Best intent per text; below the confidence floor the intent is out_of_scope."""
        probs = self.probabilities(texts)
        results = []
        for row in probs:
            order = np.argsort(-row)[:3]
            ranking = [(self.labels[i], round(float(row[i]), 4)) for i in order]
            best = int(order[0])
            intent = self.labels[best] if row[best] >= self.meta.threshold else FALLBACK_INTENT
            results.append(IntentPrediction(intent, round(float(row[best]), 4), ranking))
        return results


def load_meta(folder: Path) -> IntentModelMeta | None:
    """The metadata of a saved model, or None."""
    return IntentClassifier.read_meta(folder)


def train(
    examples: Sequence[Example],
    base_model: Path,
    config: TrainConfig | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> IntentClassifier:
    """Fine-tune BertForSequenceClassification from `base_model` on `examples`.

    `progress(step, total_steps)` is called after every optimiser step.
    """
    config = config or TrainConfig()
    started = time.perf_counter()
    finetune.set_seed(config.seed)
    labels = list(INTENTS)
    index = {name: i for i, name in enumerate(labels)}
    fit, held = stratified_split(examples, config.validation_share, config.seed)
    model, tokenizer = finetune.fine_tune(
        [ex.text for ex in fit], [index[ex.intent] for ex in fit], labels, base_model, config, progress
    )

    meta = IntentModelMeta(
        labels=labels,
        data_hash=data_hash(examples),
        base_model=str(base_model),
        temperature=1.0,
        threshold=0.0,
        max_length=config.max_length,
        config=asdict(config),
    )
    classifier = IntentClassifier(model, tokenizer, meta)
    if held:
        logits = classifier.logits([ex.text for ex in held])
        y = np.array([index[ex.intent] for ex in held])
        meta.temperature = fit_temperature(logits, y)
        probs = _softmax(logits, meta.temperature)
        meta.threshold = choose_threshold(probs, y, index[FALLBACK_INTENT])
        meta.metrics["validation_accuracy"] = float((probs.argmax(axis=1) == y).mean())
    meta.train_seconds = round(time.perf_counter() - started, 1)
    return classifier

