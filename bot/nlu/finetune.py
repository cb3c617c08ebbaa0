"""Fine-tuning a BERT text classifier from the packaged MiniLM, shared by every classifier
(intents, review sentiment): the training loop, batched inference, temperature calibration,
a confidence floor, and saving to / loading from a model folder.

Each classifier keeps its own labels, data and metadata; this module only knows texts,
integer targets and label names.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
import shutil
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from retrieval.threads import give_cores_to_torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

Progress = Callable[[int, int], None]
T = TypeVar("T")
C = TypeVar("C", bound="FineTunedClassifier")


@dataclass(frozen=True)
class HyperParams:
    """The fine-tuning knobs the loop reads; each classifier subclasses it with its own defaults."""

    epochs: int = 8
    batch_size: int = 32
    learning_rate: float = 1e-4
    weight_decay: float = 0.01
    warmup_share: float = 0.1
    max_length: int = 64
    validation_share: float = 0.1
    seed: int = 13


@dataclass
class ModelMeta:
    """What was trained, on what, and how well: stored next to the weights. Each classifier
    subclasses it with the decision rule it calibrates (a threshold, a neutral floor)."""

    labels: list[str]
    data_hash: str
    base_model: str
    temperature: float
    max_length: int
    config: dict[str, Any]
    metrics: dict[str, float] = field(default_factory=dict)
    train_seconds: float = 0.0


def hash_lines(lines: Iterable[str]) -> str:
    """A short hash of training data lines, stored with a model so it is retrained when data changes."""
    digest = hashlib.sha256()
    for line in lines:
        digest.update(f"{line}\n".encode())
    return digest.hexdigest()[:16]


def split_by(items: Sequence[T], key: Callable[[T], Hashable], share: float, seed: int) -> tuple[list[T], list[T]]:
    """Split off `share` of every `key` group (at least one item of a group of two or more)
    as a second list, so the held-out list has the same mix as the whole."""
    groups: dict[Any, list[T]] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    rng = random.Random(seed)
    kept: list[T] = []
    held: list[T] = []
    for name in sorted(groups):
        group = list(groups[name])
        rng.shuffle(group)
        n = max(1, round(len(group) * share)) if len(group) > 1 else 0
        held.extend(group[:n])
        kept.extend(group[n:])
    return kept, held


class FineTunedClassifier:
    """A fine-tuned text classifier ready to predict: logits, calibrated probabilities, saving.
    Subclasses name their metadata file and class and add their own `predict`."""

    META_FILE = "shopbot_model.json"
    META_CLASS: type[ModelMeta] = ModelMeta
    MISSING = "no model in {folder}; train one first"

    def __init__(self, model: Any, tokenizer: Any, meta: Any) -> None:
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.meta = meta
        self.labels: list[str] = list(meta.labels)

    def logits(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Raw logits, (n, n_labels); long texts are truncated, never rejected."""
        return batched_logits(self.model, self.tokenizer, texts, self.meta.max_length, batch_size)

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated class probabilities, (n, n_labels), columns in `labels` order."""
        return softmax(self.logits(texts), self.meta.temperature)

    def save(self, folder: Path) -> None:
        """Write weights, tokenizer and metadata to a new folder, then swap it in."""
        save_model(self.model, self.tokenizer, asdict(self.meta), self.META_FILE, folder)

    @classmethod
    def load(cls: type[C], folder: Path) -> C:
        """Load a model saved by `save`; NotReadyError naming the training command when absent."""
        from bot.errors import NotReadyError

        meta = cls.read_meta(folder)
        if meta is None:
            raise NotReadyError(cls.MISSING.format(folder=folder))
        model, tokenizer = load_pretrained(folder)
        return cls(model, tokenizer, meta)

    @classmethod
    def read_meta(cls, folder: Path) -> Any:
        """The metadata saved next to a model in `folder`, or None when there is none usable."""
        raw = read_meta(folder, cls.META_FILE)
        try:
            return cls.META_CLASS(**raw) if raw is not None else None
        except TypeError:
            return None


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and torch so a training run can be repeated."""
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Row-wise softmax of logits divided by `temperature`."""
    z = logits / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The softmax temperature minimising negative log-likelihood on held-out logits."""
    best_t, best_nll = 1.0, math.inf
    for t in np.exp(np.linspace(math.log(0.25), math.log(8.0), 60)):
        p = softmax(logits, t)[np.arange(len(labels)), labels]
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


def bf16_ok() -> bool:
    """Whether to train under bfloat16 autocast: only where the CPU computes it natively."""
    from retrieval.embeddings import cpu_has_native_bf16

    return cpu_has_native_bf16()


