"""Telegram Bot API webhook: `POST /webhooks/telegram`.

In: an Update. Telegram sends the `secret_token` given to setWebhook in the
X-Telegram-Bot-Api-Secret-Token header: missing is 401, wrong is 403, and nothing is read.
A text message, or a pressed inline-keyboard button (callback_query, answered with
answerCallbackQuery), is a shopper message; the update_id is its client id, so a
re-delivered update is stored and answered once. Other updates (stickers, edits, joins)
get 200 and are ignored, so Telegram does not re-deliver them.

Out: sendMessage with the quick replies as an inline keyboard, then one sendPhoto per
product card (caption: title and catalog facts, a View button linking to the product).
Text is sent without parse_mode, so nothing a shopper or agent writes is read as markup.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web
from pydantic import SecretStr

from bot.assistant import Message
from bot.channels import platform
from bot.channels.keys import SETTINGS
from bot.channels.limits import MessageRejected, check_text
from bot.store.base import Conversation, Event

CHANNEL = "telegram"
PATH = "/webhooks/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
TEXT_LIMIT, CAPTION_LIMIT, CALLBACK_DATA_BYTES = 4096, 1024, 64
_KEY = re.compile(r"#\d{1,2}")


def verify(sent: str | None, secret: SecretStr) -> None:
    """Raise 401 without the secret-token header, 403 when it is not ours."""
    if not sent:
        raise web.HTTPUnauthorized(reason=f"the {SECRET_HEADER} header is missing")
    if not platform.same_secret(sent, secret.get_secret_value()):
        raise web.HTTPForbidden(reason=f"the {SECRET_HEADER} header does not match")


def parse_update(update: dict[str, Any], max_chars: int) -> tuple[Message, str | None] | None:
    """The update as a shopper message and the callback query id to answer (None: not a button),
    or None for an update that is not a shopper's words; MessageRejected when malformed."""
    update_id = update.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        raise MessageRejected("'update_id' is required and must be a number")
    if isinstance(update.get("callback_query"), dict):
        return _button(update["callback_query"], update_id, max_chars)
    message = update.get("message")
    if not isinstance(message, dict) or "text" not in message:
        return None
    chat_id = _chat_id(message)
    text = check_text(message["text"], max_chars)
    return Message(sender=chat_id, text=text, channel=CHANNEL, client_id=str(update_id)), None


def _button(query: dict[str, Any], update_id: int, max_chars: int) -> tuple[Message, str | None] | None:
    query_id, data = query.get("id"), query.get("data")
    if not isinstance(query_id, str) or not isinstance(query.get("message"), dict):
        raise MessageRejected("a callback_query needs its 'id' and the 'message' its button was on")
    if not isinstance(data, str):
        return None  # a game button, not one of ours
    chat_id = _chat_id(query["message"])
    text: str | None = data
    if _KEY.fullmatch(data):  # the payload did not fit callback_data: the pressed button's label stands in
        text = _label(query["message"], data)
        if text is None:
            return None
    message = Message(chat_id, check_text(text, max_chars), CHANNEL, str(update_id), {"quick_reply": True})
    return message, query_id


def _chat_id(message: dict[str, Any]) -> str:
    chat = message.get("chat")
    chat_id = chat.get("id") if isinstance(chat, dict) else None
    if not isinstance(chat_id, int) or isinstance(chat_id, bool):
        raise MessageRejected("the message has no 'chat' with a numeric 'id'")
    return str(chat_id)


def _label(message: dict[str, Any], data: str) -> str | None:
    markup = message.get("reply_markup")
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    for row in rows if isinstance(rows, list) else []:
        for button in row if isinstance(row, list) else []:
            if isinstance(button, dict) and button.get("callback_data") == data and isinstance(button.get("text"), str):
                return button["text"]
    return None


def keyboard(buttons: list[dict[str, str]]) -> dict[str, Any]:
    """Quick replies as an inline keyboard, two to a row. A payload that does not fit Telegram's
    64-byte callback_data is sent as "#<n>" and recovered from the keyboard when pressed."""
    keys = []
    for i, button in enumerate(buttons):
        payload = button.get("payload") or button["title"]
        data = payload if len(payload.encode()) <= CALLBACK_DATA_BYTES else f"#{i}"
        keys.append({"text": button["title"], "callback_data": data})
    return {"inline_keyboard": [keys[i : i + 2] for i in range(0, len(keys), 2)]}


def outbound(chat_id: str, event: Event) -> list[tuple[str, dict[str, Any]]]:
    """The Bot API calls (method, body) that show the event in the chat."""
    calls: list[tuple[str, dict[str, Any]]] = []
    first: dict[str, Any] = {"chat_id": chat_id, "text": platform.clip(platform.display_text(event), TEXT_LIMIT)}
    buttons = platform.buttons_of(event)
    if buttons:
        first["reply_markup"] = keyboard(buttons)
    calls.append(("sendMessage", first))
    for card in platform.cards_of(event):
        caption = platform.clip(f"{card['title']}\n{platform.card_details(card)}", CAPTION_LIMIT)
        body: dict[str, Any] = {"chat_id": chat_id}
        if platform.web_url(card.get("url")):
            body["reply_markup"] = {"inline_keyboard": [[{"text": "View", "url": card["url"]}]]}
        image = platform.web_url(card.get("image_url"))
        calls.append(("sendPhoto", {**body, "photo": image, "caption": caption}) if image else ("sendMessage", {**body, "text": caption}))
    return calls


async def deliver(app: web.Application, conversation: Conversation, event: Event) -> None:
    """Send the event to the Telegram chat; a photo Telegram refuses is sent as its caption."""
    for method, body in outbound(conversation.sender, event):
        ok = await _call(app, method, body)
        if not ok and method == "sendPhoto":
            text = {k: v for k, v in body.items() if k not in ("photo", "caption")}
            await _call(app, "sendMessage", {**text, "text": body["caption"]})


async def _call(app: web.Application, method: str, body: dict[str, Any]) -> bool:
    settings = app[SETTINGS]
    assert settings.telegram_bot_token is not None
    url = f"{settings.telegram_api_url}/bot{settings.telegram_bot_token.get_secret_value()}/{method}"
    answer = await platform.call_api(app, CHANNEL, method, url, json=body)
    return answer is not None and answer[0] < 400 and isinstance(answer[1], dict) and answer[1].get("ok") is True


async def webhook(request: web.Request) -> web.Response:
    """Take one update: verify, store the shopper's message, answer 200; the reply follows via the API."""
    settings = request.app[SETTINGS]
    assert settings.telegram_secret_token is not None
    verify(request.headers.get(SECRET_HEADER), settings.telegram_secret_token)
    parsed = parse_update(platform.parse_json(await request.read()), settings.max_message_chars)
    if parsed is None:
        return web.json_response({"ok": True, "ignored": True})
    message, query_id = parsed
    await platform.accept(request, message)
    if query_id is not None:  # stops the button's spinner in the shopper's app
        request.app[platform.DISPATCHER].spawn(_call_quietly(request.app, query_id))
    return web.json_response({"ok": True})


async def _call_quietly(app: web.Application, query_id: str) -> None:
    await _call(app, "answerCallbackQuery", {"callback_query_id": query_id})


def add_routes(app: web.Application) -> None:
    """Mount the Telegram webhook."""
    app.router.add_post(PATH, webhook)


PLATFORM = platform.Platform(
    channel=CHANNEL, title="Telegram", required=("telegram_bot_token", "telegram_secret_token"),
    paths=(PATH,), add_routes=add_routes, deliver=deliver,
)  # fmt: skip
