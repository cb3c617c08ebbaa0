"""Aspect summaries on a fixed review set and on real third-party reviews: counts and verbatim quotes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.merchant.aspects import ReviewText, aspects_of, review_label, summarize
from bot.merchant.sentiment import SentimentClassifier

SHARED = Path(__file__).resolve().parents[4] / "shared" / "data"

REVIEWS = [
    ReviewText("Really comfortable, even after a long day. Delivery was late and nobody sent an update.", 3),
    ReviewText("So comfortable that I bought a second pair. Delivery was quick.", 5),
    ReviewText("The delivery took three weeks and the box arrived crushed.", 2),
    ReviewText("Great value for the money.", 5),
    ReviewText("Very comfortable but the sizing is way off, I had to send them back.", 4),
    ReviewText("Comfortable enough. Shipping took forever and the courier left it in the rain.", 2),
]


@pytest.mark.parametrize(
    ("clause", "aspects"),
    [
        ("Really comfortable, even after a long day", ["comfort"]),
        ("Delivery was late and nobody sent an update.", ["delivery"]),
        ("Great value for the money.", ["value"]),
        ("Feels cheaply made.", ["quality"]),
        ("the sizing is way off, I had to send them back.", ["fit"]),
        ("Shipping took forever and the courier left it in the rain.", ["delivery"]),
        ("Left my skin feeling tight and dry.", []),
        ("The battery easily lasts all day.", ["battery"]),
        ("Pairs instantly with my phone.", ["connectivity"]),
        ("I love it.", []),
    ],
)
def test_clauses_map_to_the_aspects_they_name(clause: str, aspects: list[str]) -> None:
    assert aspects_of(clause) == aspects


def test_a_review_is_mixed_when_its_opinions_disagree() -> None:
    assert review_label(["positive", "neutral"]) == "positive"
    assert review_label(["positive", "negative"]) == "neutral"
    assert review_label([]) == "neutral"


def test_summary_counts_praise_and_complaints_per_aspect_with_verbatim_quotes(sentiment: SentimentClassifier) -> None:
    summary = summarize(REVIEWS, sentiment.classify)
    by_name = {a.aspect: a for a in summary.aspects}

    assert summary.reviews == len(REVIEWS)
    comfort, delivery = by_name["comfort"], by_name["delivery"]
    assert comfort.praise.reviews >= 4 and comfort.complaints.reviews == 0
    assert comfort.verdict == "praised"
    assert delivery.complaints.reviews == 3 and delivery.praise.reviews == 1
    assert delivery.verdict == "criticised"
    assert by_name["value"].praise.reviews == 1
    assert by_name["fit"].complaints.reviews == 1  # "sizing is way off", in an otherwise happy review
    # The shopper-facing ranking: comfort first among praise, delivery first among complaints.
    assert summary.praised()[0].aspect == "comfort"
    assert summary.criticised()[0].aspect == "delivery"
    texts = " ".join(r.text for r in REVIEWS)
    for aspect in summary.aspects:
        for side in (aspect.praise, aspect.complaints):
            assert side.quote is None or side.quote in texts
    assert summary.positive >= 2 and summary.negative >= 1


def test_a_review_counts_once_per_aspect_however_often_it_repeats(sentiment: SentimentClassifier) -> None:
    summary = summarize([ReviewText("Comfortable. So comfortable. Comfortable all day long.", 5)], sentiment.classify)
    comfort = next(a for a in summary.aspects if a.aspect == "comfort")
    assert comfort.praise.reviews == 1


def test_no_reviews_no_aspects(sentiment: SentimentClassifier) -> None:
    summary = summarize([], sentiment.classify)
    assert summary.reviews == 0 and summary.aspects == [] and summary.praised() == []


@pytest.mark.skipif(not (SHARED / "dummyjson_products.json").is_file(), reason="shared DummyJSON data absent")
def test_real_third_party_reviews_summarise_into_quotes_they_contain(sentiment: SentimentClassifier) -> None:
    products = json.loads((SHARED / "dummyjson_products.json").read_text(encoding="utf-8"))
    texts = [ReviewText(r["comment"], r.get("rating")) for p in products for r in p.get("reviews", [])]
    summary = summarize(texts, sentiment.classify)
    assert summary.reviews == len(texts)
    assert summary.positive + summary.negative + summary.neutral == len(texts)
    assert summary.aspects, "real reviews mention at least one aspect"
    joined = "\n".join(t.text for t in texts)
    for aspect in summary.aspects:
        assert aspect.mentions <= len(texts)
        for side in (aspect.praise, aspect.complaints):
            assert side.quote is None or side.quote in joined
    # DummyJSON's 1-3 star comments are complaints ("Waste of money!"), its 4-5 star ones praise.
    for stars, label in (((1, 2, 3), "negative"), ((4, 5), "positive")):
        said = [t.text for t in texts if t.rating in stars]
        labels = [got for got, _ in sentiment.classify(said)]
        assert labels.count(label) >= 0.8 * len(said), (label, labels.count(label), len(said))
