"""A turn that fails never bricks a conversation or the server (bot/assistant.py).

The assistant runs over a real SQLite store and the real template responder; the intent
model and the dialogue are small stand-ins so a test can make a turn fail on purpose: a
plan that raises after changing slots and the cart (the kind of bug a skill has), and a
"crash" (a BaseException nothing catches, as when the process is killed mid-turn).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest

from bot.assistant import APOLOGY, RECOVERY_ATTEMPTS, TALK_TO_A_PERSON, Assistant, Message, Replied, Retracted, Token
from bot.dialogue.engine import Plan
from bot.dialogue.state import CartLine, DialogueState
from bot.generation.backends.template import TemplateGenerator
from bot.generation.facts import AnswerContext
from bot.generation.responder import Responder
from bot.metrics import shopbot_metrics
from bot.nlu.parser import Parse
from bot.store.sqlite import SQLiteConversationStore

FAIL = "the brown boots please"  # this message makes the stand-in dialogue raise
HANG = "wait for it"  # and this one never finish


class ProcessKilled(BaseException):
    """Stands for the process dying mid-turn: no `except Exception` sees it, nothing after it runs."""


class Understanding:
    """The intent model's stand-in: every message is small talk."""

    async def parse(self, text: str, previous_act: str | None = None) -> Parse:
        return Parse(text, "greet", 0.99, [("greet", 0.99)], [])


class ScriptedDialogue:
    """Plans small talk; for FAIL it first changes the state (a search slot, a cart line), then raises."""

    store_name = "Test Shop"

    def __init__(self, crash: bool = False) -> None:
        self.plans = 0
        self.crash = crash  # FAIL kills the "process" instead of raising an ordinary error

    async def turn(self, state: DialogueState, parse: Parse, *args: Any, **kwargs: Any) -> Plan:
        self.plans += 1
        if FAIL in parse.text:
            state.search.query = "boots"
            state.cart.append(CartLine(product_id="boot-1", title="Brown Boots", price=80.0))
            raise ProcessKilled if self.crash else IndexError("list index out of range")
        if HANG in parse.text:
            await asyncio.sleep(3600)
        plan = Plan(AnswerContext("smalltalk", parse.text, store_facts=("Hello from the test shop.",)))
        plan.remember = {"greeted": True}  # for the shopper's profile, when there is one
        return plan


class BrokenProfiles:
    """Personalization whose database write fails, after the answer has been streamed."""

    async def remember(self, sender: str, prefs: dict[str, Any]) -> None:
        raise OSError("disk full")

    async def record(self, events: list[Any]) -> None:
        raise OSError("disk full")


def assistant_on(path: Path, dialogue: ScriptedDialogue, **options: Any) -> Assistant:
    """An assistant over the SQLite file at `path`: a new one per "process"."""
    responder = Responder(TemplateGenerator(), timeout=5.0, brands=[])
    return Assistant(SQLiteConversationStore(path), Understanding(), dialogue, responder, shopbot_metrics(), **options)  # type: ignore[arg-type]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "shopbot.db"


