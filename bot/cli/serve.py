"""`shopbot serve`: run the chat server."""

from __future__ import annotations

import signal

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
        """Start the Shopbot server: the port opens at once, the catalog, index and models load
        behind it (GET /ready says when it is done); exits with 1 and the reason if they cannot."""
        from bot.app import create_app
        from bot.channels.keys import LOADING

        settings = settings_of(ctx)
        settings = settings.model_copy(update={k: v for k, v in {"host": host, "port": port}.items() if v})
        app = create_app(settings)
        # A server that cannot load (no catalog, a broken model) stops the way SIGTERM stops it,
        # so a supervisor sees the exit and the person at the terminal reads why.
        app[LOADING].on_failure(lambda: signal.raise_signal(signal.SIGTERM))
        web.run_app(app, host=settings.host, port=settings.port, print=click.echo)
        if app[LOADING].error is not None:
            raise click.ClickException(f"Shopbot could not start: {app[LOADING].error}")
