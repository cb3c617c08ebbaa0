"""The FAISS vector index: filtered search, tombstones, and when a sync re-encodes or rebuilds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrieval.index import VectorIndex
from retrieval.indexing import SearchIndex, sync_index
from retrieval.store import CatalogStore


def _unit(rows: int, dim: int = 16, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(rows, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_nearest_neighbour_and_masks(kind: str) -> None:
    vectors = _unit(5000)
    index = VectorIndex(16, kind, "m")  # type: ignore[arg-type]
    ids = [f"p{i}" for i in range(5000)]
    index.upsert(ids, vectors, ["fp"] * 5000)
    rows = index.search(vectors[42], 5)
    assert rows[0][0] == 42 and rows[0][1] == pytest.approx(1.0, abs=1e-4)
    # A broad mask goes through the FAISS selector, a narrow one through exact scoring.
    for allowed_share in (0.5, 0.01):
        allowed = np.random.default_rng(1).random(5000) < allowed_share
        hits = index.search(vectors[42], 20, allowed=allowed)
        assert hits and all(allowed[r] for r, _ in hits)


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_upsert_replaces_and_remove_hides(kind: str) -> None:
    vectors = _unit(300)
    index = VectorIndex(16, kind, "m")  # type: ignore[arg-type]
    index.upsert([f"p{i}" for i in range(300)], vectors, ["a"] * 300)
    index.upsert(["p7"], vectors[8:9], ["b"])  # p7 now looks like p8
    assert len(index) == 300 and index.n_rows == 301
    found = {index.row_ids[r] for r, _ in index.search(vectors[8], 2)}
    assert found == {"p7", "p8"}
    assert index.remove(["p8", "missing"]) == 1
    assert "p8" not in {index.row_ids[r] for r, _ in index.search(vectors[8], 10)}


@pytest.mark.slow
def test_sync_encodes_only_what_changed(tmp_path: Path, encoder, sample_products) -> None:
    store = CatalogStore(tmp_path / "c.db")
    store.upsert_many(sample_products)
    root = tmp_path / "index"
    _, first = sync_index(store, encoder, root)
    assert (first.rebuilt, first.encoded, first.total) == (True, len(sample_products), len(sample_products))
    _, again = sync_index(store, encoder, root)
    assert (again.rebuilt, again.encoded) == (False, 0)
    store.upsert_many([sample_products[0].model_copy(update={"title": "TrailMax Alpine Boots"}),
                       sample_products[1].model_copy(update={"price": 1.0})])  # price is not searchable text
    store.delete(["lamp-1"])
    _, third = sync_index(store, encoder, root)
    assert (third.rebuilt, third.encoded, third.removed) == (False, 1, 1)
    _, kind_change = sync_index(store, encoder, root, kind="hnsw")
    assert kind_change.rebuilt and kind_change.kind == "hnsw" and kind_change.encoded == 0


@pytest.mark.slow
def test_sync_rebuilds_when_the_model_changes(tmp_path: Path, encoder, sample_products) -> None:
    store = CatalogStore(tmp_path / "c.db")
    store.upsert_many(sample_products)
    sync_index(store, encoder, tmp_path / "index")
    saved = SearchIndex.load(tmp_path / "index")
    saved.vectors.model_id = "another-model:123"
    saved.save(tmp_path / "index")
    _, report = sync_index(store, encoder, tmp_path / "index")
    assert report.rebuilt and "model changed" in report.reason


@pytest.mark.parametrize(("source", "target"), [("flat", "hnsw"), ("hnsw", "flat")])
def test_clone_as_another_kind_keeps_rows_and_tombstones(source: str, target: str) -> None:
    vectors = _unit(400)
    index = VectorIndex(16, source, "m")  # type: ignore[arg-type]
    index.upsert([f"p{i}" for i in range(400)], vectors, ["fp"] * 400)
    index.remove(["p5"])
    twin = index.clone_as(target)  # type: ignore[arg-type]
    assert twin.kind == target and len(twin) == 399 and twin.n_rows == 400
    assert twin.search(vectors[9], 1)[0][0] == 9
    assert 5 not in [r for r, _ in twin.search(vectors[5], 5)]
