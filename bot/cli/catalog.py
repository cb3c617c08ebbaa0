"""`shopbot catalog …`, `shopbot index build` and `shopbot setup`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import click

from bot.cli import progress_bar, settings_of
from bot.config import Settings
from bot.merchant.sentiment import cached_sentiment_model_dir, load_sentiment_model, locate_sentiment_model
from bot.services import cached_intent_model_dir, load_intent_model, locate_intent_model, open_catalog, open_search
from catalog import DEMO_PRODUCTS
from retrieval.coverage_stats import catalog_coverage, coverage_dict, coverage_lines
from retrieval.errors import ImportRejectedError
from retrieval.import_report import (
    attributes_line,
    skipped_line,
    counts_line,
    currency_line,
    merged_line,
    warning_details,
    warnings_line,
)
from retrieval.importer import FORMATS, ParsedCatalog, read_catalog
from retrieval.indexing import SyncReport
from retrieval.store import UpsertCounts



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


# Enough to see what kind of problem a file has; --all-warnings lists every one.
WARNING_LINES = 20


@dataclass(frozen=True)
class ImportOutcome:
    """What an import read and what it changed in the catalog."""

    parsed: ParsedCatalog
    counts: UpsertCounts

    def summary(self) -> list[str]:
        """The counts line, then the merged, warnings, currency, kept-fields and skipped-fields notes
        when there are any."""
        c = self.counts
        notes = (merged_line(self.parsed), warnings_line(self.parsed), currency_line(self.parsed),
                 attributes_line(self.parsed), skipped_line(self.parsed))  # fmt: skip
        return [counts_line(c.inserted, c.updated, c.unchanged, self.parsed.rejected)] + [
            note for note in notes if note
        ]


def import_file(
    settings: Settings,
    path: Path,
    fmt: str | None = None,
    *,
    strict: bool = False,
    mapping: dict[str, str] | None = None,
    currency: str | None = None,
    review_separator: str | None = None,
    all_warnings: bool = False,
) -> ImportOutcome:
    """Import a catalog file, printing each rejected row and the values left out to stderr.

    With `strict`, any rejected row aborts the import before anything is written. A value
    left out with a warning (the product is kept) and rows merged by id do not count:
    the products they belong to are imported whole.
    """
    parsed = read_catalog(
        path, fmt, mapping=mapping, currency=currency, review_separator=review_separator
    )
    for issue in parsed.issues:
        click.echo(f"rejected: {issue}", err=True)
    for line in warning_details(parsed, limit=None if all_warnings else WARNING_LINES):
        click.echo(f"warning: {line}", err=True)
    if strict and parsed.issues:
        raise ImportRejectedError(
            f"{parsed.rejected} of {parsed.rows_read} rows rejected; nothing imported (--strict)"
        )
    with open_catalog(settings) as store:
        counts = store.upsert_many(parsed.products)
    return ImportOutcome(parsed, counts)


def register(main: click.Group) -> None:
    """Add the catalog, index and setup commands to the CLI."""

    @main.group()
    def catalog() -> None:
        """Import and inspect the product catalog."""

    @catalog.command("import")
    @click.argument("path", type=click.Path(path_type=Path))
    @click.option("--format", "fmt", type=click.Choice(FORMATS), help="Default: from the file name.")
    @click.option(
        "--strict", is_flag=True,
        help="Import nothing if any row is rejected (values left out with a warning do not count).",
    )
    @click.option(
        "--map", "pairs", multiple=True, metavar="FIELD=COLUMN",
        help="CSV column mapping; FIELD is a product field, attr:NAME, or review.text, "
        "review.title, review.author, review.rating, review.date.",
    )
    @click.option(
        "--review-separator", metavar="TEXT",
        help="Split review cells holding several reviews (e.g. ','); applied to every review column.",
    )
    @click.option("--currency", help="ISO currency code when the file has none (e.g. INR).")
    @click.option("--all-warnings", is_flag=True, help=f"List every warning, not the first {WARNING_LINES}.")
    @click.option("--no-index", is_flag=True, help="Do not update the search index afterwards.")
    @click.pass_context
    def import_(
        ctx: click.Context,
        path: Path,
        fmt: str | None,
        strict: bool,
        pairs: tuple[str, ...],
        review_separator: str | None,
        currency: str | None,
        all_warnings: bool,
        no_index: bool,
    ) -> None:
        """Import products from PATH (JSONL, CSV, Shopify CSV or DummyJSON JSON).

        Rows repeating a product id are merged (the most complete row kept, reviews
        gathered); a bad optional value (rating, image link, ...) is left out with a
        warning; a row with a bad id, title, price or currency is rejected.
        """
        settings = settings_of(ctx)
        outcome = import_file(
            settings, path, fmt, strict=strict, mapping=_parse_mapping(pairs), currency=currency,
            review_separator=review_separator, all_warnings=all_warnings,
        )
        for line in outcome.summary():
            click.echo(line)
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
    @click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
    @click.pass_context
    def stats(ctx: click.Context, as_json: bool) -> None:
        """Products, departments, stock, currencies, and how many products state each fact."""
        with open_catalog(settings_of(ctx)) as store:
            coverage = catalog_coverage(store.sample_products(store.count()))
        if as_json:
            click.echo(json.dumps(coverage_dict(coverage), indent=2, ensure_ascii=False))
        else:
            click.echo("\n".join(coverage_lines(coverage)))

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
            outcome = import_file(settings, DEMO_PRODUCTS, "jsonl", strict=True)
            click.echo(f"imported the demo catalog: {outcome.counts.inserted} products")
        _say_sync(_sync(settings))
        # Models trained on the same data for another data dir are reused from the shared cache.
        found = locate_intent_model(settings)
        with progress_bar("training the intent model", unit="step") as progress:
            meta = load_intent_model(settings, progress=progress).meta
        where = f"reused from {found}" if found else f"trained, kept in {cached_intent_model_dir(settings)}"
        click.echo(f"intent model: held-out accuracy {meta.metrics.get('test_accuracy', 0):.3f} ({where})")
        found = locate_sentiment_model(settings)
        with progress_bar("training the review sentiment model", unit="step") as progress:
            sentiment = load_sentiment_model(settings, progress=progress).meta
        where = f"reused from {found}" if found else f"trained, kept in {cached_sentiment_model_dir(settings)}"
        click.echo(f"review sentiment model: held-out accuracy {sentiment.metrics.get('test_accuracy', 0):.3f} ({where})")
