"""Intent classification quality: accuracy, macro-F1, per-intent scores, confusion matrix,
and a TF-IDF + logistic-regression baseline trained on the same data for comparison."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bot.nlu.dataset import FALLBACK_INTENT, INTENTS, Example

Predict = Callable[[Sequence[str]], list[str]]


@dataclass
class IntentScores:
    """How well one predictor did on one labelled set.

    Out-of-scope recall is None when the set has no out-of-scope message, precision when
    nothing was predicted out of scope: neither figure exists then.
    """

    name: str
    accuracy: float
    macro_f1: float
    out_of_scope_recall: float | None
    per_intent: dict[str, dict[str, float]] = field(default_factory=dict)
    confusion: list[list[int]] = field(default_factory=list)
    examples: int = 0
    out_of_scope_precision: float | None = None
    # Messages truly out of scope, and predicted out of scope.
    out_of_scope_true: int = 0
    out_of_scope_predicted: int = 0


def score(name: str, predict: Predict, examples: Sequence[Example]) -> IntentScores:
    """Run `predict` over the examples and compute every figure."""
    return score_predictions(name, [ex.intent for ex in examples], predict([ex.text for ex in examples]))


def score_predictions(name: str, truth: Sequence[str], pred: Sequence[str]) -> IntentScores:
    """Every figure for predictions already made (truth and prediction per message)."""
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

    truth, pred = list(truth), list(pred)
    labels = list(INTENTS)
    p, r, f, support = precision_recall_fscore_support(truth, pred, labels=labels, zero_division=0)
    per_intent = {
        label: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(support[i])}
        for i, label in enumerate(labels)
    }
    present = [label for label in labels if label in set(truth)]
    oos_true = sum(t == FALLBACK_INTENT for t in truth)
    oos_pred = sum(p == FALLBACK_INTENT for p in pred)
    return IntentScores(
        name=name,
        accuracy=float(accuracy_score(truth, pred)) if truth else 0.0,
        macro_f1=float(f1_score(truth, pred, labels=present, average="macro", zero_division=0)) if truth else 0.0,
        out_of_scope_recall=per_intent[FALLBACK_INTENT]["recall"] if oos_true else None,
        per_intent=per_intent,
        confusion=confusion_matrix(truth, pred, labels=labels).tolist() if truth else [],
        examples=len(truth),
        out_of_scope_precision=per_intent[FALLBACK_INTENT]["precision"] if oos_pred else None,
        out_of_scope_true=oos_true,
        out_of_scope_predicted=oos_pred,
    )


class TfidfBaseline:
    """Word and character n-gram TF-IDF with logistic regression: the classic strong baseline."""

    def __init__(self, examples: Sequence[Example], seed: int = 13, prepare: Callable[[str], str] | None = None) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline, make_union

        features = make_union(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
        )
        self.model = make_pipeline(features, LogisticRegression(C=10.0, max_iter=2000, random_state=seed))
        # `prepare` gives it the text as the model it is compared with reads it.
        self.prepare = prepare or (lambda text: text)
        self.model.fit([self.prepare(ex.text) for ex in examples], [ex.intent for ex in examples])

    def predict(self, texts: Sequence[str]) -> list[str]:
        """Most likely intent per text."""
        return [str(label) for label in self.model.predict([self.prepare(t) for t in texts])]


def confusion_png(scores: IntentScores, path: Path) -> Path:
    """Draw the confusion matrix (rows: truth, columns: prediction) as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matrix = np.array(scores.confusion, dtype=float)
    rows = matrix.sum(axis=1, keepdims=True)
    share = np.divide(matrix, rows, out=np.zeros_like(matrix), where=rows > 0)
    labels = list(INTENTS)
    fig, ax = plt.subplots(figsize=(12, 11), dpi=110)
    ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    for i, j in zip(*np.nonzero(matrix), strict=True):
        ax.text(j, i, int(matrix[i, j]), ha="center", va="center", fontsize=6,
                color="white" if share[i, j] > 0.5 else "black")  # fmt: skip
    ax.set_xlabel("predicted intent")
    ax.set_ylabel("true intent")
    ax.set_title(f"{scores.name}: accuracy {scores.accuracy:.3f}, macro-F1 {scores.macro_f1:.3f} "
                 f"({scores.examples} held-out messages)")  # fmt: skip
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
