"""The `shopbot eval nlu` report: the fine-tuned model and the TF-IDF baseline, side by side."""

from __future__ import annotations

import json
import random
from dataclasses import asdict
from pathlib import Path

import click

from bot.cli import progress_bar
from bot.config import Settings
from bot.nlu.dataset import INTENTS, TEST_FILE, TRAIN_FILE, Example, load_examples
from bot.nlu.evaluation import IntentScores, TfidfBaseline, confusion_png, score
from bot.nlu.intent import IntentClassifier, TrainConfig, train
from bot.services import load_intent_model
from retrieval.embeddings import default_model_path


def _bert_predict(classifier: IntentClassifier):  # type: ignore[no-untyped-def]
    return lambda texts: [p.intent for p in classifier.predict(texts)]


def _folds(examples: list[Example], k: int, seed: int) -> list[tuple[list[Example], list[Example]]]:
    shuffled = list(examples)
    random.Random(seed).shuffle(shuffled)
    return [([e for j, e in enumerate(shuffled) if j % k != i], shuffled[i::k]) for i in range(k)]


def _summary(s: IntentScores) -> str:
    return f"  {s.name:<22} accuracy {s.accuracy:.3f}  macro-F1 {s.macro_f1:.3f}  out-of-scope recall {s.out_of_scope_recall:.3f}"


def run_eval(settings: Settings, png: Path | None, folds: int, as_json: bool) -> None:
    """Score the saved model (training it first if needed) and the baseline on the held-out split."""
    train_examples = load_examples(TRAIN_FILE)
    test_examples = load_examples(TEST_FILE)
    with progress_bar("training", unit="step") as progress:
        classifier = load_intent_model(settings, progress=progress)
    model = score("fine-tuned MiniLM", _bert_predict(classifier), test_examples)
    baseline = score("TF-IDF + logistic reg.", TfidfBaseline(train_examples).predict, test_examples)
    png = confusion_png(model, png or settings.data_dir / "reports" / "nlu_confusion.png")
    cv: dict[str, list[float]] = {}
    if folds >= 2:
        base = settings.model_path or default_model_path()
        for i, (fit, held) in enumerate(_folds(train_examples, folds, seed=13), 1):
            with progress_bar(f"fold {i}/{folds}", unit="step") as progress:
                fold_model = train(fit, base, TrainConfig(), progress)
            for name, predict in (("model", _bert_predict(fold_model)), ("baseline", TfidfBaseline(fit).predict)):
                s = score(name, predict, held)
                cv.setdefault(f"{name}_accuracy", []).append(s.accuracy)
                cv.setdefault(f"{name}_macro_f1", []).append(s.macro_f1)
    if as_json:
        click.echo(json.dumps({"model": asdict(model), "baseline": asdict(baseline), "cross_validation": cv,
                               "confusion_png": str(png)}, indent=2))  # fmt: skip
        return
    click.echo(f"held-out split: {len(test_examples)} messages, {len(INTENTS)} intents "
               f"(trained on {len(train_examples)})")  # fmt: skip
    click.echo(_summary(model))
    click.echo(_summary(baseline))
    click.echo(f"\n  {'intent':<18} {'P':>5} {'R':>5} {'F1':>5}   baseline F1")
    for intent in INTENTS:
        m, b = model.per_intent[intent], baseline.per_intent[intent]
        click.echo(f"  {intent:<18} {m['precision']:>5.2f} {m['recall']:>5.2f} {m['f1']:>5.2f}   {b['f1']:>5.2f}")
    if cv:
        click.echo(f"\n{folds}-fold cross-validation on the training data (mean):")
        for key, values in cv.items():
            click.echo(f"  {key:<18} {sum(values) / len(values):.3f}")
    click.echo(f"\nconfusion matrix: {png}")
