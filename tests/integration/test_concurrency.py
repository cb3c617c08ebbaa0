"""Many shoppers at once on the real server: nobody gets another shopper's answer or state,
and one shopper's messages, even sent without waiting for replies, are answered in order."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import pytest

from tests.integration.harness import Reply, ShopbotServer, unique_sender

pytestmark = pytest.mark.slow

# Product types of the demo catalog (leaf categories).
PRODUCT_TYPES = [
    "hiking boots", "running shoes", "travel mugs", "wireless earbuds", "air fryers", "office chairs",
    "face moisturizers", "whole bean coffee", "dry dog food", "water bottles", "headlamps", "dumbbells",
    "jigsaw puzzles", "wireless mice", "notebooks", "beanies", "blenders", "dutch ovens",
    "bath towels", "bed pillows", "area rugs", "high chairs", "over-ear headphones", "fitness trackers",
]  # fmt: skip


async def post(session: aiohttp.ClientSession, server: ShopbotServer, sender: str, text: str, **extra: Any) -> Reply:
    async with session.post(
        f"{server.url}/webhooks/rest/webhook", json={"sender": sender, "message": text, **extra}
    ) as resp:
        body = await resp.json()
        assert resp.status == 200, body
    assert isinstance(body, list) and body
    assert {m["recipient_id"] for m in body} == {sender}, (sender, body)  # addressed to this shopper only
    return Reply(body)


def leaf(server: ShopbotServer, product_id: str) -> str:
    return server.product(product_id)["category"].rpartition(" > ")[2]


async def test_24_shoppers_at_once_each_get_their_own_answers(server: ShopbotServer) -> None:
    senders = {unique_sender(f"crowd{i}"): kind for i, kind in enumerate(PRODUCT_TYPES)}

    async def shopper(session: aiohttp.ClientSession, sender: str, kind: str) -> list[Reply]:
        found = await post(session, server, sender, f"show me {kind}")
        cheaper = await post(session, server, sender, "cheaper")
        first = await post(session, server, sender, "tell me about the first product")
        return [found, cheaper, first]

    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=120)) as session:
        started = time.monotonic()
        results = await asyncio.gather(*(shopper(session, s, k) for s, k in senders.items()))
        elapsed = time.monotonic() - started

    for (sender, kind), (found, cheaper, first) in zip(senders.items(), results):
        assert found.cards and {leaf(server, i) for i in found.card_ids} == {kind}, (kind, found.text)
        # "cheaper" refined this shopper's own search, not anybody else's.
        assert cheaper.cards and {leaf(server, i) for i in cheaper.card_ids} == {kind}, (kind, cheaper.text)
        if cheaper.card_ids != found.card_ids:
            assert max(cheaper.card_prices) < min(found.card_prices), kind
        else:  # the first page already held the cheapest of its kind: the list stays, nothing is cheaper
            assert min(found.card_prices) <= server.cheapest(kind) + 0.005, kind
        assert first.card_ids == cheaper.card_ids[:1], kind
        events = server.events(f"rest:{sender}")
        assert [(e["role"], e["text"]) for e in events if e["role"] == "user"] == [
            ("user", f"show me {kind}"), ("user", "cheaper"), ("user", "tell me about the first product")
        ]  # fmt: skip
        assert [e["role"] for e in events] == ["user", "bot"] * 3
        assert [e["text"] for e in events if e["role"] == "bot"] == [found.text, cheaper.text, first.text]
    assert elapsed < 60, f"72 turns took {elapsed:.1f} s"


async def test_one_shoppers_messages_sent_without_waiting_are_answered_in_order(server: ShopbotServer) -> None:
    script = ["show me {kind}", "cheaper", "tell me about the first product", "compare the first two"]
    kinds = PRODUCT_TYPES[:8]
    senders = {unique_sender(f"burst{i}"): kind for i, kind in enumerate(kinds)}
    overlapped = 0

    async def burst(session: aiohttp.ClientSession, sender: str, kind: str) -> list[Reply]:
        nonlocal overlapped
        tasks: list[asyncio.Task[Reply]] = []
        for seq, text in enumerate(script):
            if tasks and not tasks[-1].done():
                overlapped += 1  # sent while the previous message was still being answered
            tasks.append(asyncio.create_task(post(session, server, sender, text.format(kind=kind), metadata={"seq": seq})))
            await asyncio.sleep(0.03)  # the send order: each request leaves 30 ms after the previous one
        return list(await asyncio.gather(*tasks))

    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=120)) as session:
        results = await asyncio.gather(*(burst(session, s, k) for s, k in senders.items()))

    assert overlapped >= len(senders), f"only {overlapped} messages were sent before the previous one was answered"
    for (sender, kind), replies in zip(senders.items(), results):
        events = server.events(f"rest:{sender}")
        users = [e for e in events if e["role"] == "user"]
        # Stored in the order sent, and each answered before the next one was started.
        assert [e["payload"]["metadata"]["seq"] for e in users] == list(range(len(script)))
        assert [e["role"] for e in events] == ["user", "bot"] * len(script)
        assert [e["text"] for e in events if e["role"] == "bot"] == [r.text for r in replies]
        found, cheaper, first, compared = replies
        # Each reply follows from the one before it, as if the shopper had waited.
        assert {leaf(server, i) for i in found.card_ids} == {kind}
        assert cheaper.cards and max(cheaper.card_prices) < min(found.card_prices), (kind, cheaper.text)
        assert first.card_ids == cheaper.card_ids[:1]
        if len(cheaper.cards) >= 2:
            assert compared.card_ids == cheaper.card_ids[:2]
