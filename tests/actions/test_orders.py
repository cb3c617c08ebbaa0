"""Order status and handoff through the real action server."""

from __future__ import annotations

import pytest

from bot.generation.facts import money
from tests.actions.harness import ActionServer, Catalog

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def seeded(action_server: ActionServer, catalog: Catalog) -> Catalog:
    """The demo orders exist once the resources are open (they are seeded into an empty table)."""
    action_server.ok("action_order_status", "hello", intent="order_status")
    return catalog


@pytest.mark.parametrize(
    ("status", "says"),
    [("processing", "is being prepared"), ("shipped", "shipped on"), ("delivered", "was delivered on"), ("cancelled", "was cancelled")],
)
def test_order_status_of_a_demo_order(action_server: ActionServer, seeded: Catalog, status: str, says: str) -> None:
    order = seeded.order(status)
    assert 10001 <= int(order["number"]) <= 10040
    result = action_server.ok("action_order_status", f"where is my order #{order['number']}?", intent="order_status")
    assert f"Order {order['number']}" in result.text and says in result.text
    assert money(order["total"]) in result.text
    if status == "shipped":
        assert order["tracking"] in result.text
    assert result.slots["order_number"] == order["number"]


def test_order_number_from_the_slot_or_a_rasa_entity(action_server: ActionServer, seeded: Catalog) -> None:
    order = seeded.order("delivered")
    by_slot = action_server.ok("action_order_status", "and my order?", intent="order_status", slots={"order_number": order["number"]})
    by_entity = action_server.ok(
        "action_order_status", "/order_status", entities=[{"entity": "order_number", "value": f"#{order['number']}"}]
    )
    assert f"Order {order['number']}" in by_slot.text and by_slot.text == by_entity.text


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"entities": [{"entity": "order_number", "value": "abc!"}]}, "doesn't look like an order number"),
        ({"slots": {"order_number": "not-a-number"}}, "doesn't look like an order number"),
        ({}, "What's your order number?"),
    ],
)
def test_a_missing_or_malformed_order_number_gets_a_clear_message(
    action_server: ActionServer, kwargs: dict[str, object], says: str
) -> None:
    result = action_server.ok("action_order_status", "where is my order", intent="order_status", **kwargs)
    assert says in result.text
    assert result.slots.get("order_number") is None


def test_an_unknown_order_number(action_server: ActionServer) -> None:
    result = action_server.ok("action_order_status", "where is order #99999", intent="order_status")
    assert "couldn't find order 99999" in result.text


def test_handoff_pauses_and_sends_the_payload(action_server: ActionServer) -> None:
    slots = {"product_category": "Hiking Boots", "price_max": 120.0, "focused_product": "SB-00984"}
    result = action_server.ok("action_handoff", "I want to talk to a person", intent="human_handoff", slots=slots, sender="buyer-7")
    assert {"event": "pause", "timestamp": None} in result.events
    (payload,) = [c for c in result.customs if c.get("type") == "handoff"]
    handoff = payload["handoff"]
    assert handoff["sender_id"] == "buyer-7" and handoff["agents_available"] is True
    assert handoff["message"] == "I want to talk to a person"
    assert handoff["context"]["product_category"] == "Hiking Boots" and handoff["context"]["focused_product"] == "SB-00984"
    assert "connecting you with a person" in result.text
