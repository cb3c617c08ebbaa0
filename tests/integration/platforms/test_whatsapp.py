"""WhatsApp through a local fake Twilio: a search conversation with product images as media, the
signature over the public URL behind a proxy, a re-delivered webhook, and handoff."""

from __future__ import annotations

import pytest

from bot.generation.facts import money
from tests.integration.platforms.conftest import WHATSAPP_NUMBER, Platforms, agent, replies, wait_events
from tests.integration.platforms.fakes import Call, fresh_id

pytestmark = pytest.mark.slow


def _phone() -> str:
    return f"+1555{fresh_id() % 10_000_000:07d}"


def _sent(platforms: Platforms, phone: str, reply: dict, before: int) -> list[Call]:
    """The messages that showed one stored reply: the text, then one per card with its image."""
    n = before + 1 + len(reply["payload"].get("cards", []))
    return platforms.twilio.wait_for(f"whatsapp:{phone}", lambda c: len(c) >= n)[before:n]


def test_a_search_refined_then_a_quick_reply_tapped(platforms: Platforms) -> None:
    twilio, server = platforms.twilio, platforms.server
    phone = _phone()
    conversation = f"whatsapp:{phone}"

    answer = twilio.message(server.url, twilio.text_params(phone, "show me hiking boots"))
    assert answer.status == 200 and b"<Response></Response>" in answer.raw and answer.headers["Content-Type"].startswith("text/xml")
    found = replies(wait_events(server, conversation, lambda e: len(replies(e)) == 1))[0]
    text, *cards = _sent(platforms, phone, found, 0)
    assert text.body["From"] == WHATSAPP_NUMBER and text.body["Body"].startswith(found["text"])
    assert "You can reply:" in text.body["Body"] and "• Cheaper" in text.body["Body"]
    assert len(cards) == len(found["payload"]["cards"]) >= 2
    for sent, card in zip(cards, found["payload"]["cards"]):
        product = server.product(card["id"])
        assert sent.body["MediaUrl"] == product["image_url"]
        assert sent.body["Body"].startswith(product["title"] + "\n")
        assert money(product["price"], product.get("currency", "USD")) in sent.body["Body"]

    twilio.message(server.url, twilio.text_params(phone, "cheaper"))
    cheaper = replies(wait_events(server, conversation, lambda e: len(replies(e)) == 2))[1]
    assert max(c["price"] for c in cheaper["payload"]["cards"]) < min(c["price"] for c in found["payload"]["cards"])
    refined = _sent(platforms, phone, cheaper, 1 + len(cards))

    label = "Compare the first two"
    assert f"• {label}" in refined[0].body["Body"]
    tap = twilio.text_params(phone, label, ButtonText=label, ButtonPayload=label)
    assert twilio.message(server.url, tap).status == 200
    events = wait_events(server, conversation, lambda e: len(replies(e)) == 3)
    assert [e["text"] for e in events if e["role"] == "user"][-1] == label
    assert replies(events)[2]["payload"]["skill"] == "compare"
    _sent(platforms, phone, replies(events)[2], 1 + len(cards) + len(refined))


def test_a_redelivered_webhook_is_answered_once(platforms: Platforms) -> None:
    twilio, server = platforms.twilio, platforms.server
    phone = _phone()
    params = twilio.text_params(phone, "hi there")
    for _ in range(3):
        assert twilio.message(server.url, params).status == 200
    wait_events(server, f"whatsapp:{phone}", lambda e: len(replies(e)) == 1)
    twilio.wait_for(f"whatsapp:{phone}", lambda c: len(c) >= 1)
    twilio.quiet(f"whatsapp:{phone}", 1)
    assert [e["role"] for e in server.events(f"whatsapp:{phone}")] == ["user", "bot"]


@pytest.mark.parametrize(
    ("how", "status"),
    [
        ("unsigned", 401),
        ("forged", 403),
        ("internal url", 403),  # signed for the URL the server sees, not the one Twilio calls
        ("tampered", 403),
    ],
)
def test_a_bad_signature_is_refused_and_nothing_is_stored(platforms: Platforms, how: str, status: int) -> None:
    twilio, server = platforms.twilio, platforms.server
    phone = _phone()
    params = twilio.text_params(phone, "show me boots")
    if how == "unsigned":
        resp = twilio.message(server.url, params, signature=None)
    elif how == "forged":
        resp = twilio.message(server.url, params, signature="bm90IGEgc2lnbmF0dXJlIGF0IGFsbA==")
    elif how == "internal url":
        resp = twilio.message(server.url, params, signed_url=f"{server.url}/webhooks/whatsapp")
    else:
        good = twilio.signature(twilio.public_url + "/webhooks/whatsapp", params)
        resp = twilio.message(server.url, {**params, "Body": "show me cheap boots"}, signature=good)
    assert resp.status == status and "X-Twilio-Signature" in resp.body["error"]
    assert server.transcript(f"whatsapp:{phone}").status == 404
    twilio.quiet(f"whatsapp:{phone}", 0, seconds=0.3)


def test_an_agent_takes_over_and_the_agents_words_reach_whatsapp(platforms: Platforms) -> None:
    twilio, server = platforms.twilio, platforms.server
    phone = _phone()
    conversation = f"whatsapp:{phone}"
    twilio.message(server.url, twilio.text_params(phone, "hello"))
    wait_events(server, conversation, lambda e: len(replies(e)) == 1)
    twilio.wait_for(conversation, lambda c: len(c) >= 1)

    agent(server, "take", conversation)
    agent(server, "reply", conversation, {"text": "Hi, Alice here. How can I help?"})
    bodies = [c.body["Body"] for c in twilio.wait_for(conversation, lambda c: len(c) >= 3)[1:]]
    assert bodies == ["alice joined the chat.", "alice: Hi, Alice here. How can I help?"]
    agent(server, "close", conversation)
    assert "closed this conversation" in twilio.wait_for(conversation, lambda c: len(c) >= 4)[-1].body["Body"]
