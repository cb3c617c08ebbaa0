"""The server as a real process (the shared one from conftest): it answers search and parse over HTTP."""

from __future__ import annotations

import json

import pytest

from tests.integration.harness import ShopbotServer

pytestmark = pytest.mark.slow


def _get(server: ShopbotServer, path: str, body: bytes | None = None) -> tuple[int, object]:
    resp = server.request("POST" if body is not None else "GET", path, body)
    return resp.status, resp.body


def test_health_and_ready(server: ShopbotServer) -> None:
    assert _get(server, "/health") == (200, {"status": "ok"})
    status, body = _get(server, "/ready")
    assert status == 200 and body["products"] >= 1000  # the demo catalog was imported by setup


def test_search_over_http_with_filters(server: ShopbotServer) -> None:
    status, hits = _get(server, "/search?q=hiking%20boots&max_price=100&in_stock=true&k=5")
    assert status == 200 and 0 < len(hits) <= 5  # type: ignore[arg-type]
    assert all(h["price"] <= 100 and h["in_stock"] for h in hits)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("q=boots&max_price=cheap", "max_price"),
        ("q=boots&min_price=90&max_price=10", "above max_price"),
        ("q=boots&colour=red", "unknown parameter(s): colour"),
        ("q=boots&k=0", "k must be"),
        ("q=boots&mode=magic", "mode must be"),
    ],
)
def test_bad_requests_get_400_with_a_reason(server: ShopbotServer, query: str, message: str) -> None:
    status, body = _get(server, f"/search?{query}")
    assert status == 400 and message in body["error"]  # type: ignore[index]


def test_unknown_path_is_a_json_404(server: ShopbotServer) -> None:
    status, body = _get(server, "/nope")
    assert status == 404 and "/nope" in body["error"]  # type: ignore[index]


def test_parse_understands_a_message(server: ShopbotServer) -> None:
    status, body = _get(server, "/model/parse", json.dumps({"text": "where is my order #48213?"}).encode())
    assert status == 200 and body["intent"] == "order_status"  # type: ignore[index]
    assert {"type": "order_number", "value": "48213"}.items() <= body["entities"][0].items()  # type: ignore[index]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "must be JSON"), (b'{"txt": "hi"}', "'text' is required"), (b'["hi"]', "'text' is required"),
        (b'{"text": "hi", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}", "nested too deeply"),
    ],
)
def test_parse_rejects_bad_bodies_with_a_reason(server: ShopbotServer, body: bytes, message: str) -> None:
    status, reply = _get(server, "/model/parse", body)
    assert status == 400 and message in reply["error"]  # type: ignore[index]
