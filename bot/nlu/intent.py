"""The intent classifier: BertForSequenceClassification fine-tuned from the packaged MiniLM.

Training data is the project's own bot/nlu/data/train.yml plus, when ../shared/data/nlu is
present, a seeded sample of third-party utterances (bot/nlu/sources.py): everyday-assistant
and banking requests a shop cannot help with, real product searches and product
questions. Every epoch sees all of the project's examples and a fresh slice of the
third-party sample, so the sample adds variety without multiplying the training time.

A stratified validation share of both is held out: on it a softmax temperature is fitted
(so confidences mean what they say) and the out-of-scope detectors' thresholds are chosen
(bot/nlu/outliers.py). The bot's previous act, when known, shifts the logits by a bias
learned from bot/nlu/data/context.yml (bot/nlu/context.py). The test split and the
third-party development splits are never seen during training or calibration. The loop
itself lives in bot/nlu/finetune.py.
"""

from __future__ import annotations

import io
import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bot.nlu import context, finetune, nonsense, outliers, sources
from bot.nlu.dataset import FALLBACK_INTENT, INTENTS, Example, data_hash, stratified_split

logger = logging.getLogger(__name__)

_META = "shopbot_intent.json"
_OUTLIERS = "shopbot_outliers.npz"
# The out-of-scope detector that decides (bot/nlu/outliers.py), chosen by measurement on
# the third-party development splits (README, NLU figures): kNN over the encoder's features
# turns away the most out-of-scope lines at the same precision. Every detector is fitted with
# the model, so changing this needs no retraining.
DETECTOR = "knn"
# Punctuation at the end of a message: dropped before the model sees it (TrainConfig.end_punctuation).
_END_PUNCTUATION = re.compile(r"[\s?!.\u2026\uff1f\uff01]+$")


def model_text(text: str, end_punctuation: bool = False) -> str:
    """The text as the model reads it: without its closing punctuation unless the recipe keeps it."""
    return text if end_punctuation else (_END_PUNCTUATION.sub("", text) or text)


@dataclass(frozen=True)
class IntentPrediction:
    """The classifier's answer for one text: best intent, its calibrated probability, top 3."""

    intent: str
    confidence: float
    ranking: list[tuple[str, float]]


@dataclass(frozen=True)
class TrainConfig(finetune.HyperParams):
    """Fine-tuning hyper-parameters and the training data recipe.

    `third_party` fingerprints the third-party text found beside the checkout ('' when
    absent or not wanted); it is part of the recipe, so the model cache never mixes a
    model trained with it and one trained without.
    """

    epochs: int = 10
    third_party: str = field(default_factory=sources.fingerprint)
    # Third-party lines added to each epoch, a fresh slice each time. Of an in-scope intent,
    # at most as many as the project's own examples of it: the third-party text adds variety
    # but never outweighs what the shop's own examples say an intent is (SubjQA alone has
    # four times as many product questions as we wrote). Of
    # out-of-scope lines, this many: three in four sampled lines are out of scope, and seen
    # at that rate the class swallows shop complaints and payment questions that share words.
    third_party_out_of_scope_per_epoch: int = 480
    # Batches of similar-length texts: banking requests run to sixty word pieces, most
    # shopper messages to ten, and padding every batch to its longest doubles the cost.
    length_buckets: bool = True
    # The context data the previous-act biases are fitted on (bot/nlu/data/context.yml).
    context_data: str = field(default_factory=context.fingerprint)
    # Whether "?", "!" and "." at the end reach the model. They do not: each source punctuates
    # in its own way (every SubjQA product question ends in "?", two in three banking requests
    # do, our own examples rarely), so the model learnt "?" as a sign of those intents and
    # read "how much is shipping?" as a product question. Shoppers' messages mean the same
    # with or without the mark.
    end_punctuation: bool = False
    # Made-up words trained as out of scope every epoch (bot/nlu/nonsense.py): thousands of
    # real product searches full of unknown brand names otherwise teach the model that words
    # nobody uses are a search.
    nonsense_lines: int = 80


@dataclass
class IntentModelMeta(finetune.ModelMeta):
    """The shared model metadata plus out-of-scope detection and context biases."""

    # The confidence floor (kept for readers of older models and for reports).
    threshold: float = 0.0
    # Per detector, the score above which a message is out of scope.
    detector_thresholds: dict[str, float] = field(default_factory=dict)
    # Per previous act, a bias per label (bot/nlu/context.py).
    context_biases: dict[str, list[float]] = field(default_factory=dict)
    # What third-party text the model saw: fingerprint and lines per source.
    third_party: dict[str, Any] = field(default_factory=dict)


# Kept under their old names: tests and callers import them from here.
fit_temperature = finetune.fit_temperature
choose_threshold = finetune.choose_threshold
_softmax = finetune.softmax


