"""Micro-batching: concurrent parses share one model call and each gets its own answer."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.nlu.batching import BatchingNLU
from bot.nlu.parser import NLU, Parse

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


class _Gated:
    """The real model behind a gate the test opens: the first batch stays in the model until then."""

    def __init__(self, nlu: NLU) -> None:
        self.nlu, self.gate, self.sizes = nlu, threading.Event(), []

    def parse_batch(self, texts: list[str], previous_acts: list[str | None] | None = None) -> list[Parse]:
        self.sizes.append(len(texts))
        self.gate.wait(timeout=30)
        return self.nlu.parse_batch(texts, previous_acts)


async def test_messages_arriving_while_the_model_is_busy_go_together_in_the_next_batch(nlu: NLU) -> None:
    gated = _Gated(nlu)
    batching = BatchingNLU(gated, window=0.001)  # type: ignore[arg-type]
    first = asyncio.ensure_future(batching.parse(MESSAGES[0]))
    later = []
    for text in MESSAGES[1:8]:  # one at a time, each well after the batching window
        await asyncio.sleep(0.01)
        later.append(asyncio.ensure_future(batching.parse(text)))
    await asyncio.sleep(0.01)
    gated.gate.set()
    results = await asyncio.wait_for(asyncio.gather(first, *later), timeout=30)
    assert gated.sizes == [1, 7]  # not seven one-message passes queued behind the first
    assert [r.intent for r in results] == [nlu.parse(t).intent for t in MESSAGES[:8]]


async def test_each_waiting_message_keeps_its_own_previous_act(nlu: NLU) -> None:
    batching = BatchingNLU(nlu, max_batch=4, window=0.01)
    texts = ["nope, only indoor ones", "nope, only indoor ones", "hi there", "where is my order 10023?"]
    acts = ["showed_list", None, None, "asked_question"]
    results = await asyncio.gather(*(batching.parse(t, a) for t, a in zip(texts, acts)))
    alone = [nlu.parse(t, a) for t, a in zip(texts, acts)]
    assert [r.intent for r in results] == [a.intent for a in alone]
    assert [r.confidence for r in results] == pytest.approx([a.confidence for a in alone], abs=1e-3)
    with pytest.raises(ValueError, match="asked_question"):
        await batching.parse("hi", "asked")
