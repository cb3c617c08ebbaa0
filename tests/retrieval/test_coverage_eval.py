"""`shopbot eval coverage` as a store owner reads it: what the store carries, whether the
assistant knows, and whether the cards shown are what was asked for."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from retrieval.catalog import Product
from retrieval.coverage_eval import CoverageReport, Probe, catalog_types, evaluate_coverage
from retrieval.indexing import sync_index
from retrieval.search import ProductSearch
from retrieval.store import CatalogStore
from tests.conftest import make_product

pytestmark = pytest.mark.slow


def _extra() -> list[Product]:
    return [
        make_product("phone-1", "Pixora Nova 5", category="Electronics > Smartphones", brand="Pixora"),
        make_product("phone-2", "Pixora Smart Nova 6", category="Electronics > Smartphones", brand="Pixora"),
        make_product("cable-1", "Optical Audio Cable (for Xbox, PlayStation)", category="Electronics > Cables"),
        make_product("ball-1", "Golf Ball Set of 12", category="Sports > Golf Balls"),
    ]


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory, encoder, sample_products) -> Path:
    data = tmp_path_factory.mktemp("coverage-eval") / "data"
    store = CatalogStore(data / "catalog.db")
    store.upsert_many([*sample_products, *_extra()])
    sync_index(store, encoder, data / "index")
    store.close()
    return data


@pytest.fixture(scope="module")
def search(store_dir: Path, encoder) -> Iterator[ProductSearch]:
    store = CatalogStore(store_dir / "catalog.db")
    index, _ = sync_index(store, encoder, store_dir / "index")
    yield ProductSearch(store, index, encoder)
    store.close()


COMMON = ("phones", "golf clubs", "PlayStation", "kayaks", "boots", "hiking boots", "sweaters", "earbuds")


def test_the_catalog_says_what_it_carries_and_the_assistant_agrees(search: ProductSearch) -> None:
    report = evaluate_coverage(search, "small", COMMON)
    truth = {p.type: p.carried for p in report.probes if p.source == "common"}
    # "phones" are named by the Smartphones category; a golf ball is no golf club; a cable for a
    # PlayStation is no PlayStation.
    assert truth == {"phones": True, "golf clubs": False, "PlayStation": False, "kayaks": False, "boots": True,
                     "hiking boots": True, "sweaters": False, "earbuds": True}  # fmt: skip
    assert all(p.carried for p in report.probes if p.source == "catalog")
    assert report.precision == 1.0 and report.recall == 1.0
    # No card is shown for a type the store does not sell; the cards shown are what was asked for.
    assert all(not p.cards for p in report.probes if not p.decided)
    assert report.relevant_share >= 0.9


def test_catalog_types_are_its_category_leaves_and_frequent_title_nouns(search: ProductSearch) -> None:
    types = catalog_types(search.store.filter_rows(), search)
    assert {"hiking boots", "running shoes", "travel mugs", "smartphones", "golf balls"} <= set(types)
    assert "pixora" not in types  # a brand is not a kind of product


def test_precision_recall_and_the_relevant_share() -> None:
    report = CoverageReport("s", 10, [
        Probe("tents", "catalog", True, True, "word", ("Tent A", "Tent B"), 2),
        Probe("phones", "common", True, False),
        Probe("kayaks", "common", False, True, "meaning", ("Paddle", "Tent A"), 0),
        Probe("guitars", "common", False, False),
    ])  # fmt: skip
    assert report.precision == 0.5 and report.recall == 0.5 and report.relevant_share == 0.5
    assert [p.type for p in report.errors()[0]] == ["kayaks"] and [p.type for p in report.errors()[1]] == ["phones"]


def test_the_command_scores_each_store_it_is_given(store_dir: Path) -> None:
    from bot.cli import main

    result = CliRunner().invoke(main, ["eval", "coverage", "--store", f"small={store_dir}", "--json"])
    assert result.exit_code == 0, result.output
    [report] = json.loads(result.stdout)
    assert report["store"] == "small" and report["products"] == 12
    assert 0 <= report["precision"] <= 1 and 0 <= report["recall"] <= 1 and report["cards"] > 0
    bad = CliRunner().invoke(main, ["eval", "coverage", "--store", "no-folder"])
    assert bad.exit_code == 2 and "NAME=DIR" in bad.output
