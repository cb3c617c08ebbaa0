"""Telegram against a local fake Bot API: a search conversation with inline-keyboard quick replies
and product photos, signatures, re-delivered updates, an agent taking over, and a failing API."""

from __future__ import annotations

import pytest

from bot.generation.facts import money
from tests.integration.platforms.conftest import SECRETS, Platforms, agent, replies, wait_events
from tests.integration.platforms.fakes import Call, fresh_id

pytestmark = pytest.mark.slow


def _reply_calls(platforms: Platforms, chat: int, reply: dict, before: int) -> list[Call]:
    """The Bot API calls that showed one stored reply: a message, then a photo per card."""
    expected = before + 1 + len(reply["payload"].get("cards", []))
    return platforms.telegram.wait_for(str(chat), lambda c: len(c) >= expected)[before:expected]


def test_a_search_refined_then_a_button_pressed(platforms: Platforms) -> None:
    tg, server = platforms.telegram, platforms.server
    chat = fresh_id()
    conversation = f"telegram:{chat}"

    assert tg.update(server.url, tg.text_update(chat, "show me hiking boots")).status == 200
    found = replies(wait_events(server, conversation, lambda e: len(replies(e)) == 1))[0]
    shown = _reply_calls(platforms, chat, found, 0)
    assert shown[0].method == "sendMessage" and shown[0].body["text"] == found["text"]
    keys = [b["text"] for row in shown[0].body["reply_markup"]["inline_keyboard"] for b in row]
    assert keys == [b["title"] for b in found["payload"]["buttons"]] and "Cheaper" in keys
    photos = shown[1:]
    assert len(photos) == len(found["payload"]["cards"]) >= 2 and all(p.method == "sendPhoto" for p in photos)
    for photo, card in zip(photos, found["payload"]["cards"]):
        product = server.product(card["id"])
        assert photo.body["caption"].startswith(product["title"] + "\n")
        assert money(product["price"], product.get("currency", "USD")) in photo.body["caption"]  # the catalog's price
        assert photo.body["photo"] == product["image_url"]
        assert photo.body["reply_markup"]["inline_keyboard"][0][0] == {"text": "View", "url": product["product_url"]}

    assert tg.update(server.url, tg.text_update(chat, "cheaper")).status == 200
    cheaper = replies(wait_events(server, conversation, lambda e: len(replies(e)) == 2))[1]
    assert cheaper["payload"]["cards"]
    assert max(c["price"] for c in cheaper["payload"]["cards"]) < min(c["price"] for c in found["payload"]["cards"])
    refined = _reply_calls(platforms, chat, cheaper, len(shown))

    label = "Compare the first two"
    assert tg.update(server.url, tg.press_update(chat, refined[0], label)).status == 200
    events = wait_events(server, conversation, lambda e: len(replies(e)) == 3)
    assert [e["text"] for e in events if e["role"] == "user"][-1] == label
    compared = replies(events)[2]
    assert compared["payload"]["skill"] == "compare"
    _reply_calls(platforms, chat, compared, len(shown) + len(refined))
    answered = [c for c in tg.calls if c.method == "answerCallbackQuery"]
    assert answered, "the pressed button's spinner is never stopped"


def test_a_redelivered_update_is_answered_once(platforms: Platforms) -> None:
    tg, server = platforms.telegram, platforms.server
    chat = fresh_id()
    update = tg.text_update(chat, "do you sell yoga mats?")
    assert tg.update(server.url, update).status == 200
    assert tg.update(server.url, update).status == 200  # Telegram re-sends when it did not see our 200
    events = wait_events(server, f"telegram:{chat}", lambda e: len(replies(e)) == 1)
    n = 1 + len(replies(events)[0]["payload"]["cards"])
    tg.wait_for(str(chat), lambda c: len(c) >= n)
    assert tg.update(server.url, update).status == 200  # and again, after it was answered
    tg.quiet(str(chat), n)
    assert [e["role"] for e in server.events(f"telegram:{chat}")] == ["user", "bot"]


