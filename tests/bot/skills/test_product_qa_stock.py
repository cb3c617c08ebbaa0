"""Stock questions about a product whose catalog does not track stock: "I can't see stock", never "in stock"."""

from __future__ import annotations

import pytest

from bot.generation.backends.template import render
from bot.generation.checker import check_answer
from bot.generation.facts import AnswerContext, Finding, ProductFacts
from bot.skills.product_qa import answer_question
from tests.conftest import make_product

UNTRACKED = make_product("b1", "Ridge Hiking Boots", price=120.0, attributes={"size": "9, 10", "color": "brown, black"})
TRACKED = UNTRACKED.model_copy(update={"stock": 2})


def _reply(product, question: str) -> tuple[list[Finding], str]:
    findings = answer_question(product, question)
    context = AnswerContext("product_answer", question, products=(ProductFacts.from_product(product),),
                            findings=tuple(findings))
    text = render(context)
    assert check_answer(context, text) == [], text
    return findings, text


@pytest.mark.parametrize("question", ["are they in stock?", "how many are left?", "is it sold out?"])
def test_stock_questions_get_i_cant_see_stock_and_the_offer_of_a_person(question: str) -> None:
    findings, text = _reply(UNTRACKED, question)
    assert Finding("stock", "unknown", "catalog") in findings
    assert text.startswith("I can't see stock for the Ridge Hiking Boots") and "our team" in text
    assert "in stock" not in text


def test_sizes_and_colours_are_said_to_exist_not_to_be_in_stock() -> None:
    findings, text = _reply(UNTRACKED, "is size 10 in stock?")
    assert Finding("size 10", "yes", "catalog") in findings and "I can't see stock" in text
    findings, text = _reply(UNTRACKED, "what sizes do they come in?")
    assert Finding("sizes", "10, 9", "catalog") in findings or Finding("sizes", "9, 10", "catalog") in findings
    findings, text = _reply(UNTRACKED, "what colours are available?")
    assert all(f.topic != "stock" for f in findings)  # asks about options, not stock
    _, text = _reply(UNTRACKED, "do you have it in black?")
    assert "black" in text and "in stock" not in text


def test_tracked_stock_is_still_answered() -> None:
    findings, _ = _reply(TRACKED, "are they in stock?")
    assert Finding("stock", "in stock", "catalog") in findings
    findings, _ = _reply(TRACKED, "is size 10 in stock?")
    assert Finding("size 10 in stock", "yes", "catalog") in findings
