""""What do people say about X?": a grounded review summary with the rating, counts and quotes."""

from __future__ import annotations

import re

import pytest

from bot.skills.reviews import asks_about_reviews, review_answer
from retrieval.catalog import Review
from tests.bot.dialogue.conftest import Shopper
from tests.conftest import make_product

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("what do people say about the TrailMax?", True),
        ("how are the reviews for the second one", True),
        ("any complaints about it?", True),
        ("what do customers think of these boots", True),
        ("is it waterproof?", False),
        ("how much is it", False),
    ],
)
def test_review_questions_are_told_apart_from_fact_questions(text: str, asks: bool) -> None:
    assert asks_about_reviews(text) is asks


def _quotes(text: str) -> list[str]:
    return re.findall(r"“([^”]+)”", text)


async def test_a_named_product_gets_its_rating_counts_and_quotes(shopper: Shopper) -> None:
    plan, _ = await shopper.say("hiking boots")
    product = plan.cards[0]
    catalog = shopper.dialogue.catalog.get(product.id)
    assert catalog is not None and catalog.reviews

    plan, text = await shopper.say(f"what do people say about the {product.title}?")

    assert plan.context.skill == "reviews" and plan.cards[0].id == product.id
    assert f"from {catalog.review_count} review" in text
    assert f"Of the {len(catalog.reviews)} review" in text
    written = " ".join(r.text for r in catalog.reviews)
    assert _quotes(text) and all(q in written for q in _quotes(text))


async def test_follow_up_about_the_shown_product_and_out_of_the_blue_by_brand(shopper: Shopper) -> None:
    plan, _ = await shopper.say("running shoes")
    first = plan.cards[0]
    plan, text = await shopper.say("what do reviewers say about the first one?")
    assert plan.context.skill == "reviews" and plan.cards[0].id == first.id
    assert first.title in text

    fresh = Shopper(shopper.dialogue, shopper.nlu, type(shopper.state)())
    plan, text = await fresh.say("what do people say about the TrailMax hiking boots?")
    assert plan.context.skill == "reviews"
    assert plan.cards[0].brand == "TrailMax" and "out of 5" in text


def test_without_a_sentiment_model_the_answer_keeps_to_the_catalog() -> None:
    product = make_product("b-1", "Summit Boot", brand="TrailMax", price=120.0, rating=4.5, review_count=2,
                           reviews=[Review(rating=5, text="Great grip."), Review(rating=4, text="Warm enough.")])  # fmt: skip
    lines = review_answer(product, None)
    assert lines == ["The Summit Boot is rated 4.5 out of 5 from 2 reviews."]
    bare = make_product("b-2", "Plain Boot", price=80.0)
    assert "no reviews yet" in review_answer(bare, None)[0]
