"""The `shopbot` command as a store owner runs it: real processes, a real data dir."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA

pytestmark = pytest.mark.slow


def shopbot(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPBOT_")}
    env["SHOPBOT_DATA_DIR"] = str(data_dir)
    env["SHOPBOT_MODEL_CACHE"] = os.environ["SHOPBOT_MODEL_CACHE"]  # the test's own, never the developer's
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, env=env, timeout=300
    )


GOOD = [
    {"id": "m1", "title": "Thermo Travel Mug", "price": 24, "category": "Kitchen > Mugs", "stock": 5,
     "description": "Keeps coffee hot for hours."},
    {"id": "b1", "title": "Ridge Hiking Boots", "price": 99.5, "category": "Shoes > Boots", "brand": "Ridge",
     "variants": [{"size": "9", "stock": 1}]},
    {"id": "k1", "title": "Chef Knife 8 inch", "price": 45, "category": "Kitchen > Knives", "stock": 0},
]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("cli")
    catalog = folder / "products.jsonl"
    lines = [json.dumps(p) for p in GOOD]
    lines.insert(1, '{"id": "bad", "title": "Broken", "price": -3}')
    catalog.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder / "data", catalog


def test_import_reports_counts_and_names_the_bad_line(workspace) -> None:
    data, catalog = workspace
    run = shopbot(data, "catalog", "import", str(catalog))
    assert run.returncode == 0, run.stderr
    assert "imported 3, updated 0, unchanged 0, rejected 1" in run.stdout
    assert f"{catalog}:2: price:" in run.stderr
    assert "index: 3 products" in run.stdout


def test_strict_import_writes_nothing(workspace, tmp_path: Path) -> None:
    data, _ = workspace
    bad = tmp_path / "more.jsonl"
    bad.write_text(json.dumps({"id": "x1", "title": "Lamp", "price": 5}) + "\n{not json\n", encoding="utf-8")
    run = shopbot(data, "catalog", "import", str(bad), "--strict")
    assert run.returncode == 1 and "nothing imported" in run.stderr and "Traceback" not in run.stderr
    stats = json.loads(shopbot(data, "catalog", "stats", "--json").stdout)
    assert stats["products"] == 3


def test_search_json_respects_filters(workspace) -> None:
    data, _ = workspace
    run = shopbot(data, "search", "something for coffee", "--json", "--k", "3")
    hits = json.loads(run.stdout)
    assert hits[0]["id"] == "m1"
    assert {"id", "title", "price", "currency", "category", "in_stock", "score"} <= set(hits[0])
    run = shopbot(data, "search", "kitchen", "--in-stock", "--json")
    ids = [h["id"] for h in json.loads(run.stdout)]
    assert ids[0] == "m1" and "k1" not in ids  # the knife is out of stock


def test_bad_filters_and_files_get_a_message_not_a_traceback(workspace, tmp_path: Path) -> None:
    data, _ = workspace
    run = shopbot(data, "search", "boots", "--min-price", "50", "--max-price", "10")
    assert run.returncode == 2 and "min_price (50.0) is above max_price (10.0)" in run.stderr
    run = shopbot(data, "catalog", "import", str(tmp_path / "missing.csv"))
    assert run.returncode == 1 and "Traceback" not in run.stderr and "missing.csv" in run.stderr
    (tmp_path / "notes.txt").write_text("id,title\n", encoding="utf-8")
    run = shopbot(data, "catalog", "import", str(tmp_path / "notes.txt"))
    assert run.returncode == 1 and "format" in run.stderr


def test_second_index_build_reuses_the_saved_index(workspace) -> None:
    data, _ = workspace
    run = shopbot(data, "index", "build")
    assert run.returncode == 0 and "up to date" in run.stdout and "encoded 0" in run.stdout


def test_delete_removes_from_search(workspace) -> None:
    data, _ = workspace
    assert "deleted 1 of 1" in shopbot(data, "catalog", "delete", "k1").stdout
    hits = json.loads(shopbot(data, "search", "chef knife", "--json").stdout)
    assert "k1" not in [h["id"] for h in hits]


@pytest.mark.skipif(not (SHARED_DATA / "dummyjson_products.json").exists(), reason="shared data absent")
def test_third_party_dummyjson_catalog_imports_and_searches(tmp_path: Path) -> None:
    data = tmp_path / "data"
    run = shopbot(data, "catalog", "import", str(SHARED_DATA / "dummyjson_products.json"))
    assert "imported 194" in run.stdout and "rejected 0" in run.stdout
    hits = json.loads(shopbot(data, "search", "lipstick", "--json", "--category", "beauty").stdout)
    assert hits and all(h["category"].lower().startswith("beauty") for h in hits)
