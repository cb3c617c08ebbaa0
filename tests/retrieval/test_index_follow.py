"""A running search follows the catalog: an import elsewhere publishes a new index version,
and the search loads it between queries, never under one; processes starting together on
one data dir encode it once."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest

from retrieval.indexing import current_version, sync_index
from retrieval.search import ProductSearch
from retrieval.store import CatalogStore
from tests.conftest import make_product

pytestmark = pytest.mark.slow


def _import(folder: Path, products, encoder) -> None:
    """What `shopbot import` does in another process: write the catalog, publish an index."""
    store = CatalogStore(folder / "catalog.db")
    try:
        store.upsert_many(products)
        sync_index(store, encoder, folder / "index")
    finally:
        store.close()


def _serving(folder: Path, encoder) -> ProductSearch:
    """What a server process holds: the catalog opened and the published index loaded."""
    store = CatalogStore(folder / "catalog.db")
    index, _ = sync_index(store, encoder, folder / "index")
    return ProductSearch(store, index, encoder, index_root=folder / "index")


def test_a_newly_imported_product_is_found_after_reload_without_a_restart(tmp_path: Path, encoder, sample_products) -> None:
    _import(tmp_path, sample_products, encoder)
    search = _serving(tmp_path, encoder)
    try:
        assert not search.search("inflatable stand-up paddle board", k=3, mode="lexical")
        assert search.reload() is False  # nothing new published

        kayak = make_product("sup-1", "Wavecrest Inflatable Stand-Up Paddle Board", brand="Wavecrest", price=349.0,
                             category="Sports > Water Sports > Paddle Boards")  # fmt: skip
        _import(tmp_path, [*sample_products, kayak], encoder)

        # Until it looks, the process serves what it loaded; then the new product is there.
        assert "sup-1" not in [h.product.id for h in search.search("paddle board", k=3)]
        assert search.reload() is True
        assert search.version == current_version(tmp_path / "index")
        hits = search.search("inflatable paddle board", k=3)
        assert hits and hits[0].product.id == "sup-1" and hits[0].product.price == 349.0
        assert search.count() == len(sample_products) + 1
    finally:
        search.store.close()


def test_searches_running_while_a_new_version_is_swapped_in_never_fail(tmp_path: Path, encoder, sample_products) -> None:
    _import(tmp_path, sample_products, encoder)
    search = _serving(tmp_path, encoder)
    failures: list[BaseException] = []
    done = threading.Event()

    def shop() -> None:
        while not done.is_set():
            try:
                for query in ("hiking boots", "coffee mug", "dress"):
                    search.search(query, k=5)
                    search.count()
            except BaseException as exc:  # every failure is the finding
                failures.append(exc)
                return

    shoppers = [threading.Thread(target=shop) for _ in range(3)]
    for thread in shoppers:
        thread.start()
    try:
        # Each round publishes a catalog with a different number of products (rows move).
        for n in range(1, 6):
            extra = [make_product(f"x{n}-{i}", f"Extra Camping Lantern {n}-{i}", price=20.0 + i) for i in range(n * 3)]
            _import(tmp_path, [*sample_products, *extra], encoder)
            assert search.reload() is True
    finally:
        done.set()
        for thread in shoppers:
            thread.join()
        search.store.close()
    assert not failures, failures[0]


def _start(folder: str) -> str:
    """A server process starting on the data dir: bring the index up to date; what it did."""
    from retrieval.embeddings import SentenceTransformerEncoder

    store = CatalogStore(Path(folder) / "catalog.db")
    try:
        _, report = sync_index(store, SentenceTransformerEncoder(), Path(folder) / "index")
        return report.reason
    finally:
        store.close()


def test_processes_starting_together_encode_the_catalog_once(tmp_path: Path, sample_products) -> None:
    store = CatalogStore(tmp_path / "catalog.db")
    store.upsert_many(sample_products)  # imported, never indexed
    store.close()
    with multiprocessing.get_context("spawn").Pool(3) as pool:
        reasons = pool.map(_start, [str(tmp_path)] * 3)
    assert sorted(reasons) == ["no saved index", "up to date", "up to date"]
    assert [p.name for p in (tmp_path / "index").glob("v*")] == ["v1"]
