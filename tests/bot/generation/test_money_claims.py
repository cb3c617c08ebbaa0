"""Money in a store's own format: found in text, accepted by the checker, wrong amounts still caught."""

from __future__ import annotations

import pytest

from bot.generation.backends.template import render
from bot.generation.checker import check_answer
from bot.generation.claims import find_money
from bot.generation.facts import AnswerContext, Constraints, ProductFacts
from tests.conftest import make_product


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("₹1,29,999", [(129999.0, "INR")]),
        ("₹179 (was ₹299, 40% off)", [(179.0, "INR"), (299.0, "INR")]),
        ("Rs. 499", [(499.0, "INR")]),
        ("Rs 499 only", [(499.0, "INR")]),
        ("300 rupees", [(300.0, "INR")]),
        ("INR 1,299", [(1299.0, "INR")]),
        ("€12,50", [(12.5, "EUR")]),
        ("12,50 €", [(12.5, "EUR")]),
        ("€1.299,99", [(1299.99, "EUR")]),
        ("€12.50", [(12.5, "EUR")]),
        ("¥1,300", [(1300.0, "JPY")]),
        ("$1,299, $1,499 and $12.50.", [(1299.0, "USD"), (1499.0, "USD"), (12.5, "USD")]),
        ("12.50 CHF", [(12.5, "CHF")]),
        ("sizes 8, 10 and 12", []),
    ],
)
def test_find_money_reads_every_store_format(text: str, found: list[tuple[float, str]]) -> None:
    assert [(m.amount, m.currency) for m in find_money(text)] == found


@pytest.fixture(scope="module")
def rupee_search() -> AnswerContext:
    """Cables under ₹300 in a rupee store: a cable on sale and a dearer phone."""
    cable = make_product("c1", "Wayona USB Type C Cable", brand="Wayona", price=179, compare_at_price=299,
                         currency="INR", category="Electronics > Cables")  # fmt: skip
    phone = make_product("p1", "Galaxy Fold Phone", brand="Samsung", price=129999, compare_at_price=149999,
                         currency="INR", category="Electronics > Phones")  # fmt: skip
    products = tuple(ProductFacts.from_product(p) for p in (cable, phone))
    return AnswerContext("search", "cables under ₹300", products=products,
                         constraints=Constraints(category="Cables", price_max=300, currency="INR"))  # fmt: skip


@pytest.mark.parametrize(
    "answer",
    [
        "The Wayona cable is ₹179, down from ₹299.",
        "The Wayona cable costs Rs. 179, so you save ₹120.",
        "The Wayona cable is 179 rupees.",
        "The Galaxy Fold Phone is ₹1,29,999 (was ₹1,49,999).",
        "The Galaxy Fold Phone is ₹129,999.",  # Western grouping of the right amount
        "The Galaxy Fold Phone is INR 1,29,999.",
        "Here are cables under ₹300.",
    ],
)
def test_the_checker_accepts_rupee_formats(rupee_search: AnswerContext, answer: str) -> None:
    assert check_answer(rupee_search, answer) == []


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        ("The Galaxy Fold Phone is ₹1,19,999.", "money"),
        ("The Wayona cable is ₹199.", "money"),
        ("The Wayona cable is Rs. 17.90.", "money"),
        ("The Wayona cable is $179.", "currency"),  # the right figure in the wrong currency
        ("The Wayona cable is €179.", "currency"),
        ("Here are cables under $300.", "currency"),  # the shopper's budget relabelled
    ],
)
def test_the_checker_still_catches_wrong_amounts(rupee_search: AnswerContext, answer: str, kind: str) -> None:
    assert kind in {v.kind for v in check_answer(rupee_search, answer)}


def test_the_template_answer_shows_rupees_and_passes_the_checker(rupee_search: AnswerContext) -> None:
    text = render(rupee_search)
    assert "for Cables under ₹300" in text
    assert "₹179 (was ₹299, 40% off)" in text and "₹1,29,999 (was ₹1,49,999, 13% off)" in text
    assert "INR" not in text and "$" not in text
    assert check_answer(rupee_search, text) == []


def test_a_budget_with_nothing_found_is_echoed_in_the_store_currency() -> None:
    context = AnswerContext("search", "cables under ₹300", constraints=Constraints(category="Cables", price_max=300, currency="INR"))
    text = render(context)
    assert "I couldn't find anything for Cables under ₹300" in text
    assert check_answer(context, text) == []
    assert {v.kind for v in check_answer(context, "Nothing under $300.")} == {"currency"}


def test_the_checker_accepts_euro_formats_and_catches_near_misses() -> None:
    mug = ProductFacts.from_product(make_product("m1", "Alpine Enamel Mug", price=12.5, currency="EUR"))
    lamp = ProductFacts.from_product(make_product("l1", "Arc Floor Lamp", price=1299.99, currency="EUR"))
    context = AnswerContext("search", "mugs", products=(mug, lamp), constraints=Constraints(currency="EUR"))
    for answer in ("The Alpine mug is €12,50.", "The Alpine mug is 12,50 €.", "The Alpine mug is €12.50.",
                   "The Arc Floor Lamp is €1.299,99."):  # fmt: skip
        assert check_answer(context, answer) == [], answer
    assert {v.kind for v in check_answer(context, "The Alpine mug is €12,60.")} == {"money"}
    assert {v.kind for v in check_answer(context, "The Alpine mug is $12.50.")} == {"currency"}
    text = render(context)
    assert "€12,50" in text and "€1.299,99" in text and check_answer(context, text) == []


def test_a_model_prompt_shows_only_the_store_s_money(rupee_search: AnswerContext) -> None:
    from bot.generation.prompt import build_messages

    prompt = "\n".join(m["content"] for m in build_messages(rupee_search))
    assert "₹179 (was ₹299, 40% off)" in prompt and "SHOPPER ASKED FOR: Cables under ₹300" in prompt
    assert "$" not in prompt  # not even in the worked example, which a small model copies
