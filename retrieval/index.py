"""FAISS vector index over product embeddings, with tombstones and filtered search.

Rows are append-only: row r holds the r-th vector ever added, so FAISS's own sequential
ids are our row numbers and flat and HNSW indexes behave the same. Updating a product
appends its new vector and tombstones the old row; deleting tombstones it. Tombstoned
rows are excluded from every search by a FAISS ID selector, and a rebuild compacts them
away once they are a large share of the index. Saving and versioning live in indexing.py.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import faiss
import numpy as np

from retrieval.errors import IndexStateError

IndexKind = Literal["flat", "hnsw"]
_FORMAT = 1


@dataclass(frozen=True)
class HnswParams:
    """HNSW graph parameters: M links per node, construction and search beam widths."""

    m: int = 32
    ef_construction: int = 80
    ef_search: int = 96


class VectorIndex:
    """Product vectors in FAISS; searchable with an allow-mask over rows."""

    def __init__(
        self, dim: int, kind: IndexKind, model_id: str, hnsw: HnswParams | None = None
    ) -> None:
        self.dim = dim
        self.kind: IndexKind = kind
        self.model_id = model_id
        self.hnsw = hnsw or HnswParams()
        if kind == "flat":
            self._faiss: faiss.Index = faiss.IndexFlatIP(dim)
        elif kind == "hnsw":
            index = faiss.IndexHNSWFlat(dim, self.hnsw.m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = self.hnsw.ef_construction
            index.hnsw.efSearch = self.hnsw.ef_search
            self._faiss = index
        else:
            raise IndexStateError(f"unknown index kind {kind!r}; use 'flat' or 'hnsw'")
        self.row_ids: list[str | None] = []  # row -> product id; None once tombstoned
        self.row_of: dict[str, int] = {}  # live product id -> row
        self.fingerprints: dict[str, str] = {}  # live product id -> text fingerprint indexed
        self._alive = np.zeros(0, dtype=bool)

    # -- size ------------------------------------------------------------------------

    def __len__(self) -> int:
        """Number of live (searchable) products."""
        return len(self.row_of)

    @property
    def n_rows(self) -> int:
        """Rows ever added, live or tombstoned."""
        return len(self.row_ids)

    @property
    def dead_fraction(self) -> float:
        """Share of rows that are tombstones."""
        return 0.0 if not self.row_ids else 1 - len(self.row_of) / len(self.row_ids)

    @property
    def alive(self) -> np.ndarray:
        """Boolean mask over rows: True where the row is a live product."""
        return self._alive

    # -- writes ------------------------------------------------------------------------

    def upsert(self, ids: Sequence[str], vectors: np.ndarray, fingerprints: Sequence[str]) -> None:
        """Add or replace products' vectors (replacing tombstones the old row)."""
        if len(ids) != len(vectors) or len(ids) != len(fingerprints):
            raise ValueError("ids, vectors and fingerprints must have the same length")
        if len(set(ids)) != len(ids):
            raise ValueError("duplicate product ids in one upsert")
        if not len(ids):
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            raise ValueError(f"vectors must have shape (n, {self.dim})")
        self.remove(ids)
        start = len(self.row_ids)
        self._faiss.add(vectors)
        self.row_ids.extend(ids)
        self._alive = np.concatenate([self._alive, np.ones(len(ids), dtype=bool)])
        for offset, (pid, fp) in enumerate(zip(ids, fingerprints, strict=True)):
            self.row_of[pid] = start + offset
            self.fingerprints[pid] = fp

    def remove(self, ids: Sequence[str]) -> int:
        """Tombstone products; returns how many were live."""
        removed = 0
        for pid in ids:
            row = self.row_of.pop(pid, None)
            if row is None:
                continue
            self.row_ids[row] = None
            self._alive[row] = False
            self.fingerprints.pop(pid, None)
            removed += 1
        return removed

    def clone_as(self, kind: IndexKind, hnsw: HnswParams | None = None) -> VectorIndex:
        """The same rows (tombstones included) in an index of another kind; no re-encoding."""
        twin = VectorIndex(self.dim, kind, self.model_id, hnsw or self.hnsw)
        if self.n_rows:
            twin._faiss.add(np.ascontiguousarray(self.vectors()))
        twin.row_ids = list(self.row_ids)
        twin.row_of = dict(self.row_of)
        twin.fingerprints = dict(self.fingerprints)
        twin._alive = self._alive.copy()
        return twin

    # -- search ------------------------------------------------------------------------

    def vectors(self) -> np.ndarray:
        """A zero-copy (n_rows, dim) view of the stored vectors; invalid after the next add."""
        storage = self._faiss if self.kind == "flat" else faiss.downcast_index(self._faiss.storage)
        n = storage.ntotal
        if n == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        return faiss.rev_swig_ptr(storage.get_xb(), n * self.dim).reshape(n, self.dim)

    def search(
        self, query: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """Best-first (row, cosine score) of up to k live rows that `allowed` permits.

        Small allowed sets are scored exactly with one matrix product, which is both
        faster and, for HNSW, more accurate than walking a graph mostly filtered away.
        """
        mask = self._alive if allowed is None else (self._alive & allowed)
        n_allowed = int(mask.sum())
        if n_allowed == 0 or k <= 0:
            return []
        query = np.ascontiguousarray(query, dtype=np.float32).reshape(1, self.dim)
        if n_allowed <= max(2048, len(mask) // 20):
            rows = np.flatnonzero(mask)
            scores = self.vectors()[rows] @ query[0]
            top = np.argsort(-scores)[:k] if len(rows) <= k else np.argpartition(-scores, k)[:k]
            top = top[np.argsort(-scores[top])]
            return [(int(rows[i]), float(scores[i])) for i in top]
        packed = np.packbits(mask, bitorder="little")
        selector = faiss.IDSelectorBitmap(len(mask), faiss.swig_ptr(packed))
        if self.kind == "hnsw":
            params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(self.hnsw.ef_search, k))
        else:
            params = faiss.SearchParameters(sel=selector)
        scores, rows = self._faiss.search(query, min(k, n_allowed), params=params)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0]

    # -- persistence -------------------------------------------------------------------

    def write(self, folder: Path) -> None:
        """Save into an index version folder."""
        faiss.write_index(self._faiss, str(folder / "vectors.faiss"))
        meta = {
            "format": _FORMAT,
            "kind": self.kind,
            "dim": self.dim,
            "model_id": self.model_id,
            "hnsw": vars(self.hnsw),
            "row_ids": self.row_ids,
            "fingerprints": self.fingerprints,
        }
        (folder / "vectors.json").write_text(json.dumps(meta), encoding="utf-8")

    @classmethod
    def read(cls, folder: Path) -> VectorIndex:
        """Load from an index version folder."""
        meta = json.loads((folder / "vectors.json").read_text(encoding="utf-8"))
        if meta.get("format") != _FORMAT:
            raise IndexStateError(f"index in {folder} has an old format; rebuild it")
        raw = faiss.read_index(str(folder / "vectors.faiss"))
        index = cls(meta["dim"], meta["kind"], meta["model_id"], HnswParams(**meta["hnsw"]))
        index._faiss = raw
        if index.kind == "hnsw":
            raw.hnsw.efSearch = index.hnsw.ef_search
        index.row_ids = meta["row_ids"]
        index.fingerprints = meta["fingerprints"]
        index.row_of = {pid: r for r, pid in enumerate(index.row_ids) if pid is not None}
        index._alive = np.array([pid is not None for pid in index.row_ids], dtype=bool)
        if raw.ntotal != len(index.row_ids):
            raise IndexStateError(f"index in {folder} is inconsistent; rebuild it")
        return index
