"""Messenger against a local fake Send API: the subscription handshake, a search conversation with a
generic template and quick replies, signatures, a re-delivered webhook, and handoff."""

from __future__ import annotations

import urllib.parse

import pytest

from bot.generation.facts import money
from tests.integration.platforms.conftest import SECRETS, Platforms, agent, replies, wait_events
from tests.integration.platforms.fakes import Call, fresh_id

pytestmark = pytest.mark.slow


def _psid() -> str:
    return str(fresh_id())


def _sent(platforms: Platforms, psid: str, n: int) -> list[Call]:
    return platforms.messenger.wait_for(psid, lambda c: len(c) >= n)


def test_the_subscription_handshake(platforms: Platforms) -> None:
    server = platforms.server
    query = {"hub.mode": "subscribe", "hub.verify_token": SECRETS["messenger_verify_token"], "hub.challenge": "1158201444"}
    ok = server.request("GET", "/webhooks/messenger?" + urllib.parse.urlencode(query))
    assert ok.status == 200 and ok.raw == b"1158201444"
    wrong = server.request("GET", "/webhooks/messenger?" + urllib.parse.urlencode({**query, "hub.verify_token": "guess"}))
    assert wrong.status == 403 and "hub.verify_token" in wrong.body["error"]


def test_a_search_refined_then_a_quick_reply_tapped(platforms: Platforms) -> None:
    fb, server = platforms.messenger, platforms.server
    psid = _psid()
    conversation = f"messenger:{psid}"

    assert fb.deliver(server.url, fb.text(psid, "show me hiking boots")).status == 200
    found = replies(wait_events(server, conversation, lambda e: len(replies(e)) == 1))[0]
    text, template = _sent(platforms, psid, 2)
    assert text.body["message"] == {"text": found["text"]} and text.body["messaging_type"] == "RESPONSE"
    payload = template.body["message"]["attachment"]["payload"]
    assert payload["template_type"] == "generic" and len(payload["elements"]) == len(found["payload"]["cards"]) >= 2
    for element, card in zip(payload["elements"], found["payload"]["cards"]):
        product = server.product(card["id"])
        assert element["title"] == product["title"][:80] or element["title"].endswith("…")
        assert money(product["price"], product.get("currency", "USD")) in element["subtitle"]
        assert element["image_url"] == product["image_url"]
        assert element["buttons"] == [{"type": "web_url", "url": product["product_url"], "title": "View"}]
    quick = template.body["message"]["quick_replies"]  # under the newest message
    assert [q["payload"] for q in quick] == [b["payload"] for b in found["payload"]["buttons"]] and "Cheaper" in [q["title"] for q in quick]

    fb.deliver(server.url, fb.text(psid, "cheaper"))
    cheaper = replies(wait_events(server, conversation, lambda e: len(replies(e)) == 2))[1]
    assert max(c["price"] for c in cheaper["payload"]["cards"]) < min(c["price"] for c in found["payload"]["cards"])
    refined = _sent(platforms, psid, 4)[3]

    tapped = next(q for q in refined.body["message"]["quick_replies"] if q["payload"] == "Compare the first two")
    assert fb.deliver(server.url, fb.text(psid, tapped["title"], quick_reply=tapped["payload"])).status == 200
    events = wait_events(server, conversation, lambda e: len(replies(e)) == 3)
    assert [e["text"] for e in events if e["role"] == "user"][-1] == "Compare the first two"
    assert replies(events)[2]["payload"]["skill"] == "compare"
    assert _sent(platforms, psid, 5)[4].body["message"]["text"] == replies(events)[2]["text"]


def test_several_messages_in_one_webhook_and_a_redelivery(platforms: Platforms) -> None:
    fb, server = platforms.messenger, platforms.server
    psid = _psid()
    first, second = fb.text(psid, "hi"), fb.text(psid, "do you sell travel mugs?")
    assert fb.deliver(server.url, first, second).status == 200
    assert fb.deliver(server.url, first, second).status == 200  # Facebook re-sends when our 200 was late
    events = wait_events(server, f"messenger:{psid}", lambda e: len(replies(e)) == 2)
    assert [e["role"] for e in events] == ["user", "bot", "user", "bot"]
    n = 1 + (2 if replies(events)[1]["payload"]["cards"] else 1)  # the greeting; the text and the cards
    _sent(platforms, psid, n)
    fb.quiet(psid, n)


@pytest.mark.parametrize(("signature", "status"), [(None, 401), ("sha256=" + "ab" * 32, 403), ("not-even-a-signature", 403)])
def test_a_bad_signature_is_refused_and_nothing_is_stored(platforms: Platforms, signature: str | None, status: int) -> None:
    fb, server = platforms.messenger, platforms.server
    psid = _psid()
    resp = fb.deliver(server.url, fb.text(psid, "show me boots"), signature=signature)
    assert resp.status == status and "X-Hub-Signature-256" in resp.body["error"]
    assert server.transcript(f"messenger:{psid}").status == 404
    fb.quiet(psid, 0, seconds=0.3)


def test_an_agent_takes_over_and_the_agents_words_reach_messenger(platforms: Platforms) -> None:
    fb, server = platforms.messenger, platforms.server
    psid = _psid()
    conversation = f"messenger:{psid}"
    fb.deliver(server.url, fb.text(psid, "hello"))
    wait_events(server, conversation, lambda e: len(replies(e)) == 1)
    _sent(platforms, psid, 1)

    agent(server, "take", conversation)
    agent(server, "reply", conversation, {"text": "Hi, Alice here. How can I help?"})
    texts = [c.body["message"]["text"] for c in _sent(platforms, psid, 3)[1:]]
    assert texts == ["alice joined the chat.", "alice: Hi, Alice here. How can I help?"]

    fb.deliver(server.url, fb.text(psid, "where is my order?"))
    wait_events(server, conversation, lambda e: e[-1]["text"] == "where is my order?")
    fb.quiet(psid, 3)
    agent(server, "release", conversation)
    assert "alice left the chat" in _sent(platforms, psid, 4)[3].body["message"]["text"]
