"""`shopbot train nlu`, `shopbot nlu` and `shopbot eval nlu`: the message-understanding model."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from bot.cli import progress_bar, settings_of
from bot.services import load_nlu, open_catalog, train_intent_model
from bot.nlu.intent import TrainConfig


def register(main: click.Group) -> None:
    """Add the NLU commands to the CLI."""

    @main.group("train")
    def train_() -> None:
        """Train models."""

    @train_.command("nlu")
    @click.option("--epochs", type=click.IntRange(1, 50), default=TrainConfig.epochs, show_default=True)
    @click.option("--seed", type=int, default=TrainConfig.seed, show_default=True)
    @click.pass_context
    def train_nlu(ctx: click.Context, epochs: int, seed: int) -> None:
        """Fine-tune the intent classifier on bot/nlu/data/train.yml."""
        settings = settings_of(ctx)
        with progress_bar("training", unit="step") as progress:
            classifier = train_intent_model(settings, TrainConfig(epochs=epochs, seed=seed), progress)
        m = classifier.meta
        click.echo(
            f"trained in {m.train_seconds:.0f} s: held-out accuracy {m.metrics['test_accuracy']:.3f}, "
            f"macro-F1 {m.metrics['test_macro_f1']:.3f}; temperature {m.temperature:.2f}, "
            f"out-of-scope below {m.threshold:.2f} confidence"
        )

    @main.command("nlu")
    @click.argument("text", required=False)
    @click.option("--batch", "batch_file", type=click.File("r", encoding="utf-8"), help="One text per line ('-' for stdin).")
    @click.option("--json", "as_json", is_flag=True, help="Print JSON (always, with --batch).")
    @click.pass_context
    def nlu(ctx: click.Context, text: str | None, batch_file, as_json: bool) -> None:  # type: ignore[no-untyped-def]
        """Show how Shopbot understands TEXT: intent, confidence and entities."""
        if (text is None) == (batch_file is None):
            raise click.UsageError("give either TEXT or --batch FILE")
        settings = settings_of(ctx)
        with open_catalog(settings) as store, progress_bar("training", unit="step") as progress:
            pipeline = load_nlu(settings, store, progress=progress)
        if batch_file is not None:
            lines = [line.rstrip("\n") for line in batch_file]
            for start in range(0, len(lines), 256):
                for parse in pipeline.parse_batch(lines[start : start + 256]):
                    sys.stdout.write(json.dumps(parse.to_dict(), ensure_ascii=False) + "\n")
            return
        parse = pipeline.parse(text or "")
        if as_json:
            click.echo(json.dumps(parse.to_dict(), ensure_ascii=False, indent=2))
            return
        click.echo(f"intent: {parse.intent} ({parse.confidence:.2f})")
        click.echo("ranking: " + ", ".join(f"{name} {conf:.2f}" for name, conf in parse.ranking))
        for e in parse.entities:
            click.echo(f"  {e.type}: {json.dumps(e.value, ensure_ascii=False)}  [{e.start}:{e.end}] {e.text!r}")

    @main.commands["eval"].command("nlu")  # type: ignore[attr-defined]
    @click.option("--png", type=click.Path(dir_okay=False, path_type=Path), help="Confusion matrix image (default: data dir).")
    @click.option("--folds", type=click.IntRange(0, 10), default=0, help="Also k-fold cross-validate on the training data.")
    @click.option("--json", "as_json", is_flag=True)
    @click.pass_context
    def eval_nlu(ctx: click.Context, png: Path | None, folds: int, as_json: bool) -> None:
        """Held-out accuracy, macro-F1 and per-intent scores, next to a TF-IDF baseline."""
        from bot.cli.nlu_report import run_eval

        run_eval(settings_of(ctx), png, folds, as_json)
