"""`shopbot eval generation` and `shopbot answer`: grounded answers from each generator backend."""

from __future__ import annotations

import asyncio
import json
from dataclasses import asdict

import click

from bot.cli import progress_bar, settings_of
from bot.config import Settings
from bot.generation.backends.local import PACKAGED_MODELS, LocalGenerator
from bot.generation.evaluation import GroundednessReport, evaluate, question_set
from bot.services import load_encoder, load_policy, open_catalog, open_responder, open_search
from catalog import DEMO_QUERIES
from retrieval.evaluation import load_judged_queries

OUTCOMES = ("grounded", "retried", "replaced")


def _table(reports: list[GroundednessReport]) -> str:
    width = max(9, *(len(r.backend) for r in reports))
    lines = [f"  {'backend':<{width}} {'answers':>7} {'grounded':>9} {'retried':>8} {'replaced':>9} {'p50 s':>6} {'final answers flagged':>22}"]
    for r in reports:
        shares = " ".join(f"{r.share(o):>{w}.1%}" for o, w in zip(OUTCOMES, (9, 8, 9), strict=True))
        lines.append(f"  {r.backend:<{width}} {r.total:>7} {shares} {r.p50_seconds:>6.2f} {len(r.final_flagged):>22}")
    for r in reports:
        lines.extend(f"  {r.backend} final answer flagged: {x}" for x in r.final_flagged)
        if r.problems:
            lines.append(f"  {r.backend} unsupported claims by kind: " + ", ".join(f"{k} {n}" for k, n in r.problems.most_common()))
    return "\n".join(lines)


async def _run(
    settings: Settings, backends: list[str], per_kind: int, local_models: list[str]
) -> list[GroundednessReport]:
    store = open_catalog(settings)
    search, _ = open_search(settings, store=store)
    contexts = question_set(search, load_policy(settings), load_judged_queries(DEMO_QUERIES), per_kind=per_kind)
    # Each packaged local model named runs as a backend of its own, over the same questions.
    plan: list[tuple[str, str, Settings]] = []
    for name in backends:
        if name == "local" and local_models:
            plan.extend(
                (f"local:{model}", name, settings.model_copy(update={"local_model": model, "local_model_path": None}))
                for model in local_models
            )
        else:
            plan.append((name, name, settings))
    reports = []
    for label, name, run_settings in plan:
        responder = open_responder(run_settings, store, generator=name)
        await responder.generator.warm_up()
        with progress_bar(f"answering with {label}", unit="answer") as progress:
            reports.append(await evaluate(responder, contexts, progress, label=label))
        await responder.generator.close()
    return reports


async def _ask(settings: Settings, question: str, product_id: str | None, backend: str | None) -> None:
    from bot.generation.facts import AnswerContext, ProductFacts
    from bot.generation.responder import Answer, Delta, Retract
    from bot.skills.product_qa import answer_question

    store = open_catalog(settings)
    responder = open_responder(settings, store, generator=backend)
    await responder.generator.warm_up()
    if product_id:
        product = store.get(product_id)
        if product is None:
            raise click.BadParameter(f"no product with id {product_id!r} in the catalog", param_hint="--product")
        findings = tuple(answer_question(product, question, load_encoder(settings)))
        context = AnswerContext("product_answer", question, products=(ProductFacts.from_product(product),), findings=findings)
    elif (section := load_policy(settings).find(question)) is not None:
        context = AnswerContext("policy", question, policy=section.facts(), store_name=settings.store_name)
    else:
        search, _ = open_search(settings, store=store)
        hits = search.search(question, k=3)
        context = AnswerContext(
            "search", question, products=tuple(ProductFacts.from_product(h.product) for h in hits), total_results=len(hits)
        )
    async for event in responder.stream(context):
        if isinstance(event, Delta):
            click.echo(event.text, nl=False)
        elif isinstance(event, Retract):
            click.echo(f"\n[withdrawn: {event.reason}]")
        elif isinstance(event, Answer):
            click.echo(f"\n[{event.backend}: {event.outcome}]", err=True)
    await responder.generator.close()


def register(main: click.Group) -> None:
    """Add the generation commands to the CLI."""

    @main.command()
    @click.argument("question")
    @click.option("--product", "product_id", help="Ask about this product id.")
    @click.option("--backend", type=click.Choice(["template", "local", "openai"]), help="Override SHOPBOT_GENERATOR.")
    @click.pass_context
    def ask(ctx: click.Context, question: str, product_id: str | None, backend: str | None) -> None:
        """Answer one question from the catalog or the store policy, streamed and checked."""
        asyncio.run(_ask(settings_of(ctx), question, product_id, backend))

    @main.commands["eval"].command("generation")  # type: ignore[attr-defined]
    @click.option(
        "--backend", "backends", multiple=True, type=click.Choice(["template", "local", "openai"]),
        help="Backends to compare (default: template, and local when installed).",
    )  # fmt: skip
    @click.option(
        "--local-model", "local_models", multiple=True, type=click.Choice(sorted(PACKAGED_MODELS)),
        help="Packaged local models to compare, each as a backend of its own (default: SHOPBOT_LOCAL_MODEL).",
    )  # fmt: skip
    @click.option("--per-kind", default=8, show_default=True, help="Questions per skill.")
    @click.option("--json", "as_json", is_flag=True, help="Print JSON, with every answer.")
    @click.pass_context
    def generation(
        ctx: click.Context, backends: tuple[str, ...], local_models: tuple[str, ...], per_kind: int, as_json: bool
    ) -> None:
        """Share of answers grounded, retried and replaced, per backend, on the catalog of the data dir."""
        settings = settings_of(ctx)
        for model in local_models:
            if not PACKAGED_MODELS[model].installed():
                raise click.UsageError(str(PACKAGED_MODELS[model].missing_error()))
        installed = LocalGenerator.installed(settings.local_model) or bool(local_models)
        chosen = list(backends) or ["template", *(["local"] if installed else [])]
        if local_models and "local" not in chosen:
            chosen.append("local")
        reports = asyncio.run(_run(settings, chosen, per_kind, list(local_models)))
        if as_json:
            rows = [
                {
                    "backend": r.backend, "answers": r.total, **{o: r.share(o) for o in OUTCOMES},
                    "p50_seconds": r.p50_seconds, "problems": dict(r.problems), "final_flagged": r.final_flagged,
                    "samples": [asdict(s) for s in r.samples],
                }
                for r in reports
            ]  # fmt: skip
            click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        else:
            click.echo(f"Groundedness on {settings.data_dir} ({reports[0].total} questions)\n" + _table(reports))
