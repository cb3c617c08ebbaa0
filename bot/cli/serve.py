"""`shopbot serve`: run the chat server."""

from __future__ import annotations

import click
from aiohttp import web

from bot.cli import settings_of


def register(main: click.Group) -> None:
    """Add the serve command to the CLI."""

    @main.command()
    @click.option("--host", help="Override SHOPBOT_HOST (default 127.0.0.1).")
    @click.option("--port", type=click.IntRange(1, 65535), help="Override SHOPBOT_PORT (default 8080).")
    @click.pass_context
    def serve(ctx: click.Context, host: str | None, port: int | None) -> None:
        """Start the Shopbot server (loads the catalog and index first)."""
        from bot.app import create_app

        settings = settings_of(ctx)
        settings = settings.model_copy(update={k: v for k, v in {"host": host, "port": port}.items() if v})
        web.run_app(create_app(settings), host=settings.host, port=settings.port, print=click.echo)
