"""`shopbot bench`: speed and memory of indexing and search."""

from __future__ import annotations

import click

from bot.cli import settings_of
from bot.services import load_encoder


def register(main: click.Group) -> None:
    """Add the bench command to the CLI."""

    @main.command()
    @click.option(
        "--sizes",
        default="1000,10000,100000",
        show_default=True,
        help="Catalog sizes to build (comma-separated); latency is measured at the largest.",
    )
    @click.pass_context
    def bench(ctx: click.Context, sizes: str) -> None:
        """Index build rate, memory and query latency (flat vs HNSW)."""
        from bot.bench import run

        try:
            counts = sorted({int(s) for s in sizes.split(",") if s.strip()})
        except ValueError:
            raise click.BadParameter("sizes must be whole numbers, e.g. 1000,10000", param_hint="--sizes") from None
        if not counts or counts[0] < 10:
            raise click.BadParameter("give at least one size of 10 or more", param_hint="--sizes")
        settings = settings_of(ctx)
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        run(load_encoder(settings), counts, click.echo, workdir=settings.data_dir)
