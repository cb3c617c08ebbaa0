"""A store's own catalog gets its own store: no demo policy, no demo orders, honest gaps."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.config import Settings
from bot.dialogue.engine import Dialogue
from bot.dialogue.state import DialogueState
from bot.services import load_nlu, load_policy, open_orders, open_search
from bot.store.order_files import read_orders
from bot.store.orders import SQLiteOrderSource
from bot.store.sqlite import SQLiteConversationStore
from catalog import DEMO_PRODUCTS, is_demo_catalog
from retrieval.importer import read_catalog
from retrieval.store import CatalogStore
from tests.bot.dialogue.conftest import Shopper
from tests.conftest import make_product

# A small store of its own (ids, names and prices nothing like the demo's).
OWN = [
    make_product("K-1", "Copper Bottom Pressure Cooker 5 L", price=2199.0, currency="INR", category="Kitchen > Cookware"),
    make_product("K-2", "Cast Iron Tawa 28 cm", price=899.0, currency="INR", category="Kitchen > Cookware"),
    make_product("K-3", "Steel Water Bottle 1 L", price=549.0, currency="INR", category="Kitchen > Drinkware"),
    make_product("Y-1", "Cotton Yoga Mat 6 mm", price=1299.0, currency="INR", category="Fitness > Yoga"),
]
# What the demo store's policy and demo orders say; a real store's shopper must never read it.
DEMO_WORDS = ("4.95", "US and Canada", "30 days", "10002")


def _demo_settings(shipped: Settings, data_dir: Path) -> Settings:
    settings = shipped.model_copy(update={"data_dir": data_dir})
    data_dir.mkdir(parents=True)
    shutil.copytree(shipped.data_dir / "models", data_dir / "models")
    return settings


@pytest.fixture(scope="module")
def own_store_parts(shipped, encoder, tmp_path_factory):
    settings = _demo_settings(shipped, tmp_path_factory.mktemp("own") / "data")
    store = CatalogStore(settings.catalog_db)
    store.upsert_many(OWN)
    search, _ = open_search(settings, store=store, encoder=encoder)
    return settings, store, search, load_nlu(settings, store)


@pytest.fixture
async def own_store(own_store_parts, tmp_path: Path):
    settings, store, search, nlu = own_store_parts
    conversations = SQLiteConversationStore(tmp_path / "shopbot.db")

    async def run(fn):
        return fn()

    orders = await open_orders(settings, conversations, store, run)
    dialogue = Dialogue(search, store, load_policy(settings, store), orders, categories=store.top_categories())
    yield Shopper(dialogue, nlu, DialogueState()), orders
    await conversations.close()


def test_only_the_shipped_catalog_counts_as_the_demo() -> None:
    demo_ids = [p.id for p in read_catalog(DEMO_PRODUCTS, "jsonl").products]
    assert is_demo_catalog(demo_ids)
    assert is_demo_catalog(demo_ids[:50])  # a demo store with products deleted is still the demo
    assert not is_demo_catalog([p.id for p in OWN])
    assert not is_demo_catalog([*demo_ids, "K-1"])  # the demo plus a store's own products is a real store
    assert not is_demo_catalog([])


@pytest.mark.parametrize("question", ["how much is shipping?", "can I return it if it doesn't fit?", "what payment methods do you take?"])
async def test_a_store_without_a_policy_says_so_and_offers_a_person(own_store, question: str) -> None:
    shopper, _ = own_store
    plan, text = await shopper.say(question)
    assert not any(word in text for word in DEMO_WORDS), text
    assert plan.context.policy is None  # nothing from the demo store's policy reached the answer
    assert any("connect" in b.lower() or "person" in b.lower() for b in plan.buttons), plan.buttons
    plan, _ = await shopper.say("yes please")
    assert plan.handoff  # the offer is real


async def test_a_store_policy_file_is_used_when_given(own_store_parts, tmp_path: Path) -> None:
    settings, store, _, _ = own_store_parts
    policy = tmp_path / "policy.md"
    policy.write_text("## Shipping\nkeywords: shipping, delivery\nDelivery is free across India above ₹499.\n", encoding="utf-8")
    section = load_policy(settings.model_copy(update={"policy_file": policy}), store).find("how much is delivery?", "shipping_info")
    assert section is not None and "₹499" in section.text


async def test_no_demo_orders_for_a_real_store(own_store) -> None:
    shopper, orders = own_store
    assert not await orders.has_orders()
    plan, text = await shopper.say("where is my order 10002?")
    assert "10002" not in text or "in total" not in text
    assert not plan.cards and plan.handoff  # a person can look it up; the bot says it can't


async def test_imported_orders_answer_order_status(own_store, tmp_path: Path) -> None:
    shopper, orders = own_store
    export = tmp_path / "orders.jsonl"
    export.write_text(json.dumps({
        "number": "5531", "status": "shipped", "placed": "2026-11-30", "shipped": "2026-12-01", "eta": "2026-12-05",
        "tracking": "DL998877", "items": [{"title": "Cast Iron Tawa 28 cm", "quantity": 1, "price": 899}],
    }) + "\n", encoding="utf-8")  # fmt: skip
    assert isinstance(orders, SQLiteOrderSource)
    await orders.put_many(read_orders(export, currency="INR"))
    plan, text = await shopper.say("where is my order #5531?")
    assert plan.context.skill == "order" and not plan.handoff
    assert "DL998877" in text and "2026-12-05" in text


async def test_the_demo_catalog_still_gets_demo_orders_and_policy(shipped, encoder, tmp_path: Path) -> None:
    settings = _demo_settings(shipped, tmp_path / "demo")
    store = CatalogStore(settings.catalog_db)
    store.upsert_many(read_catalog(DEMO_PRODUCTS, "jsonl").products[:40])
    conversations = SQLiteConversationStore(tmp_path / "shopbot.db")

    async def run(fn):
        return fn()

    try:
        orders = await open_orders(settings, conversations, store, run)
        assert isinstance(orders, SQLiteOrderSource) and await orders.count() == 40
        assert load_policy(settings, store).find("how much is shipping?", "shipping_info") is not None
    finally:
        await conversations.close()
        store.close()
