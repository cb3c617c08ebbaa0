"""Rasa's REST channel contract: `POST /webhooks/rest/webhook`, so existing Rasa web clients work.

In: `{"sender": "...", "message": "...", "metadata": {...}?}`. Out: a JSON list of
messages for that recipient: the reply text with `buttons` (quick replies), then one
`custom` message carrying the product cards. An empty list means a person is handling the
conversation and will answer.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.assistant import Message
from bot.channels.keys import ASSISTANT, LIMITER, SETTINGS
from bot.channels.limits import MessageRejected, check_text, loads
from bot.store.base import Event


def rasa_messages(recipient: str, event: Event) -> list[dict[str, Any]]:
    """A stored reply as Rasa REST channel messages."""
    first: dict[str, Any] = {"recipient_id": recipient, "text": event.text}
    buttons = event.payload.get("buttons") or []
    if buttons:
        first["buttons"] = buttons
    out = [first]
    cards = event.payload.get("cards") or []
    if cards:
        out.append({"recipient_id": recipient, "custom": {"type": "product_cards", "products": cards}})
    return out


def parse_body(body: object, max_chars: int) -> Message:
    """The webhook body as a Message, or MessageRejected naming what is wrong."""
    if not isinstance(body, dict):
        raise MessageRejected('the body must be a JSON object like {"sender": "shopper-1", "message": "hi"}')
    sender = body.get("sender")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > 200:
        raise MessageRejected("'sender' is required: a string of 1 to 200 characters identifying the shopper")
    if "message" not in body:
        raise MessageRejected("'message' is required: the shopper's text")
    text = check_text(body["message"], max_chars)
    metadata = body.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise MessageRejected("'metadata' must be a JSON object when given")
    return Message(sender=sender.strip(), text=text, channel="rest", metadata=metadata)


async def webhook(request: web.Request) -> web.Response:
    """Answer one shopper message the way Rasa's REST channel does."""
    settings = request.app[SETTINGS]
    try:
        body = await request.json(loads=loads)
    except ValueError:
        raise MessageRejected("the body is not valid JSON") from None
    message = parse_body(body, settings.max_message_chars)
    await request.app[LIMITER].check(message.sender)
    replies = await request.app[ASSISTANT].get().reply(message)
    out = [m for event in replies for m in rasa_messages(message.sender, event)]
    return web.json_response(out)


def add_routes(app: web.Application) -> None:
    """Mount the REST channel."""
    app.router.add_post("/webhooks/rest/webhook", webhook)
