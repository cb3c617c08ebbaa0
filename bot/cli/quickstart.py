"""`shopbot quickstart PATH`: from a store's catalog file to a running assistant, in one command."""

from __future__ import annotations

from pathlib import Path

import click
from aiohttp import web

from bot.cli import settings_of


def register(main: click.Group) -> None:
    """Add the quickstart command to the CLI."""

    @main.command()
    @click.argument("path", type=click.Path(path_type=Path))
    @click.option("--format", "fmt", help="Catalog format (default: from the file name).")
    @click.option("--map", "pairs", multiple=True, metavar="FIELD=COLUMN", help="CSV column mapping, as for `catalog import`.")
    @click.option("--currency", help="ISO currency code when the file states none (e.g. INR).")
    @click.option("--store-name", help="The store's name, as the assistant says it (SHOPBOT_STORE_NAME).")
    @click.option("--policy", type=click.Path(dir_okay=False, exists=True, path_type=Path),
                  help="The store's policy Markdown (SHOPBOT_POLICY_FILE); without one, policy questions get an honest 'I don't have that'.")
    @click.option("--host", help="Override SHOPBOT_HOST (default 127.0.0.1).")
    @click.option("--port", type=click.IntRange(1, 65535), help="Override SHOPBOT_PORT (default 8080).")
    @click.option("--no-serve", is_flag=True, help="Prepare the data dir and stop (no server).")
    @click.pass_context
    def quickstart(
        ctx: click.Context, path: Path, fmt: str | None, pairs: tuple[str, ...], currency: str | None,
        store_name: str | None, policy: Path | None, host: str | None, port: int | None, no_serve: bool,
    ) -> None:  # fmt: skip
        """Import PATH into the data dir, build the index, make sure the models are ready, and serve.

        Run it again with a changed file: only changed products are re-encoded. The data dir
        (--data-dir, default ./data) then holds the whole store; `shopbot --data-dir DIR serve`
        serves it again.
        """
        from bot.services import open_catalog

        # The same commands a store owner would run one by one.
        root = ctx.find_root().command
        assert isinstance(root, click.Group)
        import_command = root.commands["catalog"].commands["import"]  # type: ignore[attr-defined]
        setup_command = root.commands["setup"]

        settings = settings_of(ctx)
        updates = {"store_name": store_name, "policy_file": policy, "host": host, "port": port}
        settings = settings.model_copy(update={k: v for k, v in updates.items() if v is not None})
        ctx.invoke(import_command, path=path, fmt=fmt, pairs=pairs, currency=currency, no_index=True)
        ctx.invoke(setup_command)
        with open_catalog(settings) as catalog:
            count, money = catalog.count(), (catalog.currency() or "USD")
        agent = "SHOPBOT_AGENT_TOKENS" if settings.agent_tokens is not None else str(settings.data_dir / "agent_tokens")
        click.echo(
            f"\nstore: {settings.store_name!r}, {count} products, prices in {money}, data dir {settings.data_dir}\n"
            f"policy: {settings.policy_file or 'none (policy questions are answered honestly and offered a person)'}\n"
            f"agent console: http://{settings.host}:{settings.port}/agent, token in {agent}\n"
            f"serve it again: shopbot --data-dir {settings.data_dir} serve"
        )
        if not no_serve:
            from bot.app import create_app

            web.run_app(create_app(settings), host=settings.host, port=settings.port, print=click.echo)
