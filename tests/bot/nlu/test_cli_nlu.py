"""`shopbot nlu` and `shopbot eval nlu` as a store owner runs them (real processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Settings
from bot.nlu.outliers import DETECTORS
from bot.nlu.source_labels import SOURCES
from bot.nlu.sources import SHARED_NLU

pytestmark = pytest.mark.slow


def shopbot(settings: Settings, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPBOT_")}
    env["SHOPBOT_DATA_DIR"] = str(settings.data_dir)
    env["SHOPBOT_MODEL_CACHE"] = os.environ["SHOPBOT_MODEL_CACHE"]  # the test's own, never the developer's
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True, env=env, timeout=600
    )


def test_nlu_json_shows_intent_ranking_and_entity_spans(shipped: Settings) -> None:
    text = "do you have red running shoes under $80 in size 10?"
    run = shopbot(shipped, "nlu", text, "--json")
    assert run.returncode == 0, run.stderr
    parse = json.loads(run.stdout)
    assert parse["intent"] == "product_search" and len(parse["ranking"]) == 3
    found = {e["type"]: e for e in parse["entities"]}
    assert found["price"]["value"]["max"] == 80.0
    assert found["color"]["value"] == "red" and found["size"]["value"] == "10"
    for e in parse["entities"]:
        assert text[e["start"] : e["end"]]  # spans point into the message


def test_batch_writes_one_json_line_per_input_line_in_order(shipped: Settings, tmp_path: Path) -> None:
    lines = ["where is my order #48213", "", "thanks!", "🙂", "cancel it please"]
    batch = tmp_path / "messages.txt"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = shopbot(shipped, "nlu", "--batch", str(batch))
    out = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(out) == len(lines)
    assert out[0]["intent"] == "order_status" and out[0]["entities"][0]["value"] == "48213"
    assert out[1]["intent"] == out[3]["intent"] == "out_of_scope"
    assert out[2]["intent"] == "thanks"


def test_nlu_needs_text_or_batch(shipped: Settings) -> None:
    run = shopbot(shipped, "nlu")
    assert run.returncode == 2 and "give either TEXT or --batch FILE" in run.stderr


def test_eval_nlu_reports_model_and_baseline_and_draws_the_matrix(shipped: Settings) -> None:
    run = shopbot(shipped, "eval", "nlu", "--json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["model"]["accuracy"] > report["baseline"]["accuracy"]
    png = Path(report["confusion_png"])
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if SHARED_NLU.is_dir():
        # Every third-party development split, scored for the model, the baseline and each detector.
        dev = report["dev"]
        assert set(dev["model"]) == set(dev["baseline"]) == {s.name for s in SOURCES} | {"all"}
        assert set(dev["detectors"]) == set(DETECTORS)
        # On text nobody on the team wrote, every split is mostly understood and little that a
        # shop can help with is turned away (the bar is 0.90; a margin for retraining).
        assert all(dev["model"][name]["accuracy"] >= 0.85 for name in dev["model"])
        assert dev["model"]["all"]["out_of_scope_precision"] >= 0.95
        # Shoppers' own product searches and questions: better than word overlap.
        for name in ("wands", "subjqa"):
            assert dev["model"][name]["accuracy"] > dev["baseline"][name]["accuracy"]
        assert report["context"]["turns"] > 0
