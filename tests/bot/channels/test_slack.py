"""Slack: request signatures with a replay window, events and button clicks as shopper messages, Block Kit replies."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from pydantic import SecretStr

from bot.channels.limits import MessageRejected
from bot.channels.slack import blocks, parse_action, parse_event, signature, verify
from bot.store.base import Event

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
NOW = 1531420618
# Slack's own worked example (api.slack.com/authentication/verifying-requests-from-slack).
BODY = (
    b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar"
    b"&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com"
    b"%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
GOOD = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"


def test_the_signature_matches_slacks_example() -> None:
    assert signature(SECRET, str(NOW), BODY) == GOOD


@pytest.mark.parametrize(
    ("timestamp", "sent", "body", "now", "status"),
    [
        (str(NOW), GOOD, BODY, NOW, None),
        (str(NOW), GOOD, BODY, NOW + 299, None),  # inside the 5-minute window
        (str(NOW), GOOD, BODY, NOW - 299, None),
        (str(NOW), None, BODY, NOW, 401),
        (None, GOOD, BODY, NOW, 401),
        (str(NOW), GOOD, BODY, NOW + 301, 403),  # a replay of an old request
        (str(NOW), GOOD, BODY + b"&x=1", NOW, 403),  # the body was changed
        (str(NOW + 1), GOOD, BODY, NOW, 403),  # the timestamp was changed
        (str(NOW), GOOD.upper(), BODY, NOW, 403),
        (str(NOW), "v0=" + "0" * 64, BODY, NOW, 403),
        ("yesterday", GOOD, BODY, NOW, 403),
    ],
)
def test_signatures_and_timestamps(timestamp: str | None, sent: str | None, body: bytes, now: float, status: int | None) -> None:
    if status is None:
        verify(SecretStr(SECRET), timestamp, sent, body, now=now)
        return
    with pytest.raises(web.HTTPException) as caught:
        verify(SecretStr(SECRET), timestamp, sent, body, now=now)
    assert caught.value.status == status


def _envelope(**event: Any) -> dict[str, Any]:
    base = {"type": "message", "channel_type": "im", "channel": "D024BE91L", "user": "U2147483697", "text": "show me boots"}
    return {"type": "event_callback", "team_id": "T1", "event_id": "Ev123", "event": {**base, **event}}


def test_a_direct_message_is_a_shopper_message_keyed_by_event_id() -> None:
    message = parse_event(_envelope(text="boots &lt;100 &amp; waterproof"), 2000)
    assert message is not None
    assert (message.sender, message.channel, message.client_id, message.text) == ("D024BE91L", "slack", "Ev123", "boots <100 & waterproof")


def test_a_mention_drops_the_mention() -> None:
    message = parse_event(_envelope(type="app_mention", channel_type=None, text="<@U0LAN0Z89> any rain jackets?"), 2000)
    assert message is not None and message.text == "any rain jackets?"


@pytest.mark.parametrize(
    "event",
    [{"bot_id": "B1"}, {"subtype": "message_changed"}, {"channel_type": "channel"}, {"type": "reaction_added"}],
)
def test_bots_edits_and_other_events_are_ignored(event: dict[str, Any]) -> None:
    assert parse_event(_envelope(**event), 2000) is None


def test_a_quick_reply_click_is_a_shopper_message_and_a_view_click_is_not() -> None:
    payload = {
        "type": "block_actions", "user": {"id": "U1"}, "channel": {"id": "D1"},
        "actions": [{"action_id": "quick_reply_0", "value": "Cheaper", "action_ts": "1700000000.1"}],
    }  # fmt: skip
    message = parse_action(payload, 2000)
    assert message is not None and (message.sender, message.text, message.client_id) == ("D1", "Cheaper", "action:1700000000.1")
    payload["actions"] = [{"action_id": "view_SB-1", "url": "https://x", "action_ts": "1"}]
    assert parse_action(payload, 2000) is None


@pytest.mark.parametrize(
    ("envelope", "status"),
    [({"type": "event_callback", "event": {}}, 400), (_envelope(text="x" * 2001), 413), (_envelope(text=None), 400)],
)
def test_malformed_events_are_rejected(envelope: dict[str, Any], status: int) -> None:
    with pytest.raises(MessageRejected) as caught:
        parse_event(envelope, 2000)
    assert caught.value.status == status


def test_a_reply_is_text_product_sections_and_buttons() -> None:
    card = {"id": "SB-1", "title": "Boots <Pro>", "price": 50.0, "currency": "USD", "compare_at_price": 60.0,
            "image_url": "https://img/1.jpg", "url": "https://shop/p/1", "rating": None, "in_stock": False}  # fmt: skip
    event = Event(1, "slack:D1", "bot", "Found 1 & more", {"cards": [card], "buttons": [{"title": "Cheaper", "payload": "Cheaper"}]}, 0, None)
    text, section, actions = blocks(event)
    assert text["text"]["text"] == "Found 1 &amp; more"
    assert section["text"]["text"] == "*<https://shop/p/1|Boots &lt;Pro&gt;>*\n$50 (was $60) · out of stock"
    assert section["accessory"] == {"type": "image", "image_url": "https://img/1.jpg", "alt_text": "Boots <Pro>"}
    assert actions["elements"] == [{"type": "button", "action_id": "quick_reply_0", "text": {"type": "plain_text", "text": "Cheaper"}, "value": "Cheaper"}]
    assert "accessory" not in blocks(event, images=False)[1]
