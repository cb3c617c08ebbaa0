"""The chat widget in headless Chromium against a real server, as a shopper sees it on the demo
store page: streamed replies with product cards and quick replies, "Add to cart", the history
after a reload and in a second tab, reconnects after a killed server or a lost acknowledgement
that lose and double nothing, catalog and message text that never becomes HTML, the keyboard,
a phone screen, handoff states, and screenshots in tests/artifacts/."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from catalog import DEMO_POLICY

from retrieval.money import format_money
from tests.integration.harness import TOKEN, ShopbotServer

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
expect = sync_api.expect

from tests.integration.browser.shopper import GREETING, WATCH_STREAM, Shopper, eventually, stored, watch_frames  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, WebSocketRoute

pytestmark = pytest.mark.slow

RECONNECT_MS = 90_000  # a killed server restarts (models load) and the widget's backoff tops out at 10 s

# -- a store whose catalog has hostile product text ---------------------------------------

HOSTILE = [
    {
        "id": "XSS-1",
        "title": '<script>window.__pwned = 1</script>Zyxcrest Trail Boot <img src=x onerror="window.__pwned=2">',
        "brand": "Zyxcrest",
        "description": 'Zyxcrest hiking boots for rough trails. <iframe src="javascript:window.__pwned=3"></iframe>',
        "category": ["Shoes", "Men", "Hiking Boots"],
        "price": 99.5,
        "currency": "USD",
        "stock": 40,
        "rating": 5.0,
        "review_count": 1000,
        "image_url": 'https://img.invalid/x.jpg?"><img/src=x/onerror=window.__pwned=4>',
        "product_url": 'https://shop.invalid/p?"><script>window.__pwned=5</script>',
    },
    {
        "id": "XSS-2",
        "title": "Zyxcrest Camp Boot </div><b onmouseover=window.__pwned=6>hover</b>",
        "brand": "Zyxcrest",
        "description": "Zyxcrest camp boots.",
        "category": ["Shoes", "Men", "Hiking Boots"],
        "price": 59.0,
        "currency": "USD",
        "stock": 0,
        "rating": 4.0,
        "review_count": 3,
    },
]


ALICE = "alice-widget-token-7731"


@pytest.fixture(scope="module")
def store_server(
    launch_server: Callable[..., ShopbotServer], tmp_path_factory: pytest.TempPathFactory
) -> ShopbotServer:
    """A server of its own (the reconnect tests kill it), with an agent, alice, and the HOSTILE
    products in its catalog."""
    # Its own products beside the demo's make it a store of its own: it names its policy, as a store would.
    server = launch_server("widget-store", agent_tokens=f"alice:{ALICE}", policy_file=DEMO_POLICY)
    server.stop()
    catalog = tmp_path_factory.mktemp("hostile") / "hostile.jsonl"
    catalog.write_text("".join(json.dumps(p) + "\n" for p in HOSTILE))
    done = subprocess.run(
        [sys.executable, "-m", "bot", "catalog", "import", str(catalog)],
        env=server.env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0 and "imported 2" in done.stdout, done.stdout + done.stderr
    return server.start()


# -- 1. search, streaming, cards, quick replies, add to cart ------------------------------


def test_a_shopper_searches_sees_the_reply_stream_in_with_cards_and_follows_quick_replies(
    server: ShopbotServer, new_context: Callable[..., BrowserContext], screenshot: Callable[[Page, str], Path]
) -> None:
    context = new_context()
    context.add_init_script(WATCH_STREAM)
    page = context.new_page()
    frames = watch_frames(page)
    shopper = Shopper(page, server).visit()
    expect(page.locator(".product")).to_have_count(8)  # the demo store's grid, from GET /search
    expect(page.locator(".product h3").first).not_to_be_empty()
    expect(shopper.panel).to_be_hidden()  # open: false

    shopper.open()
    expect(page.get_by_role("log")).to_contain_text(GREETING)
    expect(shopper.input).to_have_attribute("placeholder", "Ask about a product…")

    reply = shopper.say("show me hiking boots")
    expect(shopper.mine.locator(".shopbot-text")).to_have_text(["show me hiking boots"])
    expect(reply.locator(".shopbot-text")).to_contain_text("Hiking Boots")
    events = server.events(shopper.conversation_id)
    assert [e["role"] for e in events] == ["user", "bot"]
    expect(reply.locator(".shopbot-text")).to_have_text(events[1]["text"])

    # The text arrived as tokens and was on screen before the stored reply replaced it.
    eventually(page, lambda: any(f["type"] == "message" and f["event"]["role"] == "bot" for f in frames))
    kinds = [f["type"] for f in frames]
    tokens = [f["text"] for f in frames[kinds.index("typing"):] if f["type"] == "token"]
    assert tokens and "".join(tokens) == events[1]["text"], kinds
    streamed = page.evaluate("window.__streamed")
    assert streamed and events[1]["text"].startswith(streamed[-1]), streamed
    expect(page.locator(".shopbot-streaming")).to_have_count(0)

    # Product cards: what the catalog says, a safe link out.
    cards = events[1]["payload"]["cards"]
    assert len(cards) == 5
    expect(reply.locator(".shopbot-card-title")).to_have_text([c["title"] for c in cards])
    first = reply.locator(".shopbot-card").first
    expect(first.locator(".shopbot-price strong")).to_have_text(format_money(cards[0]["price"], cards[0]["currency"]))
    expect(first.locator(".shopbot-stock")).to_have_text("In stock" if cards[0]["in_stock"] else "Out of stock")
    expect(first.locator(".shopbot-rating")).to_contain_text(f"{cards[0]['rating']:.1f}")
    view = first.get_by_role("link", name=re.compile("^View "))
    expect(view).to_have_attribute("href", cards[0]["url"])
    expect(view).to_have_attribute("target", "_blank")
    expect(view).to_have_attribute("rel", "noopener noreferrer")

    # A quick reply is sent as the shopper's message; the older reply's chips go away.
    expect(reply.locator(".shopbot-chip")).to_have_text([b["title"] for b in events[1]["payload"]["buttons"]])
    shopper.chip("Cheaper").click()
    cheaper = shopper.replies.nth(1)
    expect(cheaper.locator(".shopbot-card").first).to_be_visible()
    expect(shopper.mine.locator(".shopbot-text")).to_have_text(["show me hiking boots", "Cheaper"])
    expect(reply.locator(".shopbot-chips")).to_be_hidden()
    events = server.events(shopper.conversation_id)
    cheaper_cards = events[3]["payload"]["cards"]
    assert cheaper_cards and max(c["price"] for c in cheaper_cards) < min(c["price"] for c in cards)
    expect(cheaper.locator(".shopbot-card-title")).to_have_text([c["title"] for c in cheaper_cards])
    screenshot(page, "widget")

    # "Add to cart" on a card: the bot asks for a size (boots have sizes), a chip answers.
    title = cheaper_cards[0]["title"]
    cheaper.get_by_role("button", name=f"Add {title} to cart").click()
    expect(shopper.replies).to_have_count(3)
    expect(shopper.replies.nth(2)).to_contain_text(f"Which size would you like for the {title}?")
    size = shopper.page.locator(".shopbot-current .shopbot-chip").first
    size_text = size.inner_text()
    size.click()
    expect(shopper.replies).to_have_count(4)
    expect(shopper.replies.nth(3)).to_contain_text(f"Added the {title} (size {size_text}) to your cart.")
    assert shopper.transcript() == stored(server, shopper.conversation_id)


# -- 2. history: reload, a second tab ------------------------------------------------------


def test_the_conversation_is_back_after_a_reload_and_in_a_second_tab(
    server: ShopbotServer, new_context: Callable[..., BrowserContext]
) -> None:
    context = new_context()
    shopper = Shopper(context.new_page(), server).visit()
    shopper.open()
    shopper.say("show me travel mugs")
    shopper.say("how much is shipping?")
    before = shopper.transcript()
    assert before == stored(server, shopper.conversation_id)
    assert [row[1] for row in before] == ["user", "bot", "user", "bot"] and before[1][3] > 0

    shopper.page.reload()
    expect(shopper.panel).to_be_visible()  # left open, so it is open again in this tab
    expect(shopper.replies).to_have_count(2)
    assert shopper.transcript() == before
    expect(shopper.replies.first.locator(".shopbot-card")).to_have_count(before[1][3])

    tab = Shopper(context.new_page(), shopper.server).visit()
    assert tab.conversation_id == shopper.conversation_id  # one shopper, one conversation
    expect(tab.panel).to_be_hidden()  # a new tab starts as the page says (closed)
    tab.open()
    expect(tab.replies).to_have_count(2)
    assert tab.transcript() == before

    # Both tabs are live: a message in one shows, with its reply, in the other.
    tab.say("show me more")
    expect(shopper.replies).to_have_count(3)
    expect(shopper.mine.locator(".shopbot-text")).to_have_text(
        ["show me travel mugs", "how much is shipping?", "show me more"]
    )
    assert shopper.transcript() == tab.transcript() == stored(server, shopper.conversation_id)


# -- 3. dropped connections ----------------------------------------------------------------


def test_a_message_sent_while_the_server_is_down_is_answered_once_when_it_is_back(
    store_server: ShopbotServer, page: Page
) -> None:
    shopper = Shopper(page, store_server).visit()
    shopper.open()
    shopper.say("show me yoga mats")

    store_server.kill()
    expect(shopper.status).to_have_text("Reconnecting…")
    shopper.send("how much is shipping?")
    expect(shopper.mine.last).to_have_class(re.compile(r"\bshopbot-pending\b"))  # shown, not yet stored
    expect(shopper.input).to_have_value("")
    store_server.start()
    expect(shopper.replies).to_have_count(2, timeout=RECONNECT_MS)
    expect(shopper.replies.last).to_contain_text("$4.95")
    expect(shopper.status).to_be_hidden()

    # The server dies the moment a message leaves: stored or not, answered or not, it is
    # answered exactly once after the restart.
    shopper.send("cheaper")
    store_server.kill()
    store_server.start()
    expect(shopper.replies).to_have_count(3, timeout=RECONNECT_MS)
    expect(page.locator(".shopbot-pending")).to_have_count(0)

    events = stored(store_server, shopper.conversation_id)
    assert [(role, text) for _, role, text, _ in events if role == "user"] == [
        ("user", "show me yoga mats"), ("user", "how much is shipping?"), ("user", "cheaper")
    ]  # fmt: skip
    assert [row[1] for row in events] == ["user", "bot"] * 3
    assert shopper.transcript() == events  # nothing missing, nothing twice
    shopper.page.reload()
    expect(shopper.replies).to_have_count(3)
    assert shopper.transcript() == events


class CuttingProxy:
    """Puts the test between the page and the server's /ws: it sees every frame the page
    sends, and cuts the page's connection instead of passing on the first acknowledgement of
    `cut_at_ack_of` (the message is stored, the widget never hears it was)."""

    def __init__(self, context: BrowserContext, cut_at_ack_of: str) -> None:
        self.cut_at_ack_of = cut_at_ack_of
        self.sent: list[dict[str, Any]] = []
        self.cut = False
        self._texts: dict[str, str] = {}
        context.route_web_socket(re.compile(r"/ws$"), self._route)

    def _route(self, page_side: WebSocketRoute) -> None:
        server_side = page_side.connect_to_server()
        open_ = [True]

        def up(message: str | bytes) -> None:
            frame = json.loads(message)
            self.sent.append(frame)
            if frame.get("type") == "message":
                self._texts[frame["client_id"]] = frame["text"]
            server_side.send(message)

        def down(message: str | bytes) -> None:
            if not open_[0]:
                return
            frame = json.loads(message)
            if frame["type"] == "ack" and not self.cut and self._texts.get(frame["client_id"]) == self.cut_at_ack_of:
                self.cut = True
                open_[0] = False
                page_side.close()
                server_side.close()
                return
            page_side.send(message)

        page_side.on_message(up)
        server_side.on_message(down)


def test_a_lost_acknowledgement_is_resent_with_the_same_client_id_and_answered_once(
    server: ShopbotServer, new_context: Callable[..., BrowserContext]
) -> None:
    context = new_context()
    proxy = CuttingProxy(context, cut_at_ack_of="show me desk lamps")
    shopper = Shopper(context.new_page(), server).visit()
    shopper.open()
    shopper.say("how much is shipping?")
    shopper.send("show me desk lamps")
    expect(shopper.replies).to_have_count(2, timeout=RECONNECT_MS)
    expect(shopper.page.locator(".shopbot-pending")).to_have_count(0)
    assert proxy.cut

    sent = [f for f in proxy.sent if f.get("text") == "show me desk lamps"]
    assert len(sent) >= 2 and len({f["client_id"] for f in sent}) == 1, sent  # re-sent, same client_id
    hellos = [f["after"] for f in proxy.sent if f["type"] == "hello"]
    assert hellos[0] == 0 and len(hellos) >= 2 and hellos[-1] > 0, hellos  # the reconnect asks for what it missed

    events = stored(server, shopper.conversation_id)
    assert [(row[1], row[2]) for row in events if row[1] == "user"] == [
        ("user", "how much is shipping?"), ("user", "show me desk lamps")
    ]  # fmt: skip
    assert [row[1] for row in events] == ["user", "bot", "user", "bot"]
    assert shopper.transcript() == events


# -- 4. text is text ------------------------------------------------------------------------


def test_catalog_and_message_html_is_shown_as_text_and_never_runs(
    store_server: ShopbotServer, new_context: Callable[..., BrowserContext]
) -> None:
    context = new_context()
    context.add_init_script("window.__pwned = 0")
    dialogs: list[str] = []
    page = context.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    # The demo grid shows the hostile products too (the first page of the catalog need not hold them).
    hits = store_server.request("GET", "/search?q=zyxcrest&k=8").body
    assert {h["id"] for h in hits[:2]} == {"XSS-1", "XSS-2"}
    page.route(re.compile(r"/search\?q=&k=8$"), lambda route: route.fulfill(json=hits))
    shopper = Shopper(page, store_server).visit()
    titles = [p["title"] for p in HOSTILE]
    expect(page.locator(".product h3").filter(has_text="Zyxcrest")).to_have_text(
        [h["title"] for h in hits if h["id"].startswith("XSS")]
    )

    shopper.open()
    reply = shopper.say("show me zyxcrest boots")
    expect(reply.locator(".shopbot-card")).to_have_count(2)
    assert sorted(reply.locator(".shopbot-card-title").all_text_contents()) == sorted(titles)
    expect(reply.locator(".shopbot-text")).to_contain_text(titles[0])  # the reply names it, as text
    trail = reply.locator(".shopbot-card").filter(has_text="Trail Boot")
    expect(trail.get_by_role("link", name=re.compile("^View "))).to_have_attribute("href", re.compile(r"^https://shop\.invalid/p\?"))
    camp = reply.locator(".shopbot-card").filter(has_text="Camp Boot")
    expect(camp.locator(".shopbot-stock")).to_have_text("Out of stock")
    expect(camp.locator(".shopbot-add")).to_have_count(0)  # nothing to add
    expect(camp.get_by_role("link")).to_have_count(0)  # no product URL, no link

    message = '<img src=x onerror="window.__pwned=7"><b>bold</b> & <script>window.__pwned=8</script>'
    shopper.say(message)
    expect(shopper.mine.locator(".shopbot-text").last).to_have_text(message)
    camp.hover()  # the onmouseover in a title is text, too

    root = page.locator(".shopbot-root")
    expect(root.locator("script, iframe, b, img[src='x'], [onerror], [onmouseover]")).to_have_count(0)
    expect(page.locator(".product script, .product b, .product [onerror]")).to_have_count(0)
    assert page.evaluate("window.__pwned") == 0
    assert dialogs == []


# -- 5. keyboard, accessibility, phones ----------------------------------------------------


def test_the_widget_is_usable_from_the_keyboard(server: ShopbotServer, page: Page) -> None:
    shopper = Shopper(page, server).visit()
    for _ in range(60):  # the launcher comes last in the page's tab order
        page.keyboard.press("Tab")
        if shopper.launcher.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the launcher")
    assert shopper.launcher.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"  # focus is visible
    expect(shopper.launcher).to_have_attribute("aria-expanded", "false")

    page.keyboard.press("Enter")
    expect(shopper.panel).to_be_visible()
    expect(shopper.input).to_be_focused()
    expect(shopper.launcher).to_have_attribute("aria-expanded", "true")
    log = page.get_by_role("log")
    expect(log).to_have_attribute("aria-live", "polite")
    expect(page.get_by_role("button", name="Close chat")).to_be_visible()

    page.keyboard.type("line one")
    page.keyboard.press("Shift+Enter")  # a new line, not a send
    page.keyboard.type("line two")
    expect(shopper.input).to_have_value("line one\nline two")
    expect(shopper.mine).to_have_count(0)
    page.keyboard.press("Enter")
    bubble = shopper.mine.locator(".shopbot-text")
    expect(bubble).to_have_text("line one\nline two")
    assert bubble.evaluate("el => getComputedStyle(el.parentNode).whiteSpace") == "pre-wrap"
    expect(shopper.replies).to_have_count(1)
    expect(shopper.send_button).to_be_enabled()

    page.keyboard.press("Tab")
    expect(shopper.send_button).to_be_focused()
    page.keyboard.press("Escape")
    expect(shopper.panel).to_be_hidden()
    expect(shopper.launcher).to_be_focused()
    expect(shopper.launcher).to_have_attribute("aria-expanded", "false")


def test_on_a_phone_the_open_panel_fills_the_screen(
    server: ShopbotServer, new_context: Callable[..., BrowserContext], screenshot: Callable[[Page, str], Path]
) -> None:
    context = new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True, device_scale_factor=2)
    shopper = Shopper(context.new_page(), server).visit()
    launcher_box = shopper.launcher.bounding_box()
    assert launcher_box and launcher_box["x"] + launcher_box["width"] <= 375
    shopper.launcher.tap()
    expect(shopper.panel).to_be_visible()
    assert shopper.panel.bounding_box() == {"x": 0, "y": 0, "width": 375, "height": 740}
    reply = shopper.say("show me hiking boots")
    expect(reply.locator(".shopbot-card").first).to_be_visible()
    screenshot(shopper.page, "widget-phone")
    shopper.page.get_by_role("button", name="Close chat").tap()
    expect(shopper.panel).to_be_hidden()
    expect(shopper.launcher).to_be_visible()


# -- errors and handoffs ---------------------------------------------------------------------


def test_a_refused_message_is_marked_and_its_text_is_kept(server: ShopbotServer, page: Page) -> None:
    shopper = Shopper(page, server).visit()
    shopper.open()
    too_long = "a" * 2001
    shopper.send(too_long)
    failed = page.locator(".shopbot-failed")
    expect(failed).to_have_count(1)
    expect(failed.locator(".shopbot-note")).to_contain_text("2,001 characters")
    expect(shopper.input).to_have_value(too_long)  # back in the box, to shorten and send again
    expect(shopper.send_button).to_be_enabled()
    shopper.say("how much is shipping?")  # and the chat goes on
    assert [row[2] for row in stored(server, shopper.conversation_id) if row[1] == "user"] == ["how much is shipping?"]


def test_opening_a_product_counts_towards_the_shoppers_next_suggestions(server: ShopbotServer, page: Page) -> None:
    context = page.context
    # The product pages are on the store's own site; here nothing answers them.
    context.route(re.compile(r"^https://demo\.shopbot\.dev/"), lambda route: route.fulfill(body="product page"))
    shopper = Shopper(page, server).visit()
    shopper.open()
    reply = shopper.say("show me wireless earbuds")
    first = reply.locator(".shopbot-card").first
    with context.expect_page() as opened:
        first.get_by_role("link", name=re.compile("^View ")).click()
    opened.value.close()
    session = shopper.conversation_id.removeprefix("widget:")
    headers = {"Authorization": f"Bearer {TOKEN}"}
    card_id = server.events(shopper.conversation_id)[1]["payload"]["cards"][0]["id"]

    def clicked() -> bool:
        events = server.request("GET", f"/users/{session}/data", headers=headers).body["events"]
        return [(e["product_id"], e["kind"], e["source"]) for e in events] == [(card_id, "clicked", "widget")]

    eventually(page, clicked)
    suggested = shopper.say("recommend something")
    expect(suggested.locator(".shopbot-text")).to_contain_text("you looked at")


def test_a_person_takes_over_talks_shares_a_product_and_hands_back(
    store_server: ShopbotServer, new_context: Callable[..., BrowserContext]
) -> None:
    """The whole handoff against the real agent desk (its HTTP API, as a console uses it)."""
    # An agent is signed in: the console's live socket is open.
    console = new_context().new_page()
    assert console.request.post(store_server.url + "/agent/login", data={"token": ALICE}).ok
    console.goto(store_server.url + "/health")
    console.evaluate("""() => new Promise((ok, fail) => {
        window.desk = new WebSocket(location.origin.replace(/^http/, "ws") + "/agent/ws");
        desk.onopen = ok; desk.onerror = fail;
    })""")

    def desk(action: str, body: dict[str, Any] | None = None) -> Any:
        resp = store_server.request("POST", f"/agent/api/conversations/{shopper.conversation_id}/{action}",
                                    body or {}, headers={"Authorization": f"Bearer {ALICE}"})  # fmt: skip
        assert resp.status in (200, 201), (action, resp.status, resp.body)
        return resp.body

    shopper = Shopper(new_context().new_page(), store_server).visit()
    shopper.open()
    shopper.say("I want to talk to a person")
    expect(shopper.status).to_have_text("Connecting you to a person…")
    shopper.send("hello? is anyone there?")  # held for the person: no bot reply
    expect(shopper.mine.last).not_to_have_class(re.compile(r"\bshopbot-pending\b"))
    expect(shopper.page.locator(".shopbot-typing")).to_have_count(0)
    expect(shopper.send_button).to_be_enabled()

    desk("take")
    expect(shopper.status).to_have_text("You're chatting with alice")
    expect(shopper.page.locator(".shopbot-notice")).to_have_text(["alice joined the chat."])
    agent_text = "Hi, I'm Alice.\nLet me look. <b>really</b>"
    desk("reply", {"text": agent_text})
    desk("share", {"product_id": "XSS-1"})
    agent = shopper.page.locator(".shopbot-from-agent")
    expect(agent).to_have_count(2)
    expect(agent.locator(".shopbot-label")).to_have_text(["alice", "alice"])
    expect(agent.first.locator(".shopbot-text")).to_have_text(agent_text)
    expect(agent.last.locator(".shopbot-card-title")).to_have_text(HOSTILE[0]["title"])
    expect(shopper.page.locator(".shopbot-root b")).to_have_count(0)

    desk("release")
    expect(shopper.status).to_be_hidden()
    expect(shopper.page.locator(".shopbot-notice").last).to_contain_text("alice left the chat.")
    expect(shopper.say("how much is shipping?")).to_contain_text("$4.95")  # the bot answers again
    assert shopper.transcript() == stored(store_server, shopper.conversation_id)
    roles = [row[1] for row in shopper.transcript()]
    assert roles == ["user", "bot", "user", "system", "agent", "agent", "system", "user", "bot"], roles


def event(event_id: int, role: str, text: str, **extra: Any) -> dict[str, Any]:
    """An event as the server sends it."""
    return {"id": event_id, "role": role, "text": text, "cards": [], "buttons": [], "created": float(event_id), **extra}


def test_agent_messages_notices_and_mode_changes_are_shown(
    server: ShopbotServer, new_context: Callable[..., BrowserContext]
) -> None:
    """The frames of a conversation a person takes over, from a scripted socket."""
    context = new_context()
    sockets: list[WebSocketRoute] = []

    def scripted(ws: WebSocketRoute) -> None:
        sockets.append(ws)

        def on_message(message: str | bytes) -> None:
            if json.loads(message)["type"] == "hello":
                events = [event(1, "user", "talk to a person"), event(2, "bot", "I'm getting a person for you.")]
                ws.send(json.dumps({"type": "history", "mode": "waiting_agent", "agent": None, "events": events}))

        ws.on_message(on_message)

    context.route_web_socket(re.compile(r"/ws$"), scripted)
    shopper = Shopper(context.new_page(), server).visit()
    shopper.open()
    expect(shopper.status).to_have_text("Connecting you to a person…")
    ws = sockets[0]

    card = {"id": "SB-1", "title": "Alpine Mug", "price": 12.5, "currency": "EUR", "compare_at_price": None,
            "image_url": "javascript:alert(1)", "url": "javascript:alert(2)", "rating": 4.0, "review_count": 2,
            "in_stock": True}  # fmt: skip
    ws.send(json.dumps({"type": "mode", "mode": "agent", "agent": "Alice"}))
    ws.send(json.dumps({"type": "message", "event": event(3, "system", "Alice joined the chat.")}))
    agent_event = event(5, "agent", "Hi, I'm Alice. This one?", agent="Alice", cards=[card])
    ws.send(json.dumps({"type": "message", "event": agent_event}))
    ws.send(json.dumps({"type": "message", "event": agent_event}))  # the same event twice is shown once
    ws.send(json.dumps({"type": "message", "event": event(4, "user", "from my other tab")}))  # arrives late

    expect(shopper.status).to_have_text("You're chatting with Alice")
    notice = shopper.page.locator(".shopbot-notice")
    expect(notice).to_have_text("Alice joined the chat.")
    assert notice.evaluate("el => getComputedStyle(el).alignSelf") == "center"
    agent = shopper.page.locator(".shopbot-from-agent")
    expect(agent).to_have_count(1)
    expect(agent.locator(".shopbot-label")).to_have_text("Alice")
    expect(agent.locator(".shopbot-card-title")).to_have_text("Alpine Mug")
    expect(agent.locator(".shopbot-price strong")).to_have_text("€12,50")  # the store's format, not the browser's
    expect(agent.get_by_role("link")).to_have_count(0)  # only http(s) URLs are used
    expect(agent.locator("img")).to_have_count(0)
    expect(shopper.page.locator(".shopbot-log > [data-id]")).to_have_count(5)
    assert [row[0] for row in shopper.transcript()] == [1, 2, 3, 4, 5]  # in stored order, whatever the arrival

    ws.send(json.dumps({"type": "mode", "mode": "bot", "agent": None}))
    expect(shopper.status).to_be_hidden()
