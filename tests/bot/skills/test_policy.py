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


# Questions of a policy topic that its section does not answer, with the intent the classifier
# gives them: the intent alone is no evidence, so no section is quoted.
UNCOVERED = [
    ("do you price match?", "promotions"),
    ("do you match competitor prices?", "promotions"),
    ("do you have a loyalty program?", "promotions"),
    ("is there a warranty?", "return_refund"),
    ("what's the minimum order?", "shipping_info"),
]


@pytest.mark.parametrize(("question", "intent"), UNCOVERED)
def test_a_topic_the_section_does_not_cover_finds_nothing(encoder, question: str, intent: str) -> None:
    assert StorePolicy.load().find(question, intent, encoder) is None


@pytest.mark.parametrize(("question", "intent"), UNCOVERED)
def test_without_the_encoder_the_words_must_be_there(question: str, intent: str) -> None:
    assert StorePolicy.load().find(question, intent) is None


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("can I send it back?", "returns"),
        ("what's the return window?", "returns"),
        ("can I return it if it doesn't fit?", "returns"),
        ("do you ship to Germany?", "shipping"),  # the section says where it ships
        ("when would it arrive?", "shipping"),
        ("how long does shipping take to Toronto?", "shipping"),
        ("can I pay in installments?", "payment"),
        ("what are your opening hours?", "contact"),
    ],
)
def test_the_encoder_finds_the_section_in_other_words(encoder, question: str, topic: str) -> None:
    section = StorePolicy.load().find(question, None, encoder)
    assert section is not None and section.topic == topic


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
