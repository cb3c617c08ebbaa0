"""The platform channels' shared parts: answer once stored, one turn per re-delivered message,
ordered sends, a clean shutdown, and card facts from catalog fields."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.assistant import Message, Replied, Stored, TurnEvent
from bot.channels.platform import Dispatcher, card_details, clip
from bot.store.base import Event


def _event(i: int, role: str = "user") -> Event:
    return Event(i, "telegram:1", role, "hi", {}, 0.0, None)  # type: ignore[arg-type]


class SlowAssistant:
    """Stores at once, answers when `answer` is set; counts the turns it was asked for."""

    def __init__(self) -> None:
        self.answer = asyncio.Event()
        self.turns = 0
        self.finished = 0

    async def handle(self, message: Message) -> AsyncIterator[TurnEvent]:
        self.turns += 1
        yield Stored(_event(self.turns), new=True)
        await self.answer.wait()
        self.finished += 1
        yield Replied(_event(100, "bot"))


async def test_accept_returns_once_stored_and_the_turn_finishes_in_the_background() -> None:
    assistant, dispatcher = SlowAssistant(), Dispatcher()
    message = Message("1", "hi", "telegram", client_id="u1")
    stored = await asyncio.wait_for(dispatcher.accept(assistant, message), 1)  # type: ignore[arg-type]
    assert stored.new and assistant.finished == 0
    again = await asyncio.wait_for(dispatcher.accept(assistant, message), 1)  # type: ignore[arg-type]
    assert again == stored and assistant.turns == 1  # a re-delivery while the turn runs starts no second turn
    assistant.answer.set()
    await dispatcher.close(grace=1)
    assert assistant.finished == 1


async def test_shutdown_cancels_turns_that_do_not_finish_in_time() -> None:
    assistant, dispatcher = SlowAssistant(), Dispatcher()
    await dispatcher.accept(assistant, Message("1", "hi", "telegram"))  # type: ignore[arg-type]
    await dispatcher.close(grace=0.05)
    assert assistant.finished == 0


async def test_a_turn_that_fails_before_storing_fails_the_webhook() -> None:
    class Broken:
        async def handle(self, message: Message) -> AsyncIterator[TurnEvent]:
            raise RuntimeError("the store is down")
            yield  # pragma: no cover

    with pytest.raises(RuntimeError, match="store is down"):
        await Dispatcher().accept(Broken(), Message("1", "hi", "telegram"))  # type: ignore[arg-type]


async def test_sends_of_one_conversation_go_out_in_order_and_a_failure_stops_nothing() -> None:
    dispatcher, sent = Dispatcher(), []

    def make(label: str, delay: float, fail: bool = False):  # type: ignore[no-untyped-def]
        async def send() -> None:
            await asyncio.sleep(delay)
            if fail:
                raise ConnectionError("platform down")
            sent.append(label)

        return send

    dispatcher.send("a", make("a1", 0.05))
    dispatcher.send("a", make("a2", 0.0, fail=True))
    dispatcher.send("a", make("a3", 0.0))
    dispatcher.send("b", make("b1", 0.0))
    await dispatcher.close(grace=1)
    assert sent == ["b1", "a1", "a3"]


@pytest.mark.parametrize(
    ("card", "text"),
    [
        ({"price": 89.99, "currency": "USD", "in_stock": True, "rating": 4.6}, "$89.99 · in stock · 4.6★"),
        ({"price": 50.0, "currency": "EUR", "compare_at_price": 60.0, "in_stock": False}, "€50 (was €60) · out of stock"),
        ({"price": 50.0, "currency": "CHF", "compare_at_price": 40.0}, "50 CHF"),  # not a discount: not shown
        # Stock the catalog does not track: buyable, but no stock status is claimed.
        ({"price": 89.99, "currency": "USD", "in_stock": True, "stock_known": False, "rating": 4.6}, "$89.99 · 4.6★"),
        ({}, ""),
    ],
)
def test_card_details_come_from_catalog_fields(card: dict[str, object], text: str) -> None:
    assert card_details(card) == text


def test_clip_marks_what_it_cut() -> None:
    assert clip("short", 10) == "short" and clip("a long sentence", 7) == "a long…" and len(clip("x" * 50, 20)) == 20


@pytest.mark.parametrize(
    ("path", "secret", "kept"),
    [
        ("/webhooks/messenger?hub.mode=subscribe&hub.verify_token=s3cret&hub.challenge=42", "s3cret",
         "hub.verify_token=[redacted]&hub.challenge=42"),
        # A store page opened from a link carries the API token.
        ("/admin/insights?days=30&token=s3cret-api&category=Shoes", "s3cret-api", "days=30&token=[redacted]&category=Shoes"),
    ],
)  # fmt: skip
def test_the_access_log_hides_tokens_in_query_strings(path: str, secret: str, kept: str) -> None:
    import logging
    from unittest import mock

    from aiohttp.test_utils import make_mocked_request

    from bot.channels.platform import RedactingAccessLogger

    logger = mock.Mock(spec=logging.Logger)
    RedactingAccessLogger(logger, '"%r" %s').log(make_mocked_request("GET", path), mock.Mock(status=200), 0.01)
    line = logger.info.call_args[0][0]
    assert secret not in line and kept in line