async def test_a_failing_turn_is_answered_with_an_apology_and_changes_nothing(
    db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assistant = assistant_on(db, ScriptedDialogue())
    try:
        (hello,) = await assistant.reply(Message("ann", "hi there"))
        before = (await assistant.store.get("rest:ann")).state  # type: ignore[union-attr]

        with caplog.at_level(logging.ERROR, logger="bot.assistant"):
            (reply,) = await assistant.reply(Message("ann", FAIL))

        assert reply.text == APOLOGY
        assert [b["title"] for b in reply.payload["buttons"]] == [TALK_TO_A_PERSON]
        assert reply.payload["cards"] == [] and reply.payload["error"] == "IndexError"
        assert (await assistant.store.get("rest:ann")).state == before  # type: ignore[union-attr]  # no slot, no cart line
        assert assistant.metrics.value("shopbot_turn_errors_total", channel="rest", error="IndexError") == 1
        assert 'shopbot_turn_errors_total{channel="rest",error="IndexError"} 1' in assistant.metrics.render()
        failed = [r for r in caplog.records if r.exc_info]
        assert failed and failed[0].exc_info[0] is IndexError  # type: ignore[index]  # logged with its traceback

        # The conversation is complete (never pending) and carries on.
        assert await assistant.store.pending("rest:ann") == []
        (again,) = await assistant.reply(Message("ann", "hello again"))
        assert again.text == hello.text
        roles = [e.role for e in await assistant.store.events("rest:ann")]
        assert roles == ["user", "bot"] * 3
    finally:
        await assistant.store.close()


async def test_text_streamed_before_a_failure_is_retracted_before_the_apology(db: Path) -> None:
    assistant = assistant_on(db, ScriptedDialogue())
    assistant.personalization = BrokenProfiles()  # type: ignore[assignment]
    try:
        events = [e async for e in assistant.handle(Message("bo", "hi there", channel="widget"))]
        kinds = [type(e) for e in events]
        assert Token in kinds  # the answer was already streaming when saving failed
        assert kinds.index(Retracted) > kinds.index(Token)
        assert isinstance(events[-1], Replied) and events[-1].event.text == APOLOGY
        assert assistant.metrics.value("shopbot_turn_errors_total", channel="widget", error="OSError") == 1
    finally:
        await assistant.store.close()


async def _leave_unanswered(db: Path, sender: str, text: str) -> None:
    """What a kill between "message stored" and "reply stored" leaves behind."""
    store = SQLiteConversationStore(db)
    try:
        await store.open_conversation(f"rest:{sender}", sender, "rest")
        await store.append(f"rest:{sender}", "user", text)
    finally:
        await store.close()


async def test_recovery_tries_a_crashing_message_a_bounded_number_of_times_across_restarts(db: Path) -> None:
    first = assistant_on(db, ScriptedDialogue())
    await first.reply(Message("cy", "hi there"))
    await first.store.close()
    await _leave_unanswered(db, "cy", FAIL)  # kills every process that tries it
    tried = 0
    for start in range(1, RECOVERY_ATTEMPTS + 1):
        dialogue = ScriptedDialogue(crash=True)
        assistant = assistant_on(db, dialogue)
        with pytest.raises(ProcessKilled):
            await assistant.resume_pending()
        tried += dialogue.plans
        await assistant.store.close()
        rows = await _attempts(db)
        assert list(rows.values())[-1] == start  # counted before the try, so the crash counted

    dialogue = ScriptedDialogue(crash=True)
    assistant = assistant_on(db, dialogue)
    try:
        assert await assistant.resume_pending() == 1  # this start answers instead of trying again
        assert dialogue.plans == 0
        events = await assistant.store.events("rest:cy")
        assert [(e.role, e.text) for e in events][1:] == [("bot", events[1].text), ("user", FAIL), ("bot", APOLOGY)]
        assert assistant.metrics.value("shopbot_turn_errors_total", channel="rest", error="gave_up") == 1
        assert events[-1].payload["buttons"][0]["title"] == TALK_TO_A_PERSON
        (reply,) = await assistant.reply(Message("cy", "hello"))  # and the shopper carries on
        assert reply.text != APOLOGY
    finally:
        await assistant.store.close()

    again = assistant_on(db, ScriptedDialogue(crash=True))
    try:
        assert await again.resume_pending() == 0  # answered once, never again
    finally:
        await again.store.close()
    assert tried == RECOVERY_ATTEMPTS


async def _attempts(db: Path) -> dict[int, int]:
    store = SQLiteConversationStore(db)
    try:
        return dict(await store.run(lambda c: c.execute("SELECT event_id, attempts FROM turn_attempts").fetchall()))
    finally:
        await store.close()


async def test_recovery_answers_a_raising_message_with_the_apology_at_once(db: Path) -> None:
    await _leave_unanswered(db, "di", FAIL)
    dialogue = ScriptedDialogue()
    assistant = assistant_on(db, dialogue)
    try:
        assert await assistant.resume_pending() == 1
        assert dialogue.plans == 1
        (*_, reply) = await assistant.store.events("rest:di")
        assert reply.role == "bot" and reply.text == APOLOGY
        assert (await assistant.store.get("rest:di")).state == {}  # type: ignore[union-attr]
    finally:
        await assistant.store.close()


async def test_recovery_gives_up_on_a_turn_that_hangs(db: Path) -> None:
    await _leave_unanswered(db, "ed", HANG)
    await _leave_unanswered(db, "fay", "hi there")
    assistant = assistant_on(db, ScriptedDialogue(), recovery_timeout=0.2)
    try:
        assert await assistant.resume_pending() == 2
        assert (await assistant.store.events("rest:ed"))[-1].text == APOLOGY
        assert assistant.metrics.value("shopbot_turn_errors_total", channel="rest", error="timeout") == 1
        assert (await assistant.store.events("rest:fay"))[-1].text != APOLOGY  # the next one is answered normally
    finally:
        await assistant.store.close()


async def test_recovery_never_raises_when_the_store_fails(db: Path, caplog: pytest.LogCaptureFixture) -> None:
    await _leave_unanswered(db, "gus", "hi there")
    assistant = assistant_on(db, ScriptedDialogue())

    async def broken(conversation_id: str) -> list[Any]:
        raise OSError("disk I/O error")

    assistant.store.pending = broken  # type: ignore[method-assign]
    try:
        with caplog.at_level(logging.ERROR, logger="bot.assistant"):
            assert await assistant.resume_pending() == 0
        assert any("rest:gus" in r.getMessage() and r.exc_info for r in caplog.records)
    finally:
        await assistant.store.close()
