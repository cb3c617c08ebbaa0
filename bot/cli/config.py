"""`shopbot config`: show the settings in force."""

from __future__ import annotations

import json

import click

from bot.cli import settings_of
from bot.config import settings_markdown


def register(main: click.Group) -> None:
    """Add the config command to the CLI."""

    @main.command()
    @click.option("--markdown", is_flag=True, help="Print the table of all settings and defaults.")
    @click.pass_context
    def config(ctx: click.Context, markdown: bool) -> None:
        """Print the effective settings (after env vars and the config file)."""
        if markdown:
            click.echo(settings_markdown())
            return
        click.echo(json.dumps(settings_of(ctx).model_dump(mode="json"), indent=2))
