"""`shopbot search` output on a catalog imported in rupees: the store's money, honest stock words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bot.test_cli import shopbot

pytestmark = pytest.mark.slow

RUPEE_PRODUCTS = [
    {"id": "c1", "title": "Braided USB C Cable", "price": 179, "compare_at_price": 299, "category": "Cables"},  # no stock
    {"id": "c2", "title": "Micro USB Cable", "price": 249, "category": "Cables", "stock": 0},
    {"id": "p1", "title": "Folding Smartphone Cable Kit", "price": 129999, "category": "Cables", "stock": 4},
]


def test_search_shows_rupees_and_says_when_stock_is_unknown(tmp_path: Path) -> None:
    catalog = tmp_path / "products.jsonl"
    catalog.write_text("\n".join(json.dumps(p) for p in RUPEE_PRODUCTS) + "\n", encoding="utf-8")
    data = tmp_path / "data"
    run = shopbot(data, "catalog", "import", str(catalog), "--currency", "INR")
    assert run.returncode == 0, run.stderr
    run = shopbot(data, "search", "cable", "--k", "3")
    assert run.returncode == 0, run.stderr
    lines = {line.split("[")[-1].rstrip("]"): line for line in run.stdout.splitlines() if line.strip()}
    assert "— ₹179 · stock unknown ·" in lines["c1"]  # the catalog gives no stock: no "in stock" guess
    assert "— ₹249 · out of stock ·" in lines["c2"]
    assert "— ₹1,29,999 · in stock ·" in lines["p1"]
    assert "INR" not in run.stdout
