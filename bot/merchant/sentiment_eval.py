"""Sentiment quality on held-out splits: in-domain (train and test within yelp, within imdb)
and cross-domain (train on yelp, test on imdb, and the reverse), the fine-tuned MiniLM next
to a TF-IDF + logistic-regression baseline trained on exactly the same sentences.

Each domain is split once (stratified by label); one model is trained per domain on its
train split and scored on both domains' test splits. So the cross-domain figures cost no
extra training, and in-domain and cross-domain scores are measured on the same test
sentences. The UCI sets are negative/positive only, so these are two-label models.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.merchant.sentiment import SentimentTrainConfig, train
from bot.merchant.sentiment_data import LabelledText, SentimentDataError, sentence_domains, stratified_split
from bot.nlu.dataset import Example
from bot.nlu.evaluation import TfidfBaseline

BERT = "fine-tuned MiniLM"
TFIDF = "TF-IDF + logistic reg."
_BINARY = ("negative", "positive")


@dataclass(frozen=True)
class RunScores:
    """One predictor trained on one domain, scored on one domain's test split."""

    model: str
    train_domain: str
    test_domain: str
    accuracy: float
    macro_f1: float
    examples: int

    @property
    def in_domain(self) -> bool:
        """Whether it was tested on the domain it was trained on."""
        return self.train_domain == self.test_domain


@dataclass
class SentimentEvalResult:
    """Every run of one evaluation, with what it cost."""

    runs: list[RunScores]
    epochs: int
    train_sizes: dict[str, int]
    test_sizes: dict[str, int]
    train_seconds: dict[str, float] = field(default_factory=dict)
    cpu_seconds: dict[str, float] = field(default_factory=dict)

    def get(self, model: str, train_domain: str, test_domain: str) -> RunScores:
        """The run of `model` trained on `train_domain` and tested on `test_domain`."""
        for run in self.runs:
            if (run.model, run.train_domain, run.test_domain) == (model, train_domain, test_domain):
                return run
        raise KeyError((model, train_domain, test_domain))

    def table(self) -> str:
        """A printable table: one row per train -> test pair, BERT and baseline side by side."""
        pairs = sorted({(r.train_domain, r.test_domain) for r in self.runs}, key=lambda p: (p[0] != p[1], p))
        lines = [
            f"sentiment, held-out test splits ({', '.join(f'{d} {n}' for d, n in self.test_sizes.items())} sentences; "
            f"trained on {', '.join(f'{d} {n}' for d, n in self.train_sizes.items())}, {self.epochs} epochs)",
            f"  {'train -> test':<16} {'':<13} {BERT + ' acc / F1':>26}   {TFIDF + ' acc / F1':>31}",
        ]
        for train_domain, test_domain in pairs:
            bert = self.get(BERT, train_domain, test_domain)
            base = self.get(TFIDF, train_domain, test_domain)
            kind = "in-domain" if bert.in_domain else "cross-domain"
            lines.append(
                f"  {train_domain + ' -> ' + test_domain:<16} {kind:<13} "
                f"{bert.accuracy:>17.3f} / {bert.macro_f1:.3f}   {base.accuracy:>22.3f} / {base.macro_f1:.3f}"
            )
        lines.append(
            "  training cost: " + ", ".join(
                f"{d} {self.train_seconds[d]:.0f} s wall / {self.cpu_seconds[d]:.0f} s CPU" for d in self.train_seconds
            )
        )
        return "\n".join(lines)


def _binary_scores(truth: Sequence[str], pred: Sequence[str]) -> tuple[float, float]:
    from sklearn.metrics import accuracy_score, f1_score

    return (float(accuracy_score(truth, pred)),
            float(f1_score(truth, pred, labels=list(_BINARY), average="macro", zero_division=0)))  # fmt: skip


def evaluate(
    base_model: Path,
    sentence_dir: Path | None = None,
    *,
    epochs: int = 2,
    test_share: float = 0.2,
    limit: int | None = None,
    seed: int = 13,
    progress: Callable[[str, int, int], None] | None = None,
) -> SentimentEvalResult:
    """Train per domain, score every (train, test) pair for BERT and the baseline.

    `limit` keeps a random `limit` sentences of each domain (a quick smoke run).
    `progress(domain, step, total)` reports BERT training steps.
    """
    domains = sentence_domains(sentence_dir)
    if len(domains) < 2:
        raise SentimentDataError(
            f"the sentiment evaluation needs both UCI sentence files in {sentence_dir or 'the shared data folder'}; "
            "pass --data DIR"
        )
    splits: dict[str, tuple[list[LabelledText], list[LabelledText]]] = {}
    for name, examples in domains.items():
        if limit is not None:
            examples = random.Random(seed).sample(examples, min(limit, len(examples)))
        splits[name] = stratified_split(examples, test_share, seed)

    result = SentimentEvalResult(
        runs=[], epochs=epochs,
        train_sizes={d: len(s[0]) for d, s in splits.items()}, test_sizes={d: len(s[1]) for d, s in splits.items()},
    )  # fmt: skip
    # Calibration is not needed for accuracy, so the model trains on the whole train split.
    config = SentimentTrainConfig(epochs=epochs, validation_share=0.0, test_share=0.0, seed=seed)
    for train_domain, (fit, _test) in splits.items():
        wall, cpu = time.perf_counter(), time.process_time()
        step = (lambda s, t, d=train_domain: progress(d, s, t)) if progress else None
        model = train(fit, base_model, config, step, labels=_BINARY)
        result.train_seconds[train_domain] = round(time.perf_counter() - wall, 1)
        result.cpu_seconds[train_domain] = round(time.process_time() - cpu, 1)
        baseline = TfidfBaseline([Example(ex.text, ex.label) for ex in fit], seed=seed)
        for test_domain, (_fit, test) in splits.items():
            texts, truth = [ex.text for ex in test], [ex.label for ex in test]
            for name, pred in ((BERT, [p.label for p in model.predict(texts)]), (TFIDF, baseline.predict(texts))):
                accuracy, macro_f1 = _binary_scores(truth, pred)
                result.runs.append(RunScores(name, train_domain, test_domain, accuracy, macro_f1, len(test)))
    return result
