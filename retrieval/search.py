"""Hybrid product search: dense (FAISS) and lexical (BM25) retrieval fused, under exact filters,
without the weak tail matches below a relevance floor (retrieval/relevance.py)."""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import numpy as np

from retrieval.catalog import Product
from retrieval.embeddings import Encoder
from retrieval.coverage import Coverage
from retrieval.filters import FilterIndex, SearchFilters
from retrieval.indexing import SearchIndex, current_version
from retrieval.lexical import query_terms, tokens
from retrieval.relevance import RelevanceFloor, calibrated_floor
from retrieval.errors import IndexStateError
from retrieval.store import CatalogStore, UpsertCounts

logger = logging.getLogger(__name__)

Mode = Literal["hybrid", "dense", "lexical"]
Sort = Literal["relevance", "price_asc", "price_desc", "rating"]
MODES: tuple[Mode, ...] = ("hybrid", "dense", "lexical")
SORTS: tuple[Sort, ...] = ("relevance", "price_asc", "price_desc", "rating")


@dataclass(frozen=True)
class Hit:
    """One search result: the product, its score, and where each retriever ranked it."""

    product: Product
    score: float
    dense_rank: int | None = None
    lexical_rank: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of a hit for the CLI and HTTP API."""
        p = self.product
        return {
            "id": p.id,
            "title": p.title,
            "brand": p.brand,
            "price": p.price,
            "currency": p.currency,
            "compare_at_price": p.compare_at_price,
            "category": p.category_path,
            "in_stock": p.in_stock,
            "stock_known": p.stock_known,  # False: can be bought, but no stock status to show
            "rating": p.rating,
            "review_count": p.review_count,
            "image_url": p.image_url,
            "product_url": p.product_url,
            "score": round(self.score, 6),
            "dense_rank": self.dense_rank,
            "lexical_rank": self.lexical_rank,
        }


@dataclass(frozen=True)
class FusionParams:
    """Reciprocal-rank fusion: each list contributes weight / (k + rank)."""

    k: int = 60
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    pool: int = 100  # candidates taken from each retriever before fusing


F = TypeVar("F", bound=Callable[..., Any])


def _reads(method: F) -> F:
    """Run the method as a reader of the index (see ProductSearch.reload)."""

    @functools.wraps(method)
    def wrapper(self: ProductSearch, *args: Any, **kwargs: Any) -> Any:
        with self._readers.reading():
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class _Readers:
    """Many readers or one writer at a time; a thread already reading never waits to read again
    (a search reads through several methods, and must not deadlock behind a writer that waits for it)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False
        self._depth = threading.local()

    @contextmanager
    def reading(self) -> Iterator[None]:
        depth = getattr(self._depth, "n", 0)
        if depth == 0:
            with self._cond:
                while self._writer:
                    self._cond.wait()
                self._readers += 1
        self._depth.n = depth + 1
        try:
            yield
        finally:
            self._depth.n = depth
            if depth == 0:
                with self._cond:
                    self._readers -= 1
                    if self._readers == 0:
                        self._cond.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._cond:
            while self._writer:
                self._cond.wait()
            self._writer = True  # readers arriving from now on wait
            while self._readers:
                self._cond.wait()
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


