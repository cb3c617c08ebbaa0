"""NLU fixtures: the real intent model, trained once per test session from the shipped data."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.nlu.entities import EntityExtractor
from bot.nlu.parser import NLU
from bot.services import load_intent_model, train_intent_model


@pytest.fixture(scope="session")
def shipped(tmp_path_factory) -> Settings:
    """The real model, trained once per test session from the shipped data."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("nlu") / "data")
    train_intent_model(settings)
    return settings


@pytest.fixture(scope="session")
def nlu(shipped: Settings) -> NLU:
    return NLU(load_intent_model(shipped, train_if_missing=False), EntityExtractor())
