"""`shopbot eval retrieval` (search quality of every mode, side by side, in one run) and
`shopbot eval conversations` (scripted multi-turn conversations against the assistant)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import click

from bot.cli import progress_bar, settings_of
from catalog import DEMO_PRODUCTS, DEMO_QUERIES
from bot.config import Settings
from bot.dialogue.evaluation import CATALOGS, KINDS, ConversationResult, Report
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


def _conversation_table(report: Report) -> str:
    """Pass rates per catalog (when there are several), then per kind over them all, with each catalog's share."""
    catalogs = report.catalogs if len(report.catalogs) > 1 else []
    lines = []
    if catalogs:
        lines.append(f"  {'catalog':<18} {'conversations':>13} {'passed':>7} {'pass rate':>10}")
        lines += [f"  {s.name:<18} {s.conversations:>13} {s.passed:>7} {s.rate:>10.1%}" for s in report.by_catalog()]
        lines.append("")

    def share(catalog: str, kind: str) -> str:
        s = report.score(catalog, None if kind == "all" else kind)
        return f"{s.passed}/{s.conversations}" if s.conversations else "-"

    lines.append(f"  {'kind':<18} {'conversations':>13} {'passed':>7} {'pass rate':>10}" + "".join(f" {c:>10}" for c in catalogs))
    for s in [*report.by_kind(), report.overall]:
        lines.append(f"  {s.name:<18} {s.conversations:>13} {s.passed:>7} {s.rate:>10.1%}"
                     + "".join(f" {share(c, s.name):>10}" for c in catalogs))  # fmt: skip
    return "\n".join(lines)


def _failure_lines(result: ConversationResult, with_catalog: bool = False) -> list[str]:
    first, *others = result.failures
    c = result.conversation
    lines = [f"  {c.id} ({c.catalog + ', ' if with_catalog else ''}{c.kind}), turn {first.turn} \"{first.say}\"",
             f"    {first.check}: {first.problem}"]  # fmt: skip
    lines += [f"    {f.check}: {f.problem}" for f in others]
    lines.append(f"    seen: {first.seen}")
    return lines


