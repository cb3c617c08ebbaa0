"""Review sentiment: a BERT classifier (negative / neutral / positive) for review sentences,
fine-tuned from the packaged MiniLM with the loop in bot/nlu/finetune.py.

Where neutral comes from. The people-labelled sentences (yelp, imdb) are only negative or
positive, so neutral has two sources, both documented in bot/merchant/sentiment_data.py
and both chosen on data rather than by hand:

1. a trained class: middling verdicts and mixed 3-star reviews from the demo catalog, and
   statements of fact (product-description sentences);
2. a confidence band: after a softmax temperature is fitted on the validation split (so
   confidences mean what they say), any text whose top probability is below a floor is
   called neutral. The floor is the one that maximises macro-F1 on the validation split
   (0 when the band does not help), so a sentence the model cannot place, such as one that
   praises and complains in the same breath, is neutral rather than a coin toss.

The data is split three ways by (source, label): train, validation (temperature and
floor), test (scored once after training and recorded in the metadata, never tuned on).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from bot.config import Settings
from bot.model_cache import cached_model_dir, publish
from bot.merchant.sentiment_data import (
    LABELS,
    NEUTRAL,
    LabelledText,
    data_hash,
    stratified_split,
    training_examples,
)
from bot.nlu import finetune

_META = "shopbot_sentiment.json"

# What aspect summaries and other callers inject: texts -> [(label, confidence)].
Classify = Callable[[Sequence[str]], list[tuple[str, float]]]


@dataclass(frozen=True)
class SentimentPrediction:
    """The classifier's answer for one text: label, its calibrated probability, all three."""

    label: str
    confidence: float
    scores: dict[str, float]


@dataclass(frozen=True)
class SentimentTrainConfig(finetune.HyperParams):
    """Fine-tuning hyper-parameters; the defaults train in about 1.5 minutes on 2 cores."""

    epochs: int = 3
    test_share: float = 0.1


@dataclass
class SentimentModelMeta(finetune.ModelMeta):
    """The shared model metadata plus the neutral floor and how many texts came from where."""

    neutral_floor: float = 0.0
    sources: dict[str, int] = field(default_factory=dict)


