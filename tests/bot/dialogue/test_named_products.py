"""Products named by title, in any turn: the named product is the one answered, compared, added;
two that fit the name equally are shown and asked about. Expectations come from the demo
catalog's own records, never from the bot's wording."""

from __future__ import annotations

from tests.bot.dialogue.test_conversation_thread import catalog, ids


def says_price(text: str, price: float) -> bool:
    """The reply states this catalog price ($150 may read "$150" or "$150.00")."""
    return f"{price:,.2f}" in text or (price == int(price) and f"${int(price):,}" in text)


def _titled(*words: str) -> list[dict]:
    return [p for p in catalog().values() if all(w.lower() in p["title"].lower() for w in words)]


async def test_a_question_naming_a_product_answers_about_that_product(shopper):
    (breeze,) = _titled("Northfen", "Breeze", "Hiking Boots")
    plan, text = await shopper.say("how much are the Northfen Breeze hiking boots?")
    assert ids(plan) == [breeze["id"]]
    assert says_price(text, breeze["price"])
    plan, text = await shopper.say("is it waterproof?")  # "it" is the product just named
    assert ids(plan) == [breeze["id"]] and breeze["attributes"]["waterproof"] in text.lower()


async def test_a_product_named_after_another_search_is_that_product(shopper):
    (orbit,) = _titled("TrailMax", "Orbit", "Hiking Boots")
    await shopper.say("show me yoga mats")
    plan, text = await shopper.say("is the TrailMax Orbit insulated?")
    assert ids(plan) == [orbit["id"]]
    assert orbit["attributes"]["insulated"] in text.lower()


async def test_a_comparison_of_two_named_products(shopper):
    (breeze,) = _titled("Northfen", "Breeze", "Hiking Boots")
    (orbit,) = _titled("TrailMax", "Orbit", "Hiking Boots")
    plan, text = await shopper.say("compare the Northfen Breeze with the TrailMax Orbit")
    assert ids(plan) == [breeze["id"], orbit["id"]]
    assert says_price(text, breeze["price"]) and says_price(text, orbit["price"])


async def test_adding_a_named_product_adds_that_one(shopper):
    (kettle,) = _titled("Brewsmith", "Cove", "Kettle")
    await shopper.say("show me running shoes")
    await shopper.say("add the Brewsmith Cove kettle to my cart")
    assert [line.product_id for line in shopper.state.cart] == [kettle["id"]]


async def test_two_products_fitting_the_name_are_shown_and_the_shopper_picks(shopper):
    sauces = _titled("Hollowmill", "Chipotle", "Hot Sauce")
    assert len(sauces) == 2  # a 5 oz and an 8 oz bottle
    plan, _ = await shopper.say("how much is the Hollowmill Chipotle hot sauce?")
    assert sorted(ids(plan)) == sorted(p["id"] for p in sauces)
    shown = ids(plan)
    plan, text = await shopper.say("the second one")
    assert ids(plan) == [shown[1]]
    assert says_price(text, catalog()[shown[1]]["price"])


async def test_a_request_for_a_kind_of_product_is_still_a_search(shopper):
    plan, _ = await shopper.say("how much are hiking boots?")
    boots = [catalog()[pid] for pid in ids(plan)]
    assert len(boots) >= 2 and all("Hiking Boots" in " ".join(p["category"]) if isinstance(p["category"], list)
                                   else "Hiking Boots" in p["category"] for p in boots)  # fmt: skip


# -- superlatives over a whole kind of product ------------------------------------------------


def _in_category(leaf: str) -> list[dict]:
    return [p for p in catalog().values() if p["category"][-1] == leaf]


def _buyable(p: dict) -> bool:
    variants = p.get("variants") or []
    return any(v.get("stock", 0) > 0 for v in variants) if variants else (p.get("stock") is None or p["stock"] > 0)


async def test_the_cheapest_of_a_kind_is_the_cheapest_in_stock_and_a_cheaper_sold_out_one_is_said(shopper):
    tvs = _in_category("Televisions")
    in_stock = min((p for p in tvs if _buyable(p)), key=lambda p: p["price"])
    plan, text = await shopper.say("the cheapest TV")
    assert ids(plan)[0] == in_stock["id"] and shopper.state.focus == in_stock["id"]
    assert says_price(text, in_stock["price"])
    cheaper = [p for p in tvs if p["price"] < in_stock["price"]]
    if cheaper:  # the demo catalog has sold-out TVs under it
        assert any(p["title"] in text for p in cheaper)
    plan, _ = await shopper.say("is it a smart TV?")
    assert ids(plan) == [in_stock["id"]]


async def test_the_largest_capacity_reads_the_field_this_kind_states(shopper):
    kettles = [p for p in _in_category("Electric Kettles") if "capacity_liters" in p["attributes"]]
    largest = max(float(p["attributes"]["capacity_liters"]) for p in kettles)
    plan, text = await shopper.say("the largest capacity kettle")
    first = catalog()[ids(plan)[0]]
    assert float(first["attributes"]["capacity_liters"]) == largest and f"{largest:g}" in text


async def test_a_superlative_with_nothing_named_or_shown_asks_of_what(shopper):
    plan, _ = await shopper.say("which one is cheapest?")
    assert plan.cards == ()
