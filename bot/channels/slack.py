"""Slack: the Events API at `POST /webhooks/slack/events`, button clicks at `POST /webhooks/slack/interactive`.

Every request is signed: X-Slack-Signature is "v0=" + hex HMAC-SHA256 of
"v0:{X-Slack-Request-Timestamp}:{raw body}" with the app's signing secret. A missing
signature is 401; a wrong one, or a timestamp more than 5 minutes off (a replay), is 403;
nothing is read before it passes. Then:
  - url_verification: answer the challenge (the handshake when the Request URL is saved);
  - event_callback: a direct message to the app (message.im) or a mention of it
    (app_mention) is a shopper message; the conversation is the Slack channel it was
    written in. The event_id is its client id, so Slack's retries (X-Slack-Retry-Num, sent
    when we took over 3 s) are stored and answered once; messages from bots, edits and
    other events get 200 and are ignored;
  - block_actions (form field `payload`): a click on a quick-reply button is a shopper
    message with the button's value as its words.
Slack wants an answer within 3 s: we answer once the message is stored.

Out: chat.postMessage with Block Kit: the text, one section per product card (title linked
to the product, catalog facts, the image as accessory), and the quick replies as buttons.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
import urllib.parse
from typing import Any

from aiohttp import web
from pydantic import SecretStr

from bot.assistant import Message
from bot.channels import platform
from bot.channels.keys import SETTINGS
from bot.channels.limits import MessageRejected, check_text, loads
from bot.store.base import Conversation, Event

CHANNEL = "slack"
EVENTS_PATH, INTERACTIVE_PATH = "/webhooks/slack/events", "/webhooks/slack/interactive"
WINDOW = 5 * 60  # seconds a signed request stays valid
QUICK_REPLY = "quick_reply"  # action_id prefix of our quick-reply buttons; View links use "view"
_MENTION = re.compile(r"<@[A-Z0-9]+>\s*")
SECTION_LIMIT, BUTTON_LIMIT, MAX_BUTTONS, MAX_CARDS = 3000, 75, 25, 10


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The X-Slack-Signature Slack sends for this body."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def verify(secret: SecretStr, timestamp: str | None, sent: str | None, body: bytes, now: float | None = None) -> None:
    """Raise 401 when unsigned, 403 when the signature is wrong or the timestamp is outside the window."""
    if not sent or not timestamp:
        raise web.HTTPUnauthorized(reason="the request is not signed (X-Slack-Signature, X-Slack-Request-Timestamp)")
    try:
        age = abs((time.time() if now is None else now) - int(timestamp))
    except ValueError:
        raise web.HTTPForbidden(reason="X-Slack-Request-Timestamp is not a number") from None
    if age > WINDOW:
        raise web.HTTPForbidden(reason="the request's timestamp is more than 5 minutes off; it may be a replay")
    if not platform.same_secret(sent, signature(secret.get_secret_value(), timestamp, body)):
        raise web.HTTPForbidden(reason="the X-Slack-Signature does not match")


def parse_event(envelope: dict[str, Any], max_chars: int) -> Message | None:
    """An event_callback as a shopper message, or None for events that are not a shopper writing to us."""
    event, event_id = envelope.get("event"), envelope.get("event_id")
    if not isinstance(event, dict) or not isinstance(event_id, str) or not event_id:
        raise MessageRejected("an event_callback needs an 'event' object and an 'event_id'")
    kind = event.get("type")
    direct = kind == "message" and event.get("channel_type") == "im"
    # Our own replies come back as message events with a bot_id: answering them would loop.
    if not (direct or kind == "app_mention") or event.get("bot_id") or event.get("subtype"):
        return None
    channel, user = event.get("channel"), event.get("user")
    if not isinstance(channel, str) or not channel or not isinstance(user, str):
        raise MessageRejected("the message event needs its 'channel' and 'user'")
    text = event.get("text")
    if isinstance(text, str):
        text = _unescape(_MENTION.sub("", text))
    metadata = {"slack_user": user, "team": envelope.get("team_id")}
    return Message(channel, check_text(text, max_chars), CHANNEL, event_id, metadata)


def parse_action(payload: dict[str, Any], max_chars: int) -> Message | None:
    """A block_actions payload as a shopper message when a quick-reply button was clicked, else None."""
    if payload.get("type") != "block_actions":
        return None
    actions = payload.get("actions")
    where, user = payload.get("channel"), payload.get("user")
    channel = where.get("id") if isinstance(where, dict) else None
    user = user if isinstance(user, dict) else {}
    if not isinstance(actions, list) or not isinstance(channel, str) or not channel:
        raise MessageRejected("a block_actions payload needs 'actions' and the 'channel' it came from")
    action = next((a for a in actions if isinstance(a, dict) and str(a.get("action_id", "")).startswith(QUICK_REPLY)), None)
    if action is None:
        return None  # a View link was opened: nothing to answer
    stamp = action.get("action_ts")
    client_id = f"action:{stamp}" if isinstance(stamp, str) and stamp else None
    metadata = {"slack_user": user.get("id"), "quick_reply": True}
    return Message(channel, check_text(action.get("value"), max_chars), CHANNEL, client_id, metadata)


def _unescape(text: str) -> str:
    # Slack escapes these three in message text; the shopper typed the characters.
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def blocks(event: Event, images: bool = True) -> list[dict[str, Any]]:
    """The event as Block Kit blocks: text, product sections, quick-reply buttons."""
    out: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": platform.clip(_escape(platform.display_text(event)), SECTION_LIMIT)}}
    ]
    for card in platform.cards_of(event)[:MAX_CARDS]:
        title, url = _escape(card["title"]), platform.web_url(card.get("url"))
        heading = f"*<{url}|{title}>*" if url else f"*{title}*"
        section: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": f"{heading}\n{platform.card_details(card)}"}}
        image = platform.web_url(card.get("image_url"))
        if image and images:
            section["accessory"] = {"type": "image", "image_url": image, "alt_text": platform.clip(card["title"], 2000)}
        out.append(section)
    buttons = platform.buttons_of(event)[:MAX_BUTTONS]
    if buttons:
        elements = [
            {
                "type": "button", "action_id": f"{QUICK_REPLY}_{i}",
                "text": {"type": "plain_text", "text": platform.clip(b["title"], BUTTON_LIMIT)},
                "value": platform.clip(b.get("payload") or b["title"], 2000),
            }
            for i, b in enumerate(buttons)
        ]  # fmt: skip
        out.append({"type": "actions", "block_id": "quick_replies", "elements": elements})
    return out


async def deliver(app: web.Application, conversation: Conversation, event: Event) -> None:
    """Post the event in the Slack channel; if Slack cannot fetch a product image, post without images."""
    settings = app[SETTINGS]
    assert settings.slack_bot_token is not None
    text = platform.clip(platform.display_text(event), SECTION_LIMIT)
    body = {"channel": conversation.sender, "text": text, "blocks": blocks(event), "unfurl_links": False}
    error = await _post(app, settings.slack_bot_token, body)
    if error in ("invalid_blocks", "downloading_image_failed") and any("accessory" in b for b in body["blocks"]):
        await _post(app, settings.slack_bot_token, {**body, "blocks": blocks(event, images=False)})


async def _post(app: web.Application, token: SecretStr, body: dict[str, Any]) -> str | None:
    """chat.postMessage; Slack's error code when it refused (Slack answers 200 with ok: false)."""
    url = f"{app[SETTINGS].slack_api_url}/chat.postMessage"
    headers = {"Authorization": f"Bearer {token.get_secret_value()}"}
    answer = await platform.call_api(app, CHANNEL, "chat.postMessage", url, json=body, headers=headers)
    if answer is None or answer[0] >= 400:
        return "unreachable"
    reply = answer[1] if isinstance(answer[1], dict) else {}
    if reply.get("ok") is not True:
        error = str(reply.get("error", "no ok in the answer"))[:100]
        platform.failed(app, CHANNEL, "chat.postMessage", error)
        return error
    return None


