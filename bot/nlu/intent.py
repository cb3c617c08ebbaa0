"""The intent classifier: BertForSequenceClassification fine-tuned from the packaged MiniLM.

Training holds out a stratified validation share of the training data; on it a softmax
temperature is fitted (so confidences mean what they say) and the confidence threshold
below which a message is treated as out of scope is chosen. The test split is never
seen during training or calibration.
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bot.errors import NotReadyError
from bot.nlu.dataset import FALLBACK_INTENT, INTENTS, Example, data_hash, stratified_split

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

_META = "shopbot_intent.json"


@dataclass(frozen=True)
class IntentPrediction:
    """The classifier's answer for one text: best intent, its calibrated probability, top 3."""

    intent: str
    confidence: float
    ranking: list[tuple[str, float]]


@dataclass(frozen=True)
class TrainConfig:
    """Fine-tuning hyper-parameters; the defaults train in about a minute on 2 cores."""

    epochs: int = 8
    batch_size: int = 32
    learning_rate: float = 1e-4
    weight_decay: float = 0.01
    warmup_share: float = 0.1
    max_length: int = 64
    validation_share: float = 0.1
    seed: int = 13


@dataclass
class IntentModelMeta:
    """What was trained, on what, and how well: stored next to the weights."""

    labels: list[str]
    data_hash: str
    base_model: str
    temperature: float
    threshold: float
    max_length: int
    config: dict[str, Any]
    metrics: dict[str, float] = field(default_factory=dict)
    train_seconds: float = 0.0


def _set_seed(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    z = logits / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The softmax temperature minimising negative log-likelihood on held-out logits."""
    best_t, best_nll = 1.0, math.inf
    for t in np.exp(np.linspace(math.log(0.25), math.log(8.0), 60)):
        p = _softmax(logits, t)[np.arange(len(labels)), labels]
        nll = float(-np.log(np.clip(p, 1e-12, 1.0)).mean())
        if nll < best_nll:
            best_t, best_nll = float(t), nll
    return best_t


def choose_threshold(probs: np.ndarray, labels: np.ndarray, fallback: int) -> float:
    """The confidence floor (mapping anything below it to the fallback) that maximises
    macro-F1 on held-out data; ties go to the lower floor, which overrides fewer answers."""
    from sklearn.metrics import f1_score

    best, best_f1 = 0.0, -1.0
    top = probs.argmax(axis=1)
    conf = probs.max(axis=1)
    for floor in np.round(np.arange(0.0, 0.91, 0.05), 2):
        pred = np.where(conf < floor, fallback, top)
        f1 = f1_score(labels, pred, average="macro", zero_division=0)
        if f1 > best_f1 + 1e-9:
            best, best_f1 = float(floor), f1
    return best


class IntentClassifier:
    """A fine-tuned intent model ready to predict."""

    def __init__(self, model: Any, tokenizer: Any, meta: IntentModelMeta) -> None:
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.meta = meta
        self.labels = meta.labels
        self._fallback = self.labels.index(FALLBACK_INTENT)

    def logits(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Raw logits, (n, n_labels); long texts are truncated, never rejected."""
        import torch

        out = []
        with torch.inference_mode():
            for start in range(0, len(texts), batch_size):
                batch = self.tokenizer(
                    list(texts[start : start + batch_size]),
                    padding=True,
                    truncation=True,
                    max_length=self.meta.max_length,
                    return_tensors="pt",
                )
                out.append(self.model(**batch).logits.float().numpy())
        return np.concatenate(out) if out else np.zeros((0, len(self.labels)), dtype=np.float32)

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated class probabilities, (n, n_labels)."""
        return _softmax(self.logits(texts), self.meta.temperature)

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

    # -- persistence -------------------------------------------------------------------

    def save(self, folder: Path) -> None:
        """Write weights, tokenizer and metadata to a new folder, then swap it in."""
        staging = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(staging, ignore_errors=True)
        self.model.save_pretrained(staging)
        self.tokenizer.save_pretrained(staging)
        (staging / _META).write_text(json.dumps(asdict(self.meta), indent=2), encoding="utf-8")
        old = folder.with_name(folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        staging.rename(folder)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> IntentClassifier:
        """Load a model saved by `save`."""
        meta_file = folder / _META
        if not meta_file.is_file():
            raise NotReadyError(f"no intent model in {folder}; run `shopbot train nlu`")
        import torch
        from transformers import AutoTokenizer, BertForSequenceClassification

        meta = IntentModelMeta(**json.loads(meta_file.read_text(encoding="utf-8")))
        torch.set_num_threads(max(1, min(torch.get_num_threads(), os.cpu_count() or 1)))
        model = BertForSequenceClassification.from_pretrained(folder, local_files_only=True)
        tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
        return cls(model, tokenizer, meta)


def load_meta(folder: Path) -> IntentModelMeta | None:
    """The metadata of a saved model, or None."""
    try:
        return IntentModelMeta(**json.loads((folder / _META).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def train(
    examples: Sequence[Example],
    base_model: Path,
    config: TrainConfig | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> IntentClassifier:
    """Fine-tune BertForSequenceClassification from `base_model` on `examples`.

    `progress(step, total_steps)` is called after every optimiser step.
    """
    import torch
    from transformers import AutoTokenizer, BertForSequenceClassification
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    config = config or TrainConfig()
    started = time.perf_counter()
    _set_seed(config.seed)
    labels = list(INTENTS)
    index = {name: i for i, name in enumerate(labels)}
    fit, held = stratified_split(examples, config.validation_share, config.seed)

    tokenizer = AutoTokenizer.from_pretrained(base_model, local_files_only=True)
    # The packaged checkpoint is a bare BertModel: the pooler may be fresh, the classifier
    # head always is. Both are trained; the warning about newly initialised weights is expected.
    prev = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    model = BertForSequenceClassification.from_pretrained(
        base_model,
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id=index,
        local_files_only=True,
    )
    hf_logging.set_verbosity(prev)

    texts = [ex.text for ex in fit]
    targets = torch.tensor([index[ex.intent] for ex in fit])
    steps_per_epoch = math.ceil(len(texts) / config.batch_size)
    total = steps_per_epoch * config.epochs
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay)
    warmup = max(1, int(total * config.warmup_share))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup)))
    )
    generator = torch.Generator().manual_seed(config.seed)
    model.train()
    step = 0
    for _epoch in range(config.epochs):
        order = torch.randperm(len(texts), generator=generator).tolist()
        for start in range(0, len(order), config.batch_size):
            idx = order[start : start + config.batch_size]
            batch = tokenizer(
                [texts[i] for i in idx], padding=True, truncation=True, max_length=config.max_length,
                return_tensors="pt",
            )
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=_bf16_ok()):
                logits = model(**batch).logits
            loss = torch.nn.functional.cross_entropy(logits.float(), targets[idx])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            if progress:
                progress(step, total)
    model.eval()

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


def _bf16_ok() -> bool:
    from retrieval.embeddings import cpu_has_native_bf16

    return cpu_has_native_bf16()
