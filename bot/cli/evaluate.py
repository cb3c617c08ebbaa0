"""`shopbot eval retrieval`: search quality of every mode, side by side, in one run."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import click

from bot.cli import progress_bar, settings_of
from catalog import DEMO_PRODUCTS, DEMO_QUERIES
from bot.config import Settings
from bot.services import load_encoder, open_search
from retrieval.catalog import Product
from retrieval.embeddings import Encoder
from retrieval.evaluation import ModeScores, evaluate, load_judged_queries, wands_products, wands_queries
from retrieval.importer import read_catalog
from retrieval.search import ProductSearch
from retrieval.store import CatalogStore


def eval_search(settings: Settings, name: str, products: Iterable[Product], encoder: Encoder) -> ProductSearch:
    """A search over a benchmark catalog kept in its own folder of the data dir (reused across runs)."""
    folder = settings.data_dir / "eval" / name
    store = CatalogStore(folder / "catalog.db")
    products = list(products)
    store.upsert_many(products)
    # The benchmark catalog is exactly the given products: drop any left from an older run.
    store.delete(set(store.fingerprints()) - {p.id for p in products})
    local = settings.model_copy(update={"data_dir": folder})
    with progress_bar(f"encoding {name}") as progress:
        search, _ = open_search(local, store=store, encoder=encoder, progress=progress)
    return search


def _table(title: str, scores: list[ModeScores]) -> str:
    lines = [f"{title} ({scores[0].queries} queries)", f"  {'mode':<8} {'NDCG@10':>8} {'Recall@50':>10} {'MRR':>7}"]
    for s in scores:
        lines.append(f"  {s.mode:<8} {s.ndcg10:>8.3f} {s.recall50:>10.3f} {s.mrr:>7.3f}")
    return "\n".join(lines)


def register(main: click.Group) -> None:
    """Add the eval commands to the CLI."""

    @main.group("eval")
    def eval_() -> None:
        """Measure quality on judged data."""

    @eval_.command()
    @click.option("--queries", type=click.Path(dir_okay=False, path_type=Path), help="Judged JSONL (default: the demo set).")
    @click.option("--wands", type=click.Path(file_okay=False, path_type=Path), help="Also score the WANDS benchmark in DIR.")
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    @click.pass_context
    def retrieval(ctx: click.Context, queries: Path | None, wands: Path | None, as_json: bool) -> None:
        """NDCG@10, Recall@50 and MRR for lexical, dense and hybrid search."""
        settings = settings_of(ctx)
        encoder = load_encoder(settings)
        report: dict[str, list[ModeScores]] = {}
        demo = eval_search(settings, "demo", read_catalog(DEMO_PRODUCTS, "jsonl").products, encoder)
        report["demo catalog"] = evaluate(demo, load_judged_queries(queries or DEMO_QUERIES))
        demo.store.close()
        if wands is not None:
            bench = eval_search(settings, "wands", wands_products(wands), encoder)
            report["WANDS"] = evaluate(bench, wands_queries(wands))
            bench.store.close()
        if as_json:
            click.echo(json.dumps({k: [vars(s) for s in v] for k, v in report.items()}, indent=2))
        else:
            click.echo("\n\n".join(_table(k, v) for k, v in report.items()))
