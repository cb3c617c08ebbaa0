"""A product's own terms answer the store-policy questions asked about it; the store policy answers the rest.

A store like DummyJSON gives each product its own shipping, returns and warranty. Asked about
the product in focus, the reply states the product's value and none of the store policy; with
no product in focus, the store policy answers as before; a question the policy does not cover
gets no unrelated section, but the offer of a person.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.dialogue.engine import Dialogue
from bot.services import load_nlu, open_search
from bot.skills.policy import StorePolicy
from retrieval.catalog import Product
from retrieval.store import CatalogStore
from tests.conftest import make_product
from tests.support.conversation import Chat

pytestmark = pytest.mark.slow


def _laptop(pid: str, title: str, price: float, returns: str, shipping: str, warranty: str) -> Product:
    return make_product(
        pid, title, price=price, stock=40, brand=title.split()[0], category="laptops",
        description=f"The {title} is a light laptop for work and travel.",
        attributes={"warranty": warranty, "shipping": shipping, "return_policy": returns, "weight": "2",
                    "minimum_order_quantity": "1", "dimensions": "30 x 21 x 1.5 cm"},
    )  # fmt: skip


PRODUCTS = [
    _laptop("81", "Lenovo Yoga 920", 1099.99, "No return policy", "Ships in 2 weeks", "6 months warranty"),
    _laptop("80", "Huawei Matebook X Pro", 1399.99, "7 days return policy", "Ships overnight", "No warranty"),
    _laptop("82", "Dell XPS 13 Laptop", 1499.99, "30 days return policy", "Ships in 1 month", "2 year warranty"),
    make_product("189", "Red Shoes", price=34.99, stock=7, category="womens-shoes",
                 attributes={"return_policy": "60 days return policy", "shipping": "Ships in 1 month"}),
]  # fmt: skip
STORE_POLICY = """# Our policy

## Returns
keywords: return, returns, refund, send back
You can return anything within 14 days for a full refund.

## Shipping
keywords: shipping, delivery, ship, arrive
Every order ships within 3 business days.
"""
STORE_WORDS = ("14 days", "3 business days")


@pytest.fixture(scope="module")
def parts(shipped, encoder, tmp_path_factory):
    settings = shipped.model_copy(update={"data_dir": tmp_path_factory.mktemp("terms") / "data"})
    settings.data_dir.mkdir(parents=True)
    shutil.copytree(shipped.data_dir / "models", settings.data_dir / "models")
    store = CatalogStore(settings.catalog_db)
    store.upsert_many(PRODUCTS)
    search, _ = open_search(settings, store=store, encoder=encoder)
    return store, search, load_nlu(settings, store), encoder


def conversation(parts, policy: StorePolicy) -> Chat:
    """One conversation with the real intent model, search and encoder; replies as a shopper reads them."""
    store, search, nlu, encoder = parts
    return Chat(Dialogue(search, store, policy, encoder=encoder, categories=store.top_categories()), nlu)


@pytest.fixture(params=["no policy", "own policy"])
def shopper(request, parts, tmp_path: Path) -> Chat:
    if request.param == "no policy":
        return conversation(parts, StorePolicy.none())
    (tmp_path / "policy.md").write_text(STORE_POLICY, encoding="utf-8")
    return conversation(parts, StorePolicy.load(tmp_path / "policy.md"))


@pytest.mark.parametrize(
    ("question", "field"),
    [
        ("can I return it?", "return_policy"),
        ("can I send it back?", "return_policy"),
        ("how fast does it ship?", "shipping"),
        ("when would it arrive?", "shipping"),
    ],
)
async def test_the_product_in_focus_answers_with_its_own_terms(shopper: Chat, question: str, field: str) -> None:
    await shopper.say("show me laptops")
    plan, _ = await shopper.say("tell me about the Lenovo Yoga 920")
    lenovo = plan.cards[0]
    plan, text = await shopper.say(question)
    assert PRODUCTS[0].attributes[field] in text and lenovo.title in text
    # The product's own terms, not the store's.
    assert not any(words in text for words in STORE_WORDS), text
    assert [c.id for c in plan.cards] == [lenovo.id]


async def test_a_product_named_in_the_question_answers_with_its_own_terms(shopper: Chat) -> None:
    _, text = await shopper.say("does the Huawei Matebook X Pro come with a warranty?")
    assert "No warranty" in text and "Huawei Matebook X Pro" in text


async def test_with_a_list_shown_and_none_in_focus_it_asks_which(shopper: Chat) -> None:
    await shopper.say("show me laptops")
    plan, text = await shopper.say("can I return it?")
    # The three laptops' own terms differ: neither the store policy nor one of them is given.
    assert not any(words in text for words in STORE_WORDS)
    assert not any(p.attributes["return_policy"] in text for p in PRODUCTS)
    assert "Which product" in text


async def test_with_no_product_in_focus_the_store_policy_answers(parts, tmp_path: Path) -> None:
    (tmp_path / "policy.md").write_text(STORE_POLICY, encoding="utf-8")
    plan, text = await conversation(parts, StorePolicy.load(tmp_path / "policy.md")).say("can I return it?")
    assert "14 days" in text and not plan.cards
    plan, text = await conversation(parts, StorePolicy.none()).say("can I return it?")
    assert "our team" in text and plan.context.policy is None


async def test_stock_questions_read_naturally_and_give_the_count(shopper: Chat) -> None:
    _, text = await shopper.say("are the Red Shoes in stock?")
    assert "in stock" in text and "7" in text and "colour" not in text
    _, text = await shopper.say("how many are left?")
    assert "7" in text


async def test_a_question_the_demo_policy_does_not_cover_gets_no_unrelated_section(parts) -> None:
    shopper = conversation(parts, StorePolicy.load())
    plan, text = await shopper.say("do you price match?")
    promotions = StorePolicy.load().sections["promotions"].text
    assert promotions not in text and "WELCOME10" not in text
    assert "our team" in text and any("connect" in b.lower() for b in plan.buttons)
    plan, _ = await shopper.say("yes please")
    assert plan.handoff  # the offer of a person is real


async def test_terms_neither_the_product_nor_the_store_states_are_not_made_up(parts) -> None:
    shopper = conversation(parts, StorePolicy.none())
    await shopper.say("tell me about the Red Shoes")
    plan, text = await shopper.say("does it have a warranty?")
    assert "warranty" in text and "our team" in text  # the Red Shoes have no warranty field
    assert not any(p.attributes.get("warranty", "-") in text for p in PRODUCTS)
    plan, _ = await shopper.say("yes please")
    assert plan.handoff
