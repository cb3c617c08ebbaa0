"""Which generator phrases answers: `auto` is templates unless a model is configured by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.services import generator_name


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, "template"),
        ({"openai_api_key": "sk-test"}, "openai"),
        ({"openai_base_url": "http://127.0.0.1:8000/v1"}, "openai"),
        ({"local_model": "smollm2"}, "local"),  # named, even if it is the packaged default
        ({"local_model_path": Path("models/my.gguf")}, "local"),
        ({"generator": "template", "openai_api_key": "sk-test"}, "template"),  # asked for by name wins
    ],
)
def test_auto_picks_a_model_only_when_one_is_configured(settings: dict[str, object], expected: str) -> None:
    assert generator_name(Settings(**settings)) == expected  # type: ignore[arg-type]


def test_a_local_model_named_in_the_environment_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPBOT_LOCAL_MODEL", "smollm2")
    assert generator_name(Settings()) == "local"
