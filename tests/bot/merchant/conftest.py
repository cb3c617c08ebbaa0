"""Fixtures for the merchant tests: the real review sentiment model, loaded once."""

from __future__ import annotations

import pytest

from bot.merchant.sentiment import SentimentClassifier, sentiment_model_dir


@pytest.fixture(scope="session")
def sentiment(shipped) -> SentimentClassifier:
    """The review sentiment model this session trained (see `shipped` in tests/conftest.py)."""
    return SentimentClassifier.load(sentiment_model_dir(shipped))
