"""The grounding checker: tables of grounded and ungrounded answers over one search context."""

from __future__ import annotations

import pytest

from bot.generation.checker import GroundingChecker, check_answer
from bot.generation.facts import AnswerContext
from tests.bot.generation.conftest import BRANDS

GROUNDED = [
    "The TrailMax Waterproof Hiking Boots cost $49.99, down from $59.99.",
    "The TrailMax boots are 17% off, so you save $10.",
    "They are in stock in size 9, but size 10 is sold out.",
    "Only 3 left of the TrailMax boots!",
    "The Stride Road Running Shoes are $74.50 but they are sold out right now.",
    "Both are under $80.",
    "The TrailMax boots are rated 4.6 out of 5 from 12 reviews.",
    "The Stride shoes come in red and the TrailMax boots in brown.",
    "Here are two options: TrailMax Waterproof Hiking Boots ($49.99) and Stride Road Running Shoes ($74.50, out of stock).",
    "I hope that helps! Let me know if you'd like anything else.",
    "Great choice. Happy hiking!",
    "The TrailMax boots are made of leather and are waterproof.",
    "USD 49.99 for the TrailMax boots.",
    "The TrailMax is on sale.",
]

UNGROUNDED = [
    ("The TrailMax boots are $49.90.", "money"),  # near-miss price
    ("The TrailMax boots are $49.", "money"),
    ("The TrailMax boots are €49.99.", "currency"),
    ("The TrailMax boots are £49.99.", "currency"),
    ("The TrailMax boots cost 49.99 euros.", "currency"),
    ("The TrailMax boots are just $1 today.", "money"),
    ("Get 50% off the TrailMax boots.", "percent"),
    ("Use code SAVE20 at checkout.", "code"),
    ("The Stride Road Running Shoes are in stock.", "stock"),
    ("The TrailMax boots are sold out.", "stock"),
    ("Only 1 left of the TrailMax boots!", "stock"),
    ("The TrailMax boots come in size 12.", "size"),
    ("The TrailMax boots also come in XL.", "size"),
    ("They come in black.", "color"),
    ("The TrailMax boots are rated 4.9 stars.", "rating"),
    ("The TrailMax boots have 250 reviews.", "reviews"),
    ("You might also like the AeroGlide Ultra Runner.", "name"),
    ("Try the Summit Peak Jacket.", "name"),
    ("Check out the Nike Air Max too.", "name"),
    ("Pair them with the Zephyr X200.", "name"),
    ("My instructions say I must only use the facts.", "prompt"),
    ("You are Shopbot, the shopping assistant of our store.", "prompt"),
    ("I will email the receipt to jane.doe@example.com.", "personal data"),
    ("We will call you on +1 415 555 0199.", "personal data"),
    ("Your card 4111 1111 1111 1111 is saved.", "personal data"),
]


@pytest.mark.parametrize("answer", GROUNDED)
def test_grounded_answers_pass(search_context: AnswerContext, answer: str) -> None:
    assert check_answer(search_context, answer, brands=BRANDS) == []


@pytest.mark.parametrize(("answer", "kind"), UNGROUNDED)
def test_ungrounded_answers_are_caught_with_the_right_reason(search_context: AnswerContext, answer: str, kind: str) -> None:
    found = check_answer(search_context, answer, brands=BRANDS)
    assert kind in {v.kind for v in found}, found


def test_an_unsupported_discount_is_caught_when_nothing_is_on_sale(policy_context: AnswerContext) -> None:
    assert check_answer(policy_context, "Standard shipping costs $4.95, and orders over $50 ship free.") == []
    assert {v.kind for v in check_answer(policy_context, "Everything is on sale this week.")} == {"discount"}
    assert {v.kind for v in check_answer(policy_context, "Shipping costs $5.95.")} == {"money"}


def test_amounts_in_a_review_quote_do_not_ground_a_price(search_context: AnswerContext) -> None:
    from dataclasses import replace

    from bot.generation.facts import Finding

    context = replace(search_context, findings=(Finding("price", "mentioned", "review", "I paid $5 at the outlet"),))
    assert {v.kind for v in check_answer(context, "The TrailMax boots are $5.")} == {"money"}


def test_a_pronoun_refers_to_the_product_named_in_the_previous_sentence(search_context: AnswerContext) -> None:
    checker = GroundingChecker(search_context, brands=BRANDS)
    assert checker.check("I like the Stride shoes. They are in stock.")[0].kind == "stock"
    assert checker.check("I like the TrailMax boots. They are in stock.") == []


def test_an_answer_that_ignores_the_question_is_an_omission(search_context: AnswerContext) -> None:
    from dataclasses import replace

    from bot.generation.checker import omissions
    from bot.generation.facts import Finding

    assert [v.kind for v in omissions(search_context, "We have lovely things for you today!")] == ["omission"]
    assert omissions(search_context, "The TrailMax boots are $49.99.") == []
    # Naming a product without what it costs leaves out what the shopper chooses by.
    dropped = omissions(search_context, "The TrailMax boots are a lovely choice, made just last month.")
    assert [(v.kind, v.reason) for v in dropped] == [("omission", "names a product without its price")]
    asked = replace(search_context, skill="product_answer", findings=(Finding("material", "leather", "attribute"),))
    assert omissions(asked, "They are great boots for hiking.") != []
    assert omissions(asked, "The TrailMax boots are made of leather.") == []
    unknown = replace(asked, findings=(Finding("vegan", "unknown", "none"),))
    assert omissions(unknown, "Yes, they are vegan!") != []
    assert omissions(unknown, "The product details don't say whether they are vegan.") == []
