"""One Shopbot server with every messaging platform configured, each pointed at its local fake API."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.integration.harness import Response, ShopbotServer
from tests.integration.platforms.fakes import FakeMessenger, FakeSlack, FakeTelegram, FakeTwilio

AGENT = "longtoken123"
PUBLIC_URL = "https://shop.example.com"  # where Twilio believes Shopbot is (a TLS proxy in front of it)
SECRETS = {
    "telegram_bot_token": "123456:tg-bot-token-secret",
    "telegram_secret_token": "tg-webhook-secret-9",
    "slack_bot_token": "xoxb-slack-bot-token-secret",
    "slack_signing_secret": "slack-signing-secret-7",
    "twilio_auth_token": "twilio-auth-token-secret",
    "messenger_page_token": "EAAG-page-token-secret",
    "messenger_app_secret": "messenger-app-secret-5",
    "messenger_verify_token": "messenger-verify-token-3",
}
TWILIO_SID, WHATSAPP_NUMBER = "AC0000000000000000000000000000test", "whatsapp:+14155238886"


@dataclass
class Platforms:
    """The fakes and the server they talk to."""

    server: ShopbotServer
    telegram: FakeTelegram
    slack: FakeSlack
    twilio: FakeTwilio
    messenger: FakeMessenger


@pytest.fixture(scope="session")
def fakes() -> Iterator[tuple[FakeTelegram, FakeSlack, FakeTwilio, FakeMessenger]]:
    started = (
        FakeTelegram(SECRETS["telegram_bot_token"], SECRETS["telegram_secret_token"]).start(),
        FakeSlack(SECRETS["slack_bot_token"], SECRETS["slack_signing_secret"]).start(),
        FakeTwilio(TWILIO_SID, SECRETS["twilio_auth_token"], WHATSAPP_NUMBER, PUBLIC_URL).start(),
        FakeMessenger(SECRETS["messenger_page_token"], SECRETS["messenger_app_secret"], SECRETS["messenger_verify_token"]).start(),
    )
    yield started  # type: ignore[misc]
    for fake in started:
        fake.stop()


@pytest.fixture(scope="session")
def platforms(launch_server: Callable[..., ShopbotServer], fakes: tuple[Any, ...]) -> Platforms:
    telegram, slack, twilio, messenger = fakes
    server = launch_server(
        "platforms", agent_tokens=f"alice:{AGENT}", public_base_url=PUBLIC_URL,
        telegram_api_url=telegram.url, slack_api_url=slack.url + "/api", twilio_api_url=twilio.url,
        messenger_api_url=messenger.url + "/v19.0", twilio_account_sid=TWILIO_SID, twilio_whatsapp_number=WHATSAPP_NUMBER,
        **SECRETS,
    )  # fmt: skip
    return Platforms(server, telegram, slack, twilio, messenger)


@pytest.fixture(autouse=True)
def _platforms_work_again(platforms: Platforms) -> Iterator[None]:
    yield
    for fake in (platforms.telegram, platforms.slack, platforms.twilio, platforms.messenger):
        fake.failing = False


def agent(server: ShopbotServer, action: str, conversation_id: str, body: dict[str, Any] | None = None) -> Response:
    """An agent console API call as alice."""
    resp = server.request("POST", f"/agent/api/conversations/{conversation_id}/{action}", body or {}, {"Authorization": f"Bearer {AGENT}"})
    assert resp.status in (200, 201), (action, resp.status, resp.body)
    return resp


def wait_events(server: ShopbotServer, conversation_id: str, done: Callable[[list[dict[str, Any]]], bool], timeout: float = 30) -> list[dict[str, Any]]:
    """The conversation's stored events once `done(events)` holds."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events = server.events(conversation_id)
        if done(events):
            return events
        time.sleep(0.05)
    raise AssertionError(f"timed out; the events are {server.events(conversation_id)}")


def replies(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The bot's replies in a transcript."""
    return [e for e in events if e["role"] == "bot"]