async def _verified_body(request: web.Request) -> bytes:
    secret = request.app[SETTINGS].slack_signing_secret
    assert secret is not None
    body = await request.read()
    headers = request.headers
    verify(secret, headers.get("X-Slack-Request-Timestamp"), headers.get("X-Slack-Signature"), body)
    return body


async def events(request: web.Request) -> web.Response:
    """POST /webhooks/slack/events: the handshake, or one event stored before the 200."""
    body = await _verified_body(request)
    envelope = platform.parse_json(body)
    kind = envelope.get("type")
    if kind == "url_verification":
        challenge = envelope.get("challenge")
        if not isinstance(challenge, str):
            raise MessageRejected("url_verification needs a 'challenge' string")
        return web.json_response({"challenge": challenge})
    if kind != "event_callback":
        return web.json_response({"ok": True, "ignored": True})
    message = parse_event(envelope, request.app[SETTINGS].max_message_chars)
    if message is not None:
        await platform.accept(request, message)
    return web.json_response({"ok": True})


async def interactive(request: web.Request) -> web.Response:
    """POST /webhooks/slack/interactive: a quick-reply click, stored before the 200."""
    body = await _verified_body(request)
    try:
        fields = urllib.parse.parse_qs(body.decode(), strict_parsing=False)
        payload = loads(fields["payload"][0])
    except (UnicodeDecodeError, KeyError, IndexError, ValueError):
        raise MessageRejected("an interactivity request is a form with a JSON 'payload' field") from None
    if not isinstance(payload, dict):
        raise MessageRejected("the 'payload' field must be a JSON object")
    message = parse_action(payload, request.app[SETTINGS].max_message_chars)
    if message is not None:
        await platform.accept(request, message)
    return web.Response(status=200)


def add_routes(app: web.Application) -> None:
    """Mount the Slack Events API and interactivity endpoints."""
    app.router.add_post(EVENTS_PATH, events)
    app.router.add_post(INTERACTIVE_PATH, interactive)


PLATFORM = platform.Platform(
    channel=CHANNEL, title="Slack", required=("slack_bot_token", "slack_signing_secret"),
    paths=(EVENTS_PATH, INTERACTIVE_PATH), add_routes=add_routes, deliver=deliver,
)  # fmt: skip
