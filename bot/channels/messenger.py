"""Facebook Messenger: `GET /webhooks/messenger` (subscription handshake), `POST /webhooks/messenger` (events).

GET: Facebook sends hub.mode=subscribe, hub.verify_token and hub.challenge; the challenge
is echoed when the verify token is ours (403 otherwise).
POST: X-Hub-Signature-256 is "sha256=" + hex HMAC-SHA256 of the raw body with the app
secret, compared in constant time: missing is 401, wrong is 403, and nothing is read
before it passes. One request may carry several messaging events; each text message,
quick-reply tap (its payload is the shopper's words) or postback (its title) is a shopper
message with its mid as client id, so a re-delivered event is stored and answered once.
Echoes of our own messages, deliveries and reads are ignored.

Out: the Send API: the text, then the product cards as a generic template (a carousel:
image, title, catalog facts, a View button), the quick replies on the last message sent
(Messenger shows them under the newest message only).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from aiohttp import web
from pydantic import SecretStr

from bot.assistant import Message
from bot.channels import platform
from bot.channels.keys import SETTINGS
from bot.channels.limits import MessageRejected, check_text
from bot.store.base import Conversation, Event

CHANNEL = "messenger"
PATH = "/webhooks/messenger"
SIGNATURE_HEADER = "X-Hub-Signature-256"
TEXT_LIMIT, TITLE_LIMIT, QUICK_TITLE_LIMIT, MAX_QUICK_REPLIES, MAX_CARDS = 2000, 80, 20, 13, 10


def signature(app_secret: str, body: bytes) -> str:
    """The X-Hub-Signature-256 Facebook sends for this body."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def verify(app_secret: SecretStr, body: bytes, sent: str | None) -> None:
    """Raise 401 when unsigned, 403 when the signature is not the app's for this body."""
    if not sent:
        raise web.HTTPUnauthorized(reason=f"the {SIGNATURE_HEADER} header is missing")
    if not platform.same_secret(sent, signature(app_secret.get_secret_value(), body)):
        raise web.HTTPForbidden(reason=f"the {SIGNATURE_HEADER} does not match")


def challenge(query: dict[str, str], verify_token: SecretStr) -> str:
    """The hub.challenge to echo when the subscription request carries our verify token; 403 otherwise."""
    token = query.get("hub.verify_token", "")
    if query.get("hub.mode") != "subscribe" or not platform.same_secret(token, verify_token.get_secret_value()):
        raise web.HTTPForbidden(reason="hub.mode must be subscribe and hub.verify_token must match SHOPBOT_MESSENGER_VERIFY_TOKEN")
    found = query.get("hub.challenge")
    if not found:
        raise MessageRejected("hub.challenge is missing")
    return found


def parse_events(body: dict[str, Any], max_chars: int) -> list[Message]:
    """The shopper messages in a page webhook; MessageRejected when it is malformed or one is too long."""
    entries = body.get("entry")
    if body.get("object") != "page" or not isinstance(entries, list):
        raise MessageRejected("a Messenger webhook is {\"object\": \"page\", \"entry\": [...]}")
    out = []
    for entry in entries:
        for item in (entry.get("messaging") or []) if isinstance(entry, dict) else []:
            message = _message(item, max_chars) if isinstance(item, dict) else None
            if message is not None:
                out.append(message)
    return out


def _message(item: dict[str, Any], max_chars: int) -> Message | None:
    sender = (item.get("sender") or {}).get("id") if isinstance(item.get("sender"), dict) else None
    message, postback = item.get("message"), item.get("postback")
    if isinstance(message, dict):
        if message.get("is_echo"):
            return None  # our own message, reported back
        quick = message.get("quick_reply") if isinstance(message.get("quick_reply"), dict) else None
        text, mid = (quick or {}).get("payload") or message.get("text"), message.get("mid")
        if text is None:
            return None  # an attachment, a sticker: no words to answer
        metadata = {"quick_reply": True} if quick else {}
    elif isinstance(postback, dict):
        text, mid, metadata = postback.get("title") or postback.get("payload"), postback.get("mid"), {"postback": True}
        mid = mid or f"postback:{sender}:{item.get('timestamp')}"
    else:
        return None  # delivery and read receipts
    if not isinstance(sender, str) or not sender or not isinstance(mid, str):
        raise MessageRejected("a messaging event needs 'sender.id' and a message 'mid'")
    return Message(sender, check_text(text, max_chars), CHANNEL, mid, metadata)


