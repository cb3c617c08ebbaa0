"""Out-of-scope detection: which messages get no shopping intent, whatever the classifier says.

A message the classifier itself labels out_of_scope stays out of scope. On top of that one
detector scores how unlike the shop's intents a message is, and above a threshold (chosen on
held-out training data, never on the development splits) the message is out of scope:

- `confidence`: the calibrated confidence floor: 1 - the top class probability;
- `mahalanobis`: class-conditional Mahalanobis distance (one covariance shared by every
  class, shrunk towards its diagonal) from the message's sentence features to the nearest
  in-scope intent's mean, in the classifier's own pooled feature space;
- `knn`: cosine distance to the k-th nearest in-scope training message in that space.

Every detector is fitted with the model, so `shopbot eval nlu` measures all three on the
same weights; the model uses the one its training recipe names.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping

import numpy as np


class OutlierDetector(ABC):
    """Scores messages: the higher, the less the message looks like an in-scope request."""

    name = ""

    @abstractmethod
    def fit(self, features: np.ndarray, labels: np.ndarray, in_scope: np.ndarray) -> None:
        """Learn from training features (n, d), their label indices and which rows are in scope."""

    @abstractmethod
    def score(self, features: np.ndarray, probs: np.ndarray) -> np.ndarray:
        """One score per row: larger means further from anything in scope."""

    @abstractmethod
    def state(self) -> dict[str, np.ndarray]:
        """The arrays to save with the model."""

    @abstractmethod
    def load(self, state: Mapping[str, np.ndarray]) -> None:
        """Restore what `state` returned."""


class ConfidenceFloor(OutlierDetector):
    """1 - the calibrated top probability: a low-confidence answer is no answer."""

    name = "confidence"

    def fit(self, features: np.ndarray, labels: np.ndarray, in_scope: np.ndarray) -> None:
        """Nothing to learn: the probabilities are already calibrated."""

    def score(self, features: np.ndarray, probs: np.ndarray) -> np.ndarray:
        """1 - top probability."""
        return 1.0 - probs.max(axis=1)

    def state(self) -> dict[str, np.ndarray]:
        """No arrays."""
        return {}

    def load(self, state: Mapping[str, np.ndarray]) -> None:
        """No arrays."""


class Mahalanobis(OutlierDetector):
    """Distance to the nearest in-scope class mean under one shared, shrunk covariance."""

    name = "mahalanobis"
    # How far the shared covariance is pulled towards its diagonal: a few thousand messages
    # in 384 dimensions give a noisy full covariance.
    SHRINKAGE = 0.1

    def __init__(self) -> None:
        self.whiten = np.zeros((0, 0), np.float32)
        self.means = np.zeros((0, 0), np.float32)

    def fit(self, features: np.ndarray, labels: np.ndarray, in_scope: np.ndarray) -> None:
        """Class means of the in-scope rows and the whitening transform of their pooled covariance."""
        x = features[in_scope].astype(np.float64)
        y = labels[in_scope]
        classes = np.unique(y)
        means = np.stack([x[y == c].mean(axis=0) for c in classes])
        centred = x - means[np.searchsorted(classes, y)]
        cov = centred.T @ centred / max(1, len(x) - len(classes))
        cov = (1 - self.SHRINKAGE) * cov + self.SHRINKAGE * np.diag(np.diag(cov))
        values, vectors = np.linalg.eigh(cov)
        values = np.clip(values, values.max() * 1e-6, None)
        self.whiten = (vectors / np.sqrt(values)).astype(np.float32)
        self.means = (means @ self.whiten).astype(np.float32)

    def score(self, features: np.ndarray, probs: np.ndarray) -> np.ndarray:
        """Squared distance to the nearest in-scope class mean, in whitened space."""
        z = features.astype(np.float32) @ self.whiten
        d = (z * z).sum(axis=1, keepdims=True) - 2 * z @ self.means.T + (self.means * self.means).sum(axis=1)
        return d.min(axis=1)

    def state(self) -> dict[str, np.ndarray]:
        """The whitening matrix and the whitened class means."""
        return {"whiten": self.whiten, "means": self.means}

    def load(self, state: Mapping[str, np.ndarray]) -> None:
        """Restore the whitening matrix and means."""
        self.whiten = np.asarray(state["whiten"], np.float32)
        self.means = np.asarray(state["means"], np.float32)


class NearestNeighbours(OutlierDetector):
    """Cosine distance to the k-th nearest in-scope training message."""

    name = "knn"
    K = 10

    def __init__(self) -> None:
        self._keep(np.zeros((0, 0), np.float16))

    def _keep(self, bank: np.ndarray) -> None:
        # Saved in half precision (only ranks matter), searched in single: converting the
        # bank on every message would cost more than the whole forward pass.
        self.bank = np.asarray(bank, np.float16)
        self._search_bank = np.ascontiguousarray(self.bank.astype(np.float32).T)

    def fit(self, features: np.ndarray, labels: np.ndarray, in_scope: np.ndarray) -> None:
        """Keep the unit-length features of the in-scope rows."""
        self._keep(_unit(features[in_scope]))

    def score(self, features: np.ndarray, probs: np.ndarray) -> np.ndarray:
        """1 - cosine similarity to the k-th nearest in-scope training message."""
        sims = _unit(features).astype(np.float32) @ self._search_bank
        k = min(self.K, sims.shape[1])
        kth = np.partition(-sims, k - 1, axis=1)[:, k - 1]
        return 1.0 + kth

    def state(self) -> dict[str, np.ndarray]:
        """The feature bank."""
        return {"bank": self.bank}

    def load(self, state: Mapping[str, np.ndarray]) -> None:
        """Restore the feature bank."""
        self._keep(state["bank"])


DETECTORS: dict[str, type[OutlierDetector]] = {
    cls.name: cls for cls in (ConfidenceFloor, Mahalanobis, NearestNeighbours)
}


def make_detector(name: str) -> OutlierDetector:
    """A new detector by name; an unknown name lists the known ones."""
    try:
        return DETECTORS[name]()
    except KeyError:
        raise ValueError(f"unknown out-of-scope detector {name!r}; known: {', '.join(DETECTORS)}") from None


def decide(top: np.ndarray, scores: np.ndarray, threshold: float, fallback: int) -> np.ndarray:
    """The classifier's top label per row, or the fallback where the detector's score is above threshold."""
    return np.where(scores > threshold, fallback, top)


def choose_threshold(top: np.ndarray, scores: np.ndarray, labels: np.ndarray, fallback: int) -> float:
    """The score threshold that maximises macro-F1 on held-out rows.

    Candidates are the held-out scores' quantiles; ties go to the higher threshold, which
    overrides fewer of the classifier's answers.
    """
    from sklearn.metrics import f1_score

    candidates = np.unique(np.quantile(scores, np.linspace(0.0, 1.0, 201)))
    best, best_f1 = float(np.inf), f1_score(labels, top, average="macro", zero_division=0)
    for threshold in candidates[::-1]:
        f1 = f1_score(labels, decide(top, scores, float(threshold), fallback), average="macro", zero_division=0)
        if f1 > best_f1 + 1e-9:
            best, best_f1 = float(threshold), f1
    return best


def _unit(x: np.ndarray) -> np.ndarray:
    x = x.astype(np.float32)
    return x / np.clip(np.linalg.norm(x, axis=1, keepdims=True), 1e-12, None)
