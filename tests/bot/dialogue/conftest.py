"""A dialogue over the demo catalog with the real intent model, search index and order source."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from bot.dialogue.engine import Dialogue, Plan
from bot.dialogue.state import DialogueState
from bot.generation.backends.template import render
from bot.merchant.reviews import open_review_analyzer
from bot.nlu.parser import NLU
from bot.services import load_nlu, load_policy, open_search
from bot.store.orders import SQLiteOrderSource, seed_demo_orders
from bot.store.sqlite import SQLiteConversationStore
from catalog import DEMO_PRODUCTS
from retrieval.importer import read_catalog
from retrieval.store import CatalogStore


@dataclass
class Shopper:
    """One conversation: send a message, get the plan and the reply text a shopper would read."""

    dialogue: Dialogue
    nlu: NLU
    state: DialogueState

    async def say(self, text: str, intent: str | None = None) -> tuple[Plan, str]:
        """The reply to `text`; `intent` stands in for the classifier's reading when a test is
        about what the dialogue does with an intent, not about the classifier."""
        # The bot's previous act goes to the parser, as the server sends it.
        parse = self.nlu.parse(text, self.state.previous_act)
        if intent is not None:
            parse = replace(parse, intent=intent, confidence=1.0)
        plan = await self.dialogue.plan(self.state, parse)
        # Saved and reloaded every turn, as the server does.
        self.state = DialogueState.load(self.state.dump())
        return plan, render(plan.context)


@pytest.fixture(scope="session")
def demo_dialogue_parts(shipped, encoder, tmp_path_factory):
    settings = shipped.model_copy(update={"data_dir": tmp_path_factory.mktemp("dialogue") / "data"})
    (settings.data_dir / "models").parent.mkdir(parents=True, exist_ok=True)
    import shutil

    shutil.copytree(shipped.data_dir / "models", settings.data_dir / "models")
    store = CatalogStore(settings.catalog_db)
    store.upsert_many(read_catalog(DEMO_PRODUCTS, "jsonl").products)
    search, _ = open_search(settings, store=store, encoder=encoder)
    nlu = load_nlu(settings, store)
    return settings, store, search, nlu, open_review_analyzer(settings)


@pytest.fixture
async def shopper(demo_dialogue_parts, tmp_path: Path):
    settings, store, search, nlu, reviews = demo_dialogue_parts
    conversations = SQLiteConversationStore(tmp_path / "shopbot.db")
    orders = SQLiteOrderSource(conversations)
    await seed_demo_orders(orders, [(p.id, p.title, p.price) for p in store.sample_products(60)], today=None)
    dialogue = Dialogue(search, store, load_policy(settings, store), orders, categories=store.top_categories(), reviews=reviews)
    yield Shopper(dialogue, nlu, DialogueState())
    await conversations.close()
