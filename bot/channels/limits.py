"""Limits on what shoppers may send: message length; the per-sender rate is in bot/coordination/rates.py."""

from __future__ import annotations

import json
from typing import Any

from bot.errors import ShopbotError


class MessageRejected(ShopbotError):
    """A message that is not accepted; `status` is the HTTP status that says why."""

    def __init__(self, message: str, status: int = 400, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


def loads(text: str | bytes) -> Any:
    """json.loads for bodies and frames from outside: JSON nested deeper than the parser can
    follow (about a thousand levels; no message Shopbot takes has more than a few) is a
    MessageRejected (400) that says so, not an internal error. Invalid JSON stays a ValueError."""
    try:
        return json.loads(text)
    except RecursionError:
        raise MessageRejected("the JSON is nested too deeply (hundreds of levels); send a flat object") from None


def check_text(text: object, max_chars: int) -> str:
    """The message text, or MessageRejected saying what is wrong with it."""
    if not isinstance(text, str):
        raise MessageRejected(f"'message' must be text, not {type(text).__name__}")
    if not text.strip():
        raise MessageRejected("'message' is empty; send the shopper's words")
    if len(text) > max_chars:
        raise MessageRejected(f"the message is {len(text):,} characters long; the limit is {max_chars:,}", status=413)
    return text
