"""`shopbot eval recsys`: leave-last-out quality of recommendations against two baselines, and latency."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from bot.cli import progress_bar, settings_of
from bot.cli.evaluate import eval_search
from bot.config import Settings
from bot.services import load_encoder
from catalog import DEMO_PRODUCTS
from catalog.histories import DEFAULT_SEED, baskets, dummyjson_histories, generate_histories
from retrieval.embeddings import Encoder
from retrieval.importer import read_catalog
from retrieval.recommend import CoOccurrence, Recommender, ShopperProfile
from retrieval.recommend.evaluation import LatencyFigures, RankerScores, evaluate, measure_latency

LATENCY_QUERIES = ("waterproof hiking boots", "wireless earbuds", "something to keep coffee hot", "red dress",
                   "gift for a toddler", "dog bed", "running shoes", "moisturizer for dry skin")


def _table(title: str, scores: list[RankerScores]) -> str:
    lines = [f"{title}: {scores[0].shoppers} shoppers",
             f"  {'ranker':<13} {'HitRate@10':>10} {'NDCG@10':>8}"]
    lines += [f"  {s.ranker:<13} {s.hit_rate:>10.3f} {s.ndcg:>8.3f}" for s in scores]
    return "\n".join(lines)


def _latency_table(f: LatencyFigures) -> str:
    rows = [("recommend, no query (for you)", f.for_you), ("recommend with a query", f.with_query),
            ("complements (what goes with this)", f.complements)]
    lines = [f"latency at {f.products:,} products, {f.calls} shopper profiles, p50 / p95 ms",
             "  (the whole call: candidates, features, MMR, loading the k products, reasons;",
             f"   one bare encoder forward pass in this run = {f.encoder_ms:.1f} ms, included once in 'with a query')"]
    lines += [f"  {name:<36} {p50:>6.1f} / {p95:.1f}" for name, (p50, p95) in rows]
    return "\n".join(lines)


def register(main: click.Group) -> None:
    """Add `eval recsys` to the CLI."""

    @main.commands["eval"].command("recsys")  # type: ignore[attr-defined]
    @click.option("--shoppers", default=400, show_default=True, help="Synthetic shoppers over the demo catalog.")
    @click.option("--seed", default=DEFAULT_SEED, show_default=True, help="Seed of the synthetic histories.")
    @click.option("--folds", default=5, show_default=True, help="Shopper folds (counts come from the other folds).")
    @click.option("--dummyjson", type=click.Path(file_okay=False, path_type=Path),
                  help="Also score the DummyJSON users' carts in DIR.")
    @click.option("--latency", "latency_products", type=int, default=None, is_flag=False, flag_value=10_000,
                  help="Also time recommendations over a generated catalog of N products (default 10,000).")
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    @click.pass_context
    def recsys(ctx: click.Context, shoppers: int, seed: int, folds: int, dummyjson: Path | None,
               latency_products: int | None, as_json: bool) -> None:
        """HitRate@10 and NDCG@10: personalized vs popularity vs content-only, in one run."""
        settings = settings_of(ctx)
        encoder = load_encoder(settings)
        report: dict[str, list[RankerScores]] = {}
        products = read_catalog(DEMO_PRODUCTS, "jsonl").products
        demo = eval_search(settings, "recsys-demo", products, encoder)
        histories = [s.history for s in generate_histories(products, shoppers, seed)]
        with progress_bar("synthetic shoppers", unit="shopper") as progress:
            report[f"synthetic shoppers over the demo catalog (seed {seed}), last purchase held out"] = evaluate(
                demo, histories, folds=folds, progress=progress)
        demo.store.close()
        if dummyjson is not None:
            dj_products, dj_histories = dummyjson_histories(dummyjson)
            dj = eval_search(settings, "recsys-dummyjson", dj_products, encoder)
            report["DummyJSON carts (last cart item held out)"] = evaluate(dj, dj_histories, folds=folds)
            dj.store.close()
        latency = _latency(settings, encoder, latency_products) if latency_products else None
        if as_json:
            out: dict[str, object] = {k: [asdict(s) for s in v] for k, v in report.items()}
            if latency:
                out["latency"] = asdict(latency)
            click.echo(json.dumps(out, indent=2))
            return
        parts = [_table(k, v) for k, v in report.items()]
        if latency:
            parts.append(_latency_table(latency))
        click.echo("\n\n".join(parts))


def _latency(settings: Settings, encoder: Encoder, n: int) -> LatencyFigures:
    """Time recommendations over an n-product generated catalog (built once, kept in the data dir)."""
    from catalog.generate import generate_products
    from retrieval.catalog import Product

    products = [Product.model_validate(p) for p in generate_products(n)]
    search = eval_search(settings, f"recsys-{n}", products, encoder)
    shoppers = generate_histories(products, 60, DEFAULT_SEED)
    rec = Recommender(search, cooccurrence=CoOccurrence.from_baskets(baskets(shoppers)))
    profiles = [ShopperProfile(signals=list(s.history.signals), sizes=list(s.tastes.sizes)) for s in shoppers]
    try:
        return measure_latency(rec, profiles, LATENCY_QUERIES)
    finally:
        search.store.close()