def quick_replies(event: Event) -> list[dict[str, str]]:
    """The event's quick replies as Messenger quick_replies (titles cut to 20 characters; the payload is whole)."""
    return [
        {"content_type": "text", "title": platform.clip(b["title"], QUICK_TITLE_LIMIT), "payload": platform.clip(b.get("payload") or b["title"], 1000)}
        for b in platform.buttons_of(event)[:MAX_QUICK_REPLIES]
    ]  # fmt: skip


def element(card: dict[str, Any]) -> dict[str, Any]:
    """A product card as a generic-template element."""
    out: dict[str, Any] = {"title": platform.clip(card["title"], TITLE_LIMIT), "subtitle": platform.clip(platform.card_details(card), TITLE_LIMIT)}
    image, url = platform.web_url(card.get("image_url")), platform.web_url(card.get("url"))
    if image:
        out["image_url"] = image
    if url:
        out["default_action"] = {"type": "web_url", "url": url}
        out["buttons"] = [{"type": "web_url", "url": url, "title": "View"}]
    return out


def outbound(recipient: str, event: Event) -> list[dict[str, Any]]:
    """The Send API bodies that show the event, quick replies on the last."""
    messages: list[dict[str, Any]] = [{"text": platform.clip(platform.display_text(event), TEXT_LIMIT)}]
    cards = platform.cards_of(event)[:MAX_CARDS]
    if cards:
        template = {"template_type": "generic", "elements": [element(c) for c in cards]}
        messages.append({"attachment": {"type": "template", "payload": template}})
    replies = quick_replies(event)
    if replies:
        messages[-1]["quick_replies"] = replies
    return [{"recipient": {"id": recipient}, "messaging_type": "RESPONSE", "message": m} for m in messages]


async def deliver(app: web.Application, conversation: Conversation, event: Event) -> None:
    """Send the event to the shopper through the Send API."""
    settings = app[SETTINGS]
    assert settings.messenger_page_token is not None
    url = f"{settings.messenger_api_url}/me/messages"
    # The token goes in the query as the Send API documents; call_api never logs the URL.
    params = {"access_token": settings.messenger_page_token.get_secret_value()}
    for body in outbound(conversation.sender, event):
        await platform.call_api(app, CHANNEL, "me/messages", url, json=body, params=params)


async def subscribe(request: web.Request) -> web.Response:
    """GET /webhooks/messenger: the subscription handshake."""
    token = request.app[SETTINGS].messenger_verify_token
    assert token is not None
    return web.Response(text=challenge(dict(request.query), token))


async def webhook(request: web.Request) -> web.Response:
    """POST /webhooks/messenger: verify, store every shopper message, answer 200; replies follow via the API."""
    settings = request.app[SETTINGS]
    assert settings.messenger_app_secret is not None
    body = await request.read()
    verify(settings.messenger_app_secret, body, request.headers.get(SIGNATURE_HEADER))
    for message in parse_events(platform.parse_json(body), settings.max_message_chars):
        await platform.accept(request, message)
    return web.json_response({"ok": True})


def add_routes(app: web.Application) -> None:
    """Mount the Messenger webhook and its handshake."""
    app.router.add_get(PATH, subscribe)
    app.router.add_post(PATH, webhook)


PLATFORM = platform.Platform(
    channel=CHANNEL, title="Messenger",
    required=("messenger_page_token", "messenger_app_secret", "messenger_verify_token"),
    paths=(PATH,), add_routes=add_routes, deliver=deliver,
)  # fmt: skip
