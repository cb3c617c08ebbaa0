"""Unknown stays unknown in answers: untracked stock is never "in stock", a capped list is never a count."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.cli.chat import card_line
from bot.generation.backends.template import render
from bot.generation.checker import check_answer
from bot.generation.facts import AnswerContext, Constraints, ProductFacts
from bot.generation.prompt import product_line
from tests.conftest import make_product

UNTRACKED = ProductFacts.from_product(make_product(
    "w1", "Pulse Run Smartwatch", price=199.0, rating=4.5, review_count=12, attributes={"size": "9, 10", "color": "black"}))
TRACKED = ProductFacts.from_product(make_product("k1", "Kettle Deluxe", price=20.0, stock=4))
SOLD_OUT = ProductFacts.from_product(make_product("k2", "Kettle Classic", price=15.0, stock=0))


def test_facts_and_cards_say_when_stock_is_not_known() -> None:
    assert UNTRACKED.in_stock and not UNTRACKED.stock_known  # can be bought, stock unknown
    assert UNTRACKED.card()["stock_known"] is False and TRACKED.card()["stock_known"] is True
    line = product_line(1, UNTRACKED)
    assert "stock not known" in line and "in stock" not in line and "sizes: 9, 10" in line
    # The terminal chat's card line (the widget's card reads the same two fields).
    assert "stock" not in card_line(UNTRACKED.card()) and card_line(SOLD_OUT.card()).endswith("out of stock")


@pytest.mark.parametrize("skill", ["search", "recommend", "compare", "product_answer"])
def test_templates_state_no_stock_for_untracked_products(skill: str) -> None:
    context = AnswerContext(skill, "watches", products=(UNTRACKED, TRACKED, SOLD_OUT))  # type: ignore[arg-type]
    text = render(context)
    watch = next(line for line in text.splitlines() if "Pulse" in line) if skill != "product_answer" else text
    assert "in stock" not in watch and "left" not in watch and "out of stock" not in watch
    assert check_answer(context, text) == []


@pytest.mark.parametrize("claim", [
    "The Pulse Run Smartwatch is in stock.",
    "The Pulse Run Smartwatch is available now.",
    "The Pulse Run Smartwatch is out of stock.",
    "Only 3 left of the Pulse Run Smartwatch.",
    "Not sure about the strap, but the Pulse Run Smartwatch is in stock.",
])
def test_the_checker_rejects_stock_claims_about_untracked_products(claim: str) -> None:
    context = AnswerContext("search", "watches", products=(UNTRACKED, TRACKED))
    assert [v.kind for v in check_answer(context, claim)] == ["stock"]


def test_the_checker_lets_a_hedge_and_known_stock_through() -> None:
    context = AnswerContext("search", "watches", products=(UNTRACKED, TRACKED))
    assert check_answer(context, "I can't tell whether the Pulse Run Smartwatch is in stock.") == []
    assert check_answer(context, "The Kettle Deluxe is in stock, only 4 left.") == []


def test_asked_for_in_stock_the_answer_says_what_it_cannot_see() -> None:
    context = AnswerContext("search", "only in stock", products=(UNTRACKED, TRACKED),
                            constraints=Constraints(in_stock=True))
    text = render(context)
    assert "I can't see stock for some of these" in text and check_answer(context, text) == []
    assert "can't see stock" not in render(replace(context, constraints=Constraints()))


def _search(total: int | None, more: bool | None, first: int = 1) -> str:
    products = tuple(ProductFacts.from_product(make_product(f"p{i}", f"Lamp Model {i}", price=10.0 + i, stock=9))
                     for i in range(5))
    return render(AnswerContext("search", "lamps", products=products, total_results=total, more_results=more,
                                first_result=first, constraints=Constraints(category="Lamps")))


def test_a_total_is_said_only_when_it_is_a_real_count() -> None:
    # 40 hits came back from a capped search: no count is known, so none is said.
    assert _search(None, True).startswith("Here are the top 5 matches for Lamps:")
    assert "show more" in _search(None, True)
    assert _search(None, True, first=6).startswith("Here are matches 6 to 10 for Lamps:")
    # The number of products passing the filters is a real count.
    assert _search(312, True).startswith("Here are the top 5 of 312 matches for Lamps:")
    assert _search(5, False).startswith("Here are the 5 products I found for Lamps:")
    # The list ran out though more products match (the list is capped): no "show more".
    assert "show more" not in _search(312, False, first=36)