class ProductSearch:
    """Searches one catalog. Thread-safe: reads run concurrently; a newly published index is
    swapped in between them (`reload`), never under one."""

    def __init__(
        self,
        store: CatalogStore,
        index: SearchIndex,
        encoder: Encoder,
        *,
        index_root: Path | None = None,
        fusion: FusionParams | None = None,
    ) -> None:
        self.store = store
        self.index = index
        self.encoder = encoder
        self.index_root = index_root
        self.fusion = fusion or FusionParams()
        self._write_lock = threading.Lock()
        self._readers = _Readers()
        self._filters = FilterIndex(store.filter_rows(), index.vectors.row_ids)
        # The index version loaded from disk ("v7"), to notice when an import publishes a newer one.
        self.version = current_version(index_root) if index_root is not None else None
        self._coverage: Coverage | None = None  # built on first use, not at start-up
        self._floor: RelevanceFloor | None = None  # likewise

    # -- reads -------------------------------------------------------------------------

    @_reads
    def search(
        self,
        query: str,
        *,
        filters: SearchFilters | None = None,
        k: int = 10,
        mode: Mode = "hybrid",
        sort: Sort = "relevance",
    ) -> list[Hit]:
        """The k best products for `query` that satisfy `filters`, ordered by `sort`.

        An empty query browses: every product passing the filters, best rated first.
        """
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
        if sort not in SORTS:
            raise ValueError(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
        filters = filters or SearchFilters()
        mask = self._filters.mask(filters)
        if not query.strip():
            return self._browse(mask, k, sort)
        pool = max(self.fusion.pool, k)
        dense = self.dense_ranked(query, mask, pool) if mode != "lexical" else []
        lexical = self.lexical_ranked(query, mask, pool) if mode != "dense" else []
        if mode == "dense":
            scored = dense
        elif mode == "lexical":
            scored = lexical
        else:
            scored = self._fuse(dense, lexical)
        # Sorting by price or rating reorders the most relevant few, not the whole pool:
        # the cheapest weak match is not what "cheapest running shoes" asks for.
        keep = k if sort == "relevance" else max(3 * k, 30)
        # Weak tail matches are not shown as matches (retrieval/relevance.py), unless the filters
        # themselves name the kind of product (a category or brand): then every hit is one.
        if mode == "hybrid" and not (filters.category or filters.brand):
            scored = self.above_floor(query, scored, dense, lexical)
        ranked = scored[:keep]
        dense_rank = {pid: r for r, (pid, _) in enumerate(dense, 1)}
        lexical_rank = {pid: r for r, (pid, _) in enumerate(lexical, 1)}
        products = self.store.get_many([pid for pid, _ in ranked])
        hits = [
            Hit(products[pid], score, dense_rank.get(pid), lexical_rank.get(pid))
            for pid, score in ranked
            if pid in products
        ]
        return _sorted(things_before_accessories(query, hits), sort)[:k]

    @_reads
    def ranked_by(self, field: str, highest: bool, *, filters: SearchFilters | None = None, k: int = 10) -> list[Product]:
        """Every product passing `filters` ranked by a numeric field ("the cheapest laptop", "the
        lightest tent"), in stock first; products without a value for the field are left out."""
        rows = self._filters.ranked(self._filters.mask(filters or SearchFilters()), field, highest, k)
        ids = [pid for r in rows if (pid := self.index.vectors.row_ids[r]) is not None]
        products = self.store.get_many(ids)
        return [products[pid] for pid in ids if pid in products]

    @_reads
    def count(self, filters: SearchFilters | None = None) -> int:
        """How many products satisfy `filters`: an exact count over the catalog, unlike the
        length of a result list, which `k` caps."""
        return int(np.count_nonzero(self._filters.mask(filters or SearchFilters())))

    @property
    def coverage(self) -> Coverage:
        """What the catalog sells, in its own words (retrieval/coverage.py)."""
        coverage = self._coverage
        if coverage is None:
            coverage = self._coverage = Coverage(self.store.filter_rows(), encode=self._encode_many)
        return coverage

    @property
    @_reads
    def floor(self) -> RelevanceFloor:
        """How far below the best hit a hit may fall and still be shown, calibrated on this catalog."""
        floor = self._floor
        if floor is None:
            floor = self._floor = calibrated_floor(self.store, self.index.vectors, self._encode_many)
        return floor

    @_reads
    def above_floor(
        self, query: str, ranked: list[tuple[str, float]], dense: list[tuple[str, float]], lexical: list[tuple[str, float]]
    ) -> list[tuple[str, float]]:
        """The (product id, score) pairs of `ranked` that clear the relevance floor for `query`,
        given the dense and lexical rankings they were fused from."""
        if not dense or not ranked:
            return ranked
        row_of = self.index.vectors.row_of
        rows = [row_of.get(pid, -1) for pid, _ in ranked]
        # einsum, not BLAS: see retrieval/recommend/candidates.py (threaded BLAS slows the encoder).
        similarity = np.einsum("id,d->i", self.index.vectors.vectors()[rows], self._query_vector(query))
        best, worded, floor = dense[0][1], {pid for pid, _ in lexical}, self.floor
        # A product whose name or category says it is the kind asked for ("board game" for
        # "cooperative board game") is a match however much closer the one exact title is. The
        # kind is the query's last two words: a "dog bed" is not named by "Bed Pillows".
        asked = _kind_words(query)
        lexical = self.index.lexical
        naming = [all(flags) for flags in zip(*(lexical.rows_naming(t, rows) for t in asked[-2:]), strict=True)] if asked else [False] * len(rows)
        return [
            hit for hit, row, sim, names_kind in zip(ranked, rows, similarity, naming, strict=True)
            if row >= 0 and (names_kind or floor.keeps(best, float(sim), shares_words=hit[0] in worded))
        ]

    def _encode_many(self, texts: list[str]) -> np.ndarray:
        # One word a shopper asked for is kept for next time; a catalog's vocabulary of short
        # phrases is encoded in big batches (little padding) and not kept.
        if len(texts) == 1:
            return self.encoder.encode_cached(texts)
        return self.encoder.encode(texts, batch_size=128)

    def nearest_categories(self, text: str, k: int = 3) -> list[str]:
        """The catalog's categories closest in meaning to `text` (for "we don't sell that; we have ...")."""
        return self.coverage.nearest_categories(text, lambda texts: self.encoder.encode(texts), k)

    @_reads
    def numeric_attributes(self) -> frozenset[str]:
        """Attribute names that hold numbers in the catalog: fields a shopper can sort or bound by."""
        return self._filters.numeric_attributes()

    @_reads
    def dense_ranked(self, query: str, mask: np.ndarray, n: int) -> list[tuple[str, float]]:
        """(product id, cosine) best first, among rows allowed by `mask`."""
        vector = self._query_vector(query)
        return self._ids(self.index.vectors.search(vector, n, allowed=mask))

    def _query_vector(self, query: str) -> np.ndarray:
        """The query's embedding; the encoder keeps recent ones, since refinements re-run the same query."""
        return self.encoder.encode_query(query)

    @_reads
    def products_using(self, word: str) -> int:
        """How many products use the word anywhere in their text (retrieval/lexical.py)."""
        return self.index.lexical.products_using(word)

    @_reads
    def lexical_ranked(self, query: str, mask: np.ndarray, n: int) -> list[tuple[str, float]]:
        """(product id, BM25) best first, among rows allowed by `mask`."""
        return self._ids(self.index.lexical.search(query, n, allowed=mask))

    def _ids(self, rows: list[tuple[int, float]]) -> list[tuple[str, float]]:
        ids = self.index.vectors.row_ids
        return [(ids[r], s) for r, s in rows if ids[r] is not None]  # type: ignore[misc]

    def _fuse(
        self, dense: list[tuple[str, float]], lexical: list[tuple[str, float]]
    ) -> list[tuple[str, float]]:
        f = self.fusion
        scores: dict[str, float] = {}
        for weight, ranked in ((f.dense_weight, dense), (f.lexical_weight, lexical)):
            for rank, (pid, _) in enumerate(ranked, 1):
                scores[pid] = scores.get(pid, 0.0) + weight / (f.k + rank)
        return sorted(scores.items(), key=lambda item: -item[1])

    def _browse(self, mask: np.ndarray, k: int, sort: Sort) -> list[Hit]:
        rows = np.flatnonzero(mask)
        f = self._filters
        if sort == "price_asc":
            keys = f.price[rows]
        elif sort == "price_desc":
            keys = -f.price[rows]
        else:
            keys = -np.nan_to_num(f.rating[rows], nan=0.0)
        top = rows[np.argsort(keys, kind="stable")[:k]]
        ids = [self.index.vectors.row_ids[r] for r in top]
        products = self.store.get_many([pid for pid in ids if pid is not None])
        return [Hit(products[pid], 0.0) for pid in ids if pid in products]

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Read the index through several calls (a mask from one used in the next) with no swap between them."""
        with self._readers.reading():
            yield

    # -- writes ------------------------------------------------------------------------

    def reload(self) -> bool:
        """Load the index version an import published since this one was loaded; True when swapped in.

        The new version is read beside the old one while searches go on, then swapped in
        between searches. A version that cannot be read (deleted by a newer publish while
        loading, or half copied by hand) is skipped with a warning; the next call tries again.
        """
        if self.index_root is None:
            return False
        published = current_version(self.index_root)
        if published is None or published == self.version:
            return False
        try:
            index = SearchIndex.load(self.index_root, published)
        except IndexStateError as exc:
            logger.warning("the published index %s could not be loaded yet (%s); keeping %s", published, exc, self.version)
            return False
        filters = FilterIndex(self.store.filter_rows(), index.vectors.row_ids)
        with self._write_lock, self._readers.writing():
            self.index, self._filters, self.version = index, filters, published
            self._coverage = None
            self._floor = None
        logger.info("loaded the published index %s: %d products", published, len(index))
        return True


    def upsert(self, products: Iterable[Product]) -> UpsertCounts:
        """Add or update products in the catalog and the index, without a full rebuild."""
        products = list(products)
        with self._write_lock:
            counts = self.store.upsert_many(products)
            # Only products whose searchable text changed need new vectors and terms.
            fingerprints = self.index.vectors.fingerprints
            changed = [p for p in products if fingerprints.get(p.id) != p.fingerprint()]
            vectors = self.encoder.encode([p.search_text() for p in changed]) if changed else None
            with self._readers.writing():
                if changed:
                    self.index.upsert(changed, vectors)
                self._after_write()
        return counts

    def delete(self, ids: Iterable[str]) -> int:
        """Remove products from the catalog and the index."""
        ids = list(ids)
        with self._write_lock:
            removed = self.store.delete(ids)
            with self._readers.writing():
                self.index.remove(ids)
                self._after_write()
        return removed

    def _after_write(self) -> None:
        if self.index_root is not None:
            self.version = self.index.save(self.index_root).name
        self._filters = FilterIndex(self.store.filter_rows(), self.index.vectors.row_ids)
        self._coverage = None
        self._floor = None


def _sorted(hits: list[Hit], sort: Sort) -> list[Hit]:
    if sort == "price_asc":
        return sorted(hits, key=lambda h: h.product.price)
    if sort == "price_desc":
        return sorted(hits, key=lambda h: -h.product.price)
    if sort == "rating":
        return sorted(hits, key=lambda h: -(h.product.rating or 0.0))
    return hits


# What a title says a product is *for* ("Remote Control for Smart TV", "Case Compatible with iPhone 13").
_FOR = re.compile(r"\b(?:for|compatible with|compatible for|fits|works with)\b", re.IGNORECASE)


def things_before_accessories(query: str, hits: list[Hit]) -> list[Hit]:
    """The products that are what the query asks for ahead of those made for it.

    A remote whose title reads "Remote Control for Smart TV" shares every word of "smart TVs"
    with the televisions, and retrieval cannot tell them apart. Its title can: the kind asked
    for (the query's last word before any "for") appears only after "for". Such accessories
    keep their order among themselves, after the products that are the thing, when any is.
    """
    asked = _kind_words(query)
    if not asked or len(hits) < 2:
        return hits
    head = asked[-1]

    def accessory(hit: Hit) -> bool:
        main, *rest = _FOR.split(hit.product.title, maxsplit=1)
        return bool(rest) and head not in _kinds(main) and head in _kinds(rest[0])

    flags = [accessory(h) for h in hits]
    if not any(flags) or all(flags):
        return hits
    return [h for h, f in zip(hits, flags, strict=True) if not f] + [h for h, f in zip(hits, flags, strict=True) if f]


def _kind_words(query: str) -> list[str]:
    """The words naming the kind a query asks for, as stemmed terms: those before any "for", the
    last of them the head ("kibble" in "kibble for a large breed dog")."""
    return query_terms(_FOR.split(query, maxsplit=1)[0])


def _kinds(text: str) -> set[str]:
    return set(tokens(text))
