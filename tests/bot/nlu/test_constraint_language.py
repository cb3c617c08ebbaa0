"""How shoppers state constraints in plain words: negated price caps, numbers written as
words, and who it is for."""

from __future__ import annotations

from typing import Any

import pytest

from bot.nlu.entities import CatalogVocabulary, EntityExtractor
from bot.nlu.entities.model import spelled_number


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
