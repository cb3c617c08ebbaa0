"""Shared fixtures: one real encoder per session, a fresh data dir per test, sample products."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval.catalog import Product

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session", autouse=True)
def _isolated_model_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Session and module fixtures (built before each test's own env) never touch the
    developer's model cache (~/.cache/shopbot) either."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SHOPBOT_MODEL_CACHE", str(tmp_path_factory.mktemp("model-cache")))
        yield


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test sees the developer's SHOPBOT_* settings; each gets its own data dir and an
    empty model cache of its own."""
    for key in list(os.environ):
        if key.startswith("SHOPBOT_") or key == "OPENAI_API_KEY":
            monkeypatch.delenv(key)
    monkeypatch.setenv("SHOPBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SHOPBOT_MODEL_CACHE", str(tmp_path / "model-cache"))
    yield


@pytest.fixture(scope="session")
def encoder():
    """The real packaged sentence encoder, loaded once."""
    from retrieval.embeddings import SentenceTransformerEncoder

    return SentenceTransformerEncoder()


def make_product(pid: str, title: str, **fields: object) -> Product:
    """A product with sensible defaults for the fields a test does not care about."""
    fields.setdefault("price", 10.0)
    return Product(id=pid, title=title, **fields)


@pytest.fixture(scope="session")
def sample_products() -> list[Product]:
    """A small hand-written catalog spanning the filterable facts."""
    return [
        make_product(
            "boot-1", "TrailMax Waterproof Hiking Boots", brand="TrailMax", price=89.99,
            category="Shoes > Men > Hiking Boots", rating=4.6,
            description="Leather hiking boots with a waterproof membrane and a grippy sole.",
            variants=[{"size": "9", "color": "brown", "stock": 3}, {"size": "10", "color": "brown", "stock": 0}],
        ),
        make_product(
            "boot-2", "Summit Lightweight Hiking Boots", brand="Summit", price=129.0,
            category="Shoes > Women > Hiking Boots", rating=4.1,
            description="Breathable mesh boots for long day hikes.",
            variants=[{"size": "7", "color": "grey", "stock": 5}, {"size": "8", "color": "grey", "stock": 2}],
        ),
        make_product(
            "run-1", "Stride Road Running Shoes", brand="Stride", price=74.5,
            category="Shoes > Men > Running Shoes", rating=4.3, attributes={"color": "red"},
            description="Cushioned sneakers for daily road runs.", stock=12,
        ),
        make_product(
            "mug-1", "Thermo Travel Mug 16 oz", brand="Kettleby", price=24.0,
            category="Kitchen > Coffee & Tea > Travel Mugs", rating=4.8, attributes={"color": "black"},
            description="Vacuum insulated stainless steel mug that keeps coffee hot for 6 hours.", stock=0,
        ),
        make_product(
            "press-1", "Kettleby French Press 1 L", brand="Kettleby", price=32.0,
            category="Kitchen > Coffee & Tea > French Presses", rating=3.9,
            description="Glass coffee press with a steel mesh filter.", stock=8,
        ),
        make_product(
            "buds-1", "Pulse Wireless Earbuds", brand="Pulse", price=59.99, compare_at_price=79.99,
            category="Electronics > Audio > Wireless Earbuds", rating=4.0,
            attributes={"color": "white", "battery_life_hours": "8", "noise_cancelling": "yes"},
            description="Bluetooth earbuds with active noise cancelling and a charging case.", stock=40,
        ),
        make_product(
            "tee-1", "Everyday Cotton T-Shirt", brand="Loom & Co", price=15.0,
            category="Apparel > Men > T-Shirts", rating=None,
            description="Soft organic cotton crew neck tee.",
            variants=[
                {"size": "M", "color": "navy", "stock": 4},
                {"size": "L", "color": "gray", "stock": 0},
            ],
        ),
        make_product(
            "lamp-1", "Arc Floor Lamp", brand="Lumen", price=149.0, category="Home > Lighting > Floor Lamps",
            rating=4.4, description="Tall arched lamp with a linen shade for reading corners.",
        ),
    ]


@pytest.fixture(scope="session")
def shipped(tmp_path_factory):
    """Settings whose data dir holds the real intent and review sentiment models, trained
    once per test session.

    SHOPBOT_TEST_MODEL_CACHE=DIR (`make test` sets it to the machine's shared model cache)
    keeps the trained models in DIR and reuses them while their training data and recipe are
    unchanged, so repeated runs skip the ~8 minutes of training. DIR is a model cache
    (DIR/intent/<key>); models an older version kept as a data dir (DIR/models/intent) are
    still used. Unset, the models are trained afresh for the session.
    """
    import shutil

    from bot.config import Settings
    from bot.merchant.sentiment import (
        load_sentiment_model, locate_sentiment_model, sentiment_model_dir, train_sentiment_model,
    )  # fmt: skip
    from bot.services import intent_model_dir, load_intent_model, locate_intent_model, train_intent_model

    settings = Settings(data_dir=tmp_path_factory.mktemp("nlu") / "data")
    cache = os.environ.get("SHOPBOT_TEST_MODEL_CACHE")
    if not cache:
        train_intent_model(settings)
        train_sentiment_model(settings)
        return settings
    cached = Settings(data_dir=Path(cache), model_cache=Path(cache))
    load_intent_model(cached)  # trains only when missing or stale
    load_sentiment_model(cached)
    shutil.copytree(locate_intent_model(cached), intent_model_dir(settings))  # type: ignore[arg-type]
    shutil.copytree(locate_sentiment_model(cached), sentiment_model_dir(settings))  # type: ignore[arg-type]
    return settings
