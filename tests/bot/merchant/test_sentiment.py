"""The review sentiment classifier: negation, mixed reviews, facts, calibration, persistence, data."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.errors import NotReadyError
from bot.merchant.aspects import review_sentiments
from bot.merchant.sentiment import SentimentClassifier, load_meta, sentiment_model_dir
from bot.merchant.sentiment_data import (
    LABELS,
    SentimentDataError,
    demo_review_examples,
    read_sentence_file,
    stratified_split,
    training_examples,
)
from bot.merchant.text import split_clauses, split_sentences

# Sentences a store owner would expect any sentiment tool to get right, written here (not
# taken from the training data), including negation and a mixed review.
TABLE = [
    ("Not bad at all, I'd buy it again.", "positive"),
    ("Absolutely love these, they fit perfectly.", "positive"),
    ("The best purchase I've made this year.", "positive"),
    ("Not worth the money.", "negative"),
    ("It broke after two days and support never answered.", "negative"),
    ("I would not recommend this to anyone.", "negative"),
    ("Not good, the zipper jammed on day one.", "negative"),
    ("Terrible quality, it fell apart in the wash.", "negative"),
    ("Great sound, but the battery died within a week.", "neutral"),  # mixed
    ("Comfortable and warm. Sadly the zip broke after a month.", "neutral"),  # mixed
    ("The jacket is made of nylon.", "neutral"),
    ("It comes in a cardboard box with two cables.", "neutral"),
]


@pytest.mark.parametrize(("text", "label"), TABLE)
def test_reviews_get_the_label_a_person_would_give(sentiment: SentimentClassifier, text: str, label: str) -> None:
    [(got, confidence)] = review_sentiments([text], sentiment.classify)
    assert got == label, (got, confidence)
    assert 0.0 < confidence <= 1.0


def test_sentence_predictions_are_calibrated_probabilities(sentiment: SentimentClassifier) -> None:
    for prediction in sentiment.predict([text for text, _ in TABLE]):
        assert set(prediction.scores) == set(LABELS)
        assert abs(sum(prediction.scores.values()) - 1.0) < 1e-3
        assert prediction.confidence == prediction.scores[prediction.label]


def test_negation_flips_the_verdict(sentiment: SentimentClassifier) -> None:
    good, not_good = sentiment.predict(["The quality is good.", "The quality is not good."])
    assert good.label == "positive" and not_good.label == "negative"


def test_the_held_out_test_split_is_scored_and_recorded(shipped: Settings) -> None:
    meta = load_meta(sentiment_model_dir(shipped))
    assert meta is not None
    assert meta.labels == list(LABELS)
    assert meta.metrics["test_accuracy"] >= 0.8
    assert meta.metrics["test_macro_f1"] >= 0.75
    assert 0.1 < meta.temperature < 10


def test_loading_without_a_model_names_the_command(tmp_path: Path) -> None:
    with pytest.raises(NotReadyError, match="shopbot train sentiment"):
        SentimentClassifier.load(tmp_path / "missing")


def test_uci_files_are_read_and_bad_lines_reported(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Loved it.\t1\nAwful service.\t0\n\n", encoding="utf-8")
    examples = read_sentence_file(good, "yelp")
    assert [(e.text, e.label) for e in examples] == [("Loved it.", "positive"), ("Awful service.", "negative")]
    bad = tmp_path / "bad.txt"
    bad.write_text("Loved it.\t1\nno label here\n", encoding="utf-8")
    with pytest.raises(SentimentDataError, match=r"bad.txt:2"):
        read_sentence_file(bad, "yelp")


def test_demo_reviews_label_only_unambiguous_sentences() -> None:
    examples = demo_review_examples()
    labels = {e.text: e.label for e in examples if e.source == "demo"}
    # A 4-star review's gripe is neither praise nor complaint: only 1- and 5-star sentences are labelled.
    assert labels.get("Great value for the money.") == "positive"
    assert labels.get("Not worth the money.") == "negative"
    assert labels.get("Not bad, not great.") == "neutral"
    assert "Packaging could be better." not in labels
    assert len({e.text for e in examples}) == len(examples)


def test_training_data_keeps_distinct_texts_and_splits_keep_every_group() -> None:
    examples = training_examples()
    assert len({e.text for e in examples}) == len(examples)
    rest, held = stratified_split(examples, 0.1, 13)
    assert {(e.source, e.label) for e in held} == {(e.source, e.label) for e in examples}
    assert len(rest) + len(held) == len(examples)


def test_text_splits_are_verbatim_slices() -> None:
    text = "Great sound but the battery died. Lasts 2.5 hours!\nWould not buy again"
    sentences = split_sentences(text)
    assert sentences == ["Great sound but the battery died.", "Lasts 2.5 hours!", "Would not buy again"]
    assert split_clauses(sentences[0]) == ["Great sound", "the battery died."]
    assert all(part in text for s in sentences for part in split_clauses(s))
