"""`shopbot search`: the hybrid search from the command line."""

from __future__ import annotations

import json

import click
from pydantic import ValidationError

from bot.cli import settings_of
from bot.config import describe_validation_error
from bot.services import open_search
from retrieval.catalog import Product
from retrieval.filters import SearchFilters
from retrieval.money import format_money
from retrieval.search import MODES, SORTS


def register(main: click.Group) -> None:
    """Add the search command to the CLI."""

    @main.command()
    @click.argument("query", default="")
    @click.option("--k", default=10, show_default=True, type=click.IntRange(1, 1000), help="How many hits.")
    @click.option("--min-price", type=float)
    @click.option("--max-price", type=float)
    @click.option("--category", help="A category name or path; its subcategories match too.")
    @click.option("--brand")
    @click.option("--color")
    @click.option("--size")
    @click.option("--in-stock", is_flag=True, help="Only what can be bought now.")
    @click.option("--min-rating", type=float)
    @click.option("--mode", type=click.Choice(MODES), default="hybrid", show_default=True)
    @click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
    @click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
    @click.pass_context
    def search(
        ctx: click.Context,
        query: str,
        k: int,
        mode: str,
        sort: str,
        as_json: bool,
        **filter_values: object,
    ) -> None:
        """Search the catalog for QUERY (empty: browse by filters)."""
        try:
            filters = SearchFilters(**filter_values)
        except ValidationError as exc:
            raise click.UsageError(
                describe_validation_error(exc, "filter", lambda f: "--" + f.replace("_", "-"))
            ) from None
        engine, _ = open_search(settings_of(ctx))
        hits = engine.search(query, filters=filters, k=k, mode=mode, sort=sort)  # type: ignore[arg-type]
        engine.store.close()
        if as_json:
            click.echo(json.dumps([h.to_dict() for h in hits], indent=2, ensure_ascii=False))
            return
        if not hits:
            click.echo("no products match")
        for rank, hit in enumerate(hits, 1):
            p = hit.product
            click.echo(
                f"{rank:>2}. {p.title} — {format_money(p.price, p.currency)} · {_stock(p)} · {_rating(p)}"
                f" · {p.category_path} [{p.id}]"
            )


def _stock(p: Product) -> str:
    """The stock word: a catalog that gives no stock gets no guess of "in stock"."""
    if p.stock is None and not p.variants:
        return "stock unknown"
    return "in stock" if p.in_stock else "out of stock"


def _rating(p: Product) -> str:
    return f"{p.rating:.1f}★" if p.rating is not None else "unrated"
