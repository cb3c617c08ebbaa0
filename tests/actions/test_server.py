"""The action server protocol as Rasa sees it: /health, /actions, /webhook status codes and bodies."""

from __future__ import annotations

import re

import pytest

from tests.actions.harness import DOMAIN, ActionServer

pytestmark = pytest.mark.slow


def test_health_and_the_listed_actions(action_server: ActionServer) -> None:
    assert (action_server.get("/health").status, action_server.get("/health").body) == (200, {"status": "ok"})
    listed = action_server.get("/actions")
    assert listed.status == 200
    assert {a["name"] for a in listed.body} == set(DOMAIN["actions"])


def test_an_unknown_action_is_404_with_rasa_sdks_error_body(action_server: ActionServer) -> None:
    result = action_server.call("action_does_not_exist", "hi")
    assert result.status == 404
    assert result.body == {"error": "No registered action found for name 'action_does_not_exist'.", "action_name": "action_does_not_exist"}


def test_resources_load_once_per_process(action_server: ActionServer) -> None:
    for text in ("hiking boots", "a travel mug", "wireless earbuds under $80"):
        action_server.ok("action_search_products", text, intent="product_search")
    assert len(re.findall(r"shopbot actions ready in", action_server.log())) == 1


@pytest.mark.parametrize(
    ("slots", "entities"),
    [
        ({"price_max": "a lot", "product_results": "not a list", "shopbot_memory": [1, 2]}, []),
        ({"product_category": ["Shoes"], "price_min": -4, "focused_product": 12}, []),
        ({}, [{"entity": "price", "value": {"weird": True}}, {"entity": "product_category", "value": None}, {"x": 1}]),
    ],
)
def test_malformed_slots_and_entities_still_get_an_answer(
    action_server: ActionServer, slots: dict[str, object], entities: list[dict[str, object]]
) -> None:
    result = action_server.ok("action_search_products", "hiking boots", intent="product_search", slots=slots, entities=entities)
    assert result.cards, result.text
    assert "Traceback" not in result.text
