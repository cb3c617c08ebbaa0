"""Conversations that must hold their thread, checked on what a shopper sees: the cards, their
prices and variants in the catalog, and which product "it" is. Expectations come from the
demo catalog's own data, never from the bot's wording."""

from __future__ import annotations

import json
from functools import cache

from catalog import DEMO_PRODUCTS
from retrieval.filters import product_gender


@cache
def catalog() -> dict[str, dict]:
    products = (json.loads(line) for line in DEMO_PRODUCTS.read_text(encoding="utf-8").splitlines() if line.strip())
    return {p["id"]: p for p in products}


def variants(pid: str) -> list[tuple[str | None, str | None, int]]:
    return [(v.get("color"), v.get("size"), v.get("stock", 0)) for v in catalog()[pid].get("variants", [])]


def buyable(pid: str) -> bool:
    p = catalog()[pid]
    return any(s > 0 for _, _, s in variants(pid)) if p.get("variants") else (p.get("stock") is None or p["stock"] > 0)


def ids(plan) -> list[str]:
    return [c.id for c in plan.cards]


async def test_a_refinement_that_matches_nothing_keeps_the_list_and_the_first_one_is_still_the_first(shopper):
    plan, _ = await shopper.say("show me black t-shirts in size M")
    shirts = ids(plan)
    assert shirts and all(any(c == "black" and s == "M" for c, s, _ in variants(pid)) for pid in shirts)
    assert not any(c == "blue" and s == "M" for pid in catalog() for c, s, _ in variants(pid)
                   if "T-Shirts" in catalog()[pid]["category"])  # fmt: skip
    plan, text = await shopper.say("in blue instead")
    assert ids(plan) == shirts, "the list on screen stays"
    assert "blue" in text.lower()
    await shopper.say("add the first one to my cart")
    assert shopper.state.cart and shopper.state.cart[-1].product_id == shirts[0]


async def test_nothing_cheaper_keeps_the_list_and_the_first_one_means_its_first(shopper):
    plan, _ = await shopper.say("running shoes under $80")
    first = ids(plan)
    assert first and all(c.price <= 80 for c in plan.cards)
    plan, text = await shopper.say("anything cheaper?")
    cheapest = min(catalog()[pid]["price"] for pid in first)
    if ids(plan) != first:
        assert plan.cards and all(c.price < cheapest for c in plan.cards)
    else:
        assert f"{cheapest:.2f}" in text  # the cheapest of the list is named, with its price
    shown = ids(plan)
    plan, _ = await shopper.say("tell me more about the first one")
    assert ids(plan) == shown[:1]


async def test_the_product_the_bot_names_is_it(shopper):
    plan, _ = await shopper.say("show me hiking boots")
    shown = [catalog()[pid] for pid in ids(plan)]
    plan, text = await shopper.say("which is the cheapest?")
    in_stock = [p for p in shown if buyable(p["id"])] or shown
    cheapest = min(in_stock, key=lambda p: p["price"])
    assert ids(plan) == [cheapest["id"]] and f"{cheapest['price']:.2f}" in text
    plan, text = await shopper.say("is it waterproof?")
    assert ids(plan) == [cheapest["id"]]
    waterproof = cheapest["attributes"].get("waterproof")
    if waterproof:
        assert waterproof in text.lower()


async def test_the_best_reviewed_of_the_shown_is_named(shopper):
    plan, _ = await shopper.say("electric kettles")
    shown = [catalog()[pid] for pid in ids(plan)]
    assert len(shown) >= 2
    plan, _ = await shopper.say("which has the best reviews?")
    rated = [p for p in shown if p.get("rating") is not None and buyable(p["id"])]
    best = max(p["rating"] for p in rated)
    assert len(plan.cards) == 1 and catalog()[plan.cards[0].id]["rating"] == best
    assert shopper.state.focus == plan.cards[0].id


async def test_a_budget_narrows_the_topic_instead_of_replacing_it(shopper):
    plan, _ = await shopper.say("noise cancelling earbuds")
    assert plan.cards
    plan, _ = await shopper.say("under 40 bucks")
    assert plan.cards and all(c.price <= 40 for c in plan.cards)
    assert all("Earbuds" in " > ".join(catalog()[pid]["category"]) for pid in ids(plan))
    assert all(catalog()[pid]["attributes"].get("noise_cancelling") == "yes" for pid in ids(plan))


async def test_womens_boots_are_never_mens(shopper):
    plan, _ = await shopper.say("women's hiking boots")
    assert plan.cards
    for pid in ids(plan):
        p = catalog()[pid]
        assert product_gender(p["attributes"], " > ".join(p["category"]), p["title"]) in ("women", None)


async def test_only_in_stock_drops_sold_out(shopper):
    plan, _ = await shopper.say("tents")
    plan, _ = await shopper.say("only the ones in stock")
    assert plan.cards and all(buyable(pid) for pid in ids(plan))


async def test_a_colour_for_a_size_means_one_variant(shopper):
    plan, _ = await shopper.say("running shoes in size 11")
    assert plan.cards
    plan, text = await shopper.say("in red?")
    for pid in ids(plan):
        assert any(c == "red" and s == "11" for c, s, _ in variants(pid)), pid


async def test_a_tent_for_four_fits_four(shopper):
    plan, _ = await shopper.say("a tent for 4 people")
    assert plan.cards
    for pid in ids(plan):
        assert float(catalog()[pid]["attributes"]["capacity_people"]) >= 4


async def test_what_he_already_has_is_left_out_and_the_budget_holds(shopper):
    await shopper.say("a gift for my dad, my budget is $60")
    plan, _ = await shopper.say("he already has a coffee maker")
    assert plan.cards
    for pid in ids(plan):
        assert "Coffee Makers" not in catalog()[pid]["category"]
        assert catalog()[pid]["price"] <= 60


async def test_gift_follow_ups_narrow_the_gift(shopper):
    await shopper.say("I need a gift")
    plan, text = await shopper.say("she loves animals")
    assert plan.cards, text
    assert plan.context.skill in ("recommend", "search")


async def test_what_the_store_does_not_sell_is_said_plainly_with_nothing_unrelated(shopper):
    words = " ".join(p["title"] + " " + " ".join(p["category"]) for p in catalog().values()).lower()
    for request in ("do you sell kayaks?", "a guitar for my son", "show me the latest iPhone"):
        plan, text = await shopper.say(request)
        assert not plan.cards, request
        assert "sell" in text.lower() and plan.buttons, request  # says so, and offers departments the store has
        assert all(b.lower() in words for b in plan.buttons)
    assert "kayak" not in words and "guitar" not in words and "iphone" not in words


async def test_something_else_while_a_list_is_shown_is_not_read_as_narrowing_it(shopper):
    await shopper.say("show me hiking boots")
    plan, text = await shopper.say("a kayak for my dad")
    assert not plan.cards and "sell" in text.lower()
