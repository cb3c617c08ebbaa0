"""validate_product_search_form through the real action server: extraction, validation, rejection."""

from __future__ import annotations

import pytest

from retrieval.filters import category_matches
from tests.actions.harness import ActionServer, Catalog

pytestmark = pytest.mark.slow

FORM = "product_search_form"
VALIDATE = "validate_product_search_form"


def _candidates(**slots: object) -> list[dict[str, object]]:
    """The slot events Rasa's form appends for its own mappings' candidates."""
    return [{"event": "slot", "name": k, "value": v, "timestamp": None} for k, v in slots.items()]


def test_one_message_fills_several_slots(action_server: ActionServer) -> None:
    result = action_server.ok(VALIDATE, "a dress under $60", intent="inform", active_loop=FORM, slots={"requested_slot": "product_category"})
    assert result.slots == {"product_category": "Dresses", "price_max": 60.0}


def test_a_bare_answer_fills_the_requested_slot(action_server: ActionServer) -> None:
    slots = {"requested_slot": "product_size", "product_category": "Dresses", "price_max": 60.0}
    result = action_server.ok(VALIDATE, "m", intent="inform", active_loop=FORM, slots=slots)
    assert result.slots == {"product_size": "M"}


@pytest.mark.parametrize(
    ("slot", "value", "says"),
    [
        ("product_category", "spaceships", "We don't have a category called 'spaceships'"),
        ("product_category", "boots", "Hiking Boots"),  # suggests the categories that match the word
        ("price_max", "-5", "I didn't catch a budget"),
        ("price_max", "lots", "I didn't catch a budget"),
        ("product_size", "99", "No products come in size '99'"),
        ("product_color", "ultraviolet", "No products come in 'ultraviolet'"),
    ],
)
def test_invalid_values_are_refused_with_a_reason(action_server: ActionServer, slot: str, value: str, says: str) -> None:
    domain_slots = {"requested_slot": slot, slot: value}
    result = action_server.ok(
        VALIDATE, value, intent="inform", active_loop=FORM, slots=domain_slots, events=_candidates(**{slot: value}),
        domain=_form_domain([slot]),
    )  # fmt: skip
    assert result.slots[slot] is None
    assert says in result.text


def test_a_budget_below_the_minimum_is_refused(action_server: ActionServer) -> None:
    slots = {"requested_slot": "price_max", "price_min": 50.0, "price_max": 20}
    result = action_server.ok(VALIDATE, "20", intent="inform", active_loop=FORM, slots=slots, events=_candidates(price_max=20))
    assert result.slots["price_max"] is None and "below the lowest price" in result.text


def test_a_message_that_gives_the_requested_slot_nothing_is_rejected_400(action_server: ActionServer) -> None:
    result = action_server.call(
        VALIDATE, "what is your returns policy for sale items?", intent="return_refund", active_loop=FORM,
        slots={"requested_slot": "product_size"},
    )  # fmt: skip
    assert result.status == 400
    assert result.body == {"error": f"Failed to extract slot product_size with action {VALIDATE}", "action_name": VALIDATE}


def test_search_after_the_form_uses_every_collected_slot(action_server: ActionServer, catalog: Catalog) -> None:
    slots = {"product_category": "Dresses", "price_max": 60.0, "product_size": "M", "requested_slot": None}
    events = [{"event": "active_loop", "name": None, "timestamp": None}]
    result = action_server.ok("action_search_products", "M", intent="inform", slots=slots, events=events)
    assert result.cards, result.text
    for card in result.cards:
        product = catalog.product(card["id"])
        assert product["price"] <= 60 and "M" in product["sizes"] and category_matches(product["path"], "Dresses")


def _form_domain(required: list[str]) -> dict[str, object]:
    from tests.actions.harness import DOMAIN

    return {**DOMAIN, "forms": {FORM: {"required_slots": required}}}
