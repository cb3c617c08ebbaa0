"""Questions in shoppers' words answered from whatever the catalog calls a product's fields.

Each case asks in words the attribute's name does not hold ("can I send it back?" for
return_policy) and checks the reply a shopper reads: the catalog's own value, stated, and
nothing the checker would flag.
"""

from __future__ import annotations

import pytest

from bot.generation.backends.template import render
from bot.generation.checker import check_answer
from bot.generation.facts import AnswerContext, ProductFacts
from bot.skills.product_qa import answer_question
from retrieval.catalog import Product
from tests.conftest import make_product

# Fields as the DummyJSON importer keeps them.
LAPTOP = make_product(
    "81", "Lenovo Yoga 920", price=1099.99, stock=40, brand="Lenovo", category="laptops",
    description="The Lenovo Yoga 920 is a 2-in-1 convertible laptop with a flexible hinge.",
    attributes={
        "sku": "LAP-LEN-LEN-081", "weight": "9", "warranty": "6 months warranty", "shipping": "Ships in 2 weeks",
        "return_policy": "No return policy", "minimum_order_quantity": "3", "dimensions": "20.84 x 22.68 x 17.39 cm",
    },
)  # fmt: skip
# Names no concept list was written for, as a CSV's attr: columns would bring them.
CANDLE = make_product(
    "c1", "Cedar Pillar Candle", price=18.0, stock=12,
    description="Hand poured in small batches. Trim the wick to 5 mm before you light it for the first time.",
    attributes={"burn_time_hours": "60", "country_of_origin": "Portugal", "capacity_oz": "14", "wax": "soy"},
)  # fmt: skip


def _reply(product: Product, question: str, encoder=None) -> str:
    findings = answer_question(product, question, encoder)
    context = AnswerContext("product_answer", question, products=(ProductFacts.from_product(product),),
                            findings=tuple(findings))  # fmt: skip
    text = render(context)
    assert check_answer(context, text) == [], text
    return text


@pytest.mark.parametrize(
    ("question", "value"),
    [
        ("how long is the warranty?", "6 months warranty"),
        ("is it guaranteed?", "6 months warranty"),
        ("when would it arrive?", "Ships in 2 weeks"),
        ("how long does delivery take?", "Ships in 2 weeks"),
        ("how fast does it ship?", "Ships in 2 weeks"),
        ("can I send it back?", "No return policy"),
        ("what's the return window?", "No return policy"),
        ("can I get a refund?", "No return policy"),
        ("how big is it?", "20.84 x 22.68 x 17.39 cm"),
        ("what are its dimensions?", "20.84 x 22.68 x 17.39 cm"),
        ("how heavy is it?", "9"),
        ("how much does it weigh?", "9"),
        ("what's the minimum order?", "3"),
        ("what's the sku?", "LAP-LEN-LEN-081"),
    ],
)
def test_shoppers_words_find_the_field_by_words_alone(question: str, value: str) -> None:
    text = _reply(LAPTOP, question)
    assert f"“{value}”" in text, text
    assert "$1,099.99" not in text  # "how much does it weigh?" is not a price question


@pytest.mark.parametrize(
    ("question", "value"),
    [
        ("how long will it take to get here?", "Ships in 2 weeks"),
        ("will it come before christmas?", "Ships in 2 weeks"),
        ("what's the smallest order I can place?", "3"),
    ],
)
def test_the_encoder_finds_the_field_for_wordings_no_list_foresees(encoder, question: str, value: str) -> None:
    assert f"“{value}”" in _reply(LAPTOP, question, encoder)


@pytest.mark.parametrize(
    ("question", "value"),
    [
        ("how long does it burn?", "60"),
        ("how much wax does it hold?", "14"),
        ("what's the capacity?", "14"),
        ("what kind of wax is it?", "soy"),
        ("where is it made?", "Portugal"),
    ],
)
def test_attribute_names_never_seen_before_are_answerable(encoder, question: str, value: str) -> None:
    assert f"“{value}”" in _reply(CANDLE, question, encoder)


def test_a_how_to_question_is_answered_from_the_description(encoder) -> None:
    text = _reply(CANDLE, "how do I light it the first time?", encoder)
    assert "Trim the wick to 5 mm" in text


def test_what_no_field_says_is_admitted_with_the_offer_of_a_person(encoder) -> None:
    text = _reply(LAPTOP, "is it vegan?", encoder)
    assert "don't say" in text and "our team" in text
    assert not any(v in text for v in LAPTOP.attributes.values() if len(v) > 2)


def test_the_price_is_still_what_how_much_asks_alone() -> None:
    assert "$1,099.99" in _reply(LAPTOP, "how much is it?")


RED_SHOES = make_product("189", "Red Shoes", price=34.99, stock=7, attributes={"warranty": "No warranty"})


@pytest.mark.parametrize("question", ["are the Red Shoes in stock?", "how many are left?", "how many do you have?"])
def test_a_colour_in_the_products_own_name_is_not_a_colour_question(question: str) -> None:
    text = _reply(RED_SHOES, question)
    assert "in stock" in text and "7" in text
    assert "colour" not in text


def test_a_colour_asked_about_a_product_with_colour_options_is_still_answered() -> None:
    shoes = make_product("s", "Red Shoes", variants=[{"color": "red", "stock": 2}, {"color": "black", "stock": 0}])
    text = _reply(shoes, "do the Red Shoes come in black?")
    assert text.startswith("No") and "black, red" in text  # black is sold out; both colours are listed


def test_stock_the_catalog_does_not_track_is_never_said_to_be_in_stock() -> None:
    text = _reply(RED_SHOES.model_copy(update={"stock": None}), "are the Red Shoes in stock?")
    assert "can't see stock" in text and "in stock" not in text.replace("can't see stock", "")
