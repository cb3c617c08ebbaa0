"""The widget's WebSocket channel (`GET /ws`) against the real server, as the widget uses it:
hello and history, ack / typing / tokens / message, reconnects that miss nothing, re-sent
messages that are never answered twice, several tabs, bad frames; then /metrics."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.integration.harness import ShopbotServer, unique_sender
from tests.integration.widget_socket import new_session, widget_sockets

pytestmark = pytest.mark.slow


@pytest.fixture
async def connect(server: ShopbotServer) -> AsyncIterator[Any]:
    """`await connect()`: a new widget socket to the shared server (all closed after the test)."""
    async with widget_sockets(server.url) as connect:
        yield connect


async def test_a_message_is_acknowledged_streamed_and_stored(connect: Any, server: ShopbotServer) -> None:
    widget = await connect()
    session = new_session()
    assert await widget.hello(session) == []  # a new session has no history

    turn = await widget.turn("show me hiking boots")
    assert "token" in turn["kinds"]
    reply = turn["reply"]
    assert "".join(turn["tokens"]) == reply["text"]  # the streamed text is the stored text
    assert len(reply["cards"]) == 5 and all(c["id"] and c["title"] and c["price"] > 0 for c in reply["cards"])
    assert [b["title"] for b in reply["buttons"]][:1] == ["Show more"]

    events = server.events(f"widget:{session}")  # the ack's id is the stored message's id
    assert [(e["id"], e["role"], e["text"]) for e in events] == [
        (turn["ack"]["id"], "user", "show me hiking boots"), (reply["id"], "bot", reply["text"])
    ]  # fmt: skip
    assert events[1]["payload"]["cards"] == reply["cards"]

    cheaper = await widget.turn("cheaper")  # the widget conversation keeps its state like any other
    assert cheaper["reply"]["cards"]
    assert max(c["price"] for c in cheaper["reply"]["cards"]) < min(c["price"] for c in reply["cards"])

    again = await connect()  # hello on a new socket returns the whole conversation
    history = await again.hello(session)
    assert [e["id"] for e in history] == [e["id"] for e in server.events(f"widget:{session}")]
    assert history[1]["cards"] == reply["cards"] and history[1]["buttons"] == reply["buttons"]


async def test_a_reconnect_after_the_last_id_gets_exactly_the_missed_events(connect: Any) -> None:
    session = new_session()
    first = await connect()
    await first.hello(session)
    seen = await first.turn("show me travel mugs")
    last_id = seen["reply"]["id"]
    await first.ws.close()

    # While the first tab is away, the shopper goes on in another one.
    other = await connect()
    await other.hello(session, after=last_id)
    missed = [await other.turn("cheaper"), await other.turn("how much is shipping?")]
    await other.ws.close()

    back = await connect()
    history = await back.hello(session, after=last_id)
    expected = [(t[k]["id"], t[k]["role"], t[k]["text"]) for t in missed for k in ("ack", "reply")]
    assert [(e["id"], e["role"], e["text"]) for e in history] == expected
    assert await back.hello(session, after=expected[-1][0]) == []  # up to date: nothing more


async def test_a_reply_finished_while_disconnected_is_in_the_history(connect: Any) -> None:
    session = new_session()
    widget = await connect()
    await widget.hello(session)
    ack = await widget.send("show me wireless earbuds", "gone-1")
    assert ack["type"] == "ack"
    await widget.ws.close()  # the tab closes before the reply arrives

    back = await connect()
    for _ in range(50):
        history = await back.hello(session, after=ack["event"]["id"])
        if history:
            break
        await asyncio.sleep(0.1)
    assert len(history) == 1 and history[0]["role"] == "bot" and len(history[0]["cards"]) == 5


async def test_a_resent_message_is_acknowledged_again_and_answered_once(connect: Any, server: ShopbotServer) -> None:
    session = new_session()
    widget = await connect()
    await widget.hello(session)
    turn = await widget.turn("show me yoga mats", client_id="m-1")

    # The widget did not see the ack (say the connection dropped) and re-sends with the same client_id.
    ack = await widget.send("show me yoga mats", client_id="m-1")
    assert ack["type"] == "ack" and ack["event"]["id"] == turn["ack"]["id"]
    replay = await widget.recv()
    assert replay == {"type": "message", "event": turn["reply"]}  # the same stored reply, not a new one
    await widget.silent()

    reconnected = await connect()  # the same from a new connection
    await reconnected.hello(session, after=turn["reply"]["id"])
    ack = await reconnected.send("show me yoga mats", client_id="m-1")
    assert ack["event"]["id"] == turn["ack"]["id"]
    assert (await reconnected.recv())["event"]["id"] == turn["reply"]["id"]

    events = server.events(f"widget:{session}")
    assert [(e["role"], e["text"]) for e in events] == [("user", "show me yoga mats"), ("bot", turn["reply"]["text"])]
    await widget.silent()  # the replay went to the re-sending socket only: other tabs already had it

    nxt = await widget.turn("show me yoga mats", client_id="m-2")  # a new client_id is a new message
    assert nxt["ack"]["id"] > turn["reply"]["id"]
    assert len(server.events(f"widget:{session}")) == 4


async def test_a_second_socket_on_the_session_sees_the_first_ones_messages(connect: Any) -> None:
    session = new_session()
    tab1, tab2 = await connect(), await connect()
    await tab1.hello(session)
    await tab2.hello(session)
    turn = await tab1.turn("show me air fryers")

    mine = await tab2.recv()  # the shopper's own message, typed in the other tab
    assert mine["type"] == "message" and mine["event"]["id"] == turn["ack"]["id"]
    assert mine["event"]["role"] == "user" and mine["event"]["text"] == "show me air fryers"
    bot = await tab2.recv()
    assert bot == {"type": "message", "event": turn["reply"]}
    await tab2.silent()  # no ack, typing or tokens for the tab that did not send

    back = await tab2.turn("cheaper")  # and the other way round
    assert (await tab1.recv())["event"]["id"] == back["ack"]["id"]
    assert (await tab1.recv())["event"] == back["reply"]

    other = await connect()  # a different session sees none of it
    await other.hello(new_session())
    await other.silent()


@pytest.mark.parametrize(
    ("frame", "fragment"),
    [
        ("this is not json", "must be JSON objects"),
        ("[1, 2, 3]", "must be JSON objects"),
        ('"hello"', "must be JSON objects"),
        ('{"type": "shout"}', "unknown frame type"),
        ('{"no": "type"}', "unknown frame type"),
        ('{"type": "hello", "session": "x"}', "'session' must be"),
        ('{"type": "hello", "session": "has spaces in it"}', "'session' must be"),
        ('{"type": "message", "text": "", "client_id": "e1"}', "'message' is empty"),
        ('{"type": "message", "client_id": "e2"}', "must be text"),
        ('{"type": "message", "text": 7, "client_id": "e3"}', "must be text"),
        ('{"type": "message", "text": "hi", "client_id": 7}', "'client_id' must be"),
        ('{"type": "message", "text": "hi", "client_id": ""}', "'client_id' must be"),
        (json.dumps({"type": "message", "text": "x" * 2001, "client_id": "e4"}), "2,001 characters"),
        ('{"type": "message", "text": "hi", "client_id": "e5", "extra": ' + "[" * 5000 + "]" * 5000 + "}", "nested too deeply"),
    ],
)
async def test_bad_frames_get_an_error_and_the_socket_stays_usable(
    connect: Any, server: ShopbotServer, frame: str, fragment: str
) -> None:
    session = new_session()
    widget = await connect()
    await widget.hello(session)
    await widget.ws.send_str(frame)
    error = await widget.recv()
    assert error["type"] == "error" and fragment in error["error"], error
    await widget.silent(0.2)

    await widget.ws.send_json({"type": "ping"})
    assert await widget.recv() == {"type": "pong"}
    turn = await widget.turn("how much is shipping?")  # the same socket, same session, still works
    assert "$4.95" in turn["reply"]["text"]
    assert [e["role"] for e in server.events(f"widget:{session}")] == ["user", "bot"]  # nothing bad was stored


async def test_a_message_before_hello_is_refused(connect: Any) -> None:
    widget = await connect()
    error = await widget.send("hi")
    assert error["type"] == "error" and "hello" in error["error"]
    await widget.hello(new_session())
    assert (await widget.turn("hi"))["reply"]["text"]


async def test_a_binary_frame_gets_an_error(connect: Any) -> None:
    widget = await connect()
    await widget.hello(new_session())
    await widget.ws.send_bytes(b'{"type": "ping"}')
    frame = await widget.recv(timeout=2)
    assert frame["type"] == "error"


async def test_handed_off_widget_conversations_are_held(connect: Any, server: ShopbotServer) -> None:
    session = new_session()
    widget = await connect()
    await widget.hello(session)
    handoff = await widget.turn("I want to talk to a person")
    assert "person" in handoff["reply"]["text"] and handoff["reply"]["buttons"] == []
    assert await widget.recv() == {"type": "mode", "mode": "waiting_agent", "agent": None}  # "connecting you…"
    ack = await widget.send("hello?")
    assert ack["type"] == "ack"
    frames = [await widget.recv(), await widget.recv()]
    assert frames[-1] == {"type": "held", "mode": "waiting_agent"}, frames
    await widget.silent()
    assert server.transcript(f"widget:{session}").body["mode"] == "waiting_agent"


async def test_metrics_count_turns_by_channel_intents_outcomes_and_handoffs(connect: Any, server: ShopbotServer) -> None:
    before = server.metrics()

    widget = await connect()
    await widget.hello(new_session())
    await widget.turn("hello")
    await widget.turn("show me hiking boots")
    await widget.turn("who won the world cup?")
    sender = unique_sender("metrics")
    server.send(sender, "how much is shipping?")
    server.send(sender, "talk to a person")

    after = server.metrics()

    def delta(name: str) -> float:
        return after.get(name, 0) - before.get(name, 0)

    assert delta('shopbot_turns_total{channel="widget"}') == 3
    assert delta('shopbot_turns_total{channel="rest"}') == 2
    assert delta('shopbot_turn_seconds_count{channel="widget"}') == 3
    assert delta('shopbot_turn_seconds_sum{channel="rest"}') > 0
    for intent in ("greet", "product_search", "out_of_scope", "shipping_info", "human_handoff"):
        assert delta(f'shopbot_intents_total{{intent="{intent}"}}') == 1, intent
    assert delta('shopbot_answers_total{backend="template",outcome="grounded"}') == 4
    assert delta('shopbot_answers_total{backend="template",outcome="redirected"}') == 1
    assert delta('shopbot_handoffs_total{reason="human_handoff"}') == 1
    assert delta("shopbot_fallbacks_total") == 1
    text = server.request("GET", "/metrics")
    assert text.status == 200 and text.headers["Content-Type"].startswith("text/plain")
    assert "# TYPE shopbot_turns_total counter" in text.raw.decode()
