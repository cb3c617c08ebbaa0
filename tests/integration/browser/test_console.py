"""The agent console in headless Chromium, beside a shopper's widget in another browser context:
sign-in, the live conversation list, the transcript with what the bot understood and the
shopper's cart, take over, suggested replies, a reply and a shared product that reach the
widget live, one agent at a time, hand back to the bot; a screenshot in tests/artifacts/."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.integration.harness import ShopbotServer

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
expect = sync_api.expect

from tests.integration.browser.shopper import Shopper, stored  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Locator, Page

pytestmark = pytest.mark.slow

ALICE = "alice-console-token-5519"
BOB = "bob-console-token-2208"
# Set by any markup the console wrongly runs.
HOSTILE_MESSAGE = 'is the <img src=x onerror="window.__pwned=1"> mug <b>in stock</b>?'


@pytest.fixture(scope="module")
def desk_server(launch_server: Callable[..., ShopbotServer]) -> ShopbotServer:
    """A server with two agents, alice and bob."""
    return launch_server("console", agent_tokens=f"alice:{ALICE},bob:{BOB}")


class Agent:
    """The console on one page, used the way a customer-service agent uses it."""

    def __init__(self, page: Page, server: ShopbotServer) -> None:
        self.page = page
        self.server = server
        self.transcript = page.get_by_role("log", name="Transcript")
        self.reply_box = page.get_by_role("textbox", name="Reply to the shopper")
        self.take = page.get_by_role("button", name="Take over")
        self.hand_back = page.get_by_role("button", name="Hand back to bot")
        self.status = page.locator("#status")

    def sign_in(self, token: str) -> Agent:
        self.page.goto(self.server.url + "/agent")
        self.page.get_by_label("Agent token").fill(token)
        self.page.get_by_role("button", name="Sign in").click()
        expect(self.page.locator("#presence")).to_have_text("Live")  # the live socket is open
        return self

    def row(self, conversation_id: str) -> Locator:
        return self.page.locator(f'#conversations li[data-id="{conversation_id}"]')

    def open(self, conversation_id: str) -> None:
        self.row(conversation_id).get_by_role("button").click()
        expect(self.page.locator("#title")).to_have_text(conversation_id)


def test_sign_in_refuses_a_wrong_token_and_signing_out_closes_the_console(
    desk_server: ShopbotServer, page: Page
) -> None:
    page.goto(desk_server.url + "/agent")
    expect(page.get_by_role("heading", name="Shopbot agent console")).to_be_visible()
    page.get_by_label("Agent token").fill("not-a-real-token")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("That token is not valid. Check it and try again.")
    expect(page.get_by_role("navigation", name="Conversations")).to_have_count(0)

    agent = Agent(page, desk_server).sign_in(BOB)
    expect(page.locator("#me")).to_have_text("Signed in as bob")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("Agent token")).to_be_visible()
    agent.page.goto(desk_server.url + "/agent")  # the cookie is gone: the sign-in page again
    expect(page.get_by_label("Agent token")).to_be_visible()


def test_an_agent_takes_over_from_the_console_replies_shares_a_product_and_hands_back(
    desk_server: ShopbotServer, new_context: Callable[..., BrowserContext], screenshot: Callable[[Page, str], Path]
) -> None:
    # Alice is at her console before the shopper asks for a person, so a person is available.
    alice = Agent(new_context().new_page(), desk_server).sign_in(ALICE)
    expect(alice.page.locator("#me")).to_have_text("Signed in as alice")

    shopper = Shopper(new_context().new_page(), desk_server).visit()
    shopper.open()
    shopper.say("show me travel mugs")
    mug = stored(desk_server, shopper.conversation_id)[1]
    assert mug[3] > 0  # the reply had product cards
    first_mug = desk_server.events(shopper.conversation_id)[1]["payload"]["cards"][0]["title"]
    shopper.say("add the first one to my cart")
    shopper.say("I want to talk to a person")
    expect(shopper.status).to_have_text("Connecting you to a person…")
    shopper.send(HOSTILE_MESSAGE)
    expect(shopper.mine).to_have_count(4)

    # The queue shows the waiting shopper live, with the unread messages and the wait.
    row = alice.row(shopper.conversation_id)
    expect(row.locator(".badge")).to_have_text("Waiting for an agent")
    expect(row.locator(".unread")).to_have_text("4")
    expect(row.locator(".wait")).to_contain_text("waiting")
    alice.open(shopper.conversation_id)
    expect(row.locator(".unread")).to_have_count(0)  # read by opening it

    # The transcript, with what the bot understood of each message; the shopper's cart.
    shopper_lines = alice.transcript.locator(".role-user")
    expect(shopper_lines.locator(".text")).to_have_text(
        ["show me travel mugs", "add the first one to my cart", "I want to talk to a person", HOSTILE_MESSAGE]
    )
    expect(shopper_lines.nth(0).locator(".intent")).to_have_text(re.compile(r"^product_search \d+%$"))
    expect(shopper_lines.nth(2).locator(".intent")).to_have_text(re.compile(r"^human_handoff \d+%$"))
    expect(shopper_lines.nth(3).locator(".intent")).to_have_count(0)  # held for a person: the bot did not answer
    expect(alice.page.locator("#cart li")).to_have_text([f"1 × {first_mug}"])
    expect(alice.page.locator("#viewed .card-title").first).to_have_text(first_mug)
    assert alice.page.evaluate("window.__pwned") is None
    expect(shopper_lines.locator("img, b")).to_have_count(0)

    # Nobody has taken it yet: replying needs taking over first.
    expect(alice.reply_box).to_be_disabled()
    alice.take.click()
    expect(alice.status).to_have_text("With an agent (alice)")
    expect(alice.reply_box).to_be_enabled()
    expect(shopper.status).to_have_text("You're chatting with alice")
    expect(shopper.page.locator(".shopbot-notice")).to_have_text(["alice joined the chat."])
    expect(alice.transcript.locator(".role-system")).to_have_text(["alice joined the chat."])

    # Agent assist: the bot's draft answer to the shopper's last message, then stock phrases.
    drafts = alice.page.locator("#drafts .draft")
    expect(drafts.last).to_have_text("Is there anything else I can help you with?")
    drafts.first.click()
    expect(alice.reply_box).to_have_value(drafts.first.inner_text())
    expect(alice.reply_box).to_be_focused()

    # A reply typed in the console reaches the shopper's widget live.
    alice.reply_box.fill("Hi, Alice here. <b>Yes</b>, it is in stock.")
    alice.reply_box.press("Enter")
    expect(alice.reply_box).to_have_value("")
    agent_lines = shopper.page.locator(".shopbot-from-agent")
    expect(agent_lines.locator(".shopbot-text")).to_have_text(["Hi, Alice here. <b>Yes</b>, it is in stock."])
    expect(agent_lines.locator(".shopbot-label")).to_have_text(["alice"])

    # The shopper answers; the console shows it at once.
    shopper.send("great, do you sell french presses too?")
    expect(alice.transcript.locator(".role-user .text").last).to_have_text("great, do you sell french presses too?")

    # Product search in the console, and one click shares a card into the conversation.
    alice.page.get_by_role("searchbox", name="Search the catalog").fill("french press")
    alice.page.get_by_role("button", name="Search", exact=True).click()
    results = alice.page.locator("#results .card")
    expect(results.first).to_be_visible()
    press = results.first.locator(".card-title").inner_text()
    assert re.search(r"press", press, re.IGNORECASE), press
    results.first.get_by_role("button", name=f"Share {press}").click()
    expect(agent_lines).to_have_count(2)
    expect(agent_lines.last.locator(".shopbot-card-title")).to_have_text(press)
    expect(alice.transcript.locator(".role-agent .card-title")).to_have_text([press])
    screenshot(alice.page, "console")

    # Bob sees the conversation is Alice's: he can neither take it nor reply.
    bob = Agent(new_context().new_page(), desk_server).sign_in(BOB)
    expect(bob.row(shopper.conversation_id).locator(".badge")).to_have_text("With an agent · alice")
    bob.open(shopper.conversation_id)
    expect(bob.take).to_be_disabled()
    expect(bob.reply_box).to_be_disabled()
    expect(bob.reply_box).to_have_attribute("placeholder", "alice is handling this")

    # Back to the bot: the shopper is told, and the bot answers again.
    alice.hand_back.click()
    expect(alice.status).to_have_text("With the bot")
    expect(bob.status).to_have_text("With the bot")  # every console follows live
    expect(shopper.status).to_be_hidden()
    expect(shopper.page.locator(".shopbot-notice").last).to_contain_text("alice left the chat.")
    expect(shopper.say("how much is shipping?")).to_contain_text("$4.95")
    expect(alice.transcript.locator(".role-bot .text").last).to_contain_text("$4.95")
    assert shopper.transcript() == stored(desk_server, shopper.conversation_id)
