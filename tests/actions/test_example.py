"""The example Rasa files under actions/rasa_example/ name the actions and slots the code really has."""

from __future__ import annotations

import inspect

import yaml

from actions import forms, handoff, orders, shopping, slots
from tests.actions.harness import DOMAIN, EXAMPLE


def _action_names() -> set[str]:
    names = set()
    for module in (shopping, orders, handoff, forms):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and not inspect.isabstract(cls) and hasattr(cls, "name"):
                names.add(cls().name())
    return names


def test_domain_lists_exactly_the_actions() -> None:
    assert set(DOMAIN["actions"]) == _action_names()


def test_domain_declares_every_slot_the_actions_set() -> None:
    assert set(slots.ALL_SLOTS) <= set(DOMAIN["slots"])


def test_every_form_slot_has_an_extract_and_a_validate_method() -> None:
    for slot in DOMAIN["forms"]["product_search_form"]["required_slots"]:
        assert slot in forms.FORM_SLOTS
        assert hasattr(forms.ValidateProductSearchForm, f"validate_{slot}")
        assert hasattr(forms.ValidateProductSearchForm, f"extract_{slot}")


def test_rules_and_endpoints_point_at_the_actions() -> None:
    rules = yaml.safe_load((EXAMPLE / "rules.yml").read_text())["rules"]
    used = {step["action"] for rule in rules for step in rule["steps"] if "action" in step}
    assert used - {"product_search_form"} <= set(DOMAIN["actions"])
    endpoints = yaml.safe_load((EXAMPLE / "endpoints.yml").read_text())
    assert endpoints["action_endpoint"]["url"] == "http://localhost:5055/webhook"
