"""The search index (vectors + BM25 rows) kept in step with the catalog and saved atomically.

An index on disk is a folder of versions: `v7/` holds the vectors and the lexical rows,
and `CURRENT` names the version in use. A save writes a complete new version and then
replaces `CURRENT` in one rename, so a crash mid-save leaves the last good index. Running
servers read the pointer and load a newly published version by themselves (ProductSearch.reload).
Several processes may start on one data dir at once: bringing the index up to date takes an
exclusive lock on the folder, so one of them encodes and saves and the others then find it current.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from retrieval.catalog import Product
from retrieval.embeddings import Encoder
from retrieval.errors import IndexStateError
from retrieval.index import HnswParams, IndexKind, VectorIndex
from retrieval.lexical import TOKENS_VERSION, LexicalIndex, term_counts
from retrieval.store import CatalogStore

KindSetting = Literal["auto", "flat", "hnsw"]
# Above this many products exact (flat) search costs more than an encoder forward pass.
AUTO_HNSW_THRESHOLD = 20_000
# Past this share of tombstones a rebuild is cheaper than carrying them.
COMPACT_AT = 0.3


@dataclass
class SearchIndex:
    """Dense vectors and lexical rows for the same products, row for row."""

    vectors: VectorIndex
    lexical: LexicalIndex

    def __len__(self) -> int:
        """Number of live products."""
        return len(self.vectors)

    def upsert(self, products: Sequence[Product], vectors: np.ndarray) -> None:
        """Add or replace products (their vectors given in the same order)."""
        replaced = [self.vectors.row_of[p.id] for p in products if p.id in self.vectors.row_of]
        self.lexical.remove_rows(replaced)
        self.vectors.upsert([p.id for p in products], vectors, [p.fingerprint() for p in products])
        self.lexical.append([term_counts(p) for p in products])

    def remove(self, ids: Sequence[str]) -> int:
        """Remove products; returns how many were present."""
        self.lexical.remove_rows([self.vectors.row_of[i] for i in ids if i in self.vectors.row_of])
        return self.vectors.remove(ids)

    def save(self, root: Path) -> Path:
        """Write a new version under `root` and switch `root/CURRENT` to it atomically."""
        root.mkdir(parents=True, exist_ok=True)
        current = _read_current(root)
        number = int(current[1:]) + 1 if current else 1
        final = root / f"v{number}"
        staging = root / f"v{number}.tmp"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        self.vectors.write(staging)
        self.lexical.write(staging)
        _fsync_dir(staging)
        staging.rename(final)
        pointer = root / "CURRENT.tmp"
        pointer.write_text(final.name, encoding="utf-8")
        os.replace(pointer, root / "CURRENT")
        _fsync_dir(root)
        # Older versions are no longer pointed to; a process that loaded one keeps its copy.
        for old in root.glob("v*"):
            if old.is_dir() and old.name != final.name:
                shutil.rmtree(old, ignore_errors=True)
        return final

    @classmethod
    def load(cls, root: Path, version: str | None = None) -> SearchIndex:
        """Load the version `root/CURRENT` names (or `version`, a folder name such as "v7")."""
        current = version or _read_current(root)
        if current is None:
            raise IndexStateError(f"no index in {root}; run `shopbot index build`")
        folder = root / current
        try:
            vectors = VectorIndex.read(folder)
            lexical = LexicalIndex.read(folder)
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            raise IndexStateError(f"index in {folder} is unreadable ({exc}); rebuild it") from exc
        if lexical.n_rows != vectors.n_rows:
            raise IndexStateError(f"index in {folder} is inconsistent; rebuild it")
        return cls(vectors, lexical)


@dataclass(frozen=True)
class SyncReport:
    """What a sync did: how many products were encoded, removed, and whether it rebuilt."""

    encoded: int
    removed: int
    rebuilt: bool
    total: int
    kind: IndexKind
    reason: str


def choose_kind(setting: KindSetting, n_products: int) -> IndexKind:
    """Resolve 'auto' to flat for small catalogs and HNSW for large ones."""
    if setting == "auto":
        return "hnsw" if n_products >= AUTO_HNSW_THRESHOLD else "flat"
    return setting


def _load_or_none(root: Path) -> SearchIndex | None:
    try:
        return SearchIndex.load(root)
    except IndexStateError:
        return None


def sync_index(
    store: CatalogStore,
    encoder: Encoder,
    root: Path,
    *,
    kind: KindSetting = "auto",
    hnsw: HnswParams | None = None,
    force: bool = False,
    batch_size: int = 32,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[SearchIndex, SyncReport]:
    """Bring the index at `root` up to date with `store` and save it if anything changed.

    A saved index is reused when it was built with the same model and kind; then only
    products whose searchable text changed are re-encoded. `progress(done, total)` is
    called as products are encoded. One process at a time per folder (`writing`).
    """
    with writing(root):
        return _sync(store, encoder, root, kind=kind, hnsw=hnsw, force=force, batch_size=batch_size, progress=progress)


@contextmanager
def writing(root: Path) -> Iterator[None]:
    """Hold the index folder's writer lock (across processes) for the block; released if the process dies."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def current_version(root: Path) -> str | None:
    """The version folder `root/CURRENT` names ("v7"), or None when there is no usable index."""
    return _read_current(root)


