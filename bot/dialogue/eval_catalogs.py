"""The catalogs scripted conversations are written for, and their data dirs for `shopbot eval conversations`.

The demo catalog is the data dir's own. The third-party ones (DummyJSON, the Amazon.in CSV)
are imported from ../shared/data, as `shopbot quickstart` imports a store's file, into the
data dir's eval/catalogs/<name>/ on first use, and reused while the file, the import options
and the importer's code are unchanged.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import retrieval
from bot.config import Settings

# ../shared/data beside the checkout (bot/dialogue/ -> repo -> its parent), wherever the command runs from.
SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


# -- the catalogs --------------------------------------------------------------------------


@dataclass(frozen=True)
class EvalCatalog:
    """A catalog conversations are written for, and how its file is imported (as `shopbot quickstart` would)."""

    name: str
    # The file in the shared data folder; None for the demo catalog, which is the data dir's own.
    file: str | None = None
    fmt: str | None = None
    mapping: tuple[tuple[str, str], ...] = ()
    currency: str | None = None


# The README's `--map` pairs for the Amazon.in CSV ("Your own store").
AMAZON_IN_MAP = (
    ("id", "product_id"), ("title", "product_name"), ("price", "discounted_price"), ("compare_at_price", "actual_price"),
    ("category", "category"), ("rating", "rating"), ("review_count", "rating_count"), ("description", "about_product"),
    ("image_url", "img_link"), ("product_url", "product_link"), ("review.text", "review_content"),
    ("review.title", "review_title"), ("review.author", "user_name"),
)  # fmt: skip

CATALOGS: dict[str, EvalCatalog] = {c.name: c for c in (
    EvalCatalog("demo"),
    EvalCatalog("dummyjson", "dummyjson_products.json"),
    EvalCatalog("amazon_in", "amazon_in_products.csv", "csv", AMAZON_IN_MAP),
)}  # fmt: skip


# -- preparing a third-party catalog -------------------------------------------------------


@dataclass(frozen=True)
class PreparedCatalog:
    """A catalog's own data dir, ready to open: its settings, and what preparing it did (None: reused)."""

    settings: Settings
    imported: list[str] | None = None


def catalog_dir(settings: Settings, name: str) -> Path:
    """Where the evaluation keeps a third-party catalog's data dir (catalog, index), inside the store's data dir."""
    return settings.data_dir / "eval" / "catalogs" / name


def _importer_digest() -> str:
    """A digest of the code that turns a file into products: a catalog imported by older code is imported again."""
    root = Path(retrieval.__file__).parent
    digest = hashlib.sha256()
    for path in [root / "importer.py", root / "catalog.py", *sorted((root / "loaders").glob("*.py"))]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _stamp(catalog: EvalCatalog, source: Path) -> dict[str, Any]:
    return {
        "file": str(source.resolve()), "sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
        "format": catalog.fmt, "mapping": [list(pair) for pair in catalog.mapping], "currency": catalog.currency,
        "importer": _importer_digest(),
    }  # fmt: skip


def prepare_catalog(settings: Settings, catalog: EvalCatalog, source: Path) -> PreparedCatalog:
    """The data dir of a third-party catalog, imported from `source` as `shopbot quickstart --no-serve` imports
    it (the index is built when the assistant opens), and reused as long as the file and the importer are
    unchanged. The catalog is exactly the file's products: any left from an older file are deleted."""
    from bot.cli.catalog import import_file  # quickstart's import; the CLI package is loaded only when needed
    from bot.services import open_catalog

    local = settings.model_copy(update={
        # A third-party store has no policy of its own, and never the store's order API.
        "data_dir": catalog_dir(settings, catalog.name), "policy_file": None, "order_source": "database",
    })  # fmt: skip
    stamp_file = local.data_dir / "source.json"
    stamp = _stamp(catalog, source)
    if local.catalog_db.is_file() and stamp_file.is_file():
        try:
            if json.loads(stamp_file.read_text(encoding="utf-8")) == stamp:
                return PreparedCatalog(local)
        except (OSError, json.JSONDecodeError):
            pass  # an unreadable stamp: import again
    local.data_dir.mkdir(parents=True, exist_ok=True)
    stamp_file.unlink(missing_ok=True)
    outcome = import_file(local, source, catalog.fmt, mapping=dict(catalog.mapping), currency=catalog.currency)
    with open_catalog(local) as store:
        left = set(store.fingerprints()) - {p.id for p in outcome.parsed.products}
        if left:
            store.delete(left)
    stamp_file.write_text(json.dumps(stamp, indent=2), encoding="utf-8")
    return PreparedCatalog(local, outcome.summary() + ([f"removed {len(left)} products no longer in the file"] if left else []))


