"""Local stand-ins for the messaging platforms, one class per platform.

Each runs a small aiohttp server in a thread that plays the platform's API: it records every
call Shopbot makes (refusing wrong credentials as the platform would) and can be told to fail.
Each also plays the platform's side of the webhook: it builds updates and events the way the
platform does, signs them, and posts them to a Shopbot server.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.integration.harness import Response

WAIT = 30.0
_ids = itertools.count(int(time.time()) % 1_000_000 * 1000)


@dataclass(frozen=True)
class Call:
    """One call Shopbot made to a platform API: the API method, its body, to whom."""

    method: str
    body: dict[str, Any]
    to: str


def post(url: str, raw: bytes, headers: dict[str, str]) -> Response:
    """POST raw bytes as a platform would; 4xx and 5xx are returned, not raised."""
    request = urllib.request.Request(url, data=raw, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as resp:
            status, got, body = resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        status, got, body = err.code, dict(err.headers), err.read()
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        parsed = None
    return Response(status, got, parsed, body)


class FakeAPI:
    """A platform's API on a free local port, served from a background thread."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.failing = False  # answer every call with a 500
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    def routes(self) -> list[web.RouteDef]:
        raise NotImplementedError

    def start(self) -> FakeAPI:
        started = threading.Event()
        self._thread = threading.Thread(target=self._serve, args=(started,), daemon=True)
        self._thread.start()
        assert started.wait(10), "the fake API did not start"
        return self

    def _serve(self, started: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.add_routes(self.routes())
        self._runner = web.AppRunner(app)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        started.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self._runner.cleanup())
        self._loop.close()

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    def record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)

    def to(self, recipient: str) -> list[Call]:
        """The calls addressed to one chat, oldest first."""
        with self._lock:
            return [c for c in self.calls if c.to == recipient]

    def wait_for(self, recipient: str, done: Callable[[list[Call]], bool], timeout: float = WAIT) -> list[Call]:
        """The calls to `recipient` once `done(calls)` holds; fails after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            calls = self.to(recipient)
            if done(calls):
                return calls
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for calls to {recipient}; got {self.to(recipient)}")

    def quiet(self, recipient: str, count: int, seconds: float = 1.0) -> None:
        """No call beyond the first `count` reaches `recipient` for a while."""
        time.sleep(seconds)
        calls = self.to(recipient)
        assert len(calls) == count, calls[count:]


class FakeTelegram(FakeAPI):
    """The Telegram Bot API (POST /bot<token>/<method>) and Telegram's webhook deliveries."""

    def __init__(self, token: str, secret: str) -> None:
        super().__init__()
        self.token, self.secret = token, secret

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/bot{token}/{method}", self._method)]

    async def _method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        if self.failing:
            return web.json_response({"ok": False, "description": "Internal Server Error"}, status=500)
        body = await request.json()
        self.record(Call(request.match_info["method"], body, str(body.get("chat_id", body.get("callback_query_id")))))
        return web.json_response({"ok": True, "result": {"message_id": next(_ids)}})

    def update(self, server_url: str, update: dict[str, Any], secret: str | None = "ours") -> Response:
        """POST an update to Shopbot's webhook with the secret token (None: without it)."""
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.secret if secret == "ours" else secret
        return post(f"{server_url}/webhooks/telegram", json.dumps(update).encode(), headers)

    @staticmethod
    def text_update(chat_id: int, text: str, update_id: int | None = None) -> dict[str, Any]:
        user = {"id": chat_id, "is_bot": False, "first_name": "Sam"}
        message = {"message_id": next(_ids), "from": user, "chat": {"id": chat_id, "type": "private"}, "date": int(time.time()), "text": text}
        return {"update_id": update_id or next(_ids), "message": message}

    @staticmethod
    def press_update(chat_id: int, shown: Call, label: str) -> dict[str, Any]:
        """The callback_query Telegram sends when the button `label` of the message `shown` is pressed."""
        markup = shown.body["reply_markup"]
        button = next(b for row in markup["inline_keyboard"] for b in row if b["text"] == label)
        message = {"message_id": next(_ids), "chat": {"id": chat_id, "type": "private"}, "text": shown.body["text"], "reply_markup": markup}
        query = {"id": str(next(_ids)), "from": {"id": chat_id, "is_bot": False}, "message": message, "data": button["callback_data"]}
        return {"update_id": next(_ids), "callback_query": query}


