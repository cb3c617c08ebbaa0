"""How shoppers state constraints in plain words: negated price caps, numbers written as
words, who it is for, and the store's own names for its products."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.nlu.entities import CatalogVocabulary, EntityExtractor
from bot.nlu.entities.model import spelled_number
from bot.nlu.synonyms import title_head, title_synonyms
from retrieval.store import CatalogStore
from tests.conftest import make_product


def _price(text: str, currency: str | None = "USD") -> dict[str, Any] | None:
    found = [e.value for e in EntityExtractor(CatalogVocabulary(currency=currency)).extract(text) if e.type == "price"]
    assert len(found) <= 1, found
    return found[0] if found else None


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("I don't want to spend more than $50", None, 50.0),
        ("nothing over 25 bucks please", None, 25.0),
        ("I can't go above 35", None, 35.0),
        ("I don't want anything under 20 dollars", 20.0, None),
        ("without paying more than 80", None, 80.0),
        ("no more than $50", None, 50.0),  # the negation is part of the comparator: not turned twice
        ("I don't mind spending more than 40", 40.0, None),  # not minding is no negation
        ("no, under 50", None, 50.0),  # the "no" answers something else
        ("don't you have anything under 30?", None, 30.0),  # a question asking for under 30
        ("more than $50", 50.0, None),
    ],
)
def test_negation_turns_a_price_comparator_round(text: str, low: float | None, high: float | None) -> None:
    value = _price(text)
    assert value is not None and (value["min"], value["max"]) == (low, high)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("under two hundred bucks", None, 200.0),
        ("my budget is twenty five dollars", None, 25.0),
        ("I can spend up to a hundred", None, 100.0),
        ("between twenty and forty dollars", 20.0, 40.0),
        ("nothing more than fifty-five quid", None, 55.0),
        ("around fifteen hundred", 1200.0, 1800.0),
        ("at most two hundred and fifty", None, 250.0),
    ],
)
def test_prices_written_in_words(text: str, low: float | None, high: float | None) -> None:
    value = _price(text)
    assert value is not None and (value["min"], value["max"]) == (low, high)


@pytest.mark.parametrize("text", ["I want more than one", "at least two of them", "up to three people", "under one roof"])
def test_small_numbers_in_words_are_counts_not_prices(text: str) -> None:
    assert _price(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("twenty five", 25), ("a hundred", 100), ("two hundred and fifty", 250), ("fifteen hundred", 1500),
     ("three grand", 3000), ("one thousand two hundred", 1200), ("two three", None), ("twenty thirty", None)],
)  # fmt: skip
def test_spelled_numbers(text: str, value: int | None) -> None:
    assert spelled_number(text) == value


@pytest.mark.parametrize(
    ("text", "gender"),
    [("running shoes for a guy", "men"), ("female hiking boots", "women"), ("a gift for a gentleman", "men"),
     ("jackets for the ladies", "women"), ("something for her", "women")],
)  # fmt: skip
def test_gender_words(text: str, gender: str) -> None:
    assert [e.value for e in EntityExtractor().extract(text) if e.type == "gender"] == [gender]


@pytest.mark.parametrize("text", ["usb male to female cable", "a female connector", "thanks guys"])
def test_words_that_do_not_name_who_it_is_for(text: str) -> None:
    assert not [e for e in EntityExtractor().extract(text) if e.type == "gender"]


def _apparel() -> list:
    hoodies = [make_product(f"h{i}", f"Brand{i} {style} Hoodie", category="Apparel > Women > Hooded Sweatshirts")
               for i, style in enumerate(["Pullover", "Full Zip", "Fleece", "Cropped"])]  # fmt: skip
    tees = [make_product(f"t{i}", f"Brand{i} {cut} Tee", category="Apparel > Men > T-Shirts") for i, cut in enumerate(["Crew", "Pocket", "Slub"])]
    jackets = [make_product("j1", "Brand1 Puffer Jacket", category="Apparel > Women > Puffer Jackets"),
               make_product("j2", "Brand2 Storm Jacket", category="Apparel > Men > Rain Jackets"),
               make_product("j3", "Brand3 Down Jacket", category="Apparel > Women > Puffer Jackets")]  # fmt: skip
    banks = [make_product(f"b{i}", f"Brand{i} 10000mAh Power Bank", category="Electronics > Chargers > Portable Chargers") for i in range(3)]
    return hoodies + tees + jackets + banks


def test_catalog_titles_give_category_synonyms(tmp_path: Path) -> None:
    products = _apparel()
    vocab = CatalogVocabulary.from_products(products)
    extractor = EntityExtractor(vocab)
    found = lambda text: [(e.value, e.text) for e in extractor.extract(text) if e.type == "category"]  # noqa: E731
    assert found("a warm hoodie for winter") == [("Hooded Sweatshirts", "hoodie")]
    assert found("a warm hoddie") == [("Hooded Sweatshirts", "hoddie")]  # a typo of it
    # A short real word one letter away is not a typo of it: a hood is what a jacket has.
    assert found("does it have a hood") == []
    assert found("plain tees") == [("T-Shirts", "tees")]
    assert found("a cheap power bank") == [("Portable Chargers", "power bank")]
    # "Jacket" heads two categories' titles: it names neither on its own.
    assert found("a jacket") == []
    # "bank" alone is not the product: only the compound the titles use is.
    assert found("what's my bank balance") == []
    with CatalogStore(tmp_path / "catalog.db") as store:
        store.upsert_many(products)
        assert CatalogVocabulary.from_store(store).synonyms == vocab.synonyms


def test_title_heads_skip_units_and_details() -> None:
    assert title_head("Brand Electric Kettle, 1.7 L") == ("kettle", "electric")
    assert title_head("boAt Bassheads Wired Earphones with Mic (Black)") == ("earphone", "wired")
    assert title_head("Brand 55 Inch 4K Smart TV") == ("tv", "smart")
    assert title_head("Brand Coffee 12 oz") == ("coffee", "brand")
    assert title_head("12 oz") is None


def test_a_noun_shared_by_categories_names_none() -> None:
    rows = [("A Dog Bed", "Dog Beds"), ("B Dog Bed", "Dog Beds"), ("C Cat Bed", "Cat Beds"), ("D Cat Bed", "Cat Beds")]
    assert "bed" not in title_synonyms(rows)
