"""Out-of-scope detectors: far from every in-scope intent scores high, the chosen threshold
sends such messages to out_of_scope, and a detector survives a save and load."""

from __future__ import annotations

import numpy as np
import pytest

from bot.nlu.outliers import DETECTORS, choose_threshold, decide, make_detector

FALLBACK = 2


def _clusters(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Two in-scope intents (labels 0 and 1) as tight clusters in 16 dimensions."""
    centres = np.zeros((2, 16))
    centres[0, 0], centres[1, 1] = 6.0, 6.0
    labels = rng.integers(0, 2, n)
    return centres[labels] + rng.normal(scale=0.5, size=(n, 16)), labels


@pytest.mark.parametrize("name", ["mahalanobis", "knn"])
def test_distance_detectors_score_strangers_above_members(name: str) -> None:
    rng = np.random.default_rng(0)
    features, labels = _clusters(rng, 400)
    detector = make_detector(name)
    detector.fit(features, labels, np.ones(len(labels), bool))
    members, _ = _clusters(rng, 50)
    strangers = rng.normal(scale=0.5, size=(50, 16)) + 3.0  # between and off the clusters
    probs = np.full((50, 3), 1 / 3)
    assert detector.score(strangers, probs).min() > detector.score(members, probs).max()


def test_confidence_floor_scores_unsure_answers_higher() -> None:
    probs = np.array([[0.9, 0.05, 0.05], [0.4, 0.35, 0.25]])
    scores = make_detector("confidence").score(np.zeros((2, 4)), probs)
    assert scores[1] > scores[0]


def test_chosen_threshold_sends_strangers_to_the_fallback() -> None:
    rng = np.random.default_rng(1)
    features, labels = _clusters(rng, 300)
    detector = make_detector("mahalanobis")
    detector.fit(features, labels, np.ones(len(labels), bool))
    held, held_labels = _clusters(rng, 60)
    strangers = rng.normal(scale=0.5, size=(30, 16)) + 3.0
    x = np.vstack([held, strangers])
    y = np.concatenate([held_labels, np.full(30, FALLBACK)])
    top = np.concatenate([held_labels, rng.integers(0, 2, 30)])  # the classifier answers every stranger
    scores = detector.score(x, np.full((90, 3), 1 / 3))
    threshold = choose_threshold(top, scores, y, FALLBACK)
    assert (decide(top, scores, threshold, FALLBACK) == y).mean() > 0.95


def test_when_nothing_is_out_of_scope_the_threshold_overrides_nothing() -> None:
    top = np.array([0, 1, 0, 1])
    scores = np.array([0.1, 0.5, 0.2, 0.9])
    threshold = choose_threshold(top, scores, top.copy(), FALLBACK)
    assert (decide(top, scores, threshold, FALLBACK) == top).all()


@pytest.mark.parametrize("name", sorted(DETECTORS))
def test_state_round_trips(name: str) -> None:
    rng = np.random.default_rng(2)
    features, labels = _clusters(rng, 100)
    detector = make_detector(name)
    detector.fit(features, labels, np.ones(len(labels), bool))
    again = make_detector(name)
    again.load(detector.state())
    probs = rng.dirichlet(np.ones(3), size=10)
    assert np.allclose(again.score(features[:10], probs), detector.score(features[:10], probs), atol=1e-3)


def test_unknown_detector_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="mahalanobis"):
        make_detector("isolation_forest")
