"""The `shopbot eval nlu` report: the fine-tuned model and the TF-IDF baseline, side by side,
on the project's held-out test.yml and on every third-party development split."""

from __future__ import annotations

import json
import random
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from bot.cli import progress_bar
from bot.config import Settings
from bot.nlu import context, sources
from bot.nlu.dataset import INTENTS, TEST_FILE, TRAIN_FILE, Example, load_examples
from bot.nlu.evaluation import IntentScores, TfidfBaseline, confusion_png, score, score_predictions
from bot.nlu.intent import DETECTOR, IntentClassifier, TrainConfig, model_text, third_party_pool, train
from bot.nlu.outliers import DETECTORS
from bot.services import load_intent_model
from retrieval.embeddings import default_model_path


def _bert_predict(classifier: IntentClassifier):  # type: ignore[no-untyped-def]
    return lambda texts: [p.intent for p in classifier.predict(texts)]


def _folds(examples: list[Example], k: int, seed: int) -> list[tuple[list[Example], list[Example]]]:
    shuffled = list(examples)
    random.Random(seed).shuffle(shuffled)
    return [([e for j, e in enumerate(shuffled) if j % k != i], shuffled[i::k]) for i in range(k)]


def _figure(value: float | None) -> str:
    return f"{value:.3f}" if value is not None else "  -  "


def _summary(s: IntentScores) -> str:
    return (f"  {s.name:<24} accuracy {s.accuracy:.3f}  macro-F1 {s.macro_f1:.3f}  "
            f"out-of-scope recall {_figure(s.out_of_scope_recall)}")  # fmt: skip


def _dev_line(name: str, model: IntentScores, baseline: IntentScores) -> str:
    cells = []
    for s in (model, baseline):
        cells.append(f"{s.accuracy:.3f}  {_figure(s.out_of_scope_recall)}  {_figure(s.out_of_scope_precision)}")
    return f"  {name:<10} {model.examples:>6}   {cells[0]}      {cells[1]}"


def _score_dev(classifier: IntentClassifier, baseline: TfidfBaseline, splits: list[sources.SourceSplits]) -> dict[str, Any]:
    """Model (with every out-of-scope detector, from one forward pass) and baseline on each
    development split, and each detector's out-of-scope recall on the topics no model saw."""
    out: dict[str, Any] = {"model": {}, "baseline": {}, "detectors": {name: {} for name in DETECTORS},
                           "unseen_topic_recall": {name: {} for name in DETECTORS}}  # fmt: skip
    pooled: dict[str, tuple[list[str], list[str]]] = {}
    dev = {split.source.name: split.dev for split in splits}
    unseen = {split.source.name: split.unseen for split in splits}
    caught: dict[str, list[bool]] = {name: [] for name in DETECTORS}

    def add(key: str, truth: list[str], pred: list[str]) -> None:
        t, p = pooled.setdefault(key, ([], []))
        t.extend(truth)
        p.extend(pred)

    for name, examples in dev.items():
        texts, truth = [ex.text for ex in examples], [ex.intent for ex in examples]
        logits, features = classifier.forward(texts)
        for detector in DETECTORS:
            pred = [p.intent for p in classifier.decide(logits, features, detector=detector)]
            out["detectors"][detector][name] = score_predictions(detector, truth, pred)
            add(f"detector:{detector}", truth, pred)
            hits = [p == "out_of_scope" for p, ex in zip(pred, examples, strict=True) if ex.label in unseen[name]]
            if hits:
                out["unseen_topic_recall"][detector][name] = sum(hits) / len(hits)
                caught[detector].extend(hits)
        out["model"][name] = out["detectors"][DETECTOR][name]
        pred = baseline.predict(texts)
        out["baseline"][name] = score_predictions("baseline", truth, pred)
        add("baseline", truth, pred)
    for detector in DETECTORS:
        out["detectors"][detector]["all"] = score_predictions(detector, *pooled[f"detector:{detector}"])
        if caught[detector]:
            out["unseen_topic_recall"][detector]["all"] = sum(caught[detector]) / len(caught[detector])
    out["model"]["all"] = out["detectors"][DETECTOR]["all"]
    out["baseline"]["all"] = score_predictions("baseline", *pooled["baseline"])
    return out


def _score_context(classifier: IntentClassifier) -> dict[str, float]:
    """Accuracy on the held-out turns of context_test.yml, with and without the bot's previous act."""
    turns = context.load_context_examples(context.CONTEXT_TEST_FILE)
    texts = [t.text for t in turns]
    with_act = classifier.predict(texts, [t.previous_act for t in turns])
    without = classifier.predict(texts)
    hits = lambda preds: sum(p.intent == t.intent for p, t in zip(preds, turns, strict=True)) / len(turns)  # noqa: E731
    return {"turns": len(turns), "with_previous_act": hits(with_act), "without": hits(without)}


