"""The bot's previous act as context: biases learned from what follows each act, no change
without one, and clear errors for unknown acts or malformed files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.nlu.context import (
    CONTEXT_FILE,
    CONTEXT_TEST_FILE,
    PREVIOUS_ACTS,
    apply_biases,
    check_act,
    fit_biases,
    load_context_examples,
)
from bot.nlu.dataset import INTENTS, TrainingDataError


def test_bias_favours_what_follows_an_act() -> None:
    rng = np.random.default_rng(0)
    # The model is torn between labels 0 and 1; after "showed_list" the answer is always 1.
    logits = np.column_stack([np.full(40, 1.0), np.full(40, 0.9), rng.normal(-2, 0.1, 40)])
    labels = np.ones(40, int)
    biases = fit_biases(logits, labels, ["showed_list"] * 40, temperature=1.0)
    assert set(biases) == {"showed_list"}
    shifted = apply_biases(logits[:1], ["showed_list"], biases, 1.0)
    assert shifted[0].argmax() == 1 and logits[0].argmax() == 0


def test_without_a_previous_act_nothing_changes() -> None:
    logits = np.array([[1.0, 2.0, 0.5], [0.3, 0.2, 0.1]])
    biases = {"showed_list": [5.0, -5.0, 0.0]}
    assert np.array_equal(apply_biases(logits, [None, None], biases, 1.3), logits)
    assert np.array_equal(apply_biases(logits, ["asked_question", None], biases, 1.3), logits)  # no bias learned


def test_unknown_act_is_a_clear_error() -> None:
    assert check_act(None) is None and check_act("showed_list") == "showed_list"
    with pytest.raises(ValueError, match="showed_list"):
        check_act("showed_a_list")


def test_shipped_context_files_cover_every_act_and_share_no_turn() -> None:
    train, test = load_context_examples(CONTEXT_FILE), load_context_examples(CONTEXT_TEST_FILE)
    assert {ex.previous_act for ex in train} == {ex.previous_act for ex in test} == set(PREVIOUS_ACTS)
    assert {ex.intent for ex in train} <= set(INTENTS) and "inform" in {ex.intent for ex in test}
    assert not {(ex.previous_act, ex.text.casefold()) for ex in train} & {(ex.previous_act, ex.text.casefold()) for ex in test}


def test_malformed_context_file_is_explained(tmp_path: Path) -> None:
    bad = tmp_path / "context.yml"
    bad.write_text("context:\n- previous_act: waved\n  intent: greet\n  examples: |\n    - hi\n", encoding="utf-8")
    with pytest.raises(TrainingDataError, match="unknown previous_act 'waved'"):
        load_context_examples(bad)
    bad.write_text("nlu: []\n", encoding="utf-8")
    with pytest.raises(TrainingDataError, match="context"):
        load_context_examples(bad)
