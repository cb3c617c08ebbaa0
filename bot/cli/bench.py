"""`shopbot bench`: speed and memory of indexing, search and message understanding."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from bot.cli import progress_bar, settings_of
from bot.config import Settings
from bot.services import load_encoder, load_nlu, open_catalog


def register(main: click.Group) -> None:
    """Add the bench command to the CLI."""

    @main.command()
    @click.option(
        "--sizes",
        default="1000,10000,100000",
        show_default=True,
        help="Catalog sizes to build (comma-separated); latency is measured at the largest.",
    )
    @click.option(
        "--suite",
        type=click.Choice(["all", "search", "nlu", "generation", "turns", "actions", "copy", "onboarding"]),
        default="all",
        show_default=True,
        help="Which benchmarks to run (turns: turn latency at each size, default 1000,100000, and HTTP throughput; actions: one Rasa action call through the action server; copy: grounding pass share and batch throughput of product copy per backend; onboarding: time from a catalog file in --data to the first answer; none of these is part of all).",
    )
    @click.option(
        "--data", "shared", type=click.Path(file_okay=False, path_type=Path), default=Path("../shared/data"),
        show_default=True, help="For --suite onboarding: the folder with the third-party catalog files.",
    )
    @click.pass_context
    def bench(ctx: click.Context, sizes: str, suite: str, shared: Path) -> None:
        """Search (build rate, memory, latency flat vs HNSW), NLU (parse latency) and generation benchmarks."""
        from bot.bench import run
        from bot.bench_nlu import run_nlu

        try:
            counts = sorted({int(s) for s in sizes.split(",") if s.strip()})
        except ValueError:
            raise click.BadParameter("sizes must be whole numbers, e.g. 1000,10000", param_hint="--sizes") from None
        if not counts or counts[0] < 10:
            raise click.BadParameter("give at least one size of 10 or more", param_hint="--sizes")
        settings = settings_of(ctx)
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        if suite == "turns":
            from bot.bench_turns import run_turns

            if ctx.get_parameter_source("sizes") is click.core.ParameterSource.DEFAULT:
                counts = [1000, 100000]
            run_turns(settings, counts, click.echo)
            return
        if suite == "onboarding":
            from bot.bench_onboarding import run_onboarding

            run_onboarding(shared, click.echo)
            return
        if suite == "copy":
            from bot.bench_copy import demo_products
            from bot.bench_copy import run as run_copy

            run_copy(demo_products(120), click.echo, cache_root=settings.data_dir / "models" / "local")
            return
        if suite == "actions":
            from bot.bench_actions import report
            from bot.bench_actions import run as run_actions

            report(run_actions(settings), click.echo)
            return
        encoder = load_encoder(settings)
        if suite in ("all", "nlu"):
            click.echo("== NLU ==")
            with open_catalog(settings) as store, progress_bar("training", unit="step") as progress:
                nlu = load_nlu(settings, store, progress=progress)
                run_nlu(nlu, encoder, click.echo)
        if suite in ("all", "generation"):
            click.echo("\n== generation ==")
            _generation(settings, click.echo)
        if suite in ("all", "search"):
            click.echo("\n== search ==")
            run(encoder, counts, click.echo, workdir=settings.data_dir)


def _generation(settings: Settings, say: Callable[[str], None]) -> None:
    """Generation benchmarks over answer contexts built from the store's catalog."""
    from bot.bench_generation import run_generation
    from bot.generation.evaluation import question_set
    from bot.services import load_policy, open_search
    from catalog import DEMO_QUERIES
    from retrieval.evaluation import load_judged_queries

    with open_catalog(settings) as store:
        search, _ = open_search(settings, store=store)
        contexts = question_set(search, load_policy(settings), load_judged_queries(DEMO_QUERIES), per_kind=20)
    run_generation(contexts, say, settings.data_dir)
