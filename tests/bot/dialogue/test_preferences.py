"""Preferences the shopper states about themselves, read from real parses of their words."""

from __future__ import annotations

import pytest

from bot.dialogue import preferences
from retrieval.recommend import Preferences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I wear a size 10", {"sizes": ["10"]}),
        ("hiking boots in size 9.5", {"sizes": ["9.5"]}),
        ("I love TrailMax", {"brands": ["TrailMax"]}),
        ("my favourite colour is green", {"colors": ["green"]}),
        ("my budget is $80", {"budget_max": 80.0}),
        ("a gift for my dad", {"recipients": ["dad"]}),
        # Searching for a brand or a price is not a taste or a budget.
        ("TrailMax boots under $80", {}),
        ("I don't like TrailMax", {}),
    ],
)
def test_stated_preferences(demo_dialogue_parts, text: str, expected: dict) -> None:
    nlu = demo_dialogue_parts[3]
    assert preferences.stated(nlu.parse(text)) == expected


def test_merge_keeps_the_newest_first_and_lists_short() -> None:
    current = Preferences(sizes=["9", "M"], brands=["Alpine Co"], budget_min=50)
    merged = preferences.merge(current, {"sizes": ["10", "9"], "budget_max": 40.0})
    assert merged.sizes == ["10", "9", "M"]
    assert merged.brands == ["Alpine Co"]
    assert (merged.budget_min, merged.budget_max) == (None, 40.0)  # a lower budget drops a higher floor
    many = preferences.merge(Preferences(), {"sizes": [str(n) for n in range(20)]})
    assert len(many.sizes) == preferences.MAX_SIZES
