"""Message limits: clear reasons, and a per-sender rate that leaves other senders alone."""

from __future__ import annotations

import pytest

from bot.channels.limits import MessageRejected, check_text
from bot.channels.rest import parse_body
from bot.coordination.rates import LocalRateLimiter


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ([], 400, "JSON object"),
        ({"message": "hi"}, 400, "'sender' is required"),
        ({"sender": "", "message": "hi"}, 400, "'sender' is required"),
        ({"sender": "a"}, 400, "'message' is required"),
        ({"sender": "a", "message": 42}, 400, "must be text, not int"),
        ({"sender": "a", "message": "   "}, 400, "is empty"),
        ({"sender": "a", "message": "x" * 2001}, 413, "2,001 characters"),
        ({"sender": "a", "message": "hi", "metadata": "x"}, 400, "'metadata' must be a JSON object"),
    ],
)
def test_bad_webhook_bodies_are_rejected_with_a_reason(body: object, status: int, words: str) -> None:
    with pytest.raises(MessageRejected) as caught:
        parse_body(body, 2000)
    assert caught.value.status == status and words in str(caught.value)


def test_a_good_body_becomes_a_message() -> None:
    message = parse_body({"sender": " alice ", "message": "boots", "metadata": {"page": "/"}}, 2000)
    assert (message.sender, message.text, message.conversation_id) == ("alice", "boots", "rest:alice")


async def test_the_rate_limit_is_per_sender() -> None:
    limiter = LocalRateLimiter(per_minute=3)
    for _ in range(3):
        await limiter.check("alice")
    with pytest.raises(MessageRejected) as caught:
        await limiter.check("alice")
    assert caught.value.status == 429 and caught.value.retry_after and caught.value.retry_after > 0
    await limiter.check("bob")


def test_text_limit_counts_characters() -> None:
    assert check_text("é" * 10, 10) == "é" * 10
