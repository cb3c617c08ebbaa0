"""Keep the vector index in step with the catalog: encode only what changed, save atomically."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from retrieval.embeddings import Encoder
from retrieval.errors import IndexStateError
from retrieval.index import HnswParams, IndexKind, VectorIndex
from retrieval.store import CatalogStore

KindSetting = Literal["auto", "flat", "hnsw"]
# Above this many products exact (flat) search costs more than an encoder forward pass.
AUTO_HNSW_THRESHOLD = 20_000
# Past this share of tombstones a rebuild is cheaper than carrying them.
COMPACT_AT = 0.3


@dataclass(frozen=True)
class SyncReport:
    """What a sync did: how many vectors were encoded, removed, and whether it rebuilt."""

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


def load_or_none(root: Path) -> VectorIndex | None:
    """The saved index, or None when there is none or it is unreadable."""
    try:
        return VectorIndex.load(root)
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
    batch_size: int = 64,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[VectorIndex, SyncReport]:
    """Bring the index at `root` up to date with `store` and save it if anything changed.

    A saved index is reused when it was built with the same model and kind; then only
    products whose searchable text changed are re-encoded. `progress(done, total)` is
    called as products are encoded.
    """
    wanted = choose_kind(kind, store.count())
    index = None if force else load_or_none(root)
    reason = "up to date"
    if index is None:
        reason = "forced rebuild" if force else "no saved index"
    elif index.model_id != encoder.model_id:
        reason, index = f"model changed ({index.model_id} -> {encoder.model_id})", None
    elif index.kind != wanted:
        reason, index = f"index kind changed ({index.kind} -> {wanted})", None
    elif index.dead_fraction > COMPACT_AT:
        reason, index = "compacting deleted rows", None
    rebuilt = index is None
    if index is None:
        index = VectorIndex(encoder.dim, wanted, encoder.model_id, hnsw)

    current = store.fingerprints()
    stale = [pid for pid in index.row_of if pid not in current]
    todo = [pid for pid, fp in current.items() if index.fingerprints.get(pid) != fp]
    removed = index.remove(stale)
    if todo:
        done = 0
        for start in range(0, len(todo), 2048):
            chunk = todo[start : start + 2048]
            products = store.get_many(chunk)
            texts = [products[pid].search_text() for pid in chunk]

            def tick(n: int) -> None:
                nonlocal done
                done += n
                if progress:
                    progress(done, len(todo))

            vectors = encoder.encode(texts, batch_size=batch_size, progress=tick)
            index.upsert(chunk, vectors, [current[pid] for pid in chunk])
        if not rebuilt:
            reason = "updated changed products"
    if rebuilt or todo or removed:
        index.save(root)
    report = SyncReport(len(todo), removed, rebuilt, len(index), index.kind, reason)
    return index, report