def _sync(
    store: CatalogStore,
    encoder: Encoder,
    root: Path,
    *,
    kind: KindSetting,
    hnsw: HnswParams | None,
    force: bool,
    batch_size: int,
    progress: Callable[[int, int], None] | None,
) -> tuple[SearchIndex, SyncReport]:
    wanted = choose_kind(kind, store.count())
    index = None if force else _load_or_none(root)
    reason = "up to date"
    if index is None:
        reason = "forced rebuild" if force else "no saved index"
    elif index.vectors.model_id != encoder.model_id:
        reason, index = f"model changed ({index.vectors.model_id} -> {encoder.model_id})", None
    elif index.vectors.dead_fraction > COMPACT_AT:
        reason, index = "compacting deleted rows", None
    converted = index is not None and index.vectors.kind != wanted
    if index is not None and converted:
        # Same vectors, other structure: rebuilt from the stored vectors, nothing re-encoded.
        reason = f"index kind changed ({index.vectors.kind} -> {wanted})"
        index = SearchIndex(index.vectors.clone_as(wanted, hnsw), index.lexical)
    relexed = index is not None and index.lexical.tokens_version != TOKENS_VERSION
    if index is not None and relexed:
        # Same vectors, new word rules: the lexical rows are rebuilt from the catalog.
        reason = "word rules changed (lexical rows rebuilt)"
        index = SearchIndex(index.vectors, _lexical_rows(store, index.vectors))
    rebuilt = index is None
    if index is None:
        index = SearchIndex(VectorIndex(encoder.dim, wanted, encoder.model_id, hnsw), LexicalIndex())

    current = store.fingerprints()
    stale = [pid for pid in index.vectors.row_of if pid not in current]
    todo = [pid for pid, fp in current.items() if index.vectors.fingerprints.get(pid) != fp]
    removed = index.remove(stale)
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, len(todo))

    # Large chunks let the encoder sort more texts by length, so batches carry less padding.
    for start in range(0, len(todo), 8192):
        chunk = todo[start : start + 8192]
        found = store.get_many(chunk)
        products = [found[pid] for pid in chunk]
        vectors = encoder.encode([p.search_text() for p in products], batch_size=batch_size, progress=tick)
        index.upsert(products, vectors)
    if not rebuilt and (todo or removed):
        reason = f"updated {len(todo)} changed and removed {removed} deleted products"
    if rebuilt or converted or relexed or todo or removed:
        index.save(root)
    return index, SyncReport(len(todo), removed, rebuilt or converted, len(index), index.vectors.kind, reason)


def _lexical_rows(store: CatalogStore, vectors: VectorIndex) -> LexicalIndex:
    """Lexical rows for the vector index's rows, row for row, from the products in the catalog
    (a row whose product is gone or was replaced stays, removed, as in the vectors)."""
    lexical = LexicalIndex()
    ids = list(vectors.row_ids)
    found: dict[str, Product] = {}
    live = [pid for pid in ids if pid is not None]
    for start in range(0, len(live), 8192):
        found.update(store.get_many(live[start : start + 8192]))
    lexical.append([term_counts(found[pid]) if pid in found else {} for pid in ids])
    lexical.remove_rows([row for row, pid in enumerate(ids) if pid not in found])
    return lexical


def _read_current(root: Path) -> str | None:
    pointer = root / "CURRENT"
    if not pointer.exists():
        return None
    name = pointer.read_text(encoding="utf-8").strip()
    return name if (root / name).is_dir() else None


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
