"""`shopbot insights` as a store owner runs it, in process through click's CliRunner, on a
data dir holding the hand-written catalog of test_insights.py and the session's sentiment model."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import insights as insights_cli
from bot.cli import main
from bot.config import Settings
from bot.merchant.sentiment import sentiment_model_dir
from bot.services import open_catalog
from tests.bot.merchant.test_insights import DUFFEL, catalog

if "insights" not in main.commands:  # until bot/cli/__init__.py registers it
    insights_cli.register(main)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory, shipped: Settings) -> Path:
    data = tmp_path_factory.mktemp("insights") / "data"
    shutil.copytree(sentiment_model_dir(shipped), sentiment_model_dir(Settings(data_dir=data)))
    with open_catalog(Settings(data_dir=data)) as store:
        store.upsert_many(catalog())
    return data


def run(data: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--data-dir", str(data), "insights", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_tables_name_the_product_and_the_aspect_going_wrong(data_dir: Path) -> None:
    code, out, _ = run(data_dir)
    assert code == 0
    assert "recent: 2025-04-02 to 2025-06-30 (90 days" in out
    products, aspects = out.split("Products with the most negative recent reviews")[1].split("Aspects trending down")
    first = products.strip().splitlines()[1]  # after the column headings
    assert DUFFEL in first and "8 of 8" in first and "delivery (8)" in first
    rows = [line.split() for line in aspects.strip().splitlines()[2:]]
    assert rows[0][:5] == ["delivery", "0%", "of", "14", "44%"]  # before and after, with how many reviews
    assert "battery" not in aspects  # four reviews are not a trend


def test_json_and_svg_charts(data_dir: Path, tmp_path: Path) -> None:
    code, out, _ = run(data_dir, "--json", "--limit", "2", "--svg-dir", str(tmp_path / "charts"))
    assert code == 0
    data = json.loads(out)
    assert data["products"][0]["title"] == DUFFEL and len(data["products"]) == 2
    assert data["trending_down"][0]["aspect"] == "delivery"
    assert sorted(Path(p).name for p in data["charts"]) == ["aspects.svg", "products.svg"]
    bars = ET.parse(tmp_path / "charts" / "products.svg").getroot()
    assert DUFFEL in ["".join(t.itertext()) for t in bars.iter("{http://www.w3.org/2000/svg}text")]


def test_a_category_and_a_window_of_ones_own(data_dir: Path) -> None:
    code, out, _ = run(data_dir, "--json", "--category", "Home", "--since", "2025-06-01")
    data = json.loads(out)
    assert code == 0 and data["category"] == "Home" and data["recent"]["days"] == 30
    assert [p["product_id"] for p in data["products"]] == ["steady-0"]


def test_mistakes_get_a_message_not_a_traceback(data_dir: Path, tmp_path: Path) -> None:
    code, _, err = run(data_dir, "--days", "30", "--since", "2025-06-01")
    assert code == 2 and "give --days or --since, not both" in err
    code, _, err = run(data_dir, "--days", "0")
    assert code == 2 and "--days" in err
    code, _, err = run(data_dir, "--since", "2026-02-01")
    assert code == 1 and "after the newest review (2025-06-30)" in err
    empty = tmp_path / "empty"
    shutil.copytree(data_dir / "models", empty / "models")
    code, _, err = run(empty)
    assert code == 1 and "the catalog is empty" in err
