"""The chat widget as a shopper uses it, for the browser tests: the page object and helpers."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from playwright.sync_api import expect

from tests.integration.harness import ShopbotServer

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

GREETING = "Hi! What are you shopping for today?"

# Records what the streamed bubble showed before the stored reply replaced it.
WATCH_STREAM = """
window.__streamed = [];
new MutationObserver(() => {
  const s = document.querySelector(".shopbot-streaming .shopbot-text");
  const seen = window.__streamed;
  if (s && s.textContent && seen[seen.length - 1] !== s.textContent) seen.push(s.textContent);
}).observe(document, {subtree: true, childList: true, characterData: true});
"""

# The log as [event id, role, text, number of cards], in the order shown.
TRANSCRIPT = """() => [...document.querySelectorAll(".shopbot-log > [data-id]")].map(n => [
  Number(n.dataset.id),
  (n.className.match(/shopbot-from-(\\w+)/) || [null, "system"])[1],
  (n.querySelector(".shopbot-text") || n).textContent,
  n.querySelectorAll(".shopbot-card").length,
])"""


class Shopper:
    """The widget on one page, used the way a shopper uses it."""

    def __init__(self, page: Page, server: ShopbotServer) -> None:
        self.page = page
        self.server = server
        self.launcher = page.get_by_role("button", name="Chat with Shopbot")
        self.panel = page.get_by_role("dialog", name="Shopbot")
        self.input = page.get_by_role("textbox", name="Message")
        self.send_button = page.get_by_role("button", name="Send", exact=True)
        self.status = page.locator(".shopbot-status")
        self.mine = page.locator(".shopbot-from-user")
        self.replies = page.locator(".shopbot-from-bot[data-id]")  # stored replies: not the greeting or a draft

    def visit(self) -> Shopper:
        self.page.goto(self.server.url + "/")
        expect(self.launcher).to_be_visible()
        return self

    def open(self) -> None:
        self.launcher.click()
        expect(self.panel).to_be_visible()
        expect(self.input).to_be_focused()

    def send(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")

    def say(self, text: str) -> Locator:
        """Send a message and wait for the bot's stored reply, which is returned."""
        n = self.replies.count()
        self.send(text)
        expect(self.replies).to_have_count(n + 1)
        return self.replies.nth(n)

    def chip(self, title: str) -> Locator:
        return self.page.locator(".shopbot-current").get_by_role("button", name=title, exact=True)

    def transcript(self) -> list[list[Any]]:
        return self.page.evaluate(TRANSCRIPT)

    @property
    def conversation_id(self) -> str:
        session = self.page.evaluate(
            "() => localStorage.getItem(Object.keys(localStorage).find(k => k.endsWith(':session')))"
        )
        assert re.fullmatch(r"[A-Za-z0-9_-]{8,64}", session), session
        return f"widget:{session}"


def stored(server: ShopbotServer, conversation_id: str) -> list[list[Any]]:
    """The server's events in the transcript's shape."""
    return [
        [e["id"], e["role"], e["text"], len(e["payload"].get("cards", []))]
        for e in server.events(conversation_id)
    ]


def eventually(page: Page, check: Callable[[], bool], timeout_ms: int = 10_000) -> None:
    """Wait until `check()` holds; Playwright delivers the page's events meanwhile."""
    for _ in range(timeout_ms // 100):
        if check():
            return
        page.wait_for_timeout(100)
    assert check()


def watch_frames(page: Page) -> list[dict[str, Any]]:
    """Every frame the page's sockets receive, parsed."""
    frames: list[dict[str, Any]] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda data: frames.append(json.loads(data))))
    return frames
