"""Recovery across processes (bot/coordination/recovery.py): a dead process's unanswered message is
answered once, by one survivor.

Two assistants over one conversation database, each with its own Redis client, are two
surviving processes; the process that died left a stored, unanswered message and its turn
lock, which frees itself when its lease runs out.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from redis.asyncio import Redis

from bot.assistant import Assistant
from bot.coordination.locks import RedisTurnLocks
from bot.coordination.recovery import RecoverySweep
from bot.generation.backends.template import TemplateGenerator
from bot.generation.responder import Responder
from bot.metrics import shopbot_metrics
from bot.store.sqlite import SQLiteConversationStore
from tests.bot.coordination.conftest import Connect
from tests.bot.test_assistant import ScriptedDialogue, Understanding

pytestmark = pytest.mark.scaleout

CONVERSATION = "rest:ann"


def _survivor(db: Path, locks: RedisTurnLocks) -> tuple[Assistant, ScriptedDialogue]:
    dialogue = ScriptedDialogue()
    responder = Responder(TemplateGenerator(), timeout=5.0, brands=[])
    store = SQLiteConversationStore(db)
    assistant = Assistant(store, Understanding(), dialogue, responder, shopbot_metrics(), locks=locks)  # type: ignore[arg-type]
    return assistant, dialogue


async def _die_mid_turn(db: Path, client: Redis, lease_ms: int) -> None:
    """What a process killed mid-turn leaves: the message stored, no answer, its lock until the lease ends."""
    store = SQLiteConversationStore(db)
    try:
        await store.open_conversation(CONVERSATION, "ann", "rest")
        await store.append(CONVERSATION, "user", "hi there")
    finally:
        await store.close()
    await client.set(RedisTurnLocks.keys(CONVERSATION)[0], "token-of-the-dead-process", px=lease_ms)


async def test_two_survivors_racing_for_a_dead_processs_message_answer_it_once(tmp_path: Path, clients: Connect) -> None:
    db = tmp_path / "conversations.db"
    await _die_mid_turn(db, clients(), lease_ms=800)
    first_locks, second_locks = RedisTurnLocks(clients()), RedisTurnLocks(clients())
    (first, first_dialogue), (second, second_dialogue) = _survivor(db, first_locks), _survivor(db, second_locks)
    sweeps = [RecoverySweep(first, first_locks, quiet=0), RecoverySweep(second, second_locks, quiet=0)]
    try:
        # While the dead process's lease runs, its turn might still be running: nobody touches it.
        assert await asyncio.gather(*(s.once() for s in sweeps)) == [0, 0]
        await asyncio.sleep(0.9)

        answered = await asyncio.gather(*(s.once() for s in sweeps))
        assert sorted(answered) == [0, 1]
        assert first_dialogue.plans + second_dialogue.plans == 1
        events = await first.store.events(CONVERSATION)
        assert [e.role for e in events] == ["user", "bot"]
        assert await first.store.pending(CONVERSATION) == []
        assert await asyncio.gather(*(s.once() for s in sweeps)) == [0, 0]  # and never again
    finally:
        await first.store.close()
        await second.store.close()


async def test_a_conversation_a_person_handles_is_left_alone(tmp_path: Path, clients: Connect) -> None:
    db = tmp_path / "conversations.db"
    await _die_mid_turn(db, clients(), lease_ms=1)
    locks = RedisTurnLocks(clients())
    survivor, dialogue = _survivor(db, locks)
    try:
        await survivor.store.set_mode(CONVERSATION, "agent", "alice")
        assert await RecoverySweep(survivor, locks, quiet=0).once() == 0
        assert dialogue.plans == 0
    finally:
        await survivor.store.close()
