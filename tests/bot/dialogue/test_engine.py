"""Multi-turn dialogue over the demo catalog: slots carry over, follow-ups resolve, skills decide."""

from __future__ import annotations

import pytest

from tests.bot.dialogue.conftest import Shopper

pytestmark = pytest.mark.slow


async def test_refinements_carry_the_search_over_turns(shopper: Shopper) -> None:
    plan, _ = await shopper.say("waterproof hiking boots under $150")
    first = plan.cards
    assert first and all(c.price <= 150 and "Hiking Boots" in c.category for c in first)
    plan, _ = await shopper.say("cheaper")
    assert plan.cards and max(c.price for c in plan.cards) < min(c.price for c in first)
    plan, text = await shopper.say("in black")
    assert plan.cards and all("black" in c.colors for c in plan.cards)
    assert "black" in text


async def test_a_stated_taste_ranks_what_has_it_first_and_keeps_the_topic(shopper: Shopper) -> None:
    plan, _ = await shopper.say("show me tents")
    assert plan.cards and all("Tent" in c.title for c in plan.cards)
    store = shopper.dialogue.catalog
    plan, _ = await shopper.say("freestanding would be a plus for me", intent="inform")
    assert plan.cards and all("Tent" in c.title for c in plan.cards)
    assert "freestanding" in store.get(plan.cards[0].id).description.lower()
    # A taste the catalog never mentions leaves the list as it was, rather than a new search.
    before = [c.id for c in plan.cards]
    plan, _ = await shopper.say("cost is not a problem", intent="inform")
    assert [c.id for c in plan.cards] == before


async def test_show_more_pages_and_not_that_brand_excludes_it(shopper: Shopper) -> None:
    plan, _ = await shopper.say("running shoes")
    page_one = {c.id for c in plan.cards}
    plan, _ = await shopper.say("show more")
    assert plan.cards and page_one.isdisjoint(c.id for c in plan.cards)
    plan, _ = await shopper.say("tell me about the first one")
    brand = plan.cards[0].brand
    plan, _ = await shopper.say("not that brand")
    assert plan.cards and all(c.brand != brand for c in plan.cards)


async def test_references_pick_the_product_shown(shopper: Shopper) -> None:
    plan, _ = await shopper.say("hiking boots")
    second = plan.cards[1]
    plan, text = await shopper.say("tell me about the second one")
    assert plan.context.skill == "product_answer" and plan.cards[0].id == second.id
    assert second.title in text
    plan, text = await shopper.say("is it waterproof?")
    assert plan.cards[0].id == second.id and text.startswith(("Yes", "No", "The product details"))
    plan, _ = await shopper.say("compare the first two")
    assert plan.context.skill == "compare" and len(plan.cards) == 2


async def test_adding_to_cart_asks_for_a_size_then_adds_it(shopper: Shopper) -> None:
    plan, _ = await shopper.say("men's running shoes")
    await shopper.say("tell me about the first one")
    plan, text = await shopper.say("add it to my cart")
    assert "Which size" in text and plan.buttons
    size = plan.buttons[0]
    plan, text = await shopper.say(size)
    assert f"size {size}" in text and "Your cart has 1 item" in text
    _, text = await shopper.say("what's in my cart?")
    assert f"(size {size})" in text


async def test_orders_can_be_checked_and_processing_ones_cancelled(shopper: Shopper) -> None:
    statuses = {}
    for number in range(10001, 10041):
        plan, text = await shopper.say(f"where is my order {number}?")
        assert plan.context.skill == "order" and str(number) in text
        statuses[number] = text
    processing = next(n for n, t in statuses.items() if "has not shipped" in t)
    _, text = await shopper.say(f"cancel order {processing}")
    assert "now cancelled" in text
    shipped = next((n for n, t in statuses.items() if " shipped on " in t), None)
    if shipped is not None:
        _, text = await shopper.say(f"cancel order {shipped}")
        assert "can no longer be cancelled" in text


async def test_vague_requests_get_one_clarifying_question(shopper: Shopper) -> None:
    plan, text = await shopper.say("I want to find something", intent="product_search")
    assert plan.context.skill == "clarify" and "What kind of product" in text and plan.buttons


async def test_handoff_on_request_on_anger_and_after_repeated_fallbacks(shopper: Shopper) -> None:
    plan, _ = await shopper.say("can I talk to a human please")
    assert plan.handoff
    plan, _ = await shopper.say("this is ridiculous, the worst service ever!!")
    assert plan.handoff
    fallbacks = [await shopper.say(text) for text in ("asdkjh qwe", "what's the weather in Leeds tomorrow", "qwpoeiru zxmcnv")]
    handoffs = [p.handoff for p, _ in fallbacks]
    assert handoffs[-1] and not any(handoffs[:-1])


async def test_policy_questions_quote_the_store_policy(shopper: Shopper) -> None:
    _, text = await shopper.say("how much is shipping?")
    assert "$4.95" in text
    _, text = await shopper.say("can I return something?")
    assert "30 days" in text
