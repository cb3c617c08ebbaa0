"""A conversation in a rupee store: prices shown in ₹, the shopper's budget read and echoed in ₹."""

from __future__ import annotations

import shutil

import pytest

from bot.dialogue.engine import Dialogue
from bot.dialogue.state import DialogueState
from bot.generation.checker import check_answer
from bot.services import load_nlu, load_policy, open_search
from retrieval.store import CatalogStore
from tests.bot.dialogue.conftest import Shopper
from tests.conftest import make_product

pytestmark = pytest.mark.slow


def _rupee_catalog() -> list:
    cables = "Electronics > Accessories > Cables"
    return [
        make_product("c1", "Wayona Nylon Braided USB Type C Cable", brand="Wayona", price=179, compare_at_price=299,
                     currency="INR", category=cables, description="Fast charging braided USB C cable, 1 metre."),
        make_product("c2", "boAt Micro USB Charging Cable", brand="boAt", price=249, currency="INR", category=cables,
                     description="Tangle free micro USB cable for phones."),
        make_product("c3", "Ambrane 3 in 1 USB Cable", brand="Ambrane", price=449, compare_at_price=999,
                     currency="INR", category=cables, description="One cable for USB C, micro USB and lightning."),
        make_product("p1", "Galaxy Fold Smartphone", brand="Samsung", price=129999, compare_at_price=149999,
                     currency="INR", category="Electronics > Mobiles > Smartphones",
                     description="Folding phone with a large inner screen."),
        make_product("h1", "Rockerz Wireless Headphones", brand="boAt", price=1299, currency="INR",
                     category="Electronics > Audio > Headphones", description="Bluetooth headphones, 40 hours play."),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def rupee_parts(shipped, encoder, tmp_path_factory):
    settings = shipped.model_copy(update={"data_dir": tmp_path_factory.mktemp("rupees") / "data"})
    shutil.copytree(shipped.data_dir / "models", settings.data_dir / "models")
    store = CatalogStore(settings.catalog_db)
    store.upsert_many(_rupee_catalog())
    search, _ = open_search(settings, store=store, encoder=encoder)
    return settings, store, search, load_nlu(settings, store)


@pytest.fixture
def shopper(rupee_parts) -> Shopper:
    settings, store, search, nlu = rupee_parts
    return Shopper(Dialogue(search, store, load_policy(settings)), nlu, DialogueState())


@pytest.mark.parametrize("budget", ["under ₹300", "under 300 rupees", "under 300", "under Rs. 300"])
async def test_a_budget_is_read_and_echoed_in_rupees(shopper: Shopper, budget: str) -> None:
    plan, text = await shopper.say(f"usb cables {budget}")
    assert plan.cards and all(c.price <= 300 for c in plan.cards)
    assert {c.id for c in plan.cards} == {"c1", "c2"}
    assert "under ₹300" in text
    assert "₹179 (was ₹299, 40% off)" in text and "₹249" in text
    assert "$" not in text and "INR" not in text
    assert check_answer(plan.context, text) == []


async def test_large_prices_use_indian_digit_groups(shopper: Shopper) -> None:
    plan, text = await shopper.say("show me smartphones")
    assert [c.id for c in plan.cards] == ["p1"]
    assert "₹1,29,999 (was ₹1,49,999, 13% off)" in text
    assert check_answer(plan.context, text) == []


async def test_dollars_in_a_rupee_store_are_not_read_as_rupees(shopper: Shopper) -> None:
    plan, text = await shopper.say("usb cables under $50")
    # No exchange rate: the amount is not applied as ₹50 (which nothing costs) nor echoed as ₹50.
    assert shopper.state.search.price_max is None
    assert {c.id for c in plan.cards} >= {"c1", "c2"}
    assert "Prices here are in INR (₹)" in text and "₹50" not in text
    assert check_answer(plan.context, text) == []


async def test_a_stated_budget_is_remembered_in_rupees(shopper: Shopper) -> None:
    plan, text = await shopper.say("my budget is 500 rupees")
    assert plan.remember.get("budget_max") == 500.0
    assert "your budget of ₹500" in text and "$" not in text
