"""The FAISS vector index: filtered search, tombstones, atomic versioned saves, rebuild triggers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrieval.errors import IndexStateError
from retrieval.index import VectorIndex
from retrieval.indexing import sync_index
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


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    vectors = _unit(50)
    index = VectorIndex(16, "hnsw", "model-a")
    index.upsert([f"p{i}" for i in range(50)], vectors, [str(i) for i in range(50)])
    index.remove(["p3"])
    index.save(tmp_path / "idx")
    index.upsert(["p50"], _unit(1, seed=9), ["x"])
    index.save(tmp_path / "idx")  # a second version replaces the first
    loaded = VectorIndex.load(tmp_path / "idx")
    assert (loaded.kind, loaded.model_id, len(loaded)) == ("hnsw", "model-a", 50)
    assert loaded.fingerprints["p10"] == "10" and "p3" not in loaded.row_of
    assert loaded.search(vectors[10], 1)[0][0] == index.search(vectors[10], 1)[0][0]
    assert sorted(p.name for p in (tmp_path / "idx").iterdir()) == ["CURRENT", "v2"]


def test_load_without_an_index_says_how_to_build_one(tmp_path: Path) -> None:
    with pytest.raises(IndexStateError, match="shopbot index build"):
        VectorIndex.load(tmp_path / "nothing")


def test_a_crash_while_saving_keeps_the_last_good_index(tmp_path: Path) -> None:
    index = VectorIndex(16, "flat", "m")
    index.upsert(["a"], _unit(1), ["fp"])
    index.save(tmp_path / "idx")
    (tmp_path / "idx" / "v2.tmp").mkdir()  # what an interrupted save leaves behind
    assert len(VectorIndex.load(tmp_path / "idx")) == 1
    index.upsert(["b"], _unit(1, seed=2), ["fp"])
    index.save(tmp_path / "idx")
    assert len(VectorIndex.load(tmp_path / "idx")) == 2


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
    assert kind_change.rebuilt and kind_change.kind == "hnsw"


@pytest.mark.slow
def test_sync_rebuilds_when_the_model_changes(tmp_path: Path, encoder, sample_products) -> None:
    store = CatalogStore(tmp_path / "c.db")
    store.upsert_many(sample_products)
    sync_index(store, encoder, tmp_path / "index")
    saved = VectorIndex.load(tmp_path / "index")
    saved.model_id = "another-model:123"
    saved.save(tmp_path / "index")
    _, report = sync_index(store, encoder, tmp_path / "index")
    assert report.rebuilt and "model changed" in report.reason
