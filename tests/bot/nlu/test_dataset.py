"""The shipped NLU data: every intent covered, train and test kept apart, bad files explained."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.nlu.dataset import INTENTS, TEST_FILE, TRAIN_FILE, Example, TrainingDataError, load_examples, stratified_split


def test_every_intent_has_enough_training_examples() -> None:
    counts = Counter(ex.intent for ex in load_examples(TRAIN_FILE))
    assert set(counts) == set(INTENTS)
    assert min(counts.values()) >= 60, counts.most_common()[-3:]


def test_held_out_split_covers_every_intent_and_shares_no_text_with_training() -> None:
    test = load_examples(TEST_FILE)
    assert {ex.intent for ex in test} == set(INTENTS)
    train_texts = {ex.text.casefold() for ex in load_examples(TRAIN_FILE)}
    assert not [ex.text for ex in test if ex.text.casefold() in train_texts]


def test_unknown_intents_and_bad_files_are_explained(tmp_path: Path) -> None:
    bad = tmp_path / "nlu.yml"
    bad.write_text('version: "3.1"\nnlu:\n- intent: order_pizza\n  examples: |\n    - one large\n', encoding="utf-8")
    with pytest.raises(TrainingDataError, match="unknown intent 'order_pizza'"):
        load_examples(bad)
    bad.write_text("nlu: [unclosed", encoding="utf-8")
    with pytest.raises(TrainingDataError, match="cannot read"):
        load_examples(bad)


def test_stratified_split_keeps_every_intent_on_both_sides() -> None:
    examples = [Example(f"text {i} {intent}", intent) for intent in INTENTS for i in range(10)]
    kept, held = stratified_split(examples, 0.2, seed=1)
    assert len(held) == 2 * len(INTENTS) and len(kept) == 8 * len(INTENTS)
    assert {e.intent for e in held} == {e.intent for e in kept} == set(INTENTS)
    assert stratified_split(examples, 0.2, seed=1) == (kept, held)  # the same seed, the same split