def run_eval(settings: Settings, png: Path | None, folds: int, as_json: bool) -> None:
    """Score the saved model (training it first if needed) and the baseline on the held-out
    split and on every third-party development split."""
    train_examples = load_examples(TRAIN_FILE)
    test_examples = load_examples(TEST_FILE)
    with progress_bar("training", unit="step") as progress:
        classifier = load_intent_model(settings, progress=progress)
    recipe = classifier.meta.config.get("third_party", "")
    seed = classifier.meta.config.get("seed", TrainConfig.seed)
    fit, held = third_party_pool(TrainConfig(third_party=recipe or "", seed=seed), sources.SHARED_NLU)
    # The baseline learns from the same lines the model did (the project's and the third-party
    # sample), read the same way (without closing punctuation when the model's recipe says so).
    keep = bool(classifier.meta.config.get("end_punctuation", True))
    baseline_model = TfidfBaseline([*train_examples, *fit, *held], prepare=lambda text: model_text(text, keep))
    model = score("fine-tuned MiniLM", _bert_predict(classifier), test_examples)
    baseline = score("TF-IDF + logistic reg.", baseline_model.predict, test_examples)
    png = confusion_png(model, png or settings.data_dir / "reports" / "nlu_confusion.png")
    splits = sources.load_splits()
    dev_scores = _score_dev(classifier, baseline_model, splits) if splits else None
    ctx = _score_context(classifier) if classifier.meta.context_biases else None
    cv: dict[str, list[float]] = {}
    if folds >= 2:
        base = settings.model_path or default_model_path()
        for i, (fit_k, held_k) in enumerate(_folds(train_examples, folds, seed=13), 1):
            with progress_bar(f"fold {i}/{folds}", unit="step") as progress:
                fold_model = train(fit_k, base, TrainConfig(third_party=""), progress)
            for name, predict in (("model", _bert_predict(fold_model)), ("baseline", TfidfBaseline(fit_k).predict)):
                s = score(name, predict, held_k)
                cv.setdefault(f"{name}_accuracy", []).append(s.accuracy)
                cv.setdefault(f"{name}_macro_f1", []).append(s.macro_f1)
    if as_json:
        report: dict[str, Any] = {"model": asdict(model), "baseline": asdict(baseline), "cross_validation": cv,
                                  "confusion_png": str(png), "context": ctx}  # fmt: skip
        if dev_scores is not None:
            report["dev"] = {
                "model": {name: asdict(v) for name, v in dev_scores["model"].items()},
                "baseline": {name: asdict(v) for name, v in dev_scores["baseline"].items()},
                "detectors": {d: {name: asdict(v) for name, v in by.items()} for d, by in dev_scores["detectors"].items()},
                "unseen_topic_recall": dev_scores["unseen_topic_recall"],
            }
        click.echo(json.dumps(report, indent=2))
        return
    _print_report(classifier, train_examples, test_examples, model, baseline, dev_scores, ctx, folds, cv, png)


def _print_report(  # noqa: PLR0913 - one report, many parts
    classifier: IntentClassifier,
    train_examples: list[Example],
    test_examples: list[Example],
    model: IntentScores,
    baseline: IntentScores,
    dev_scores: dict[str, Any] | None,
    ctx: dict[str, float] | None,
    folds: int,
    cv: dict[str, list[float]],
    png: Path,
) -> None:
    meta = classifier.meta
    lines = meta.third_party.get("lines") or {}
    tp = f" + {sum(lines.values())} third-party lines" if lines else " (no third-party lines)"
    click.echo(f"held-out split (bot/nlu/data/test.yml): {len(test_examples)} messages, {len(INTENTS)} intents "
               f"(trained on {len(train_examples)}{tp}; out-of-scope detector: {DETECTOR})")  # fmt: skip
    click.echo(_summary(model))
    click.echo(_summary(baseline))
    if dev_scores is None:
        click.echo(f"\nthird-party development splits: none ({sources.SHARED_NLU} not found)")
    else:
        click.echo("\nthird-party development splits (never trained on): accuracy, out-of-scope recall, precision")
        click.echo(f"  {'source':<10} {'lines':>6}   {'fine-tuned MiniLM':<25} {'TF-IDF baseline'}")
        for name in dev_scores["model"]:
            click.echo(_dev_line(name, dev_scores["model"][name], dev_scores["baseline"][name]))
        click.echo("\nout-of-scope detectors on the same model, all development splits pooled "
                   "(unseen: recall on out-of-scope topics kept whole from training):")  # fmt: skip
        for name, by_split in dev_scores["detectors"].items():
            s = by_split["all"]
            chosen = "  (used)" if name == DETECTOR else ""
            unseen = dev_scores["unseen_topic_recall"][name].get("all")
            click.echo(f"  {name:<12} accuracy {s.accuracy:.3f}  out-of-scope recall {_figure(s.out_of_scope_recall)}"
                       f"  precision {_figure(s.out_of_scope_precision)}  unseen {_figure(unseen)}{chosen}")  # fmt: skip
    if ctx is not None:
        click.echo(f"\nprevious act as context ({ctx['turns']:.0f} held-out turns of context_test.yml): accuracy "
                   f"{ctx['with_previous_act']:.3f} with it, {ctx['without']:.3f} without")  # fmt: skip
    click.echo(f"\n  {'intent':<18} {'P':>5} {'R':>5} {'F1':>5}   baseline F1")
    for intent in INTENTS:
        m, b = model.per_intent[intent], baseline.per_intent[intent]
        click.echo(f"  {intent:<18} {m['precision']:>5.2f} {m['recall']:>5.2f} {m['f1']:>5.2f}   {b['f1']:>5.2f}")
    if cv:
        click.echo(f"\n{folds}-fold cross-validation on the training data (mean):")
        for key, values in cv.items():
            click.echo(f"  {key:<18} {sum(values) / len(values):.3f}")
    click.echo(f"\nconfusion matrix: {png}")
