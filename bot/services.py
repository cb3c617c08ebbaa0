"""Open the catalog, encoder and search from Settings: the one place the pieces are wired."""

from __future__ import annotations

from collections.abc import Callable

from bot.config import Settings
from retrieval.embeddings import Encoder, SentenceTransformerEncoder
from retrieval.index import HnswParams
from retrieval.indexing import SyncReport, sync_index
from retrieval.search import FusionParams, ProductSearch
from retrieval.store import CatalogStore


def open_catalog(settings: Settings) -> CatalogStore:
    """The catalog database in the data dir (created empty on first use)."""
    return CatalogStore(settings.catalog_db)


def load_encoder(settings: Settings) -> Encoder:
    """The configured sentence encoder, from a local folder."""
    return SentenceTransformerEncoder(
        settings.model_path, max_seq_length=settings.max_seq_length, precision=settings.encoder_precision
    )


def open_search(
    settings: Settings,
    *,
    store: CatalogStore | None = None,
    encoder: Encoder | None = None,
    force_rebuild: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[ProductSearch, SyncReport]:
    """A ready ProductSearch: the saved index is reused, and brought up to date if stale."""
    store = store or open_catalog(settings)
    encoder = encoder or load_encoder(settings)
    index, report = sync_index(
        store,
        encoder,
        settings.index_dir,
        kind=settings.index_kind,
        hnsw=HnswParams(m=settings.hnsw_m, ef_search=settings.hnsw_ef_search),
        force=force_rebuild,
        batch_size=settings.encode_batch_size,
        progress=progress,
    )
    search = ProductSearch(
        store, index, encoder, index_root=settings.index_dir, fusion=FusionParams(k=settings.rrf_k)
    )
    return search, report
