"""`shopbot copy`: product descriptions, ads, social posts and emails, checked against the catalog."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from bot.cli import progress_bar, settings_of
from bot.config import Settings
from bot.merchant.copy_batch import CopySelectionError, open_output, run_batch, select_products
from bot.merchant.copy_template import TONES
from bot.merchant.copywriter import KINDS, CopyRequest, CopyResult, CopyWriter, get_product


def _writer(settings: Settings, store: object, backend: str | None) -> CopyWriter:
    from bot.generation.backends import create_generator
    from bot.nlu.vocabulary import CatalogVocabulary
    from bot.services import generator_name

    vocabulary = CatalogVocabulary.from_store(store)  # type: ignore[arg-type]
    generator = create_generator(backend or generator_name(settings), settings)
    return CopyWriter(
        generator, brands=vocabulary.brands, colors=vocabulary.colors, store_name=settings.store_name,
        timeout=max(settings.generator_timeout, 30.0),
    )  # fmt: skip


def _show(result: CopyResult) -> None:
    click.echo(f"{result.title} ({result.product_id}), {result.kind}, {result.tone}:")
    for v in result.variants:
        click.echo(f"\n--- variant {v.variant} [{v.backend}: {v.outcome}]")
        click.echo(v.text)
        for problem in v.problems:
            click.echo(f"    (rejected draft) {problem}", err=True)


async def _run(
    settings: Settings, product_id: str | None, category: str | None, everything: bool, request: CopyRequest,
    out: Path | None, backend: str | None, concurrency: int,
) -> None:  # fmt: skip
    from bot.services import open_catalog

    with open_catalog(settings) as store:
        if product_id:
            products = [get_product(store, product_id)]
        else:
            products = select_products(store, category=category, everything=everything)
        writer = _writer(settings, store, backend)
        try:
            if out is None:
                if len(products) > 1:
                    raise CopySelectionError("a batch needs --out FILE.csv or FILE.jsonl to write its copy to")
                _show(await writer.write(products[0], request))
                return
            with open_output(out) as rows, progress_bar(f"writing {request.kind} copy") as progress:
                report = await run_batch(writer, products, request, rows, progress, concurrency)
            click.echo(f"{report.summary()}; wrote {out}")
        finally:
            await writer.generator.close()


def register(main: click.Group) -> None:
    """Add the copy command to the CLI."""

    @main.command("copy")
    @click.argument("product_id", required=False)
    @click.option("--kind", default="description", show_default=True, help=f"What to write: {', '.join(KINDS)}.")
    @click.option("--tone", default="friendly", show_default=True, help=f"Voice: {', '.join(TONES)}.")
    @click.option("--max-words", type=int, default=None, help="Longest copy, in words (default depends on --kind).")
    @click.option("--variants", type=int, default=1, show_default=True, help="How many different versions to write.")
    @click.option("--category", default=None, help='Every product in a category branch, e.g. "Apparel/Women".')
    @click.option("--all", "everything", is_flag=True, help="Every product in the catalog.")
    @click.option(
        "--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
        help="Write rows to this .csv or .jsonl file (needed for --category and --all).",
    )  # fmt: skip
    @click.option(
        "--backend", default=None, help="Generator to use (template, local, openai); default: the configured one."
    )
    @click.option(
        "--concurrency", type=click.IntRange(1, 32), default=4, show_default=True, help="Products written at once."
    )
    @click.pass_context
    def copy_command(
        ctx: click.Context, product_id: str | None, kind: str, tone: str, max_words: int | None, variants: int,
        category: str | None, everything: bool, out: Path | None, backend: str | None, concurrency: int,
    ) -> None:  # fmt: skip
        """Write product copy from catalog facts; every claim is checked against the catalog.

        Each variant reports its outcome: grounded (passed the check), retried (passed on the
        stricter second try) or replaced (the model's copy failed and the template copy was used).
        """
        request = CopyRequest(kind, tone, max_words, variants)  # validates: a one-line error on bad input
        if product_id and (category or everything):
            raise CopySelectionError("give either a product id or --category/--all, not both")
        if category and everything:
            raise CopySelectionError("give either --category or --all, not both")
        asyncio.run(_run(settings_of(ctx), product_id, category, everything, request, out, backend, concurrency))
