"""Platform re-deliveries across processes (bot/coordination/receipts.py): a message another process
stored and is answering is acknowledged at once, with no second turn."""

from __future__ import annotations

import asyncio

import pytest

from bot.assistant import Message
from bot.channels.platform import Dispatcher
from bot.coordination.receipts import RedisReceipts
from tests.bot.channels.test_platform import SlowAssistant
from tests.bot.coordination.conftest import Connect

pytestmark = pytest.mark.scaleout


async def test_a_redelivery_to_another_process_while_the_first_answers_starts_no_second_turn(clients: Connect) -> None:
    first, second = SlowAssistant(), SlowAssistant()
    here, there = Dispatcher(RedisReceipts(clients())), Dispatcher(RedisReceipts(clients()))
    message = Message("42", "hi", "telegram", client_id="update-7")
    stored = await asyncio.wait_for(here.accept(first, message), 1)  # type: ignore[arg-type]
    assert stored is not None and stored.new

    # Slack re-delivers after 3 s, and the load balancer picks the other process.
    assert await asyncio.wait_for(there.accept(second, message), 1) is None  # type: ignore[arg-type]
    assert second.turns == 0

    first.answer.set()
    await here.close(grace=1)
    assert first.finished == 1
    # Once answered, the receipt is gone: a later re-delivery takes the ordinary way (stored once, replayed).
    assert not await RedisReceipts(clients()).has("telegram:42", "update-7")
    await there.close(grace=1)