class FakeSlack(FakeAPI):
    """The Slack Web API (chat.postMessage) and Slack's signed Events API and interactivity requests."""

    def __init__(self, token: str, signing_secret: str) -> None:
        super().__init__()
        self.token, self.signing_secret = token, signing_secret

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/api/{method}", self._method)]

    async def _method(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.json_response({"ok": False, "error": "invalid_auth"})  # Slack answers 200 even then
        if self.failing:
            return web.json_response({"ok": False, "error": "fatal_error"}, status=500)
        body = await request.json()
        self.record(Call(request.match_info["method"], body, body.get("channel", "")))
        return web.json_response({"ok": True, "channel": body.get("channel"), "ts": f"{time.time():.6f}"})

    def signed(self, body: bytes, timestamp: int | None = None, secret: str | None = None) -> dict[str, str]:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        digest = hmac.new((secret or self.signing_secret).encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
        return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}

    def event(self, server_url: str, envelope: dict[str, Any], headers: dict[str, str] | None = None, **sign: Any) -> Response:
        raw = json.dumps(envelope).encode()
        return post(f"{server_url}/webhooks/slack/events", raw, {"Content-Type": "application/json", **self.signed(raw, **sign), **(headers or {})})

    @staticmethod
    def message_envelope(channel: str, text: str, event_id: str | None = None) -> dict[str, Any]:
        event = {"type": "message", "channel_type": "im", "channel": channel, "user": "U0SHOPPER", "text": text, "ts": f"{time.time():.6f}"}
        return {"type": "event_callback", "team_id": "T0STORE", "event_id": event_id or f"Ev{next(_ids)}", "event_time": int(time.time()), "event": event}

    def click(self, server_url: str, channel: str, shown: Call, label: str) -> Response:
        """The block_actions request Slack sends when the button `label` in the posted message `shown` is clicked."""
        buttons = [e for b in shown.body["blocks"] if b["type"] == "actions" for e in b["elements"]]
        button = next(b for b in buttons if b["text"]["text"] == label)
        action = {"action_id": button["action_id"], "block_id": "quick_replies", "value": button["value"], "type": "button", "action_ts": f"{time.time():.6f}"}
        payload = {"type": "block_actions", "user": {"id": "U0SHOPPER"}, "channel": {"id": channel}, "container": {"type": "message", "channel_id": channel}, "actions": [action]}
        raw = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
        return post(f"{server_url}/webhooks/slack/interactive", raw, {"Content-Type": "application/x-www-form-urlencoded", **self.signed(raw)})


class FakeTwilio(FakeAPI):
    """Twilio's Messages API (Messages.json) and Twilio's signed WhatsApp webhooks."""

    def __init__(self, account_sid: str, auth_token: str, number: str, public_url: str) -> None:
        super().__init__()
        self.account_sid, self.auth_token, self.number = account_sid, auth_token, number
        self.public_url = public_url  # the URL Twilio is configured to call (a proxy in front of Shopbot)

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/2010-04-01/Accounts/{sid}/Messages.json", self._create)]

    async def _create(self, request: web.Request) -> web.Response:
        expected = "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if request.match_info["sid"] != self.account_sid or request.headers.get("Authorization") != expected:
            return web.json_response({"code": 20003, "message": "Authenticate", "status": 401}, status=401)
        if self.failing:
            return web.json_response({"code": 20500, "message": "Internal Server Error", "status": 500}, status=500)
        form = dict(await request.post())
        if form.get("From") != self.number:
            return web.json_response({"code": 63007, "message": "not a sender of this account", "status": 400}, status=400)
        self.record(Call("Messages.json", {k: str(v) for k, v in form.items()}, str(form.get("To", ""))))
        return web.json_response({"sid": f"SM{next(_ids)}", "status": "queued"}, status=201)

    def signature(self, url: str, params: dict[str, str]) -> str:
        signed = url + "".join(k + v for k, v in sorted(params.items()))
        return base64.b64encode(hmac.new(self.auth_token.encode(), signed.encode(), hashlib.sha1).digest()).decode()

    def message(self, server_url: str, params: dict[str, str], signed_url: str | None = None, signature: str | None = "ours") -> Response:
        """POST a WhatsApp webhook to Shopbot, signed for `signed_url` (default: the public URL)."""
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if signature is not None:
            headers["X-Twilio-Signature"] = self.signature(signed_url or self.public_url + "/webhooks/whatsapp", params) if signature == "ours" else signature
        return post(f"{server_url}/webhooks/whatsapp", urllib.parse.urlencode(params).encode(), headers)

    def text_params(self, phone: str, text: str, sid: str | None = None, **extra: str) -> dict[str, str]:
        return {
            "MessageSid": sid or f"SM{next(_ids)}", "AccountSid": self.account_sid, "From": f"whatsapp:{phone}",
            "To": self.number, "Body": text, "NumMedia": "0", "ProfileName": "Sam", **extra,
        }  # fmt: skip


class FakeMessenger(FakeAPI):
    """The Messenger Send API (POST /me/messages) and Facebook's signed page webhooks."""

    def __init__(self, page_token: str, app_secret: str, verify_token: str) -> None:
        super().__init__()
        self.page_token, self.app_secret, self.verify_token = page_token, app_secret, verify_token

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/v19.0/me/messages", self._send)]

    async def _send(self, request: web.Request) -> web.Response:
        if request.query.get("access_token") != self.page_token:
            return web.json_response({"error": {"message": "Invalid OAuth access token.", "code": 190}}, status=400)
        if self.failing:
            return web.json_response({"error": {"message": "An unexpected error has occurred.", "code": 2}}, status=500)
        body = await request.json()
        self.record(Call("me/messages", body, body["recipient"]["id"]))
        return web.json_response({"recipient_id": body["recipient"]["id"], "message_id": f"m_{next(_ids)}"})

    def signature(self, raw: bytes) -> str:
        return "sha256=" + hmac.new(self.app_secret.encode(), raw, hashlib.sha256).hexdigest()

    def deliver(self, server_url: str, *messaging: dict[str, Any], signature: str | None = "ours") -> Response:
        """POST a page webhook carrying these messaging events."""
        raw = json.dumps({"object": "page", "entry": [{"id": "PAGE1", "time": int(time.time() * 1000), "messaging": list(messaging)}]}).encode()
        headers = {"Content-Type": "application/json"}
        if signature is not None:
            headers["X-Hub-Signature-256"] = self.signature(raw) if signature == "ours" else signature
        return post(f"{server_url}/webhooks/messenger", raw, headers)

    @staticmethod
    def text(psid: str, text: str, mid: str | None = None, quick_reply: str | None = None) -> dict[str, Any]:
        message: dict[str, Any] = {"mid": mid or f"m_{next(_ids)}", "text": text}
        if quick_reply is not None:
            message["quick_reply"] = {"payload": quick_reply}
        return {"sender": {"id": psid}, "recipient": {"id": "PAGE1"}, "timestamp": int(time.time() * 1000), "message": message}


def fresh_id() -> int:
    """A number no other test uses: chat ids, phone numbers, channel ids."""
    return next(_ids)