@pytest.mark.parametrize(("secret", "status"), [(None, 401), ("not-the-secret", 403), (SECRETS["telegram_secret_token"] + "x", 403)])
def test_an_update_without_our_secret_token_is_refused_and_nothing_is_stored(platforms: Platforms, secret: str | None, status: int) -> None:
    tg, server = platforms.telegram, platforms.server
    chat = fresh_id()
    resp = tg.update(server.url, tg.text_update(chat, "show me boots"), secret=secret)
    assert resp.status == status and "X-Telegram-Bot-Api-Secret-Token" in resp.body["error"]
    assert server.transcript(f"telegram:{chat}").status == 404
    tg.quiet(str(chat), 0, seconds=0.3)


def test_bad_updates_get_a_clear_4xx(platforms: Platforms) -> None:
    tg, server = platforms.telegram, platforms.server
    from tests.integration.platforms.fakes import post

    headers = {"X-Telegram-Bot-Api-Secret-Token": tg.secret, "Content-Type": "application/json"}
    broken = post(f"{server.url}/webhooks/telegram", b"{not json", headers)
    assert broken.status == 400 and broken.body == {"error": "the body is not valid JSON"}
    chat = fresh_id()
    long = tg.update(server.url, tg.text_update(chat, "x" * 2001))
    assert long.status == 413 and "limit is 2,000" in long.body["error"]
    sticker = tg.update(server.url, {"update_id": fresh_id(), "message": {"chat": {"id": chat}, "sticker": {"emoji": "👍"}}})
    assert sticker.status == 200  # not words: ignored, and Telegram does not re-send it
    assert server.transcript(f"telegram:{chat}").status == 404


def test_an_agent_takes_over_and_the_agents_words_reach_the_chat(platforms: Platforms) -> None:
    tg, server = platforms.telegram, platforms.server
    chat = fresh_id()
    conversation = f"telegram:{chat}"
    tg.update(server.url, tg.text_update(chat, "hello"))
    wait_events(server, conversation, lambda e: len(replies(e)) == 1)
    before = len(tg.wait_for(str(chat), lambda c: len(c) >= 1))

    agent(server, "take", conversation)
    agent(server, "reply", conversation, {"text": "Hi, Alice here. How can I help?"})
    texts = [c.body["text"] for c in tg.wait_for(str(chat), lambda c: len(c) >= before + 2)[before:]]
    assert texts == ["alice joined the chat.", "alice: Hi, Alice here. How can I help?"]

    tg.update(server.url, tg.text_update(chat, "is the first one waterproof?"))
    events = wait_events(server, conversation, lambda e: e[-1]["text"] == "is the first one waterproof?")
    tg.quiet(str(chat), before + 2)  # alice has it: the bot stays silent
    assert [e["role"] for e in events].count("bot") == 1

    agent(server, "release", conversation)
    left = tg.wait_for(str(chat), lambda c: len(c) >= before + 3)[-1]
    assert "alice left the chat" in left.body["text"]


def test_a_failing_bot_api_loses_nothing_and_leaks_no_secret(platforms: Platforms) -> None:
    tg, server = platforms.telegram, platforms.server
    chat = fresh_id()
    conversation = f"telegram:{chat}"
    errors = server.metrics().get('shopbot_platform_errors_total{platform="telegram"}', 0)
    tg.failing = True
    assert tg.update(server.url, tg.text_update(chat, "show me rain jackets")).status == 200
    assert replies(wait_events(server, conversation, lambda e: len(replies(e)) == 1))  # stored, answered
    deadline_errors = lambda: server.metrics().get('shopbot_platform_errors_total{platform="telegram"}', 0)  # noqa: E731
    wait_events(server, conversation, lambda e: deadline_errors() > errors)
    tg.failing = False
    assert tg.update(server.url, tg.text_update(chat, "thanks")).status == 200
    assert tg.wait_for(str(chat), lambda c: len(c) >= 1)  # the server goes on
    log = server.log()
    assert "sendMessage failed" in log or "sendPhoto failed" in log
    for name, secret in SECRETS.items():
        assert secret not in log, f"{name} is in the server log"
