"""The `shopbot` command line: one group, one module per subcommand family."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from bot.config import Settings, load_settings
from bot.errors import USER_ERRORS


class _Group(click.Group):
    """Turns errors a user can fix into one readable line and exit code 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except USER_ERRORS as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=_Group)
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
def main(ctx: click.Context, data_dir: Path | None, config_file: Path | None, verbose: bool) -> None:
    """Shopbot: a self-hosted conversational shopping assistant."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    ctx.obj = _Lazy(lambda: load_settings(config_file, data_dir=data_dir))


class _Lazy:
    """Settings built on first use, so `--help` works even with a broken config."""

    def __init__(self, factory: Callable[[], Settings]) -> None:
        self._factory = factory
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = self._factory()
        return self._settings


def settings_of(ctx: click.Context) -> Settings:
    """The Settings of the current invocation."""
    return ctx.find_object(_Lazy).settings  # type: ignore[union-attr]


@contextmanager
def progress_bar(label: str, unit: str = "product") -> Iterator[Callable[[int, int], None]]:
    """A `progress(done, total)` callback drawing a tqdm bar on stderr."""
    from tqdm import tqdm

    bar: tqdm | None = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc=label, unit=unit, file=sys.stderr, leave=False)
        bar.update(done - bar.n)

    try:
        yield update
    finally:
        if bar is not None:
            bar.close()


def _register() -> None:
    from bot.cli import (
        actions, catalog, chat, config, copy, evaluate, generation, insights, nlu, orders, quickstart, recsys, search,
        sentiment, serve,
    )  # fmt: skip

    # nlu, generation, recsys and sentiment add commands to the eval group, so they register after
    # evaluate; sentiment also adds to nlu's train group.
    for module in (catalog, orders, search, evaluate, nlu, generation, recsys, sentiment, insights, copy, serve,
                   quickstart, chat, config, actions):
        module.register(main)


_register()
