"""`shopbot serve`: run the chat server."""

from __future__ import annotations

import signal

import click
from aiohttp import web

from bot.cli import settings_of
from bot.config import Settings


def register(main: click.Group) -> None:
    """Add the serve command to the CLI."""

    @main.command()
    @click.option("--host", help="Override SHOPBOT_HOST (default 127.0.0.1).")
    @click.option("--port", type=click.IntRange(1, 65535), help="Override SHOPBOT_PORT (default 8080).")
    @click.option(
        "--workers", type=click.IntRange(1, 64), default=1, show_default=True,
        help="Server processes sharing the port (more than one needs SHOPBOT_REDIS_URL; PostgreSQL for more than one machine).",
    )  # fmt: skip
    @click.option("--reuse-port", is_flag=True, help="Share the port with other Shopbot processes (what each of --workers runs with).")
    @click.pass_context
    def serve(ctx: click.Context, host: str | None, port: int | None, workers: int, reuse_port: bool) -> None:
        """Start the Shopbot server: the port opens at once, the catalog, index and models load
        behind it (GET /ready says when it is done); exits with 1 and the reason if they cannot."""
        from bot.app import create_app
        from bot.channels.keys import LOADING

        settings = settings_of(ctx)
        settings = settings.model_copy(update={k: v for k, v in {"host": host, "port": port}.items() if v})
        if workers > 1:
            raise SystemExit(_supervise(settings, workers))
        app = create_app(settings)
        # A server that cannot load (no catalog, a broken model) stops the way SIGTERM stops it,
        # so a supervisor sees the exit and the person at the terminal reads why.
        app[LOADING].on_failure(lambda: signal.raise_signal(signal.SIGTERM))
        web.run_app(app, host=settings.host, port=settings.port, print=click.echo, reuse_port=reuse_port or None)
        if app[LOADING].error is not None:
            raise click.ClickException(f"Shopbot could not start: {app[LOADING].error}")


def _supervise(settings: Settings, workers: int) -> int:
    """Prepare the index and models once, then run `workers` server processes until stopped."""
    import sys

    from bot.workers import Supervisor, check_can_share, prepare_once, worker_command

    check_can_share(settings, workers)
    click.echo(f"preparing the catalog index and models for {workers} workers ...")
    prepare_once(settings)
    click.echo(f"starting {workers} workers on http://{settings.host}:{settings.port}")
    return Supervisor(worker_command(sys.argv[1:]), workers).run()
