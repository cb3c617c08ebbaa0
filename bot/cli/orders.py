"""`shopbot orders import`: the store's own orders, for order status and cancellation in chat."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import click

from bot.cli import settings_of


def register(main: click.Group) -> None:
    """Add the orders commands to the CLI."""

    @main.group()
    def orders() -> None:
        """The store's orders (when they are not read from an order API)."""

    @orders.command("import")
    @click.argument("path", type=click.Path(path_type=Path))
    @click.option("--currency", help="ISO currency code for orders that state none (default: the catalog's).")
    @click.pass_context
    def import_(ctx: click.Context, path: Path, currency: str | None) -> None:
        """Import orders from a .jsonl export (one order per line) or a .csv (one row per order line).

        Orders with a number already in the table are replaced, so a fresh export can be
        imported again. The whole file goes in, or nothing does.
        """
        from bot.services import open_catalog
        from bot.store.order_files import read_orders
        from bot.store.backends import open_conversation_store, order_table

        if currency is not None and not re.fullmatch(r"[A-Za-z]{3}", currency.strip()):
            raise click.BadParameter(f"{currency!r} is not a three-letter currency code such as INR or EUR", param_hint="--currency")
        settings = settings_of(ctx)
        if currency is None:
            with open_catalog(settings) as catalog:
                currency = (catalog.currency() or "USD")
        parsed = read_orders(path, currency.strip().upper())

        async def put() -> int:
            store = await open_conversation_store(settings)
            try:
                return await order_table(store).put_many(parsed)
            finally:
                await store.close()

        click.echo(f"imported {asyncio.run(put())} orders")
