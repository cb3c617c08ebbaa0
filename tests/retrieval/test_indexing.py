"""Index versions on disk: a save is all or nothing, and the last good version always loads."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrieval.errors import IndexStateError
from retrieval.index import VectorIndex
from retrieval.indexing import SearchIndex
from retrieval.lexical import LexicalIndex
from tests.conftest import make_product


def _index(n: int, kind: str = "flat") -> SearchIndex:
    rng = np.random.default_rng(n)
    vectors = rng.normal(size=(n, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = SearchIndex(VectorIndex(8, kind, "m"), LexicalIndex())  # type: ignore[arg-type]
    index.upsert([make_product(f"p{i}", f"Product number {i} lamp") for i in range(n)], vectors)
    return index


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    index = _index(30, "hnsw")
    index.remove(["p3"])
    index.save(tmp_path / "idx")
    index.upsert([make_product("p30", "Brass desk lamp")], np.ones((1, 8), dtype=np.float32) / np.sqrt(8))
    index.save(tmp_path / "idx")  # a second version replaces the first
    loaded = SearchIndex.load(tmp_path / "idx")
    assert (loaded.vectors.kind, len(loaded)) == ("hnsw", 30)
    assert "p3" not in loaded.vectors.row_of
    assert loaded.lexical.search("brass", 1) == index.lexical.search("brass", 1)
    assert sorted(p.name for p in (tmp_path / "idx").iterdir()) == ["CURRENT", "v2"]


def test_load_without_an_index_says_how_to_build_one(tmp_path: Path) -> None:
    with pytest.raises(IndexStateError, match="shopbot index build"):
        SearchIndex.load(tmp_path / "nothing")


def test_an_interrupted_save_keeps_the_last_good_index(tmp_path: Path) -> None:
    index = _index(5)
    index.save(tmp_path / "idx")
    (tmp_path / "idx" / "v2.tmp").mkdir()  # what a crash mid-save leaves behind
    assert len(SearchIndex.load(tmp_path / "idx")) == 5
    index.upsert([make_product("p9", "Extra")], np.ones((1, 8), dtype=np.float32) / np.sqrt(8))
    index.save(tmp_path / "idx")
    assert len(SearchIndex.load(tmp_path / "idx")) == 6


def test_a_damaged_version_is_reported_not_half_loaded(tmp_path: Path) -> None:
    folder = _index(5).save(tmp_path / "idx")
    (folder / "lexical.npz").write_bytes(b"not an archive")
    with pytest.raises(IndexStateError, match="unreadable"):
        SearchIndex.load(tmp_path / "idx")
