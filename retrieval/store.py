"""The catalog on disk: one SQLite file holding products and the columns filters need.

Products are written in a single transaction per import, so a failed or interrupted
import leaves the previous catalog untouched.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from pathlib import Path

from retrieval.catalog import Product

# Ordered, named migrations: a database remembers how far it got in PRAGMA user_version.
_MIGRATIONS: list[tuple[str, str]] = [
    (
        "products",
        """
        CREATE TABLE products (
            pk INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            data TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            price REAL NOT NULL,
            in_stock INTEGER NOT NULL,
            rating REAL,
            brand TEXT,
            category TEXT NOT NULL,
            colors TEXT NOT NULL,
            sizes TEXT NOT NULL,
            sizes_in_stock TEXT NOT NULL,
            colors_in_stock TEXT NOT NULL,
            review_count INTEGER NOT NULL
        );
        CREATE TABLE catalog_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO catalog_meta VALUES ('version', '0');
        """,
    ),
]


@dataclass(frozen=True)
class UpsertCounts:
    """What an import changed."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class FilterRow:
    """The columns exact filters need, read without parsing whole products."""

    id: str
    price: float
    in_stock: bool
    rating: float | None
    brand: str | None
    category: str
    colors: tuple[str, ...]
    sizes: tuple[str, ...]
    sizes_in_stock: tuple[str, ...]
    colors_in_stock: tuple[str, ...]
    review_count: int
    # Read for brands stated only in titles (retrieval/brands.py), when there is no brand.
    title: str = ""
    # Attribute values as the catalog states them ({"waterproof": "yes", "capacity_people": "4"}),
    # and each variant's (colour, size, buyable): "red in size 11" must be one variant.
    attributes: dict[str, Any] = field(default_factory=dict)
    variants: tuple[tuple[str | None, str | None, bool], ...] = ()


def _join(values: Iterable[str]) -> str:
    return "|".join(sorted(values))


def _split(value: str) -> tuple[str, ...]:
    return tuple(value.split("|")) if value else ()


