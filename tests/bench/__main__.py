"""`python -m tests.bench`: run one benchmark suite, or search, NLU and generation together (all)."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from bot.config import Settings, load_settings
from bot.errors import USER_ERRORS

SUITES = ("all", "search", "nlu", "generation", "turns", "actions", "copy", "onboarding", "naming", "scaleout")


@click.command()
@click.option(
    "--sizes",
    default="1000,10000,100000",
    show_default=True,
    help="Catalog sizes to build (comma-separated); latency is measured at the largest.",
)
@click.option(
    "--suite",
    type=click.Choice(SUITES),
    default="all",
    show_default=True,
    help="Which benchmarks to run (turns: turn latency at each size, default 1000,100000, and HTTP throughput; actions: one Rasa action call through the action server; copy: grounding pass share and batch throughput of product copy per backend; onboarding: time from a catalog file in --data to the first answer; naming: product-name resolution and coverage per message at each size; scaleout: 1 and 2 processes on SQLite and on PostgreSQL + Redis, and 200 concurrent conversations; none of these is part of all).",
)
@click.option(
    "--data", "shared", type=click.Path(file_okay=False, path_type=Path), default=Path("../shared/data"),
    show_default=True, help="For --suite onboarding: the folder with the third-party catalog files.",
)  # fmt: skip
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="SHOPBOT_DATA_DIR",
    help="Where the catalog, index and models live (default ./data).",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="SHOPBOT_CONFIG",
    help="A TOML file of settings (SHOPBOT_* env vars override it).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log more.")
@click.pass_context
def bench(
    ctx: click.Context, sizes: str, suite: str, shared: Path, data_dir: Path | None, config_file: Path | None, verbose: bool
) -> None:
    """Search (build rate, memory, latency flat vs HNSW, cold and cached queries), NLU (parse latency) and generation benchmarks."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        counts = sorted({int(s) for s in sizes.split(",") if s.strip()})
    except ValueError:
        raise click.BadParameter("sizes must be whole numbers, e.g. 1000,10000", param_hint="--sizes") from None
    if not counts or counts[0] < 10:
        raise click.BadParameter("give at least one size of 10 or more", param_hint="--sizes")
    if suite == "turns" and ctx.get_parameter_source("sizes") is click.core.ParameterSource.DEFAULT:
        counts = [1000, 100000]
    try:
        settings = load_settings(config_file, data_dir=data_dir)
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        _run(suite, settings, counts, shared)
    except USER_ERRORS as exc:
        raise click.ClickException(str(exc)) from None


def _run(suite: str, settings: Settings, counts: list[int], shared: Path) -> None:
    """Run `suite`, printing its report."""
    say = click.echo
    if suite == "scaleout":
        from tests.bench.scaleout import run_scaleout

        run_scaleout(settings, say)
        return
    if suite == "turns":
        from tests.bench.turns import run_turns

        run_turns(settings, counts, say)
        return
    if suite == "onboarding":
        from tests.bench.onboarding import run_onboarding

        run_onboarding(shared, say)
        return
    if suite == "copy":
        from tests.bench.copywriting import demo_products
        from tests.bench.copywriting import run as run_copy

        run_copy(demo_products(120), say, cache_root=settings.data_dir / "models" / "local")
        return
    if suite == "actions":
        from tests.bench.actions import report
        from tests.bench.actions import run as run_actions

        report(run_actions(settings), say)
        return
    from bot.services import load_encoder

    encoder = load_encoder(settings)
    if suite in ("all", "nlu"):
        from bot.cli import progress_bar
        from bot.services import load_nlu, open_catalog
        from tests.bench.nlu import run_nlu

        say("== NLU ==")
        with open_catalog(settings) as store, progress_bar("training", unit="step") as progress:
            nlu = load_nlu(settings, store, progress=progress)
            run_nlu(nlu, encoder, say)
    if suite in ("all", "generation"):
        from tests.bench.generation import run_generation, store_contexts

        say("\n== generation ==")
        run_generation(store_contexts(settings), say, settings.data_dir)
    if suite == "naming":
        from tests.bench.naming import run_naming

        say("== product names and coverage ==")
        run_naming(encoder, counts, say)
        return
    if suite in ("all", "search"):
        from tests.bench.search import run

        say("\n== search ==")
        run(encoder, counts, say, workdir=settings.data_dir)


if __name__ == "__main__":
    bench(prog_name="python -m tests.bench")
