"""Recommendations in conversation, through the real assistant: profiles change answers, reasons are true.

The assistant runs in process over the demo catalog with the real intent model, index,
recommender and SQLite store (template answers, so the words are the facts themselves).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from bot.assistant import Message
from bot.config import Settings
from bot.metrics import Metrics
from bot.services import AssistantParts, intent_model_dir, open_assistant
from bot.store.base import Event
from catalog import DEMO_PRODUCTS
from retrieval.importer import read_catalog
from retrieval.recommend.pairing import complementary
from retrieval.store import CatalogStore

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def settings(shipped: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data = tmp_path_factory.mktemp("personal") / "data"
    shutil.copytree(intent_model_dir(shipped), data / "models" / "intent")
    CatalogStore(data / "catalog.db").upsert_many(read_catalog(DEMO_PRODUCTS, "jsonl").products)
    return Settings(data_dir=data, generator="template")


@pytest.fixture
async def parts(settings: Settings) -> AsyncIterator[AssistantParts]:
    executor = ThreadPoolExecutor(max_workers=2)
    opened = await open_assistant(settings, executor, Metrics())
    yield opened
    await opened.close()
    executor.shutdown()


@dataclass
class Chat:
    """One shopper talking to the assistant over the REST channel."""

    parts: AssistantParts
    sender: str

    async def say(self, text: str) -> Event:
        (reply,) = await self.parts.assistant.reply(Message(sender=self.sender, text=text))
        return reply

    def products(self, reply: Event) -> list[str]:
        return [c["id"] for c in reply.payload["cards"]]


def _reasons_of(reply: Event) -> dict[str, str]:
    """Each listed product's title -> the reason text after its price."""
    out = {}
    for line in reply.text.splitlines():
        m = re.match(r"^\d+\. (.+?), \$[\d,.]+(?: \(was [^)]*\))?: (.+)$", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


async def test_two_shoppers_asking_the_same_get_different_suggestions(parts: AssistantParts) -> None:
    search = parts.search
    hiker, listener = Chat(parts, "hiker-1"), Chat(parts, "listener-1")
    viewed: dict[str, list[str]] = {}
    for chat, query in ((hiker, "hiking boots"), (listener, "wireless earbuds")):
        await chat.say(query)
        for which in ("first", "second"):
            reply = await chat.say(f"tell me about the {which} one")
            viewed.setdefault(chat.sender, []).append(chat.products(reply)[0])
    boots = list(search.store.get_many(viewed["hiker-1"]).values())
    earbuds = list(search.store.get_many(viewed["listener-1"]).values())

    a = await hiker.say("recommend something")
    b = await listener.say("recommend something")
    assert a.payload["skill"] == b.payload["skill"] == "recommend"
    assert hiker.products(a) and listener.products(b)
    assert set(hiker.products(a)).isdisjoint(listener.products(b))
    # Each list leans to what that shopper looked at.
    store = search.store
    departments = lambda ids: {store.get_many(ids)[i].category[0] for i in ids}  # noqa: E731
    assert boots[0].category[0] in departments(hiker.products(a))
    assert earbuds[0].category[0] in departments(listener.products(b))
    assert "you looked at" in a.text or "which you've been shopping" in a.text


async def test_reasons_are_true_for_the_items_they_annotate(parts: AssistantParts) -> None:
    chat = Chat(parts, "sized-1")
    first = await chat.say("I wear size 10")
    assert "remember your size 10" in first.text
    reply = await chat.say("recommend something")
    products = parts.search.store.get_many(chat.products(reply))
    by_title = {p.title: p for p in products.values()}
    reasons = _reasons_of(reply)
    assert reasons, reply.text
    for title, reason in reasons.items():
        product = by_title[title]
        if "in stock in your size 10" in reason:
            assert "10" in product.sizes_in_stock()
        if m := re.search(r"top rated in ([^(]+?) \(([\d.]+) out of 5\)", reason):
            assert product.category[-1] == m.group(1).strip().split(" under ")[0]
            assert product.rating == pytest.approx(float(m.group(2)))
        if m := re.search(r"rated ([\d.]+) out of 5 by ([\d,]+) reviewers", reason):
            assert product.rating == pytest.approx(float(m.group(1)))
            assert product.review_count == int(m.group(2).replace(",", ""))
    assert any("your size 10" in r for r in reasons.values())
    # The size is part of the shopper's profile now, stored for the next conversation.
    prefs = await parts.personalization.shoppers.preferences("sized-1")
    assert prefs.sizes == ["10"]


async def test_more_like_this_and_what_goes_with_this(parts: AssistantParts) -> None:
    chat = Chat(parts, "anchor-1")
    await chat.say("waterproof hiking boots")
    boots = parts.search.store.get_many(chat.products(await chat.say("tell me about the first one"))).popitem()[1]

    similar = await chat.say("more like this")
    assert similar.payload["act"] == "similar"
    assert boots.id not in chat.products(similar)
    assert f"More like the {boots.title}" in similar.text
    assert f"similar to the {boots.title} you looked at" in similar.text

    goes = await chat.say("what goes with this?")
    assert goes.payload["act"] == "complements"
    found = parts.search.store.get_many(chat.products(goes))
    assert found
    # Never a second pair of boots; each is bought with it or in a category that pairs with it.
    pairs = complementary(boots.category[-1])
    for product in found.values():
        assert product.category[-1] != boots.category[-1]
    reasons = _reasons_of(goes)
    for title, reason in reasons.items():
        product = next(p for p in found.values() if p.title == title)
        if reason.startswith("goes with"):
            assert product.category[-1].lower() in pairs


async def test_not_that_brand_and_not_for_me_follow_up_on_suggestions(parts: AssistantParts) -> None:
    chat = Chat(parts, "picky-1")
    first = await chat.say("recommend a coffee maker")
    shown = parts.search.store.get_many(chat.products(first))
    top = shown[chat.products(first)[0]]
    other = await chat.say("not that brand")
    assert other.payload["skill"] == "recommend"
    assert all(p.brand != top.brand for p in parts.search.store.get_many(chat.products(other)).values())

    target = chat.products(other)[1]
    dismissed = await chat.say("not the second one")
    assert dismissed.payload["act"] == "dismiss"
    assert target not in chat.products(dismissed)
    again = await chat.say("recommend a coffee maker")
    assert target not in chat.products(again)  # dismissed stays dismissed, in later requests too
    events = await parts.personalization.shoppers.events("picky-1")
    assert [e.product_id for e in events if e.kind == "dismissed"] == [target]


async def test_a_gift_for_someone_with_a_budget(parts: AssistantParts) -> None:
    chat = Chat(parts, "gifter-1")
    reply = await chat.say("a gift for my dad who likes cooking, under $50")
    assert reply.text.startswith("Gift ideas for your dad")
    products = parts.search.store.get_many(chat.products(reply)).values()
    assert products
    assert all(p.price <= 50 and p.in_stock for p in products)
    departments = {p.category[0] for p in products}
    assert departments & {"Home & Kitchen", "Grocery"}, departments
    cheaper = await chat.say("cheaper")
    assert cheaper.text.startswith("Gift ideas for your dad")  # still the same request, just cheaper
    prices = [p.price for p in parts.search.store.get_many(chat.products(cheaper)).values()]
    assert prices and max(prices) < min(p.price for p in products)
