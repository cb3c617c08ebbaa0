"""Third-party utterances for training and developing the intent classifier.

The files live outside the repository, in ../shared/data/nlu beside the checkout (see its
README for where each comes from). They are read at training and evaluation time only;
when the folder is absent, training uses the project's own data and says so.

Each source's labels are mapped to Shopbot's intents with care (bot/nlu/source_labels.py):
a label that means the same thing to a shop becomes that intent, everything else a shop
cannot help with becomes out_of_scope, and a label whose messages could mean either is
dropped (neither trained on nor scored). Every source is split once, seeded and stratified
by its own label, into a training part and a development part; the development part is
never trained on, so it measures how the model does on text nobody on the team wrote.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import math
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.nlu.dataset import FALLBACK_INTENT as OUT_OF_SCOPE
from bot.nlu.dataset import INTENTS, Example
from bot.nlu.finetune import split_by
from bot.nlu.source_labels import SOURCES, Source

logger = logging.getLogger(__name__)

# ../shared/data/nlu beside the checkout (bot/nlu/ -> repo -> its parent), wherever the command runs from.
SHARED_NLU = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "nlu"
# The share of every source label kept for development, and the seed that fixes the split.
DEV_SHARE = 0.2
SPLIT_SEED = 20
# Whole out-of-scope labels kept from training, so out-of-scope detection is measured and
# calibrated on topics no model saw: these shares of a source's out-of-scope labels go to
# development only, and to calibration only (the detectors' thresholds are chosen on them).
DEV_LABEL_SHARE = 0.15
CALIBRATION_LABEL_SHARE = 0.10


@dataclass(frozen=True)
class SourceExample(Example):
    """A third-party utterance with the intent it maps to, its source and its original label."""

    source: str = ""
    label: str = ""


@dataclass
class SourceSplits:
    """One source's examples: a training part, a development part, and lines of whole
    out-of-scope labels kept for calibration; `unseen` names the labels only development has."""

    source: Source
    train: list[SourceExample] = field(default_factory=list)
    dev: list[SourceExample] = field(default_factory=list)
    calibration: list[SourceExample] = field(default_factory=list)
    unseen: frozenset[str] = frozenset()


def fingerprint(root: Path = SHARED_NLU) -> str:
    """A short hash of the source files' contents and of how they are mapped and split, ''
    when no file is present.

    Part of the training recipe, so a model trained without the third-party text (or on
    other versions of it, or mapped differently) is never mistaken for one trained with it.
    """
    digest = hashlib.sha256(f"{SOURCES!r}|{DEV_SHARE}|{SPLIT_SEED}|{DEV_LABEL_SHARE}|{CALIBRATION_LABEL_SHARE}".encode())
    found = False
    for source in SOURCES:
        path = root / source.file
        try:
            data = path.read_bytes()
        except OSError:
            continue
        found = True
        digest.update(f"{source.file}\n".encode())
        digest.update(data)
    return digest.hexdigest()[:12] if found else ""


def load_source(source: Source, root: Path = SHARED_NLU) -> list[SourceExample]:
    """The source's utterances that map to an intent (dropped labels left out), one per text.

    A text that appears under two labels mapping to different intents is left out: the
    source itself cannot say what it means.
    """
    path = root / source.file
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_text: dict[str, set[tuple[str, str]]] = defaultdict(set)
    order: list[str] = []
    for row in rows:
        text = " ".join(str(row.get(source.text_column) or "").split())
        label = str(row.get(source.label_column) or "") if source.label_column else ""
        intent = source.intent_of(label, text)
        if not text or intent is None:
            continue
        if text not in by_text:
            order.append(text)
        by_text[text].add((intent, label))
    out = []
    for text in order:
        pairs = sorted(by_text[text])
        if len({intent for intent, _ in pairs}) == 1:
            intent, label = pairs[0]
            out.append(SourceExample(text, intent, source.name, label))
    return out


def split_source(examples: Sequence[SourceExample], source: Source, root: Path = SHARED_NLU) -> SourceSplits:
    """The fixed, seeded split of one source: DEV_SHARE of every label for development,
    plus every line of a few whole out-of-scope labels (`held_out_labels`).

    Texts the source reserves (the WANDS search benchmark's queries) always go to the
    development part, so no model is trained on a benchmark's own questions.
    """
    reserved = source.reserved_texts(root)
    unseen, calibration = held_out_labels(examples, source)
    kept = [ex for ex in examples if ex.text.casefold() not in reserved and ex.label not in unseen | calibration]
    train, dev = split_by(kept, lambda ex: ex.label, DEV_SHARE, SPLIT_SEED)
    dev.extend(ex for ex in examples if ex.text.casefold() in reserved or ex.label in unseen)
    held = [ex for ex in examples if ex.label in calibration and ex.text.casefold() not in reserved]
    return SourceSplits(source, train, dev, held, frozenset(unseen))


def held_out_labels(examples: Sequence[SourceExample], source: Source) -> tuple[set[str], set[str]]:
    """The source's out-of-scope labels kept whole for development and for calibration (seeded).

    A source with fewer than four out-of-scope labels keeps them all for training.
    """
    labels = sorted({ex.label for ex in examples if ex.intent == OUT_OF_SCOPE})
    if len(labels) < 4:
        return set(), set()
    random.Random(f"{SPLIT_SEED}:{source.name}").shuffle(labels)
    n_dev = math.ceil(len(labels) * DEV_LABEL_SHARE)
    n_calibration = math.ceil(len(labels) * CALIBRATION_LABEL_SHARE)
    return set(labels[:n_dev]), set(labels[n_dev : n_dev + n_calibration])


def load_splits(root: Path = SHARED_NLU, names: Iterable[str] | None = None) -> list[SourceSplits]:
    """Every present source, split; an absent file is skipped with a log line."""
    wanted = set(names) if names is not None else None
    out = []
    for source in SOURCES:
        if wanted is not None and source.name not in wanted:
            continue
        if not (root / source.file).is_file():
            logger.info("third-party NLU source %s not found at %s", source.name, root / source.file)
            continue
        out.append(split_source(load_source(source, root), source, root))
    return out


def dev_sets(root: Path = SHARED_NLU) -> dict[str, list[SourceExample]]:
    """The development part of every present source, by source name."""
    return {s.source.name: s.dev for s in load_splits(root)}


def training_sample(splits: Sequence[SourceSplits], budget: Mapping[str, int] | None = None, seed: int = 13) -> list[SourceExample]:
    """A seeded sample of every source's training part, stratified by the source's label.

    A source's budget (default: its `train_budget`) is spread evenly over its labels, a
    label with fewer examples giving its unused share to the others, so a source with a
    few huge classes cannot drown the rest. Training on every third-party line would take
    several times longer for little gain (see README, NLU figures).
    """
    rng = random.Random(seed)
    out: list[SourceExample] = []
    for split in splits:
        cap = (budget or {}).get(split.source.name, split.source.train_budget)
        groups: dict[str, list[SourceExample]] = defaultdict(list)
        for ex in split.train:
            groups[ex.label].append(ex)
        for label, take in _even_shares({k: len(v) for k, v in groups.items()}, cap).items():
            group = sorted(groups[label], key=lambda ex: ex.text)
            out.extend(rng.sample(group, take))
    return out


def calibration_sample(splits: Sequence[SourceSplits], per_source: int = 300, seed: int = 13) -> list[SourceExample]:
    """A seeded sample of every source's calibration labels, spread evenly over them."""
    rng = random.Random(seed)
    out: list[SourceExample] = []
    for split in splits:
        groups: dict[str, list[SourceExample]] = defaultdict(list)
        for ex in split.calibration:
            groups[ex.label].append(ex)
        for label, take in _even_shares({k: len(v) for k, v in groups.items()}, per_source).items():
            out.extend(rng.sample(sorted(groups[label], key=lambda ex: ex.text), take))
    return out


def _even_shares(sizes: Mapping[str, int], budget: int) -> dict[str, int]:
    """How many to take from each group so the total is at most `budget`, as even as the sizes allow."""
    take = {name: 0 for name in sizes}
    left = min(budget, sum(sizes.values()))
    open_groups = sorted(sizes, key=lambda n: (sizes[n], n))
    while left > 0 and open_groups:
        share = max(1, left // len(open_groups))
        still_open = []
        for name in open_groups:
            step = min(share, sizes[name] - take[name], left)
            take[name] += step
            left -= step
            if take[name] < sizes[name]:
                still_open.append(name)
            if left == 0:
                break
        open_groups = still_open
    return take


def check_mapping() -> None:
    """Raise ValueError when a source maps a label to an intent Shopbot does not have."""
    for source in SOURCES:
        for label, intent in source.mapping.items():
            if intent is not None and intent not in INTENTS:
                raise ValueError(f"{source.name}: {label!r} maps to unknown intent {intent!r}")
        if source.default is not None and source.default not in INTENTS:
            raise ValueError(f"{source.name}: default intent {source.default!r} is unknown")

