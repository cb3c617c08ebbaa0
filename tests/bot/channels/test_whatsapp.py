"""WhatsApp through Twilio: X-Twilio-Signature over the public URL and the sorted form, messages in, media out."""

from __future__ import annotations

import pytest
from aiohttp import web
from pydantic import SecretStr

from bot.channels.limits import MessageRejected
from bot.channels.whatsapp import outbound, parse_form, signature, verify
from bot.store.base import Event

# The example from Twilio's request-validator tests (twilio-python tests/unit/test_request_validator.py).
TOKEN, URL = "12345", "https://mycompany.com/myapp.php?foo=1&bar=2"
PARAMS = [("CallSid", "CA1234567890ABCDE"), ("Digits", "1234"), ("From", "+14158675309"), ("To", "+18005551212"), ("Caller", "+14158675309")]
GOOD = "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def test_the_signature_matches_twilios_examples() -> None:
    assert signature(TOKEN, URL, PARAMS) == GOOD
    assert signature(TOKEN, URL, list(reversed(PARAMS))) == GOOD  # the order Twilio posts them in does not matter
    repeated = [("Sid", "CA123"), ("SidAccount", "AC123"), ("Digits", "5678"), ("Digits", "1234")]
    assert signature(TOKEN, URL, repeated) == "IK+Dwps556ElfBT0I3Rgjkr1wJU="


@pytest.mark.parametrize(
    ("url", "params", "sent", "status"),
    [
        (URL, PARAMS, GOOD, None),
        (URL, PARAMS, None, 401),
        (URL, PARAMS, "", 401),
        ("http://mycompany.com/myapp.php?foo=1&bar=2", PARAMS, GOOD, 403),  # the URL behind a TLS proxy
        ("https://mycompany.com/myapp.php", PARAMS, GOOD, 403),  # the query string is signed too
        (URL, [*PARAMS, ("Body", "extra")], GOOD, 403),
        (URL, PARAMS[:-1], GOOD, 403),
        (URL, PARAMS, GOOD.lower(), 403),
    ],
)
def test_signatures(url: str, params: list[tuple[str, str]], sent: str | None, status: int | None) -> None:
    if status is None:
        verify(SecretStr(TOKEN), url, params, sent)
        return
    with pytest.raises(web.HTTPException) as caught:
        verify(SecretStr(TOKEN), url, params, sent)
    assert caught.value.status == status


def test_a_message_is_keyed_by_its_sid_and_a_button_tap_by_its_payload() -> None:
    form = {"MessageSid": "SM1", "From": "whatsapp:+15551234567", "Body": "show me boots", "NumMedia": "0"}
    message = parse_form(form, 2000)
    assert message is not None and (message.sender, message.conversation_id, message.client_id) == ("+15551234567", "whatsapp:+15551234567", "SM1")
    tapped = parse_form({**form, "Body": "cheaper!", "ButtonPayload": "Cheaper"}, 2000)
    assert tapped is not None and tapped.text == "Cheaper" and tapped.metadata == {"quick_reply": True}
    assert parse_form({**form, "Body": "", "NumMedia": "1"}, 2000) is None  # a photo without words


@pytest.mark.parametrize(
    ("form", "status"),
    [
        ({"From": "whatsapp:+1", "Body": "hi"}, 400),
        ({"MessageSid": "SM1", "From": "+15551234567", "Body": "hi"}, 400),  # SMS, not WhatsApp
        ({"MessageSid": "SM1", "From": "whatsapp:+1", "Body": " "}, 400),
        ({"MessageSid": "SM1", "From": "whatsapp:+1", "Body": "x" * 2001}, 413),
    ],
)
def test_malformed_forms_are_rejected(form: dict[str, str], status: int) -> None:
    with pytest.raises(MessageRejected) as caught:
        parse_form(form, 2000)
    assert caught.value.status == status


def test_a_reply_lists_quick_replies_and_sends_each_card_with_its_image() -> None:
    card = {"id": "SB-1", "title": "Trail Boots", "price": 89.99, "currency": "USD", "image_url": "https://img/1.jpg", "url": "https://shop/p/1", "in_stock": True}
    event = Event(1, "whatsapp:+1", "bot", "Here you go.", {"cards": [card], "buttons": [{"title": "Cheaper", "payload": "Cheaper"}]}, 0, None)
    text, media = outbound(event)
    assert text == {"Body": "Here you go.\n\nYou can reply:\n• Cheaper"}
    assert media == {"Body": "Trail Boots\n$89.99 · in stock\nhttps://shop/p/1", "MediaUrl": "https://img/1.jpg"}
