"""`shopbot sentiment` and `shopbot reviews` as a store owner runs them: real processes, real models."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.bot.test_cli import shopbot

pytestmark = pytest.mark.slow

PRODUCT = {
    "id": "tm-1", "title": "TrailMax Summit Boot", "brand": "TrailMax", "price": 129.0,
    "category": "Shoes > Hiking Boots", "stock": 4, "rating": 3.7, "review_count": 3,
    "reviews": [
        {"rating": 5, "text": "Really comfortable, even after a long day.", "date": "2025-09-01"},
        {"rating": 2, "text": "Comfortable, but delivery took three weeks and the box arrived crushed.",
         "date": "2025-10-01"},
        {"rating": 4, "text": "Great grip on wet rocks. Delivery was quick.", "date": "2025-10-12"},
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, shipped) -> Path:
    folder = tmp_path_factory.mktemp("sentiment-cli")
    catalog = folder / "products.jsonl"
    catalog.write_text(json.dumps(PRODUCT) + "\n", encoding="utf-8")
    data = folder / "data"
    shutil.copytree(shipped.data_dir / "models", data / "models")
    run = shopbot(data, "catalog", "import", str(catalog))
    assert run.returncode == 0, run.stderr
    return data


def test_sentiment_labels_each_review(data_dir: Path) -> None:
    run = shopbot(data_dir, "sentiment", "Not bad at all, I'd buy it again.", "Waste of money.",
                  "Great sound, but the battery died within a week.")  # fmt: skip
    assert run.returncode == 0, run.stderr
    labels = [line.split()[0] for line in run.stdout.splitlines()]
    assert labels == ["positive", "negative", "neutral"]


def test_reviews_summarise_aspects_with_counts_and_quotes(data_dir: Path) -> None:
    run = shopbot(data_dir, "reviews", "tm-1", "--json")
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    aspects = {a["aspect"]: a for a in summary["aspects"]}
    assert summary["reviews"] == 3
    assert aspects["comfort"]["praise"]["reviews"] == 2
    assert aspects["delivery"]["complaints"]["reviews"] == 1
    assert aspects["delivery"]["complaints"]["quote"] == "delivery took three weeks and the box arrived crushed."

    text = shopbot(data_dir, "reviews", "tm-1")
    assert "TrailMax Summit Boot: 3 reviews with text" in text.stdout
    assert "comfort" in text.stdout and "“Really comfortable, even after a long day.”" in text.stdout


def test_unknown_product_is_a_one_line_error(data_dir: Path) -> None:
    run = shopbot(data_dir, "reviews", "nope")
    assert run.returncode == 1
    assert "no product 'nope' in the catalog" in run.stderr and "Traceback" not in run.stderr
