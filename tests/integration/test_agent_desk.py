"""The agent desk against a real server: sign-in on every route, the queue, take over (one agent at a
time), replies delivered live to the shopper's widget, product sharing, suggested replies, hand back,
close, and leaving a message when nobody is available."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest

from tests.integration.harness import Response, ShopbotServer, unique_sender
from tests.integration.widget_socket import new_session, widget_sockets

pytestmark = pytest.mark.slow

ALICE, BOB = "alice-token-0001", "bob-token-0002"
AGENT_TOKENS = f"alice:{ALICE},bob:{BOB}"


@pytest.fixture(scope="module")
def desk_server(launch_server: Callable[..., ShopbotServer]) -> ShopbotServer:
    return launch_server("desk", agent_tokens=AGENT_TOKENS)


def call(server: ShopbotServer, method: str, path: str, token: str | None = ALICE, body: Any = None) -> Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return server.request(method, "/agent/api/" + path, body, headers=headers)


def ok(resp: Response, status: int = 200) -> Any:
    assert resp.status == status, (resp.status, resp.body)
    return resp.body


def conversation(server: ShopbotServer, conversation_id: str) -> dict[str, Any]:
    return ok(call(server, "GET", f"conversations/{conversation_id}"))


def summary(server: ShopbotServer, conversation_id: str) -> dict[str, Any]:
    rows = ok(call(server, "GET", "conversations"))
    return next(r for r in rows if r["id"] == conversation_id)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/agent/api/me"),
        ("GET", "/agent/api/conversations"),
        ("GET", "/agent/api/conversations/rest:x"),
        ("POST", "/agent/api/conversations/rest:x/take"),
        ("POST", "/agent/api/conversations/rest:x/reply"),
        ("POST", "/agent/api/conversations/rest:x/share"),
        ("POST", "/agent/api/conversations/rest:x/release"),
        ("POST", "/agent/api/conversations/rest:x/close"),
        ("POST", "/agent/api/conversations/rest:x/read"),
        ("GET", "/agent/api/conversations/rest:x/drafts"),
        ("GET", "/agent/api/search?q=boots"),
        ("GET", "/agent/assets/console.js"),
        ("GET", "/agent/ws"),
    ],
)
@pytest.mark.parametrize("token", [None, "not-a-real-token", "Bearer-less"])
def test_nothing_under_agent_works_without_signing_in(desk_server: ShopbotServer, method: str, path: str, token: str | None) -> None:
    headers = {}
    if token == "Bearer-less":
        headers = {"Authorization": ALICE}  # the token, but not as a bearer token
    elif token:
        headers = {"Authorization": f"Bearer {token}"}
    resp = desk_server.request(method, path, "{}" if method == "POST" else None, headers=headers)
    assert resp.status == 401, (path, resp.status)
    assert "sign in" in resp.body["error"]


def test_the_console_page_asks_for_a_token_until_signed_in(desk_server: ShopbotServer) -> None:
    page = desk_server.request("GET", "/agent")
    assert page.status == 200 and b"Agent token" in page.raw and b"console.js" not in page.raw

    wrong = desk_server.request("POST", "/agent/login", {"token": "wrong-token-123"})
    assert wrong.status == 401 and "not valid" in wrong.body["error"]
    signed = desk_server.request("POST", "/agent/login", {"token": BOB})
    assert signed.status == 200 and signed.body == {"agent": "bob"}
    cookie = signed.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and BOB not in cookie
    session = cookie.split(";")[0]
    console = desk_server.request("GET", "/agent", headers={"Cookie": session})
    assert b"console.js" in console.raw
    assert desk_server.request("GET", "/agent/api/me", headers={"Cookie": session}).body["agent"] == "bob"
    forged = session.replace("bob|", "alice|")
    assert desk_server.request("GET", "/agent/api/me", headers={"Cookie": forged}).status == 401


def test_a_handoff_queues_the_conversation_with_what_the_bot_understood(desk_server: ShopbotServer) -> None:
    chat = desk_server.chat(unique_sender("queued"))
    boots = chat.say("show me hiking boots")
    chat.say("tell me about the first one")
    chat.say("I want to talk to a person")
    row = summary(desk_server, chat.conversation_id)
    assert row["mode"] == "waiting_agent" and row["agent"] is None
    assert row["unread"] == 3 and row["waiting_seconds"] is not None and row["waiting_seconds"] >= 0

    detail = conversation(desk_server, chat.conversation_id)
    shopper = [e for e in detail["events"] if e["role"] == "user"]
    assert [e["intent"] for e in shopper] == ["product_search", "product_question", "human_handoff"]
    assert all(0 < e["confidence"] <= 1 for e in shopper)
    assert [c["id"] for c in detail["viewed"]] == [boots.card_ids[0]]  # the product the shopper looked at

    last = detail["events"][-1]["id"]
    ok(call(desk_server, "POST", f"conversations/{chat.conversation_id}/read", body={"event_id": last}))
    assert summary(desk_server, chat.conversation_id)["unread"] == 0
    chat.say("hello? anyone?")  # a new message from the shopper is unread again
    assert summary(desk_server, chat.conversation_id)["unread"] == 1


def test_one_agent_at_a_time_and_only_the_owner_replies(desk_server: ShopbotServer) -> None:
    chat = desk_server.chat(unique_sender("owned"))
    chat.say("show me rain jackets")
    path = f"conversations/{chat.conversation_id}"
    taken = ok(call(desk_server, "POST", f"{path}/take"))
    assert taken["mode"] == "agent" and taken["agent"] == "alice"
    ok(call(desk_server, "POST", f"{path}/take"))  # taking it again is harmless

    clash = call(desk_server, "POST", f"{path}/take", BOB)
    assert clash.status == 409 and "alice is already handling" in clash.body["error"]
    for action, body in (("reply", {"text": "hi"}), ("release", {}), ("close", {}), ("share", {"product_id": "SB-00001"})):
        resp = call(desk_server, "POST", f"{path}/{action}", BOB, body)
        assert resp.status == 409, (action, resp.body)

    for body, fragment in (({}, "'text' is required"), ({"text": "   "}, "empty"), ({"text": "x" * 4001}, "4,000")):
        resp = call(desk_server, "POST", f"{path}/reply", body=body)
        assert resp.status == 400 and fragment in resp.body["error"], resp.body
    resp = call(desk_server, "POST", f"{path}/share", body={"product_id": "no-such-product"})
    assert resp.status == 400 and "no product" in resp.body["error"]
    assert call(desk_server, "POST", "conversations/rest:never-seen/take").status == 404
    assert desk_server.request("POST", f"/agent/api/{path}/reply", "not json", {"Authorization": f"Bearer {ALICE}"}).status == 400

    events = [(e["role"], e["text"]) for e in desk_server.events(chat.conversation_id)]
    assert events[-1] == ("system", "alice joined the chat.")  # one notice, no half-done replies
    assert sum(1 for role, _ in events if role == "system") == 1


@pytest.fixture
async def widget_for(desk_server: ShopbotServer) -> AsyncIterator[Any]:
    async with widget_sockets(desk_server.url) as connect:
        yield connect


async def test_an_agent_takes_over_a_widget_chat_live_and_hands_it_back(desk_server: ShopbotServer, widget_for: Any) -> None:
    session = new_session()
    conversation_id = f"widget:{session}"
    shopper = await widget_for()
    await shopper.hello(session)
    await shopper.turn("show me hiking boots")

    async with aiohttp.ClientSession() as http, http.ws_connect(
        f"{desk_server.url}/agent/ws", headers={"Authorization": f"Bearer {ALICE}"}
    ) as console:
        me = ok(await asyncio.to_thread(call, desk_server, "GET", "me"))
        assert me["online"] == ["alice"] and me["available"] is True

        handoff = await shopper.turn("can I talk to a person please")
        assert re.search(r"connecting you", handoff["reply"]["text"], re.IGNORECASE)
        assert (await shopper.recv()) == {"type": "mode", "mode": "waiting_agent", "agent": None}
        seen = await _console_frames(console, 3)  # the shopper's message, the bot's reply, the queue change
        assert [f["event"]["role"] if f["event"] else f["conversation"]["mode"] for f in seen] == ["user", "bot", "waiting_agent"]
        assert all(f["conversation"]["id"] == conversation_id for f in seen)

        await asyncio.to_thread(call, desk_server, "POST", f"conversations/{conversation_id}/take")
        joined = await shopper.recv()
        assert joined["event"]["role"] == "system" and joined["event"]["text"] == "alice joined the chat."
        assert (await shopper.recv()) == {"type": "mode", "mode": "agent", "agent": "alice"}

        ok(await asyncio.to_thread(call, desk_server, "POST", f"conversations/{conversation_id}/reply", ALICE, {"text": "Hi, Alice here. How can I help?"}), 201)
        said = await shopper.recv()
        assert said["event"]["role"] == "agent" and said["event"]["agent"] == "alice"
        assert said["event"]["text"] == "Hi, Alice here. How can I help?"

        ack = await shopper.send("is the first one waterproof?")
        assert ack["type"] == "ack"
        assert (await shopper.recv())["type"] == "typing"
        assert (await shopper.recv()) == {"type": "held", "mode": "agent"}  # no bot reply while alice has it
        live = [f for f in await _console_frames(console, 4) if f["event"] and f["event"]["role"] == "user"]
        assert live and live[-1]["event"]["text"] == "is the first one waterproof?"

        drafts = ok(await asyncio.to_thread(call, desk_server, "GET", f"conversations/{conversation_id}/drafts"))
        assert drafts[0]["source"] == "bot" and drafts[0]["text"] and len(drafts) >= 2
        shared = ok(await asyncio.to_thread(call, desk_server, "POST", f"conversations/{conversation_id}/share", ALICE, {"product_id": "SB-00052"}), 201)
        card = (await shopper.recv())["event"]["cards"][0]
        assert card["id"] == "SB-00052" and card["title"] in shared["text"] and card["price"] > 0

        await asyncio.to_thread(call, desk_server, "POST", f"conversations/{conversation_id}/release")
        left = await shopper.recv()
        assert left["event"]["role"] == "system" and "alice left the chat" in left["event"]["text"]
        assert (await shopper.recv()) == {"type": "mode", "mode": "bot", "agent": None}

    back = await shopper.turn("add it to my cart")  # the bot answers again, about the product alice shared
    assert card["title"] in back["reply"]["text"] or "size" in back["reply"]["text"].lower()

    reloaded = await widget_for()  # a reload shows the whole conversation and who answers
    await reloaded.ws.send_json({"type": "hello", "session": session, "after": 0})
    history = await reloaded.recv()
    assert history["mode"] == "bot"
    assert [e["role"] for e in history["events"]].count("agent") == 2
    roles = [e["role"] for e in desk_server.events(conversation_id)]
    assert roles.count("user") == 4 and roles.count("system") == 2


async def _console_frames(console: aiohttp.ClientWebSocketResponse, n: int) -> list[dict[str, Any]]:
    frames = []
    for _ in range(n):
        msg = await asyncio.wait_for(console.receive(), 30)
        frames.append(json.loads(msg.data))
    return frames


def test_nobody_signed_in_means_leaving_a_message_with_an_email(desk_server: ShopbotServer) -> None:
    chat = desk_server.chat(unique_sender("offline"))
    offer = chat.say("let me speak to a human")
    assert "Nobody from our team is available" in offer.text and "email" in offer.text
    asked = chat.say("My parcel arrived damaged, I'd like a replacement")
    assert "What email address" in asked.text
    thanks = chat.say("it's jane.doe@example.com")
    assert "saved for our team" in thanks.text and "jane.doe@example.com" not in thanks.text  # not echoed
    assert chat.say("thanks!").empty  # the message is left: the bot says no more until a person answers

    row = summary(desk_server, chat.conversation_id)
    assert row["mode"] == "waiting_agent" and row["unread"] == 4
    texts = [e["text"] for e in conversation(desk_server, chat.conversation_id)["events"] if e["role"] == "user"]
    assert "it's jane.doe@example.com" in texts  # the agent gets the address to reply to


def test_a_closed_conversation_opens_again_when_the_shopper_writes(desk_server: ShopbotServer) -> None:
    chat = desk_server.chat(unique_sender("closed"))
    chat.say("hi")
    closed = ok(call(desk_server, "POST", f"conversations/{chat.conversation_id}/close", BOB))
    assert closed["mode"] == "closed"
    again = chat.say("show me yoga mats")
    assert again.cards and summary(desk_server, chat.conversation_id)["mode"] == "bot"


def test_agents_search_the_catalog_to_share(desk_server: ShopbotServer) -> None:
    cards = ok(call(desk_server, "GET", "search?q=waterproof+hiking+boots"))
    assert 1 <= len(cards) <= 8 and all({"id", "title", "price", "in_stock"} <= set(c) for c in cards)
    assert any("boot" in c["title"].lower() for c in cards[:3])
    assert call(desk_server, "GET", "search?q=" + "x" * 201).status == 400
