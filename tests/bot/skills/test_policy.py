"""The store policy file: sections found by intent or by the shopper's words."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.skills.policy import StorePolicy


@pytest.mark.parametrize(
    ("question", "intent", "topic"),
    [
        ("how long does delivery take?", None, "shipping"),
        ("can I get a refund?", None, "returns"),
        ("do you take paypal?", None, "payment"),
        ("any discount codes?", None, "promotions"),
        ("I want to cancel", "order_cancel", "orders"),
        ("when can I talk to a human?", None, "contact"),
    ],
)
def test_the_shipped_policy_answers_common_questions(question: str, intent: str | None, topic: str) -> None:
    section = StorePolicy.load().find(question, intent)
    assert section is not None and section.topic == topic


def test_unrelated_questions_find_nothing() -> None:
    assert StorePolicy.load().find("what is the meaning of life") is None


def test_a_store_can_use_its_own_file(tmp_path: Path) -> None:
    path = tmp_path / "policy.md"
    path.write_text("# Ours\n\n## Shipping\nkeywords: post\nWe post within a day.\n", encoding="utf-8")
    assert StorePolicy.load(path).find("do you post abroad?").text == "We post within a day."


def test_a_missing_or_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        StorePolicy.load(tmp_path / "nope.md")
    (tmp_path / "empty.md").write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="no '## Topic' sections"):
        StorePolicy.load(tmp_path / "empty.md")
