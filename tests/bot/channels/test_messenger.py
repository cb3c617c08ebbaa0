"""Messenger: the subscription handshake, X-Hub-Signature-256, messaging events in, templates and quick replies out."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pytest
from aiohttp import web
from pydantic import SecretStr

from bot.channels.limits import MessageRejected
from bot.channels.messenger import challenge, outbound, parse_events, signature, verify
from bot.store.base import Event

SECRET, BODY = "app-secret-xyz", b'{"object":"page","entry":[]}'
GOOD = "sha256=" + hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()


def test_the_signature_is_hmac_sha256_of_the_raw_body() -> None:
    assert signature(SECRET, BODY) == GOOD


@pytest.mark.parametrize(
    ("body", "sent", "status"),
    [
        (BODY, GOOD, None),
        (BODY, None, 401),
        (BODY, "", 401),
        (BODY + b" ", GOOD, 403),
        (BODY, GOOD.removeprefix("sha256="), 403),
        (BODY, "sha1=" + hmac.new(SECRET.encode(), BODY, hashlib.sha1).hexdigest(), 403),  # the old header's scheme
        (BODY, "sha256=" + hmac.new(b"other", BODY, hashlib.sha256).hexdigest(), 403),
    ],
)
def test_signatures(body: bytes, sent: str | None, status: int | None) -> None:
    if status is None:
        verify(SecretStr(SECRET), body, sent)
        return
    with pytest.raises(web.HTTPException) as caught:
        verify(SecretStr(SECRET), body, sent)
    assert caught.value.status == status


@pytest.mark.parametrize(
    ("query", "answer"),
    [
        ({"hub.mode": "subscribe", "hub.verify_token": "vt-1", "hub.challenge": "1158201444"}, "1158201444"),
        ({"hub.mode": "subscribe", "hub.verify_token": "vt-2", "hub.challenge": "1"}, 403),
        ({"hub.mode": "unsubscribe", "hub.verify_token": "vt-1", "hub.challenge": "1"}, 403),
        ({"hub.challenge": "1"}, 403),
    ],
)
def test_the_handshake_echoes_the_challenge_only_for_our_verify_token(query: dict[str, str], answer: str | int) -> None:
    if isinstance(answer, str):
        assert challenge(query, SecretStr("vt-1")) == answer
        return
    with pytest.raises(web.HTTPException) as caught:
        challenge(query, SecretStr("vt-1"))
    assert caught.value.status == answer


def _page(*messaging: dict[str, Any]) -> dict[str, Any]:
    return {"object": "page", "entry": [{"id": "PAGE", "time": 1, "messaging": list(messaging)}]}


def test_messages_quick_replies_and_postbacks_are_shopper_messages_and_echoes_are_not() -> None:
    sender = {"sender": {"id": "PSID1"}, "recipient": {"id": "PAGE"}, "timestamp": 5}
    body = _page(
        {**sender, "message": {"mid": "m1", "text": "show me boots"}},
        {**sender, "message": {"mid": "m2", "text": "Compare the first…", "quick_reply": {"payload": "Compare the first two"}}},
        {**sender, "postback": {"mid": "m3", "title": "Get Started", "payload": "GET_STARTED"}},
        {**sender, "message": {"mid": "m4", "text": "our own reply", "is_echo": True}},
        {**sender, "delivery": {"mids": ["m4"]}},
        {**sender, "message": {"mid": "m5", "attachments": [{"type": "image"}]}},
    )
    found = [(m.sender, m.text, m.client_id) for m in parse_events(body, 2000)]
    assert found == [("PSID1", "show me boots", "m1"), ("PSID1", "Compare the first two", "m2"), ("PSID1", "Get Started", "m3")]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"object": "instagram", "entry": []}, 400),
        ({"object": "page"}, 400),
        (_page({"message": {"mid": "m1", "text": "hi"}}), 400),
        (_page({"sender": {"id": "P"}, "message": {"mid": "m1", "text": "x" * 2001}}), 413),
    ],
)
def test_malformed_webhooks_are_rejected(body: dict[str, Any], status: int) -> None:
    with pytest.raises(MessageRejected) as caught:
        parse_events(body, 2000)
    assert caught.value.status == status


def test_a_reply_is_text_then_a_generic_template_with_the_quick_replies_last() -> None:
    card = {"id": "SB-1", "title": "Trail Boots", "price": 89.99, "currency": "USD", "image_url": "https://img/1.jpg", "url": "https://shop/p/1", "in_stock": True}
    buttons = [{"title": "Compare the first two", "payload": "Compare the first two"}]
    text, cards = outbound("PSID1", Event(1, "messenger:PSID1", "bot", "Here.", {"cards": [card], "buttons": buttons}, 0, None))
    assert text == {"recipient": {"id": "PSID1"}, "messaging_type": "RESPONSE", "message": {"text": "Here."}}
    element = cards["message"]["attachment"]["payload"]["elements"][0]
    assert cards["message"]["attachment"]["payload"]["template_type"] == "generic"
    assert element["title"] == "Trail Boots" and element["subtitle"] == "$89.99 · in stock" and element["image_url"] == "https://img/1.jpg"
    assert element["buttons"] == [{"type": "web_url", "url": "https://shop/p/1", "title": "View"}]
    # Messenger's 20-character limit on the title; the payload keeps the whole words.
    assert cards["message"]["quick_replies"] == [{"content_type": "text", "title": "Compare the first t…", "payload": "Compare the first two"}]
