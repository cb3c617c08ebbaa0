"""The SQLite catalog: all-or-nothing writes, counts, deletes, full-text search kept in step."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval.catalog import Product
from retrieval.lexical import LexicalIndex, query_terms
from retrieval.store import CatalogStore
from tests.conftest import make_product


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


def test_full_text_follows_updates_and_deletes(store: CatalogStore, sample_products: list[Product]) -> None:
    store.upsert_many(sample_products)
    lexical = LexicalIndex(store)
    assert lexical.search("earbuds")[0][0] == "buds-1"
    store.upsert_many([sample_products[5].model_copy(update={
        "title": "Pulse Wireless Headphones", "description": "Over-ear.", "category": ["Electronics", "Headphones"]})])
    assert "buds-1" not in [pid for pid, _ in lexical.search("earbuds")]
    assert store.delete(["buds-1", "no-such-id"]) == 1
    assert lexical.search("headphones") == []


def test_lexical_matches_stems_and_ignores_operators(store: CatalogStore, sample_products: list[Product]) -> None:
    store.upsert_many(sample_products)
    lexical = LexicalIndex(store)
    assert lexical.search("hiking boot")[0][0] in {"boot-1", "boot-2"}  # "boot" finds "Boots"
    assert lexical.search('boots" OR NEAR(') != []  # shopper text is never FTS syntax
    assert query_terms("I'm looking for a red dress under 50") == ["red", "dress"]
    assert lexical.search("the and of") == []
