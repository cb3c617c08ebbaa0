"""Batch copy and `shopbot copy`: the files a store imports, and one-line errors for bad input."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.config import load_settings
from bot.generation.backends.template import TemplateGenerator
from bot.merchant.copy_batch import (
    COLUMNS,
    CopyOutputError,
    CopySelectionError,
    open_output,
    run_batch,
    select_products,
)
from bot.merchant.copywriter import CopyRequest, CopyWriter
from retrieval.catalog import Product
from retrieval.store import CatalogStore


@pytest.fixture
def data_dir(tmp_path: Path, sample_products: list[Product]) -> Path:
    data = tmp_path / "data"
    with CatalogStore(load_settings(None, data_dir=data).catalog_db) as store:
        store.upsert_many(sample_products)
    return data


def run(data: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--data-dir", str(data), "copy", *args, "--backend", "template"])
    return result.exit_code, result.output


def test_category_selection_accepts_either_separator(data_dir: Path) -> None:
    with CatalogStore(load_settings(None, data_dir=data_dir).catalog_db) as store:
        shoes = {p.id for p in select_products(store, category="Shoes/Men")}
        assert shoes == {p.id for p in select_products(store, category="shoes > men")} == {"boot-1", "run-1"}
        with pytest.raises(CopySelectionError, match="no products in category 'Garden'; top-level categories: "):
            select_products(store, category="Garden")


async def test_batch_writes_one_row_per_variant(data_dir: Path, tmp_path: Path) -> None:
    with CatalogStore(load_settings(None, data_dir=data_dir).catalog_db) as store:
        products = select_products(store, everything=True)
    seen: list[tuple[int, int]] = []
    out = tmp_path / "copy.jsonl"
    with open_output(out) as rows:
        report = await run_batch(CopyWriter(TemplateGenerator()), products, CopyRequest("ad", variants=2), rows,
                                 lambda done, total: seen.append((done, total)))  # fmt: skip
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 2 * len(products) and report.outcomes == {"grounded": 2 * len(products)}
    assert all(tuple(row) == COLUMNS for row in lines)
    by_id = {p.id: p for p in products}
    assert all(by_id[row["product_id"]].title in row["text"] for row in lines)
    assert seen[0] == (0, len(products)) and seen[-1] == (len(products), len(products))


def test_cli_batch_writes_a_csv_a_store_can_import(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "kitchen.csv"
    code, output = run(data_dir, "--category", "Kitchen", "--kind", "email", "--variants", "2", "--out", str(out))
    assert code == 0, output
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["product_id"] for r in rows} == {"mug-1", "press-1"} and len(rows) == 4
    assert list(rows[0]) == list(COLUMNS)
    assert all(r["text"].startswith("Subject: ") and r["outcome"] == "grounded" for r in rows)
    assert "2 products" in output


def test_cli_single_product_prints_each_variant(data_dir: Path) -> None:
    code, output = run(data_dir, "buds-1", "--kind", "social", "--tone", "playful", "--variants", "2")
    assert code == 0, output
    assert output.count("[template: grounded]") == 2 and "Pulse Wireless Earbuds" in output and "$59.99" in output


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["nope-1"], "Error: no product with id 'nope-1' in the catalog"),
        (["buds-1", "--kind", "poem"], "Error: unknown kind 'poem'; use one of description, ad, social, email"),
        (["buds-1", "--max-words", "0"], "Error: max words must be a whole number from 1 to 400, not 0"),
        (
            ["--all", "--out", "/nonexistent-dir/copy.csv"],
            "Error: cannot write /nonexistent-dir/copy.csv: No such file or directory",
        ),
        (["--all", "--out", "copy.xlsx"], "Error: cannot tell the format of copy.xlsx: name it .csv or .jsonl"),
        (["--all"], "Error: a batch needs --out FILE.csv or FILE.jsonl"),
        ([], "Error: choose the products: a product id"),
    ],
)
def test_cli_bad_input_is_one_readable_line(data_dir: Path, args: list[str], says: str) -> None:
    code, output = run(data_dir, *args)
    assert code == 1 and output.startswith(says), output
    assert "Traceback" not in output and len(output.strip().splitlines()) == 1


def test_an_unwritable_path_fails_before_any_copy_is_written(tmp_path: Path) -> None:
    with pytest.raises(CopyOutputError, match="cannot write"), open_output(tmp_path / "missing" / "copy.jsonl"):
        pass
