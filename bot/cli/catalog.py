"""`shopbot catalog …`, `shopbot index build` and `shopbot setup`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from bot.cli import progress_bar, settings_of
from bot.config import Settings
from bot.merchant.sentiment import load_sentiment_model
from bot.services import load_intent_model, open_catalog, open_search
from catalog import DEMO_PRODUCTS
from retrieval.errors import ImportRejectedError
from retrieval.importer import FORMATS, read_catalog
from retrieval.indexing import SyncReport



def _parse_mapping(pairs: tuple[str, ...]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise click.BadParameter(f"{pair!r} is not FIELD=COLUMN", param_hint="--map")
        mapping[field.strip()] = column.strip()
    return mapping


def _sync(settings: Settings, force: bool = False) -> SyncReport:
    with progress_bar("encoding") as progress:
        search, report = open_search(settings, force_rebuild=force, progress=progress)
    search.store.close()
    return report


def _say_sync(report: SyncReport) -> None:
    click.echo(
        f"index: {report.total} products ({report.kind}); {report.reason}; "
        f"encoded {report.encoded}, removed {report.removed}"
    )


def import_file(
    settings: Settings,
    path: Path,
    fmt: str | None = None,
    *,
    strict: bool = False,
    mapping: dict[str, str] | None = None,
    currency: str | None = None,
) -> tuple[int, int, int, int]:
    """Import a catalog file; returns (inserted, updated, unchanged, rejected).

    With `strict`, any rejected row aborts the import before anything is written.
    """
    parsed = read_catalog(path, fmt, mapping=mapping, currency=currency)
    for issue in parsed.issues:
        click.echo(f"rejected: {issue}", err=True)
    if strict and parsed.issues:
        raise ImportRejectedError(
            f"{parsed.rejected} of {parsed.rows_read} rows rejected; nothing imported (--strict)"
        )
    with open_catalog(settings) as store:
        counts = store.upsert_many(parsed.products)
    return counts.inserted, counts.updated, counts.unchanged, parsed.rejected


def register(main: click.Group) -> None:
    """Add the catalog, index and setup commands to the CLI."""

    @main.group()
    def catalog() -> None:
        """Import and inspect the product catalog."""

    @catalog.command("import")
    @click.argument("path", type=click.Path(path_type=Path))
    @click.option("--format", "fmt", type=click.Choice(FORMATS), help="Default: from the file name.")
    @click.option("--strict", is_flag=True, help="Import nothing if any row is bad.")
    @click.option("--map", "pairs", multiple=True, metavar="FIELD=COLUMN", help="CSV column mapping.")
    @click.option("--currency", help="ISO currency code when the file has none (e.g. INR).")
    @click.option("--no-index", is_flag=True, help="Do not update the search index afterwards.")
    @click.pass_context
    def import_(
        ctx: click.Context,
        path: Path,
        fmt: str | None,
        strict: bool,
        pairs: tuple[str, ...],
        currency: str | None,
        no_index: bool,
    ) -> None:
        """Import products from PATH (JSONL, CSV, Shopify CSV or DummyJSON JSON)."""
        settings = settings_of(ctx)
        inserted, updated, unchanged, rejected = import_file(
            settings, path, fmt, strict=strict, mapping=_parse_mapping(pairs), currency=currency
        )
        click.echo(
            f"imported {inserted}, updated {updated}, unchanged {unchanged}, rejected {rejected}"
        )
        if not no_index:
            _say_sync(_sync(settings))

    @catalog.command()
    @click.argument("ids", nargs=-1, required=True)
    @click.pass_context
    def delete(ctx: click.Context, ids: tuple[str, ...]) -> None:
        """Delete products by id (the index is updated in place)."""
        with progress_bar("encoding") as progress:
            search, _ = open_search(settings_of(ctx), progress=progress)
        removed = search.delete(ids)
        search.store.close()
        click.echo(f"deleted {removed} of {len(ids)}")

    @catalog.command()
    @click.argument("product_id")
    @click.pass_context
    def show(ctx: click.Context, product_id: str) -> None:
        """Print one product as JSON."""
        with open_catalog(settings_of(ctx)) as store:
            product = store.get(product_id)
        if product is None:
            raise click.ClickException(f"no product with id {product_id!r}")
        click.echo(product.model_dump_json(indent=2, exclude_defaults=True))

    @catalog.command()
    @click.pass_context
    def stats(ctx: click.Context) -> None:
        """Counts of products, departments and stock."""
        with open_catalog(settings_of(ctx)) as store:
            rows = store.filter_rows()
        departments = {r.category.split(" > ")[0] for r in rows if r.category}
        out = {
            "products": len(rows),
            "departments": len(departments),
            "in_stock": sum(r.in_stock for r in rows),
            "out_of_stock": sum(not r.in_stock for r in rows),
        }
        click.echo(json.dumps(out, indent=2))

    @main.group()
    def index() -> None:
        """Build the search index."""

    @index.command()
    @click.option("--kind", type=click.Choice(["auto", "flat", "hnsw"]), help="Override SHOPBOT_INDEX_KIND.")
    @click.option("--force", is_flag=True, help="Re-encode everything.")
    @click.pass_context
    def build(ctx: click.Context, kind: str | None, force: bool) -> None:
        """Encode the catalog and save the vector index (only changes, unless --force)."""
        settings = settings_of(ctx)
        if kind:
            settings = settings.model_copy(update={"index_kind": kind})
        _say_sync(_sync(settings, force))

    @main.command()
    @click.pass_context
    def setup(ctx: click.Context) -> None:
        """Prepare the data dir: import the demo catalog if empty, build the index, train the models."""
        settings = settings_of(ctx)
        with open_catalog(settings) as store:
            empty = store.count() == 0
        if empty:
            inserted, _, _, rejected = import_file(settings, DEMO_PRODUCTS, "jsonl", strict=True)
            click.echo(f"imported the demo catalog: {inserted} products")
        _say_sync(_sync(settings))
        with progress_bar("training the intent model", unit="step") as progress:
            meta = load_intent_model(settings, progress=progress).meta
        click.echo(f"intent model: held-out accuracy {meta.metrics.get('test_accuracy', 0):.3f}")
        with progress_bar("training the review sentiment model", unit="step") as progress:
            sentiment = load_sentiment_model(settings, progress=progress).meta
        click.echo(f"review sentiment model: held-out accuracy {sentiment.metrics.get('test_accuracy', 0):.3f}")
