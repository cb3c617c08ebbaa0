"""Stopping the server with platform turns and sends under way: they finish (or are cancelled) cleanly."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.integration.harness import ShopbotServer
from tests.integration.platforms.conftest import SECRETS, replies
from tests.integration.platforms.fakes import FakeTelegram, fresh_id

pytestmark = pytest.mark.slow


def test_a_graceful_stop_right_after_the_200_still_answers(launch_server: Callable[..., ShopbotServer], fakes: tuple) -> None:
    telegram: FakeTelegram = fakes[0]
    server = launch_server(
        "platforms-stop", telegram_api_url=telegram.url,
        telegram_bot_token=SECRETS["telegram_bot_token"], telegram_secret_token=SECRETS["telegram_secret_token"],
    )  # fmt: skip
    chats = [fresh_id() for _ in range(3)]
    for chat in chats:
        assert telegram.update(server.url, telegram.text_update(chat, "show me hiking boots")).status == 200
    server.stop()
    assert server.proc is not None and server.proc.returncode == 0
    log = server.log()
    assert "Traceback" not in log and "Unclosed" not in log, log[-3000:]

    server.start()  # whatever the stop cut short is answered on the next start
    for chat in chats:
        events = server.events(f"telegram:{chat}")
        assert [e["role"] for e in events] == ["user", "bot"], events
        cards = len(replies(events)[0]["payload"]["cards"])
        telegram.wait_for(str(chat), lambda c: len(c) >= 1 + cards)
    server.stop()
