"""`shopbot train sentiment`, `shopbot eval sentiment`, `shopbot sentiment` and `shopbot reviews`:
the review sentiment model and what it says about a product's reviews."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from bot.cli import progress_bar, settings_of
from bot.errors import ShopbotError
from bot.merchant.sentiment import SentimentTrainConfig, load_sentiment_model, train_sentiment_model
from bot.merchant.sentiment_data import DEFAULT_SENTENCE_DIR, SENTENCE_FILES

_DATA_HELP = "Folder with the UCI sentence files (default: ../shared/data beside the checkout)."


def register(main: click.Group) -> None:
    """Add the review sentiment commands to the CLI (after `train` and `eval` exist)."""

    @main.commands["train"].command("sentiment")  # type: ignore[attr-defined]
    @click.option("--epochs", type=click.IntRange(1, 20), default=SentimentTrainConfig.epochs, show_default=True)
    @click.option("--seed", type=int, default=SentimentTrainConfig.seed, show_default=True)
    @click.option("--data", "data", type=click.Path(file_okay=False, path_type=Path), help=_DATA_HELP)
    @click.pass_context
    def train_sentiment(ctx: click.Context, epochs: int, seed: int, data: Path | None) -> None:
        """Fine-tune the review sentiment classifier (negative / neutral / positive)."""
        settings = settings_of(ctx)
        with progress_bar("training", unit="step") as progress:
            model = train_sentiment_model(settings, SentimentTrainConfig(epochs=epochs, seed=seed), progress,
                                          sentence_dir=data)  # fmt: skip
        m = model.meta
        click.echo(
            f"trained in {m.train_seconds:.0f} s on {sum(m.sources.values())} texts "
            f"({', '.join(f'{k} {v}' for k, v in sorted(m.sources.items()))}): held-out accuracy "
            f"{m.metrics.get('test_accuracy', 0):.3f}, macro-F1 {m.metrics.get('test_macro_f1', 0):.3f}; "
            f"temperature {m.temperature:.2f}, neutral below {m.neutral_floor:.2f} confidence"
        )

    @main.commands["eval"].command("sentiment")  # type: ignore[attr-defined]
    @click.option("--data", "data", type=click.Path(file_okay=False, path_type=Path), help=_DATA_HELP)
    @click.option("--epochs", type=click.IntRange(1, 20), default=2, show_default=True)
    @click.option("--limit", type=click.IntRange(20, None), help="Use only this many sentences per domain (quick run).")
    @click.option("--json", "as_json", is_flag=True)
    @click.pass_context
    def eval_sentiment(ctx: click.Context, data: Path | None, epochs: int, limit: int | None, as_json: bool) -> None:
        """In-domain and cross-domain sentiment accuracy: fine-tuned MiniLM vs a TF-IDF baseline."""
        from bot.merchant.sentiment_eval import evaluate
        from retrieval.embeddings import default_model_path

        settings = settings_of(ctx)
        base = settings.model_path or default_model_path()
        done: dict[str, int] = {}
        with progress_bar("training one model per domain", unit="step") as progress:

            def step(domain: str, at: int, total: int) -> None:
                # One bar over both domains' training (each domain trains the same number of steps).
                done[domain] = at
                progress(sum(done.values()), total * len(SENTENCE_FILES))

            result = evaluate(base, data or DEFAULT_SENTENCE_DIR, epochs=epochs, limit=limit, progress=step)
        if as_json:
            click.echo(json.dumps({**asdict(result), "runs": [asdict(r) for r in result.runs]}, indent=2))
            return
        click.echo(result.table())

    @main.command("sentiment")
    @click.argument("texts", nargs=-1, required=True)
    @click.pass_context
    def sentiment(ctx: click.Context, texts: tuple[str, ...]) -> None:
        """Label each TEXT (a review) negative, neutral or positive, with the model's confidence;
        a review whose parts disagree ("great sound, but the battery died") is neutral."""
        from bot.merchant.aspects import review_sentiments

        with progress_bar("training the sentiment model", unit="step") as progress:
            model = load_sentiment_model(settings_of(ctx), progress=progress)
        for text, (label, confidence) in zip(texts, review_sentiments(list(texts), model.classify), strict=True):
            click.echo(f"{label:<8} {confidence:.2f}  {text}")

    @main.command("reviews")
    @click.argument("product_id")
    @click.option("--json", "as_json", is_flag=True)
    @click.pass_context
    def reviews(ctx: click.Context, product_id: str, as_json: bool) -> None:
        """What a product's reviewers praise and complain about, with counts and quotes."""
        from bot.merchant.reviews import ReviewAnalyzer
        from bot.services import open_catalog

        settings = settings_of(ctx)
        with open_catalog(settings) as store:
            product = store.get(product_id)
        if product is None:
            raise ShopbotError(f"no product {product_id!r} in the catalog")
        with progress_bar("training the sentiment model", unit="step") as progress:
            model = load_sentiment_model(settings, progress=progress)
        summary = ReviewAnalyzer(model.classify).summary(product)
        if as_json:
            click.echo(json.dumps({"product_id": product.id, **asdict(summary)}, indent=2, default=str))
            return
        click.echo(f"{product.title}: {summary.reviews} reviews with text, {summary.positive} positive, "
                   f"{summary.negative} negative, {summary.neutral} mixed or neutral")  # fmt: skip
        for aspect in summary.aspects:
            click.echo(f"  {aspect.aspect:<16} {aspect.verdict:<10} +{aspect.praise.reviews} -{aspect.complaints.reviews}")
            for mark, side in (("+", aspect.praise), ("-", aspect.complaints)):
                if side.quote:
                    click.echo(f"      {mark} “{side.quote}”")
