"""Micro-batching: concurrent parses share one model call and each gets its own answer."""

from __future__ import annotations

import asyncio

import pytest

from bot.nlu.batching import BatchingNLU
from bot.nlu.parser import NLU

pytestmark = pytest.mark.slow

MESSAGES = [
    "where is my order 10023?", "red running shoes under $80", "hi there", "talk to a human",
    "how long does shipping take?", "compare the first two", "add it to my cart", "thanks, bye",
] * 3  # fmt: skip


async def test_concurrent_parses_share_model_calls_and_keep_their_own_answers(nlu: NLU) -> None:
    batching = BatchingNLU(nlu, max_batch=8, window=0.01)
    results = await asyncio.gather(*(batching.parse(t) for t in MESSAGES))
    alone = [nlu.parse(t) for t in MESSAGES]
    assert [(r.text, r.intent) for r in results] == [(a.text, a.intent) for a in alone]
    assert batching.batches == 3  # 24 messages, batches of 8


async def test_a_lone_message_is_not_kept_waiting(nlu: NLU) -> None:
    batching = BatchingNLU(nlu, window=0.001)
    parse = await asyncio.wait_for(batching.parse("where is my order 10023?"), timeout=5)
    assert parse.intent == "order_status" and batching.batches == 1
