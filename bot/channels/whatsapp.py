"""WhatsApp through Twilio: `POST /webhooks/whatsapp` (a form, as Twilio posts it).

Twilio signs each request: X-Twilio-Signature is base64 HMAC-SHA1, keyed with the auth
token, of the full URL Twilio called followed by every POST parameter, sorted by name,
as name + value. Behind a proxy or tunnel that URL is not the one this server sees, so
SHOPBOT_PUBLIC_BASE_URL names it. A missing signature is 401, a wrong one 403, and nothing
is read before it passes. The message (Body, or ButtonPayload when the shopper tapped a
button of a template message) is a shopper message; MessageSid is its client id, so a
re-delivered webhook is stored and answered once. The answer is empty TwiML, at once.

Out: the REST API (Messages.json): the text, with the quick replies listed under it
(plain WhatsApp messages have no buttons), then one message per product card with its
image as MediaUrl and its title, catalog facts and link as the body.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from typing import Any

import aiohttp
from aiohttp import web
from pydantic import SecretStr

from bot.assistant import Message
from bot.channels import platform
from bot.channels.keys import SETTINGS
from bot.channels.limits import MessageRejected, check_text
from bot.config import Settings
from bot.store.base import Conversation, Event

CHANNEL = "whatsapp"
PATH = "/webhooks/whatsapp"
PREFIX = "whatsapp:"
BODY_LIMIT, MAX_CARDS = 1600, 5  # Twilio's body limit; each card is a message the store pays for
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def signature(auth_token: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """The X-Twilio-Signature Twilio sends for a POST of `params` to `url`."""
    signed = url + "".join(name + value for name, value in sorted(params))
    return base64.b64encode(hmac.new(auth_token.encode(), signed.encode(), hashlib.sha1).digest()).decode()


def verify(auth_token: SecretStr, url: str, params: Iterable[tuple[str, str]], sent: str | None) -> None:
    """Raise 401 when unsigned, 403 when the signature is not Twilio's for this URL and these parameters."""
    if not sent:
        raise web.HTTPUnauthorized(reason="the X-Twilio-Signature header is missing")
    if not platform.same_secret(sent, signature(auth_token.get_secret_value(), url, params)):
        raise web.HTTPForbidden(reason="the X-Twilio-Signature does not match (is SHOPBOT_PUBLIC_BASE_URL the URL Twilio calls?)")


def public_url(request: web.Request, settings: Settings) -> str:
    """The URL Twilio called: SHOPBOT_PUBLIC_BASE_URL + path and query when set, else the request's own."""
    if settings.public_base_url:
        return settings.public_base_url + request.path_qs
    return str(request.url)


def parse_form(form: dict[str, str], max_chars: int) -> Message | None:
    """The webhook's parameters as a shopper message; None for a message without words (a photo, a location)."""
    sid, sender = form.get("MessageSid"), form.get("From", "")
    if not sid or not sender.startswith(PREFIX) or len(sender) > 64:
        raise MessageRejected("a WhatsApp webhook needs 'MessageSid' and 'From' (whatsapp:+<number>)")
    button = form.get("ButtonPayload")
    text = button or form.get("Body", "")
    if not text.strip() and form.get("NumMedia", "0") != "0":
        return None
    metadata: dict[str, Any] = {"quick_reply": True} if button else {}
    return Message(sender.removeprefix(PREFIX), check_text(text, max_chars), CHANNEL, sid, metadata)


def outbound(event: Event) -> list[dict[str, str]]:
    """The Messages.json bodies (without From and To) that show the event in the chat."""
    text = platform.display_text(event)
    buttons = platform.buttons_of(event)
    if buttons:
        text += "\n\nYou can reply:\n" + "\n".join(f"• {b['title']}" for b in buttons)
    out = [{"Body": platform.clip(text, BODY_LIMIT)}]
    for card in platform.cards_of(event)[:MAX_CARDS]:
        lines = [card["title"], platform.card_details(card), platform.web_url(card.get("url")) or ""]
        body = {"Body": platform.clip("\n".join(line for line in lines if line), BODY_LIMIT)}
        image = platform.web_url(card.get("image_url"))
        out.append({**body, "MediaUrl": image} if image else body)
    return out


def _sender(settings: Settings) -> str:
    number = settings.twilio_whatsapp_number or ""
    return number if number.startswith(PREFIX) else PREFIX + number


async def deliver(app: web.Application, conversation: Conversation, event: Event) -> None:
    """Send the event to the shopper's WhatsApp through Twilio's REST API."""
    settings = app[SETTINGS]
    assert settings.twilio_account_sid is not None and settings.twilio_auth_token is not None
    url = f"{settings.twilio_api_url}/2010-04-01/Accounts/{settings.twilio_account_sid}/Messages.json"
    auth = aiohttp.BasicAuth(settings.twilio_account_sid, settings.twilio_auth_token.get_secret_value())
    for body in outbound(event):
        data = {"From": _sender(settings), "To": PREFIX + conversation.sender, **body}
        await platform.call_api(app, CHANNEL, "Messages.json", url, data=data, auth=auth)


async def webhook(request: web.Request) -> web.Response:
    """Take one incoming WhatsApp message: verify, store, answer empty TwiML; the reply follows via the API."""
    settings = request.app[SETTINGS]
    assert settings.twilio_auth_token is not None
    form = await request.post()
    params = [(name, value) for name, value in form.items() if isinstance(value, str)]
    if len(params) != len(form):
        raise MessageRejected("a Twilio webhook is a form of text fields, not a file upload")
    verify(settings.twilio_auth_token, public_url(request, settings), params, request.headers.get("X-Twilio-Signature"))
    message = parse_form(dict(params), settings.max_message_chars)
    if message is not None:
        await platform.accept(request, message)
    return web.Response(text=EMPTY_TWIML, content_type="text/xml")


def add_routes(app: web.Application) -> None:
    """Mount the WhatsApp (Twilio) webhook."""
    app.router.add_post(PATH, webhook)


PLATFORM = platform.Platform(
    channel=CHANNEL, title="WhatsApp", required=("twilio_account_sid", "twilio_auth_token", "twilio_whatsapp_number"),
    paths=(PATH,), add_routes=add_routes, deliver=deliver,
)  # fmt: skip