def fine_tune(
    texts: Sequence[str],
    targets: Sequence[int],
    labels: Sequence[str],
    base_model: Path,
    config: HyperParams,
    progress: Progress | None = None,
    epoch_rows: Callable[[int], Sequence[int]] | None = None,
    length_buckets: bool = False,
) -> tuple[Any, Any]:
    """Fine-tune BertForSequenceClassification from `base_model` on (text, target index) pairs.

    Returns (model in eval mode, tokenizer). The caller seeds first (`set_seed`) when it
    wants the run repeatable. `progress(step, total_steps)` is called after every step.
    `epoch_rows(epoch)` names the rows an epoch trains on (default: all of them), so a
    large pool can be seen a slice at a time next to data seen every epoch. With
    `length_buckets`, each batch holds texts of similar length (see `_bucketed`), which
    saves the padding that mixing one-word and sixty-word texts costs.
    """
    import torch
    from transformers import AutoTokenizer, BertForSequenceClassification
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    labels = list(labels)
    tokenizer = AutoTokenizer.from_pretrained(base_model, local_files_only=True)
    # The packaged checkpoint is a bare BertModel: the pooler may be fresh, the classifier
    # head always is. Both are trained; the warning about newly initialised weights is expected.
    prev = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    model = BertForSequenceClassification.from_pretrained(
        base_model,
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={name: i for i, name in enumerate(labels)},
        local_files_only=True,
    )
    hf_logging.set_verbosity(prev)

    texts = list(texts)
    target_tensor = torch.tensor(list(targets))
    rows = [list(epoch_rows(e)) if epoch_rows else None for e in range(config.epochs)]
    total = sum(math.ceil((len(r) if r is not None else len(texts)) / config.batch_size) for r in rows)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay)
    warmup = max(1, int(total * config.warmup_share))
    # Linear warm-up, then linear decay to zero at the last step.
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup)))
    )
    generator = torch.Generator().manual_seed(config.seed)
    lengths = [len(ids) for ids in tokenizer(texts, truncation=True, max_length=config.max_length)["input_ids"]] if length_buckets else []
    use_bf16 = bf16_ok()
    model.train()
    step = 0
    for epoch in range(config.epochs):
        chosen = rows[epoch]
        if chosen is None:
            order = torch.randperm(len(texts), generator=generator).tolist()
        else:
            order = [chosen[i] for i in torch.randperm(len(chosen), generator=generator).tolist()]
        batches = (_bucketed(order, lengths, config.batch_size, generator) if length_buckets
                   else [order[i : i + config.batch_size] for i in range(0, len(order), config.batch_size)])  # fmt: skip
        for idx in batches:
            batch = tokenizer(
                [texts[i] for i in idx], padding=True, truncation=True, max_length=config.max_length,
                return_tensors="pt",
            )
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=use_bf16):
                logits = model(**batch).logits
            loss = torch.nn.functional.cross_entropy(logits.float(), target_tensor[idx])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            if progress:
                progress(step, total)
    model.eval()
    return model, tokenizer


def _bucketed(order: list[int], lengths: Sequence[int], batch_size: int, generator: Any) -> list[list[int]]:
    """Batches of similar-length rows: the shuffled rows are cut into windows of 50 batches,
    each window sorted by length and cut into batches, and the batches shuffled. The number
    of batches is the same as without buckets, so the schedule's step count holds."""
    import torch

    window = batch_size * 50
    batches: list[list[int]] = []
    for start in range(0, len(order), window):
        chunk = sorted(order[start : start + window], key=lambda i: lengths[i])
        batches.extend(chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size))
    return [batches[i] for i in torch.randperm(len(batches), generator=generator).tolist()]


def _tokenized(tokenizer: Any, texts: Sequence[str], max_length: int, batch_size: int) -> Iterator[Any]:
    """The texts as model inputs, `batch_size` at a time; long texts are truncated, never rejected."""
    for start in range(0, len(texts), batch_size):
        yield tokenizer(list(texts[start : start + batch_size]), padding=True, truncation=True, max_length=max_length, return_tensors="pt")


def batched_logits(model: Any, tokenizer: Any, texts: Sequence[str], max_length: int, batch_size: int = 64) -> np.ndarray:
    """Raw logits, (n, n_labels); long texts are truncated, never rejected."""
    import torch

    with torch.inference_mode():
        out = [model(**batch).logits.float().numpy() for batch in _tokenized(tokenizer, texts, max_length, batch_size)]
    return np.concatenate(out) if out else np.zeros((0, model.config.num_labels), dtype=np.float32)


def batched_features(
    model: Any, tokenizer: Any, texts: Sequence[str], max_length: int, batch_size: int = 64
) -> tuple[np.ndarray, np.ndarray]:
    """Raw logits (n, n_labels) and the pooled sentence features the classifier head reads (n, hidden)."""
    import torch

    logits, features = [], []
    with torch.inference_mode():
        for batch in _tokenized(tokenizer, texts, max_length, batch_size):
            pooled = model.bert(**batch).pooler_output
            logits.append(model.classifier(pooled).float().numpy())
            features.append(pooled.float().numpy())
    if not logits:
        return np.zeros((0, model.config.num_labels), np.float32), np.zeros((0, model.config.hidden_size), np.float32)
    return np.concatenate(logits), np.concatenate(features)


def save_model(
    model: Any,
    tokenizer: Any,
    meta: dict[str, Any],
    meta_name: str,
    folder: Path,
    extra: Callable[[Path], None] | None = None,
) -> None:
    """Write weights, tokenizer and metadata to a new folder, then swap it in, so a reader
    never sees a half-written model. `extra(folder)` writes any further files first."""
    staging = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    model.save_pretrained(staging)
    tokenizer.save_pretrained(staging)
    if extra is not None:
        extra(staging)
    (staging / meta_name).write_text(json.dumps(meta, indent=2), encoding="utf-8")
    old = folder.with_name(folder.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    staging.rename(folder)
    shutil.rmtree(old, ignore_errors=True)


def read_meta(folder: Path, meta_name: str) -> dict[str, Any] | None:
    """The metadata dict saved next to a model, or None when there is none (or it is unreadable)."""
    try:
        meta = json.loads((folder / meta_name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def load_pretrained(folder: Path) -> tuple[Any, Any]:
    """The (model, tokenizer) saved by `save_model`, for inference on this machine's cores."""
    from transformers import AutoTokenizer, BertForSequenceClassification

    give_cores_to_torch()
    model = BertForSequenceClassification.from_pretrained(folder, local_files_only=True)
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    return model, tokenizer
