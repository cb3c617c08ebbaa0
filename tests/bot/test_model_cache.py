"""Trained models are shared by every data dir (bot/model_cache.py): a new catalog's data dir
needs no training when the training data is the same.

The models are the session's real ones (`shipped`). Where a test needs training to happen,
the 4-minute fine-tuning loop is replaced by one that hands back the shipped model after
three progress steps, so "trained or not" shows as steps, the way a user sees the progress bar.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bot.config import Settings
from bot.merchant.sentiment import (
    cached_sentiment_model_dir, load_sentiment_model, locate_sentiment_model, sentiment_model_dir,
)  # fmt: skip
from bot.model_cache import publish
from bot.nlu.intent import IntentClassifier
from bot.services import cached_intent_model_dir, intent_model_dir, load_intent_model, locate_intent_model
from tests.conftest import make_product

pytestmark = pytest.mark.slow  # loads the real models


def _steps() -> tuple[list[int], Callable[[int, int], None]]:
    seen: list[int] = []
    return seen, lambda step, total: seen.append(step)


@pytest.fixture
def fake_training(shipped: Settings, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Intent training that takes three steps and returns the shipped model; lists each run."""
    runs: list[str] = []
    model = IntentClassifier.load(intent_model_dir(shipped))

    def train(examples: Any, base: Path, config: Any = None, progress: Any = None) -> IntentClassifier:
        runs.append(str(base))
        for step in (1, 2, 3):
            progress(step, 3)
        return model

    monkeypatch.setattr("bot.services.train", train)
    # Scoring the held-out split is part of training too; the shipped model's figures stand.
    monkeypatch.setattr("bot.nlu.evaluation.score", lambda *a, **k: SimpleNamespace(accuracy=0.97, macro_f1=0.96))
    return runs


def test_the_first_data_dir_trains_into_the_cache_and_the_next_one_reuses_it(
    tmp_path: Path, fake_training: list[str]
) -> None:
    cache = tmp_path / "cache"
    first = Settings(data_dir=tmp_path / "store-a", model_cache=cache)
    steps, progress = _steps()
    load_intent_model(first, progress=progress)
    assert steps == [1, 2, 3] and len(fake_training) == 1
    folder = cached_intent_model_dir(first)
    assert folder.parent == cache / "intent" and (folder / "shopbot_intent.json").is_file()
    assert not intent_model_dir(first).exists()  # nothing per data dir
    assert [p.name for p in folder.parent.iterdir()] == [folder.name]  # no staging folders left behind

    second = Settings(data_dir=tmp_path / "store-b", model_cache=cache)
    steps, progress = _steps()
    model = load_intent_model(second, progress=progress)
    assert steps == [] and len(fake_training) == 1  # no training the second time
    assert locate_intent_model(second) == folder
    assert model.predict(["where is my order #48213?"])[0].intent == "order_status"


def test_a_model_in_the_data_dir_still_loads_and_wins_over_the_cache(shipped: Settings, tmp_path: Path) -> None:
    old = Settings(data_dir=tmp_path / "data", model_cache=tmp_path / "cache")
    shutil.copytree(intent_model_dir(shipped), intent_model_dir(old))  # where older versions kept it
    steps, progress = _steps()
    load_intent_model(old, progress=progress)
    assert steps == [] and locate_intent_model(old) == intent_model_dir(old)
    assert not (tmp_path / "cache").exists()


def test_a_data_dir_model_trained_on_other_data_gives_way_to_the_cache(shipped: Settings, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", model_cache=tmp_path / "cache")
    stale = intent_model_dir(settings)
    shutil.copytree(intent_model_dir(shipped), stale)
    meta = json.loads((stale / "shopbot_intent.json").read_text())
    (stale / "shopbot_intent.json").write_text(json.dumps({**meta, "data_hash": "0123456789abcdef"}))
    shutil.copytree(intent_model_dir(shipped), cached_intent_model_dir(settings))
    assert locate_intent_model(settings) == cached_intent_model_dir(settings)


def test_the_sentiment_model_is_shared_the_same_way(shipped: Settings, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", model_cache=tmp_path / "cache")
    assert locate_sentiment_model(settings) is None
    shutil.copytree(sentiment_model_dir(shipped), cached_sentiment_model_dir(settings))
    assert locate_sentiment_model(settings) == cached_sentiment_model_dir(settings)
    model = load_sentiment_model(settings, train_if_missing=False)
    assert model.predict(["It broke after two days, a waste of money."])[0].label == "negative"


def test_a_key_of_its_own_for_another_base_model(tmp_path: Path) -> None:
    packaged = Settings(data_dir=tmp_path / "data", model_cache=tmp_path / "cache")
    other = packaged.model_copy(update={"model_path": tmp_path / "my-encoder"})
    assert cached_intent_model_dir(packaged).parent == cached_intent_model_dir(other).parent
    assert cached_intent_model_dir(packaged) != cached_intent_model_dir(other)


def test_publishing_over_a_copy_another_process_just_wrote_keeps_a_whole_model(tmp_path: Path) -> None:
    target = tmp_path / "intent" / "abc"

    def save(folder: Path, text: str) -> None:
        folder.mkdir(parents=True)
        (folder / "weights").write_text(text)

    publish(lambda f: save(f, "first"), target)
    publish(lambda f: save(f, "second"), target)
    assert (target / "weights").read_text() == "second"
    assert sorted(p.name for p in target.parent.iterdir()) == ["abc"]


def test_setup_of_a_new_catalog_reuses_the_cached_models(shipped: Settings, tmp_path: Path) -> None:
    from retrieval.store import CatalogStore

    cache = Path(os.environ["SHOPBOT_MODEL_CACHE"])  # this test's own (tests/conftest.py)
    earlier = Settings(data_dir=tmp_path / "earlier", model_cache=cache)
    # What an earlier `shopbot setup` on another data dir left in the cache.
    shutil.copytree(intent_model_dir(shipped), cached_intent_model_dir(earlier))
    shutil.copytree(sentiment_model_dir(shipped), cached_sentiment_model_dir(earlier))
    data = tmp_path / "new-store"
    with CatalogStore(data / "catalog.db") as store:
        store.upsert_many([make_product("mug-1", "Thermo Travel Mug", category="Kitchen > Mugs", stock=3)])

    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPBOT_")}
    env.update(SHOPBOT_DATA_DIR=str(data), SHOPBOT_MODEL_CACHE=str(cache))
    run = subprocess.run([sys.executable, "-m", "bot", "setup"], capture_output=True, text=True, env=env, timeout=600)

    assert run.returncode == 0, run.stderr
    assert "intent model: held-out accuracy" in run.stdout
    assert f"(reused from {cached_intent_model_dir(earlier)})" in run.stdout
    assert f"(reused from {cached_sentiment_model_dir(earlier)})" in run.stdout
    assert "training" not in run.stderr  # no progress bar: nothing was trained
    assert not (data / "models").exists()
