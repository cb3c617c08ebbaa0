"""No message can brick the server: one that kills the process every time it is tried still
leaves a server that starts, and the shopper gets exactly one answer, an apology.

How the crash is made: the server phrases answers with the `openai` backend, pointed at the
fake OpenAI-compatible model (tests/support/openai_stub.py) running in this test process.
While armed, the fake model SIGKILLs the server process that asks it about a message carrying
MARKER, before answering. So the server really dies mid-turn, after the shopper's message was
stored and before any reply, exactly as a segfault or the OOM killer would kill it, and it
does so again on every restart that tries the message. Nothing in the server knows about it.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import threading
import urllib.error
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import pytest

from bot.assistant import APOLOGY, RECOVERY_ATTEMPTS, TALK_TO_A_PERSON
from tests.integration.harness import READY_TIMEOUT, ShopbotServer, server_env, unique_sender
from tests.support.openai_stub import FakeOpenAIServer, ReceivedRequest, Reply

pytestmark = pytest.mark.slow

MARKER = "quokka"
POISON = f"show me travel mugs for my {MARKER}"


class KillingModel:
    """The fake model in a thread of its own; while `victim` is set, a prompt with MARKER kills it."""

    def __init__(self) -> None:
        self.victim: subprocess.Popen[bytes] | None = None
        self.kills = 0
        self.base_url = ""
        self._loop = asyncio.new_event_loop()
        self._server = FakeOpenAIServer(reply=self._reply)
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self) -> KillingModel:
        self._thread.start()
        self.base_url = asyncio.run_coroutine_threadsafe(self._server.start(), self._loop).result(30)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        asyncio.run_coroutine_threadsafe(self._server.close(), self._loop).result(30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(30)
        self._loop.close()

    def _reply(self, request: ReceivedRequest) -> Reply:
        victim = self.victim
        if victim is not None and MARKER in json.dumps(request.messages):
            self.kills += 1
            os.kill(victim.pid, signal.SIGKILL)
            return Reply("never read", delay=30)
        return Reply("Here is what I found for you.")


@pytest.fixture
def model() -> Iterator[KillingModel]:
    with KillingModel() as running:
        yield running


@pytest.fixture
def server(prepared_data_dir: Path, tmp_path: Path, model: KillingModel) -> Iterator[ShopbotServer]:
    data = tmp_path / "data"
    shutil.copytree(prepared_data_dir, data, ignore=shutil.ignore_patterns("shopbot.db*"))
    env = server_env(data, generator="openai", openai_base_url=model.base_url, openai_api_key="sk-test",
                     openai_max_retries=0)  # fmt: skip
    started = ShopbotServer(data, env)
    yield started
    started.stop()


def _answers_to(events: list[dict], text: str) -> list[dict]:
    """The bot's replies between the shopper's message `text` and their next message."""
    start = next(i for i, e in enumerate(events) if e["role"] == "user" and e["text"] == text)
    after = events[start + 1 :]
    end = next((i for i, e in enumerate(after) if e["role"] == "user"), len(after))
    return [e for e in after[:end] if e["role"] == "bot"]


def test_a_message_that_kills_the_server_every_time_is_answered_once_with_an_apology(
    server: ShopbotServer, model: KillingModel
) -> None:
    chat = server.chat(unique_sender("poison"))
    server.start()
    mugs = chat.say("show me travel mugs")  # the model answers (or the template, if it strays)
    assert mugs.cards

    # The shopper's message kills the server mid-turn: no reply reaches them.
    model.victim = server.proc
    with pytest.raises((OSError, urllib.error.URLError)):
        server.request("POST", "/webhooks/rest/webhook", {"sender": chat.sender, "message": POISON})
    assert server.proc is not None and server.proc.wait(30) == -signal.SIGKILL
    assert model.kills == 1

    # Every start after that tries the stored message again and dies again, a bounded number of times.
    for attempt in range(1, RECOVERY_ATTEMPTS + 1):
        server.spawn()
        model.victim = server.proc
        assert server.wait_listening().status == 200  # the port answers while it loads
        assert server.proc.wait(READY_TIMEOUT) == -signal.SIGKILL, server.log()[-3000:]
        assert model.kills == 1 + attempt

    # The next start answers it with the apology instead of trying again, and serves.
    server.spawn().wait_ready()
    model.victim = None
    assert f"tried {RECOVERY_ATTEMPTS} times" in server.log()
    events = chat.events()
    (sorry,) = _answers_to(events, POISON)  # exactly one reply
    assert sorry["text"] == APOLOGY and [b["title"] for b in sorry["payload"]["buttons"]] == [TALK_TO_A_PERSON]
    assert server.metrics()['shopbot_turn_errors_total{channel="rest",error="gave_up"}'] == 1
    assert model.kills == 1 + RECOVERY_ATTEMPTS

    # The conversation continues, and the shopper can take the offer of a person.
    again = chat.say("show me travel mugs")
    assert again.cards and again.text != APOLOGY
    person = chat.say(TALK_TO_A_PERSON)
    assert "our team" in person.text or "Nobody" in person.text

    # Later starts leave it answered: one reply, ever.
    server.restart(kill=True)
    events = chat.events()
    assert len(_answers_to(events, POISON)) == 1
    assert [e["text"] for e in events if e["role"] == "user"] == ["show me travel mugs", POISON, "show me travel mugs", TALK_TO_A_PERSON]
    assert model.kills == 1 + RECOVERY_ATTEMPTS
