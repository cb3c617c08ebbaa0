"""NLU fixtures: the message-understanding pipeline over the session's trained model."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.nlu.entities import EntityExtractor
from bot.nlu.parser import NLU
from bot.services import load_intent_model


@pytest.fixture(scope="session")
def nlu(shipped: Settings) -> NLU:
    return NLU(load_intent_model(shipped, train_if_missing=False), EntityExtractor())
