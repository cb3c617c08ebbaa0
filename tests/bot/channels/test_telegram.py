"""Telegram: the secret-token check, updates parsed into shopper messages, replies as Bot API calls."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from pydantic import SecretStr

from bot.channels.limits import MessageRejected
from bot.channels.telegram import keyboard, outbound, parse_update, verify
from bot.store.base import Event

SECRET = SecretStr("tg-secret-123")


@pytest.mark.parametrize(
    ("sent", "status"),
    [(None, 401), ("", 401), ("tg-secret-12", 403), ("tg-secret-1234", 403), ("TG-SECRET-123", 403)],
)
def test_a_missing_or_wrong_secret_token_is_refused(sent: str | None, status: int) -> None:
    with pytest.raises(web.HTTPException) as caught:
        verify(sent, SECRET)
    assert caught.value.status == status


def test_the_right_secret_token_passes() -> None:
    verify("tg-secret-123", SECRET)


def _text(text: object, update_id: int = 7) -> dict[str, Any]:
    return {"update_id": update_id, "message": {"message_id": 1, "chat": {"id": 42, "type": "private"}, "from": {"id": 42}, "text": text}}


def test_a_text_message_is_a_shopper_message_keyed_by_update_id() -> None:
    message, query = parse_update(_text("show me boots"), 2000)  # type: ignore[misc]
    assert (message.sender, message.text, message.channel, message.client_id, query) == ("42", "show me boots", "telegram", "7", None)
    assert message.conversation_id == "telegram:42"


def test_a_pressed_button_is_the_shopper_saying_its_payload() -> None:
    markup = keyboard([{"title": "Cheaper", "payload": "Cheaper"}, {"title": "x" * 70, "payload": "x" * 70}])
    update = {"update_id": 9, "callback_query": {"id": "cq1", "data": "Cheaper", "message": {"chat": {"id": 42}, "reply_markup": markup}}}
    message, query = parse_update(update, 2000)  # type: ignore[misc]
    assert (message.text, query, message.metadata) == ("Cheaper", "cq1", {"quick_reply": True})
    # A payload over 64 bytes travels as a key; the button's label comes back as the words.
    long_button = markup["inline_keyboard"][0][1]
    assert long_button["callback_data"] == "#1"
    update["callback_query"]["data"] = "#1"  # type: ignore[index]
    assert parse_update(update, 2000)[0].text == "x" * 70  # type: ignore[index]


@pytest.mark.parametrize(
    "update",
    [
        {"update_id": 1, "edited_message": {"chat": {"id": 1}, "text": "hi"}},
        {"update_id": 1, "message": {"chat": {"id": 1}, "sticker": {}}},
        {"update_id": 1, "callback_query": {"id": "q", "message": {"chat": {"id": 1}}, "game_short_name": "g"}},
    ],
)
def test_updates_without_a_shoppers_words_are_ignored(update: dict[str, Any]) -> None:
    assert parse_update(update, 2000) is None


@pytest.mark.parametrize(
    ("update", "status", "words"),
    [
        ({"message": {"chat": {"id": 1}, "text": "hi"}}, 400, "update_id"),
        ({"update_id": 1, "message": {"text": "hi"}}, 400, "chat"),
        (_text(""), 400, "empty"),
        (_text(5), 400, "must be text"),
        (_text("x" * 2001), 413, "2,001 characters"),
    ],
)
def test_malformed_updates_are_rejected_with_a_reason(update: dict[str, Any], status: int, words: str) -> None:
    with pytest.raises(MessageRejected) as caught:
        parse_update(update, 2000)
    assert caught.value.status == status and words in str(caught.value)


CARD = {"id": "SB-1", "title": "Trail Boots", "price": 89.99, "currency": "USD", "compare_at_price": None,
        "image_url": "https://img.example/1.jpg", "url": "https://shop.example/p/1", "rating": 4.6, "in_stock": True}  # fmt: skip


def test_a_reply_is_a_message_with_a_keyboard_then_a_photo_per_card() -> None:
    event = Event(1, "telegram:42", "bot", "Here are boots.", {"cards": [CARD], "buttons": [{"title": "Cheaper", "payload": "Cheaper"}]}, 0.0, None)
    (m1, first), (m2, photo) = outbound("42", event)
    assert m1 == "sendMessage" and first["text"] == "Here are boots." and "parse_mode" not in first
    assert first["reply_markup"] == {"inline_keyboard": [[{"text": "Cheaper", "callback_data": "Cheaper"}]]}
    assert m2 == "sendPhoto" and photo["photo"] == CARD["image_url"]
    assert photo["caption"] == "Trail Boots\n$89.99 · in stock · 4.6★"
    assert photo["reply_markup"]["inline_keyboard"][0][0] == {"text": "View", "url": CARD["url"]}


def test_an_agents_message_carries_the_agents_name() -> None:
    event = Event(1, "telegram:42", "agent", "Hi there", {"agent": "alice"}, 0.0, None)
    assert outbound("42", event) == [("sendMessage", {"chat_id": "42", "text": "alice: Hi there"})]