def _transcript(result: ConversationResult) -> list[str]:
    status = "passed" if result.passed else "FAILED"
    lines = [f"{result.conversation.id} ({result.conversation.catalog}, {result.conversation.kind}): {status}"]
    for turn, seen in zip(result.conversation.turns, result.replies, strict=False):
        lines.append(f"  you: {turn.say}")
        lines.append("  bot: " + ("(no reply: a person is handling it)" if seen.held else seen.text.replace("\n", "\n       ")))
        lines += [f"       - {c.get('id')} {c.get('title')} {c.get('price')}" for c in seen.cards]
        if seen.handoff:
            lines.append("       (handed to a person)")
    return lines


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

    @eval_.command("conversations")
    @click.option("--file", "files", multiple=True, type=click.Path(exists=True, path_type=Path),
                  help="A conversation JSON file or folder of them (repeatable; default: the shipped ones).")
    @click.option("--kind", "kinds", multiple=True, type=click.Choice(KINDS), help="Only conversations of this kind (repeatable).")
    @click.option("--catalog", "catalogs", multiple=True, type=click.Choice(list(CATALOGS)),
                  help="Only conversations for this catalog (repeatable; default: every catalog).")
    @click.option("--data", "shared_data", type=click.Path(file_okay=False, path_type=Path),
                  help="Folder with the DummyJSON and Amazon.in catalog files (default: ../shared/data beside the checkout).")
    @click.option("--verbose", is_flag=True, help="Also print every conversation's turns as the shopper saw them.")
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    @click.option("--strict", is_flag=True, help="Exit with code 1 when any conversation fails.")
    @click.pass_context
    def conversations(
        ctx: click.Context, files: tuple[Path, ...], kinds: tuple[str, ...], catalogs: tuple[str, ...],
        shared_data: Path | None, verbose: bool, as_json: bool, strict: bool,
    ) -> None:  # fmt: skip
        """Scripted multi-turn conversations against the assistant (template answers): pass rate per catalog and kind.

        Demo conversations run on the data dir's catalog; DummyJSON and Amazon.in ones on
        their files in the shared data folder, imported into DATA_DIR/eval/catalogs/ on first
        use (skipped when the file is absent). A measurement: the exit code is 0 even when
        some fail, unless --strict. The transcripts stay in DATA_DIR/eval/conversations/
        until the next run.
        """
        import asyncio
        import logging

        from bot.dialogue.evaluation import evaluate as play, load_conversations

        settings = settings_of(ctx)
        chosen = [c for c in load_conversations(files or None)
                  if (not kinds or c.kind in kinds) and (not catalogs or c.catalog in catalogs)]  # fmt: skip
        if not chosen:
            raise click.ClickException("no conversations to run (check --file, --kind and --catalog)")
        if not ctx.find_root().params.get("verbose"):
            # A log line per turn would bury the report; start-up news (training) still shows.
            logging.getLogger().setLevel(logging.WARNING)
            logging.getLogger("bot.services").setLevel(logging.INFO)
        with progress_bar("conversations", unit="conversation") as progress:
            report = asyncio.run(play(settings, chosen, shipped=not files, shared_data=shared_data, progress=progress,
                                      notice=lambda line: click.echo(line, err=True)))  # fmt: skip
        if not report.results:
            raise click.ClickException("no conversations ran: " + "; ".join(f"{s.catalog}: {s.reason}" for s in report.skipped))
        if as_json:
            click.echo(json.dumps(report.to_dict(), indent=2))
        else:
            if verbose:
                click.echo("\n\n".join("\n".join(_transcript(r)) for r in report.results) + "\n")
            on = f" on {len(report.catalogs)} catalogs" if len(report.catalogs) > 1 else ""
            click.echo(f"conversations ({report.overall.conversations}{on}, template answers)")
            click.echo(_conversation_table(report))
            for skipped in report.skipped:
                click.echo(f"skipped: {skipped.catalog} ({skipped.conversations} conversations): {skipped.reason}")
            if report.failed:
                several = len(report.catalogs) > 1
                click.echo(f"\nfailures ({len(report.failed)}): conversation, first failing turn, check, what was seen")
                click.echo("\n".join(line for r in report.failed for line in _failure_lines(r, several)))
        if strict and report.failed:
            ctx.exit(1)

    @eval_.command("coverage")
    @click.option("--data-dir", "folders", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
                  help="A store's data dir, named after its folder (repeatable).")
    @click.option("--store", "stores", multiple=True, metavar="NAME=DIR", help="A store's data dir with a name (repeatable).")
    @click.option("--verbose", is_flag=True, help="Also print every request: the truth, the decision and the cards shown.")
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    @click.pass_context
    def coverage(ctx: click.Context, folders: tuple[Path, ...], stores: tuple[str, ...], verbose: bool, as_json: bool) -> None:
        """Does the assistant know what a store sells? Precision and recall of "we carry it", and
        the share of cards shown that are what was asked for, per store.

        Requests name the catalog's own product types and a fixed list of common retail types;
        retrieval/coverage_eval.py says how the truth is set. Without --data-dir or --store, the
        data dir is scored. Catalogs are only read (an index out of date is brought up to date
        first, as `shopbot serve` would).
        """
        from retrieval.coverage_eval import evaluate_coverage, probe_lines, report_lines

        settings = settings_of(ctx)
        chosen = [(folder.resolve().name, folder) for folder in folders]
        for store in stores:
            name, sep, folder = store.partition("=")
            if not sep or not name or not Path(folder).is_dir():
                raise click.BadParameter(f"{store!r} is not NAME=DIR with an existing DIR", param_hint="--store")
            chosen.append((name, Path(folder)))
        chosen = chosen or [(settings.data_dir.resolve().name, settings.data_dir)]
        encoder = load_encoder(settings)
        reports = []
        for name, folder in chosen:
            search, _ = open_search(settings.model_copy(update={"data_dir": folder}), encoder=encoder)
            reports.append(evaluate_coverage(search, name))
            search.store.close()
        if as_json:
            click.echo(json.dumps([r.to_dict() for r in reports], indent=2, ensure_ascii=False))
            return
        if verbose:
            click.echo("\n".join(line for r in reports for line in probe_lines(r)) + "\n")
        click.echo("coverage: does the store carry what was asked for, and are the cards shown that?")
        click.echo("\n".join(report_lines(reports)))
