"""Template answers: one per skill, readable, and every one passes the grounding checker."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace

import pytest

from bot.generation.backends.template import TemplateGenerator, render
from bot.generation.checker import check_answer
from bot.generation.facts import AnswerContext, Finding, ProductFacts
from bot.skills import registry
from bot.skills.policy import StorePolicy
from bot.skills.product_qa import answer_question
from catalog import DEMO_PRODUCTS
from retrieval.importer import read_catalog


@pytest.fixture(scope="module")
def demo_products() -> list:
    return read_catalog(DEMO_PRODUCTS, "jsonl").products


def test_search_lists_names_prices_and_stock(search_context: AnswerContext) -> None:
    text = render(search_context)
    assert "TrailMax Waterproof Hiking Boots: $49.99 (was $59.99, 17% off)" in text
    assert "only 3 left" in text
    assert "Stride Road Running Shoes: $74.50" in text and "out of stock" in text
    assert "under $80" in text


def test_no_results_says_so_and_suggests_what_to_try(search_context: AnswerContext) -> None:
    text = render(replace(search_context, products=(), total_results=0))
    assert "couldn't find anything for shoes under $80" in text


def test_recommendations_carry_only_the_given_reasons(search_context: AnswerContext) -> None:
    boots, shoes = search_context.products
    text = render(replace(search_context, skill="recommend", reasons={boots.id: ("in your size 9",)}))
    assert "TrailMax Waterproof Hiking Boots, $49.99 (was $59.99, 17% off): in your size 9" in text
    assert "Stride Road Running Shoes, $74.50.\n" in text + "\n"


def test_compare_puts_facts_side_by_side(search_context: AnswerContext) -> None:
    text = render(replace(search_context, skill="compare"))
    assert "- TrailMax Waterproof Hiking Boots: $49.99" in text and "- Stride Road Running Shoes: $74.50" in text
    assert "The TrailMax Waterproof Hiking Boots is the least expensive." in text
    assert "has the best rating" in text


def test_unknown_answers_admit_the_catalog_does_not_say(search_context: AnswerContext) -> None:
    context = replace(search_context, skill="product_answer", findings=(Finding("vegan", "unknown", "none"),))
    assert "don't say anything about vegan" in render(context)


def test_policy_answers_quote_the_policy(policy_context: AnswerContext) -> None:
    assert render(policy_context).startswith("Standard shipping takes 3 to 5 business days")


@pytest.mark.parametrize("skill", registry.names())
async def test_every_skill_renders_a_complete_answer(search_context: AnswerContext, skill: str) -> None:
    context = replace(search_context, skill=skill)
    streamed = "".join([piece async for piece in TemplateGenerator().stream(context)])
    assert streamed.strip() == render(context)
    assert len(render(context)) >= 15 and render(context)[-1] in ".!?:)”"


def test_templates_over_the_demo_catalog_always_pass_the_checker(demo_products: list) -> None:
    """Hundreds of real catalog contexts: the fallback answer must itself be grounded."""
    rng = random.Random(3)
    policy = StorePolicy.load()
    contexts = []
    for _ in range(60):
        picked = rng.sample(demo_products, 5)
        facts = tuple(ProductFacts.from_product(p) for p in picked)
        contexts.append(AnswerContext("search", "gifts", products=facts, total_results=40))
        contexts.append(AnswerContext("compare", "compare them", products=facts[:2]))
        contexts.append(AnswerContext("recommend", "any ideas?", products=facts[:3], reasons={facts[0].id: ("top rated",)}))
    questions = ["how much is it?", "is it in stock?", "what sizes?", "does it come in black?", "what is it made of?", "any good?"]
    for product, question in zip(rng.sample(demo_products, 60), itertools.cycle(questions), strict=False):
        findings = tuple(answer_question(product, question))
        contexts.append(AnswerContext("product_answer", question, products=(ProductFacts.from_product(product),), findings=findings))
    for section in policy.sections.values():
        contexts.append(AnswerContext("policy", section.title, policy=section.facts()))
    flagged = [(c.skill, render(c), check_answer(c, render(c))) for c in contexts]
    assert [f for f in flagged if f[2]] == []
