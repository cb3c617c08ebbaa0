"""Conversations over catalogs missing an optional column: answers come back, and say only what is known."""

from __future__ import annotations

import re
from collections.abc import Iterator
import pytest

from bot.dialogue.engine import Dialogue
from bot.nlu.entities import EntityExtractor
from bot.nlu.parser import NLU
from bot.nlu.vocabulary import CatalogVocabulary
from bot.services import load_intent_model, open_search
from bot.skills.policy import StorePolicy
from retrieval.recommend import CoOccurrence, Recommender
from retrieval.store import CatalogStore
from tests.incomplete_catalogs import BASKETS, OPTIONAL_COLUMNS, catalog_without, full_catalog
from tests.support.conversation import Chat

pytestmark = pytest.mark.slow
IN_STOCK_WORDS = re.compile(r"\bin stock\b|\bonly \d+ left\b|\bavailable\b", re.I)


@pytest.fixture(scope="module")
def classifier(shipped):
    return load_intent_model(shipped)


@pytest.fixture(scope="module", params=[None, *OPTIONAL_COLUMNS])
def catalog(request, shipped, encoder, classifier, tmp_path_factory) -> Iterator[tuple[str | None, Dialogue, NLU]]:
    missing = request.param
    settings = shipped.model_copy(update={"data_dir": tmp_path_factory.mktemp(f"chat-without-{missing}") / "data"})
    store = CatalogStore(settings.catalog_db)
    store.upsert_many(catalog_without(missing) if missing else full_catalog())
    search, _ = open_search(settings, store=store, encoder=encoder)
    recommender = Recommender(search, cooccurrence=CoOccurrence.from_baskets(BASKETS))
    dialogue = Dialogue(search, store, StorePolicy.load(), recommender=lambda: recommender)
    yield missing, dialogue, NLU(classifier, EntityExtractor(CatalogVocabulary.from_store(store)))
    store.close()


@pytest.fixture
def chat(catalog) -> Chat:
    _, dialogue, nlu = catalog
    return Chat(dialogue, nlu)


async def test_search_recommend_and_complements_answer_on_every_catalog(catalog, chat: Chat) -> None:
    missing = catalog[0]
    plan, reply = await chat.say("show me hiking boots under $150")
    assert plan.context.skill == "search" and plan.cards
    assert plan.cards[0].id.startswith("boot") and all(c.price <= 150 for c in plan.cards)
    if missing != "category":  # with a category to filter by, only boots
        assert all(c.id.startswith("boot") for c in plan.cards)
    plan, reply = await chat.say("can you recommend a smartwatch for my runs?")
    assert plan.context.skill == "recommend" and plan.cards
    assert plan.cards[0].id.startswith("watch")
    plan, reply = await chat.say("what goes with the first one?")
    assert plan.context.skill == "recommend" and plan.cards
    if missing != "category":  # what goes with a smartwatch is not another smartwatch
        assert not any(c.id.startswith("watch") for c in plan.cards)
    for card in plan.cards:
        assert card.card()["stock_known"] == (missing != "stock")
        if missing == "stock":
            assert not IN_STOCK_WORDS.search(reply)


async def test_unknown_stock_is_never_said_to_be_in_stock(catalog, chat: Chat) -> None:
    missing = catalog[0]
    plan, reply = await chat.say("hiking boots")
    first = plan.cards[0]
    if missing == "stock":
        assert not IN_STOCK_WORDS.search(reply)
        assert all(c.card()["in_stock"] and not c.card()["stock_known"] for c in plan.cards)
    else:
        assert IN_STOCK_WORDS.search(reply)
    plan, reply = await chat.say("is the first one in stock?")
    assert plan.context.skill == "product_answer" and plan.cards[0].id == first.id
    if missing == "stock":
        assert "I can't see stock for the" in reply and "our team" in reply
        assert "Talk to a person" in plan.buttons and chat.state.offered_handoff
        plan, _ = await chat.say("yes please")
        assert plan.handoff
    else:
        assert "stock" in reply and "can't see" not in reply


async def test_only_in_stock_keeps_untracked_products_without_calling_them_in_stock(catalog, chat: Chat) -> None:
    missing = catalog[0]
    plan, _ = await chat.say("hiking boots")
    before = [c.id for c in plan.cards]
    plan, reply = await chat.say("only the ones in stock")
    after = [c.id for c in plan.cards]
    if missing == "stock":
        assert after == before  # nothing known to be sold out: nothing dropped
        assert "I can't see stock for these" in reply and not IN_STOCK_WORDS.search(reply)
    else:
        assert "boot-4" in before and "boot-4" not in after  # the sold-out pair goes


async def test_counts_are_real_counts_never_the_retrieval_cap(catalog, chat: Chat) -> None:
    plan, reply = await chat.say("hiking boots")
    boots = sum(p.category[-1:] == ["Hiking Boots"] for p in full_catalog())
    if catalog[0] == "category":
        # No category to filter by: a free-text search has no count of matches to state.
        assert plan.context.total_results is None and not re.search(r"\bof \d+\b", reply)
    else:
        assert plan.context.total_results == boots
        assert f"the {boots} products I found" in reply or f"of {boots} matches" in reply
