"""Slack against a local fake Web API: the url_verification handshake, a search conversation with
Block Kit product sections and buttons, signatures and their replay window, Slack's retries, and handoff."""

from __future__ import annotations

import time

import pytest

from bot.generation.facts import money
from tests.integration.platforms.conftest import Platforms, agent, replies, wait_events
from tests.integration.platforms.fakes import Call, fresh_id, post

pytestmark = pytest.mark.slow


def _channel() -> str:
    return f"D{fresh_id()}"


def _posted(platforms: Platforms, channel: str, n: int) -> Call:
    """The n-th message posted to the channel (1-based), once it is there."""
    return platforms.slack.wait_for(channel, lambda c: len(c) >= n)[n - 1]


def _buttons(call: Call) -> list[str]:
    return [e["text"]["text"] for b in call.body["blocks"] if b["type"] == "actions" for e in b["elements"]]


def test_the_url_verification_handshake(platforms: Platforms) -> None:
    resp = platforms.slack.event(platforms.server.url, {"type": "url_verification", "token": "t", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"})
    assert resp.status == 200 and resp.body == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


def test_a_search_refined_then_a_button_clicked(platforms: Platforms) -> None:
    slack, server = platforms.slack, platforms.server
    channel = _channel()
    conversation = f"slack:{channel}"

    assert slack.event(server.url, slack.message_envelope(channel, "show me hiking boots")).status == 200
    found = replies(wait_events(server, conversation, lambda e: len(replies(e)) == 1))[0]
    first = _posted(platforms, channel, 1)
    assert first.method == "chat.postMessage" and first.body["text"] == found["text"]
    sections = [b for b in first.body["blocks"] if b["type"] == "section"][1:]
    assert len(sections) == len(found["payload"]["cards"]) >= 2
    for section, card in zip(sections, found["payload"]["cards"]):
        product = server.product(card["id"])
        assert f"|{product['title']}>*" in section["text"]["text"].replace("&amp;", "&")
        assert money(product["price"], product.get("currency", "USD")) in section["text"]["text"]
        assert section["accessory"] == {"type": "image", "image_url": product["image_url"], "alt_text": product["title"]}
    assert _buttons(first) == [b["title"] for b in found["payload"]["buttons"]] and "Cheaper" in _buttons(first)

    assert slack.event(server.url, slack.message_envelope(channel, "cheaper")).status == 200
    cheaper = replies(wait_events(server, conversation, lambda e: len(replies(e)) == 2))[1]
    assert max(c["price"] for c in cheaper["payload"]["cards"]) < min(c["price"] for c in found["payload"]["cards"])
    second = _posted(platforms, channel, 2)

    assert slack.click(server.url, channel, second, "Compare the first two").status == 200
    events = wait_events(server, conversation, lambda e: len(replies(e)) == 3)
    assert [e["text"] for e in events if e["role"] == "user"][-1] == "Compare the first two"
    assert replies(events)[2]["payload"]["skill"] == "compare"
    assert _posted(platforms, channel, 3).body["text"] == replies(events)[2]["text"]


def test_slacks_retries_are_answered_once(platforms: Platforms) -> None:
    slack, server = platforms.slack, platforms.server
    channel = _channel()
    envelope = slack.message_envelope(channel, "do you have travel mugs?")
    assert slack.event(server.url, envelope).status == 200
    for attempt in ("1", "2"):  # Slack re-sends the same event_id when our 200 was late
        retry = slack.event(server.url, envelope, headers={"X-Slack-Retry-Num": attempt, "X-Slack-Retry-Reason": "http_timeout"})
        assert retry.status == 200
    wait_events(server, f"slack:{channel}", lambda e: len(replies(e)) == 1)
    _posted(platforms, channel, 1)
    slack.quiet(channel, 1)
    assert [e["role"] for e in server.events(f"slack:{channel}")] == ["user", "bot"]


@pytest.mark.parametrize(
    ("sign", "status"),
    [
        ({"secret": "someone-elses-secret"}, 403),
        ({"timestamp": int(time.time()) - 600}, 403),  # signed correctly, ten minutes ago: a replay
        (None, 401),
    ],
)
def test_an_unsigned_forged_or_stale_request_is_refused_and_nothing_is_stored(platforms: Platforms, sign: dict | None, status: int) -> None:
    slack, server = platforms.slack, platforms.server
    channel = _channel()
    envelope = slack.message_envelope(channel, "show me boots")
    if sign is None:
        import json

        resp = post(f"{server.url}/webhooks/slack/events", json.dumps(envelope).encode(), {"Content-Type": "application/json"})
    else:
        resp = slack.event(server.url, envelope, **sign)
    assert resp.status == status and resp.body["error"]
    assert server.transcript(f"slack:{channel}").status == 404
    slack.quiet(channel, 0, seconds=0.3)


def test_bad_requests_get_a_clear_4xx(platforms: Platforms) -> None:
    slack, server = platforms.slack, platforms.server
    raw = b"payload=not-json"
    resp = post(f"{server.url}/webhooks/slack/interactive", raw, {"Content-Type": "application/x-www-form-urlencoded", **slack.signed(raw)})
    assert resp.status == 400 and "JSON 'payload'" in resp.body["error"]
    too_long = slack.event(server.url, slack.message_envelope(_channel(), "x" * 2001))
    assert too_long.status == 413


def test_an_agent_takes_over_and_the_agents_words_reach_the_channel(platforms: Platforms) -> None:
    slack, server = platforms.slack, platforms.server
    channel = _channel()
    conversation = f"slack:{channel}"
    slack.event(server.url, slack.message_envelope(channel, "hello"))
    wait_events(server, conversation, lambda e: len(replies(e)) == 1)
    _posted(platforms, channel, 1)

    agent(server, "take", conversation)
    agent(server, "share", conversation, {"product_id": "SB-00052"})
    joined, shared = _posted(platforms, channel, 2), _posted(platforms, channel, 3)
    assert joined.body["text"] == "alice joined the chat."
    product = server.product("SB-00052")
    assert shared.body["text"].startswith("alice: ") and product["title"] in shared.body["text"]
    assert any(product["image_url"] == b.get("accessory", {}).get("image_url") for b in shared.body["blocks"])

    slack.event(server.url, slack.message_envelope(channel, "does it come in blue?"))
    wait_events(server, conversation, lambda e: e[-1]["text"] == "does it come in blue?")
    slack.quiet(channel, 3)  # alice has it: no bot reply