class SentimentClassifier(finetune.FineTunedClassifier):
    """A fine-tuned sentiment model ready to predict."""

    META_FILE = _META
    META_CLASS = SentimentModelMeta
    MISSING = "no sentiment model in {folder}; run `shopbot train sentiment`"

    def predict(self, texts: Sequence[str]) -> list[SentimentPrediction]:
        """Label per text. Below the neutral floor the label is neutral, and its confidence is
        then the (low) probability of neutral itself: how sure the model is of what it says."""
        return [self._decide(row) for row in self.probabilities(texts)]

    def classify(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """(label, confidence) per text: the `Classify` callable aspect summaries take."""
        return [(p.label, p.confidence) for p in self.predict(texts)]

    def _decide(self, row: np.ndarray) -> SentimentPrediction:
        best = int(row.argmax())
        label = self.labels[best] if row[best] >= self.meta.neutral_floor else NEUTRAL
        scores = {name: round(float(row[i]), 4) for i, name in enumerate(self.labels)}
        return SentimentPrediction(label, scores[label], scores)


def load_meta(folder: Path) -> SentimentModelMeta | None:
    """The metadata of a saved model, or None."""
    return SentimentClassifier.read_meta(folder)


def train(
    examples: Sequence[LabelledText],
    base_model: Path,
    config: SentimentTrainConfig | None = None,
    progress: Callable[[int, int], None] | None = None,
    *,
    labels: Sequence[str] = LABELS,
) -> SentimentClassifier:
    """Fine-tune on `examples`; calibrate on a validation split and score on a test split.

    `labels` may be a subset of LABELS (the evaluation trains negative/positive models);
    the neutral floor is only chosen when neutral is one of them.
    `progress(step, total_steps)` is called after every optimiser step.
    """
    config = config or SentimentTrainConfig()
    started = time.perf_counter()
    finetune.set_seed(config.seed)
    labels = list(labels)
    index = {name: i for i, name in enumerate(labels)}
    rest, test = stratified_split(examples, config.test_share, config.seed) if config.test_share else (list(examples), [])
    fit, held = stratified_split(rest, config.validation_share, config.seed) if config.validation_share else (rest, [])
    model, tokenizer = finetune.fine_tune(
        [ex.text for ex in fit], [index[ex.label] for ex in fit], labels, base_model, config, progress
    )
    sources: dict[str, int] = {}
    for ex in examples:
        sources[ex.source] = sources.get(ex.source, 0) + 1
    meta = SentimentModelMeta(
        labels=labels,
        data_hash=data_hash(examples),
        base_model=str(base_model),
        temperature=1.0,
        neutral_floor=0.0,
        max_length=config.max_length,
        config=asdict(config),
        sources=sources,
    )
    classifier = SentimentClassifier(model, tokenizer, meta)
    if held:
        logits = classifier.logits([ex.text for ex in held])
        y = np.array([index[ex.label] for ex in held])
        meta.temperature = finetune.fit_temperature(logits, y)
        if NEUTRAL in index:
            probs = finetune.softmax(logits, meta.temperature)
            meta.neutral_floor = finetune.choose_threshold(probs, y, index[NEUTRAL])
        meta.metrics.update(_scores("validation", classifier, held))
    if test:
        meta.metrics.update(_scores("test", classifier, test))
    meta.train_seconds = round(time.perf_counter() - started, 1)
    return classifier


def _scores(prefix: str, classifier: SentimentClassifier, examples: Sequence[LabelledText]) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, f1_score

    truth = [ex.label for ex in examples]
    pred = [p.label for p in classifier.predict([ex.text for ex in examples])]
    present = sorted(set(truth))
    return {
        f"{prefix}_accuracy": round(float(accuracy_score(truth, pred)), 4),
        f"{prefix}_macro_f1": round(float(f1_score(truth, pred, labels=present, average="macro", zero_division=0)), 4),
    }


# -- wiring to Settings (the counterpart of bot/services.py's intent functions) --------------


def sentiment_model_dir(settings: Settings) -> Path:
    """The data dir's own sentiment model: one `shopbot train sentiment` trained for it (or an
    older version kept there); it wins over the shared cache while its training data is current."""
    return settings.data_dir / "models" / "sentiment"


def cached_sentiment_model_dir(settings: Settings, sentence_dir: Path | None = None) -> Path:
    """Where the shared model cache keeps the sentiment model for the current training data."""
    return cached_model_dir(settings, "sentiment", data_hash(training_examples(sentence_dir)), repr(SentimentTrainConfig()))


def locate_sentiment_model(
    settings: Settings, *, sentence_dir: Path | None = None, current_only: bool = True
) -> Path | None:
    """The folder of a sentiment model: the data dir's own, else the cache's for the current data.

    With `current_only`, the data dir's model counts only when trained on the current data;
    serving takes it either way (a label does not go stale the way an intent does).
    """
    current = data_hash(training_examples(sentence_dir))
    own = sentiment_model_dir(settings)
    meta = load_meta(own)
    if meta is not None and (meta.data_hash == current or not current_only):
        return own
    cached = cached_model_dir(settings, "sentiment", current, repr(SentimentTrainConfig()))
    return cached if load_meta(cached) is not None else None


def train_sentiment_model(
    settings: Settings,
    config: SentimentTrainConfig | None = None,
    progress: Callable[[int, int], None] | None = None,
    *,
    sentence_dir: Path | None = None,
    folder: Path | None = None,
) -> SentimentClassifier:
    """Fine-tune the sentiment model on the UCI sentences in `sentence_dir` (default
    ../shared/data, skipped when absent) and the demo catalog's reviews; save it in `folder`
    (default: the data dir, where it wins over the shared cache)."""
    from retrieval.embeddings import default_model_path

    base = settings.model_path or default_model_path()
    classifier = train(training_examples(sentence_dir), base, config, progress)
    publish(classifier.save, folder or sentiment_model_dir(settings))
    return classifier


def load_sentiment_model(
    settings: Settings,
    *,
    train_if_missing: bool = True,
    progress: Callable[[int, int], None] | None = None,
    sentence_dir: Path | None = None,
) -> SentimentClassifier:
    """The sentiment model for the current training data, from the data dir or the shared cache;
    trained into the cache first when neither has it (so the next data dir reuses it)."""
    folder = locate_sentiment_model(settings, sentence_dir=sentence_dir)
    if folder is not None:
        return SentimentClassifier.load(folder)
    if not train_if_missing:
        return SentimentClassifier.load(sentiment_model_dir(settings))  # raises NotReadyError naming the command when missing
    return train_sentiment_model(
        settings, progress=progress, sentence_dir=sentence_dir,
        folder=cached_sentiment_model_dir(settings, sentence_dir),
    )  # fmt: skip