class IntentClassifier(finetune.FineTunedClassifier):
    """A fine-tuned intent model ready to predict."""

    META_FILE = _META
    META_CLASS = IntentModelMeta
    MISSING = "no intent model in {folder}; run `shopbot train nlu`"

    def __init__(self, model: Any, tokenizer: Any, meta: IntentModelMeta, detectors: dict[str, outliers.OutlierDetector] | None = None) -> None:
        super().__init__(model, tokenizer, meta)
        self._fallback = self.labels.index(FALLBACK_INTENT)
        self.detectors: dict[str, outliers.OutlierDetector] = detectors or {}

    def forward(self, texts: Sequence[str], batch_size: int = 64) -> tuple[np.ndarray, np.ndarray]:
        """Raw logits (n, n_labels) and pooled sentence features (n, hidden)."""
        # Models trained before the recipe said read the text as written.
        keep = bool(self.meta.config.get("end_punctuation", True))
        texts = [model_text(t, keep) for t in texts]
        return finetune.batched_features(self.model, self.tokenizer, texts, self.meta.max_length, batch_size)

    def logits(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Raw logits (n, n_labels), the text read as `forward` reads it."""
        return self.forward(texts, batch_size)[0]

    def predict(
        self, texts: Sequence[str], previous_acts: Sequence[str | None] | None = None, detector: str | None = None
    ) -> list[IntentPrediction]:
        """Best intent per text; out_of_scope where the out-of-scope detector says so.

        `previous_acts` (one per text, each None or one of context.PREVIOUS_ACTS) is what the
        bot did last; `detector` overrides the model's own out-of-scope detector (for reports).
        """
        logits, features = self.forward(texts)
        return self.decide(logits, features, previous_acts, detector)

    def decide(
        self,
        logits: np.ndarray,
        features: np.ndarray,
        previous_acts: Sequence[str | None] | None = None,
        detector: str | None = None,
    ) -> list[IntentPrediction]:
        """Predictions from a forward pass's outputs (so a report can try several detectors on one pass)."""
        if previous_acts is not None:
            acts = [context.check_act(a) for a in previous_acts]
            if len(acts) != len(logits):
                raise ValueError(f"{len(acts)} previous acts for {len(logits)} texts")
            logits = context.apply_biases(logits, acts, self.meta.context_biases, self.meta.temperature)
        probs = finetune.softmax(logits, self.meta.temperature)
        top = probs.argmax(axis=1)
        name = detector or DETECTOR
        if name in self.detectors and name in self.meta.detector_thresholds:
            scores = self.detectors[name].score(features, probs)
            chosen = outliers.decide(top, scores, self.meta.detector_thresholds[name], self._fallback)
        else:  # a model from before the detectors: its confidence floor
            chosen = np.where(probs.max(axis=1) >= self.meta.threshold, top, self._fallback)
        results = []
        for row, best, pick in zip(probs, top, chosen, strict=True):
            order = np.argsort(-row)[:3]
            ranking = [(self.labels[i], round(float(row[i]), 4)) for i in order]
            results.append(IntentPrediction(self.labels[int(pick)], round(float(row[best]), 4), ranking))
        return results

    def save(self, folder: Path) -> None:
        """Write weights, tokenizer, metadata and the detectors' arrays to a new folder, then swap it in."""

        def write_detectors(staging: Path) -> None:
            arrays = {f"{name}.{key}": value for name, det in self.detectors.items() for key, value in det.state().items()}
            buffer = io.BytesIO()
            np.savez(buffer, **arrays)
            (staging / _OUTLIERS).write_bytes(buffer.getvalue())

        finetune.save_model(self.model, self.tokenizer, asdict(self.meta), self.META_FILE, folder, extra=write_detectors)

    @classmethod
    def load(cls, folder: Path) -> IntentClassifier:
        """Load a model saved by `save` (older models without detectors keep their confidence floor)."""
        classifier = super().load(folder)
        path = folder / _OUTLIERS
        if path.is_file():
            with np.load(path) as arrays:
                saved = {key: arrays[key] for key in arrays.files}
            for name in classifier.meta.detector_thresholds:
                detector = outliers.make_detector(name)
                detector.load({k.split(".", 1)[1]: v for k, v in saved.items() if k.split(".", 1)[0] == name})
                classifier.detectors[name] = detector
        return classifier


def load_meta(folder: Path) -> IntentModelMeta | None:
    """The metadata of a saved model, or None."""
    return IntentClassifier.read_meta(folder)


def third_party_pool(config: TrainConfig, root: Path) -> tuple[list[sources.SourceExample], list[sources.SourceExample]]:
    """The third-party sample, split into lines to train on and lines to calibrate on; the
    latter include out-of-scope topics kept whole from training (bot/nlu/sources.py)."""
    if not config.third_party:
        return [], []
    splits = sources.load_splits(root)
    if not splits:
        return [], []
    pool = sources.training_sample(splits, seed=config.seed)
    fit, held = finetune.split_by(pool, lambda ex: (ex.source, ex.label), config.validation_share, config.seed)
    return fit, held + sources.calibration_sample(splits, seed=config.seed)


def train(
    examples: Sequence[Example],
    base_model: Path,
    config: TrainConfig | None = None,
    progress: Callable[[int, int], None] | None = None,
    *,
    third_party_dir: Path = sources.SHARED_NLU,
) -> IntentClassifier:
    """Fine-tune BertForSequenceClassification from `base_model` on `examples` (plus the
    third-party sample from `third_party_dir` when the recipe includes it).

    `progress(step, total_steps)` is called after every optimiser step.
    """
    config = config or TrainConfig()
    started = time.perf_counter()
    finetune.set_seed(config.seed)
    labels = list(INTENTS)
    index = {name: i for i, name in enumerate(labels)}
    fit, held = stratified_split(examples, config.validation_share, config.seed)
    known = nonsense.known_words(base_model)
    fit += [Example(line, FALLBACK_INTENT) for line in nonsense.nonsense_lines(config.nonsense_lines, config.seed, known)]
    pool_fit, pool_held = third_party_pool(config, third_party_dir)
    if not pool_fit and (config.third_party or not third_party_dir.is_dir()):
        logger.warning("no third-party NLU data at %s: training on the project's own data only", third_party_dir)
    texts = [model_text(ex.text, config.end_punctuation) for ex in [*fit, *pool_fit]]
    targets = [index[ex.intent] for ex in fit] + [index[ex.intent] for ex in pool_fit]
    model, tokenizer = finetune.fine_tune(
        texts, targets, labels, base_model, config, progress, _epoch_rows([ex.intent for ex in fit], [ex.intent for ex in pool_fit], config),
        length_buckets=config.length_buckets,
    )

    meta = IntentModelMeta(
        labels=labels,
        data_hash=data_hash(examples),
        base_model=str(base_model),
        temperature=1.0,
        threshold=0.0,
        max_length=config.max_length,
        config=asdict(config),
        third_party={
            "fingerprint": config.third_party if pool_fit else "",
            "lines": dict(Counter(ex.source for ex in pool_fit + pool_held)),
        },
    )
    classifier = IntentClassifier(model, tokenizer, meta)
    calibrate(classifier, texts, np.array(targets), held, pool_held)
    meta.train_seconds = round(time.perf_counter() - started, 1)
    return classifier


def _epoch_rows(own_intents: Sequence[str], pool_intents: Sequence[str], config: TrainConfig) -> Callable[[int], list[int]]:
    """Rows of epoch e: every own example, then the e-th slice of each intent's (pre-shuffled)
    third-party lines, wrapping round, sized as TrainConfig says."""
    rng = np.random.default_rng(config.seed)
    own_counts = Counter(own_intents)
    groups: dict[str, list[int]] = {}
    for row, intent in enumerate(pool_intents):
        groups.setdefault(intent, []).append(row)
    slices: list[tuple[list[int], int]] = []
    for intent in sorted(groups):
        order = rng.permutation(groups[intent]).tolist()
        wanted = config.third_party_out_of_scope_per_epoch if intent == FALLBACK_INTENT else own_counts[intent]
        slices.append((order, min(wanted, len(order))))
    own = len(own_intents)

    def rows(epoch: int) -> list[int]:
        picked = [order[(epoch * n + i) % len(order)] for order, n in slices for i in range(n)]
        return list(range(own)) + [own + i for i in picked]

    return rows


def calibrate(
    classifier: IntentClassifier,
    train_texts: Sequence[str],
    train_targets: np.ndarray,
    held: Sequence[Example],
    third_party_held: Sequence[Example] = (),
) -> None:
    """Fit the temperature, every out-of-scope detector and its threshold, and the context biases.

    The temperature is fitted on every held-out line. The detectors' thresholds are chosen on
    the project's own held-out messages only: their mix is a shop's (one in twenty out of
    scope), while the third-party lines are three in four out of scope, and a threshold
    tuned on those turned away one shop message in twenty (complaints, payment questions).
    """
    meta = classifier.meta
    fallback = classifier.labels.index(FALLBACK_INTENT)
    index = {name: i for i, name in enumerate(classifier.labels)}
    everything = [*held, *third_party_held]
    if not everything:
        return
    logits, features = classifier.forward([ex.text for ex in everything])
    y = np.array([index[ex.intent] for ex in everything])
    meta.temperature = fit_temperature(logits, y)
    probs = _softmax(logits, meta.temperature)
    top = probs.argmax(axis=1)
    meta.metrics["validation_accuracy"] = float((top == y).mean())
    own = slice(0, len(held)) if held else slice(None)
    meta.threshold = choose_threshold(probs[own], y[own], fallback)

    _, train_features = classifier.forward(list(train_texts))
    for name in outliers.DETECTORS:
        detector = outliers.make_detector(name)
        detector.fit(train_features, train_targets, train_targets != fallback)
        scores = detector.score(features[own], probs[own])
        meta.detector_thresholds[name] = outliers.choose_threshold(top[own], scores, y[own], fallback)
        classifier.detectors[name] = detector

    examples = context.load_context_examples()
    if examples:
        ctx_logits, _ = classifier.forward([ex.text for ex in examples])
        meta.context_biases = context.fit_biases(
            ctx_logits, np.array([index[ex.intent] for ex in examples]), [ex.previous_act for ex in examples], meta.temperature
        )
