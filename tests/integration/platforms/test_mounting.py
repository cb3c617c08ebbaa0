"""A platform whose credentials are not configured is not mounted: its webhook says what to set."""

from __future__ import annotations

import pytest

from tests.integration.harness import ShopbotServer

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("method", "path", "settings"),
    [
        ("POST", "/webhooks/telegram", "SHOPBOT_TELEGRAM_BOT_TOKEN and SHOPBOT_TELEGRAM_SECRET_TOKEN"),
        ("POST", "/webhooks/slack/events", "SHOPBOT_SLACK_BOT_TOKEN and SHOPBOT_SLACK_SIGNING_SECRET"),
        ("POST", "/webhooks/slack/interactive", "SHOPBOT_SLACK_BOT_TOKEN and SHOPBOT_SLACK_SIGNING_SECRET"),
        ("POST", "/webhooks/whatsapp", "SHOPBOT_TWILIO_ACCOUNT_SID and SHOPBOT_TWILIO_AUTH_TOKEN and SHOPBOT_TWILIO_WHATSAPP_NUMBER"),
        ("GET", "/webhooks/messenger?hub.mode=subscribe", "SHOPBOT_MESSENGER_PAGE_TOKEN"),
        ("POST", "/webhooks/messenger", "SHOPBOT_MESSENGER_APP_SECRET"),
    ],
)
def test_an_unconfigured_platform_answers_404_naming_its_settings(server: ShopbotServer, method: str, path: str, settings: str) -> None:
    resp = server.request(method, path, "{}" if method == "POST" else None)
    assert resp.status == 404 and "channel is not configured" in resp.body["error"] and settings in resp.body["error"]
