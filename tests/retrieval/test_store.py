"""The SQLite catalog: all-or-nothing writes, counts, deletes, filter columns."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval.catalog import Product
from retrieval.store import CatalogStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CatalogStore]:
    with CatalogStore(tmp_path / "catalog.db") as s:
        yield s


def test_upsert_counts_inserted_updated_unchanged(store: CatalogStore, sample_products: list[Product]) -> None:
    assert store.upsert_many(sample_products).inserted == len(sample_products)
    changed = sample_products[0].model_copy(update={"price": 79.99})
    counts = store.upsert_many([changed, sample_products[1]])
    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 1, 1)
    assert store.get("boot-1").price == 79.99  # type: ignore[union-attr]


def test_failed_import_leaves_the_previous_catalog_untouched(store: CatalogStore, sample_products: list[Product]) -> None:
    store.upsert_many(sample_products[:2])
    version = store.version

    def broken() -> Iterator[Product]:
        yield sample_products[2]
        raise OSError("disk went away mid-import")

    with pytest.raises(OSError):
        store.upsert_many(broken())
    assert store.count() == 2 and store.get("run-1") is None
    assert store.version == version


def test_data_survives_reopening(tmp_path: Path, sample_products: list[Product]) -> None:
    with CatalogStore(tmp_path / "c.db") as s:
        s.upsert_many(sample_products)
    with CatalogStore(tmp_path / "c.db") as s:
        assert s.count() == len(sample_products)
        assert s.get("buds-1") == sample_products[5]


def test_delete_reports_what_existed(store: CatalogStore, sample_products: list[Product]) -> None:
    store.upsert_many(sample_products)
    assert store.delete(["buds-1", "no-such-id"]) == 1
    assert store.get("buds-1") is None and store.count() == len(sample_products) - 1


def test_filter_columns_carry_stock_by_size(store: CatalogStore, sample_products: list[Product]) -> None:
    store.upsert_many(sample_products)
    boot = next(r for r in store.filter_rows() if r.id == "boot-1")
    assert boot.sizes == ("10", "9") and boot.sizes_in_stock == ("9",) and boot.brand == "trailmax"