class CatalogStore:
    """SQLite-backed product catalog: the products as validated JSON plus their filter columns."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # check_same_thread=False: the server reads from a worker thread; writes are
        # serialised by SQLite itself (WAL allows readers during a write).
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._migrate()

    def _migrate(self) -> None:
        done = self._db.execute("PRAGMA user_version").fetchone()[0]
        for number, (_name, script) in enumerate(_MIGRATIONS[done:], start=done + 1):
            self._db.executescript(f"BEGIN; {script}; PRAGMA user_version = {number}; COMMIT;")

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def __enter__(self) -> CatalogStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writes ------------------------------------------------------------------------

    def upsert_many(self, products: Iterable[Product]) -> UpsertCounts:
        """Insert or replace products in one transaction; all or nothing."""
        inserted = updated = unchanged = 0
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            for product in products:
                data = product.model_dump_json(exclude_defaults=True)
                row = db.execute("SELECT pk, data FROM products WHERE id = ?", (product.id,)).fetchone()
                if row is not None and row[1] == data:
                    unchanged += 1
                    continue
                values = self._columns(product, data)
                if row is None:
                    db.execute(
                        "INSERT INTO products (id, data, fingerprint, price, in_stock, rating, brand,"
                        " category, colors, sizes, sizes_in_stock, colors_in_stock, review_count)"
                        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        (product.id, *values),
                    )
                    inserted += 1
                else:
                    pk = row[0]
                    db.execute(
                        "UPDATE products SET data=?, fingerprint=?, price=?, in_stock=?, rating=?,"
                        " brand=?, category=?, colors=?, sizes=?, sizes_in_stock=?,"
                        " colors_in_stock=?, review_count=? WHERE pk=?",
                        (*values, pk),
                    )
                    updated += 1
            if inserted or updated:
                self._bump_version()
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return UpsertCounts(inserted, updated, unchanged)

    def delete(self, ids: Iterable[str]) -> int:
        """Delete products by id in one transaction; returns how many existed."""
        db = self._db
        removed = 0
        db.execute("BEGIN IMMEDIATE")
        try:
            for product_id in ids:
                row = db.execute("SELECT pk FROM products WHERE id = ?", (product_id,)).fetchone()
                if row is None:
                    continue
                db.execute("DELETE FROM products WHERE pk = ?", (row[0],))
                removed += 1
            if removed:
                self._bump_version()
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return removed

    def _bump_version(self) -> None:
        self._db.execute(
            "UPDATE catalog_meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'version'"
        )

    @staticmethod
    def _columns(product: Product, data: str) -> tuple[object, ...]:
        return (
            data,
            product.fingerprint(),
            product.price,
            int(product.in_stock),
            product.rating,
            product.brand.strip().lower() if product.brand else None,
            " > ".join(product.category).lower(),
            _join(product.colors),
            _join(product.sizes),
            _join(product.sizes_in_stock()),
            _join(product.colors_in_stock()),
            product.review_count,
        )

    # -- reads -------------------------------------------------------------------------

    @property
    def version(self) -> int:
        """A counter that grows with every change: cheap staleness check for caches."""
        return int(self._db.execute("SELECT value FROM catalog_meta WHERE key='version'").fetchone()[0])

    def count(self) -> int:
        """Number of products in the catalog."""
        return int(self._db.execute("SELECT COUNT(*) FROM products").fetchone()[0])

    def get(self, product_id: str) -> Product | None:
        """One product by id, or None."""
        row = self._db.execute("SELECT data FROM products WHERE id = ?", (product_id,)).fetchone()
        return Product.model_validate_json(row[0]) if row else None

    def get_many(self, ids: list[str]) -> dict[str, Product]:
        """Products by id (missing ids are left out)."""
        found: dict[str, Product] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for pid, data in self._db.execute(
                f"SELECT id, data FROM products WHERE id IN ({marks})", chunk
            ):
                found[pid] = Product.model_validate_json(data)
        return found

    def sample_products(self, count: int) -> list[Product]:
        """The first `count` products in catalog order (deterministic)."""
        rows = self._db.execute("SELECT data FROM products ORDER BY pk LIMIT ?", (count,))
        return [Product.model_validate_json(r[0]) for r in rows]

    def top_categories(self, limit: int = 5) -> list[str]:
        """The largest top-level categories, in display case."""
        rows = self._db.execute(
            "SELECT json_extract(data, '$.category[0]') AS c, COUNT(*) AS n FROM products"
            " WHERE c IS NOT NULL GROUP BY c ORDER BY n DESC, c LIMIT ?",
            (limit,),
        )
        return [r[0] for r in rows]

    def currency(self) -> str | None:
        """The store's currency: the one most products are priced in; None for an empty catalog."""
        # Products are stored without their defaults, so an absent currency is the default one.
        default = Product.model_fields["currency"].default
        row = self._db.execute(
            "SELECT COALESCE(json_extract(data, '$.currency'), ?) AS c, COUNT(*) AS n FROM products"
            " GROUP BY c ORDER BY n DESC, c LIMIT 1",
            (default,),
        ).fetchone()
        return row[0] if row else None

    def fingerprints(self) -> dict[str, str]:
        """Product id -> fingerprint of its searchable text, for incremental index sync."""
        return dict(self._db.execute("SELECT id, fingerprint FROM products"))

    def names(self) -> list[tuple[str, str, str | None, str]]:
        """(id, title, brand, category) of every product: what shoppers call them, and what they are."""
        return list(self._db.execute("SELECT id, json_extract(data, '$.title'), brand, category FROM products ORDER BY pk"))

    def filter_rows(self) -> list[FilterRow]:
        """The filterable columns of every product."""
        rows = self._db.execute(
            "SELECT id, price, in_stock, rating, brand, category, colors, sizes, sizes_in_stock,"
            " colors_in_stock, review_count, json_extract(data, '$.title'), json_extract(data, '$.attributes'),"
            " json_extract(data, '$.variants') FROM products ORDER BY pk"
        )
        return [
            FilterRow(
                id=r[0],
                price=r[1],
                in_stock=bool(r[2]),
                rating=r[3],
                brand=r[4],
                category=r[5],
                colors=_split(r[6]),
                sizes=_split(r[7]),
                sizes_in_stock=_split(r[8]),
                colors_in_stock=_split(r[9]),
                review_count=r[10],
                title=r[11] or "",
                attributes=json.loads(r[12]) if r[12] else {},
                variants=tuple(
                    (v.get("color"), v.get("size"), (v.get("stock") or 0) > 0) for v in (json.loads(r[13]) if r[13] else [])
                ),
            )
            for r in rows
        ]
