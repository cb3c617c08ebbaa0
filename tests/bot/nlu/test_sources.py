"""Third-party training text: labels mapped with care, a fixed development split never
trained on, a balanced sample, and training that still works when the files are absent."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from bot.nlu import sources
from bot.nlu.dataset import INTENTS
from bot.nlu.intent import TrainConfig, third_party_pool
from bot.nlu.source_labels import BANKING77, HWU64, SOURCES, WANDS


def _write(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ",") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    """A small stand-in for ../shared/data/nlu with the real files' columns."""
    root = tmp_path / "data" / "nlu"
    _write(root / "hwu64.csv", ["text", "scenario", "intent"],
           [[f"wake me up at {h} am", "alarm", "alarm_set"] for h in range(1, 11)]
           + [[f"yes that is right {i}", "general", "general_affirm"] for i in range(10)]
           + [[f"add eggs to my list {i}", "lists", "lists_createoradd"] for i in range(10)])  # fmt: skip
    _write(root / "banking77.csv", ["text", "category"],
           [[f"when will my card arrive {i}", "card_arrival"] for i in range(5)]
           + [["how long is delivery to the US?", "card_delivery_estimate"],
              ["how long does my card take to arrive?", "card_delivery_estimate"]]
           + [[f"I was charged twice {i}", "transaction_charged_twice"] for i in range(10)])  # fmt: skip
    _write(root / "wands_queries.csv", ["query_id", "query", "query_class"],
           [[str(i), f"oak table {i}", "Tables"] for i in range(10)] + [["99", "king poster bed", "Beds"]])
    _write(tmp_path / "data" / "wands_eval" / "queries.tsv", ["query_id", "query", "query_class"],
           [["99", "king poster bed", "Beds"]], delimiter="\t")
    return root


def test_every_mapping_names_a_known_intent() -> None:
    sources.check_mapping()
    targets = {intent for s in SOURCES for intent in (*s.mapping.values(), s.default) if intent}
    assert targets <= set(INTENTS) and "inform" in targets and "out_of_scope" in targets


def test_labels_map_to_intents_out_of_scope_or_nothing(shared: Path) -> None:
    hwu = {ex.text: ex.intent for ex in sources.load_source(HWU64, shared)}
    assert hwu["wake me up at 3 am"] == "out_of_scope"
    assert hwu["yes that is right 0"] == "affirm"
    assert not any(text.startswith("add eggs") for text in hwu)  # a shopping list could be a cart: dropped
    bank = {ex.text: ex.intent for ex in sources.load_source(BANKING77, shared)}
    assert bank["I was charged twice 3"] == "billing"
    assert bank["how long does my card take to arrive?"] == "out_of_scope"
    # Without the bank card in it, this is a shop's shipping question: not taught as out of scope.
    assert "how long is delivery to the US?" not in bank


def test_development_split_is_fixed_and_never_trained_on(shared: Path) -> None:
    first = sources.load_splits(shared)
    again = sources.load_splits(shared)
    assert [(s.train, s.dev) for s in first] == [(s.train, s.dev) for s in again]
    for split in first:
        assert split.dev, split.source.name
        assert not {ex.text for ex in split.train} & {ex.text for ex in split.dev}
    pool = sources.training_sample(first)
    dev_texts = {ex.text for split in first for ex in split.dev}
    assert pool and not {ex.text for ex in pool} & dev_texts


def test_search_benchmark_queries_are_never_trained_on(shared: Path) -> None:
    (wands,) = sources.load_splits(shared, [WANDS.name])
    assert "king poster bed" in {ex.text for ex in wands.dev}
    assert "king poster bed" not in {ex.text for ex in wands.train}


def test_sample_is_seeded_and_spread_over_labels(shared: Path) -> None:
    splits = sources.load_splits(shared, [HWU64.name])
    sample = sources.training_sample(splits, {HWU64.name: 8}, seed=1)
    assert sample == sources.training_sample(splits, {HWU64.name: 8}, seed=1)
    assert len(sample) == 8
    assert Counter(ex.label for ex in sample) == {"alarm_set": 4, "general_affirm": 4}


def test_training_without_the_shared_folder_uses_own_data_only(tmp_path: Path) -> None:
    assert sources.fingerprint(tmp_path) == ""
    assert sources.load_splits(tmp_path) == []
    assert third_party_pool(TrainConfig(third_party="anything"), tmp_path) == ([], [])


def test_fingerprint_changes_with_the_data(shared: Path) -> None:
    before = sources.fingerprint(shared)
    with (shared / "hwu64.csv").open("a", encoding="utf-8") as handle:
        handle.write("set an alarm for noon,alarm,alarm_set\n")
    assert before and sources.fingerprint(shared) not in ("", before)


@pytest.mark.skipif(not sources.SHARED_NLU.is_dir(), reason="../shared/data/nlu not present")
def test_real_sources_give_a_development_split_of_every_source() -> None:
    dev = sources.dev_sets()
    assert set(dev) == {s.name for s in SOURCES}
    assert all(len(lines) >= 100 for lines in dev.values())
    assert {ex.intent for ex in dev["hwu64"]} >= {"out_of_scope", "affirm", "deny", "inform"}


def test_whole_out_of_scope_topics_are_kept_for_development_and_calibration(tmp_path: Path) -> None:
    root = tmp_path / "nlu"
    topics = ["alarm_set", "weather_query", "play_music", "iot_coffee", "news_query", "cooking_recipe",
              "qa_maths", "social_post", "email_query", "calendar_set"]  # fmt: skip
    _write(root / "hwu64.csv", ["text", "scenario", "intent"],
           [[f"{topic} request {i}", "x", topic] for topic in topics for i in range(10)]
           + [[f"yes indeed {i}", "general", "general_affirm"] for i in range(10)])  # fmt: skip
    (split,) = sources.load_splits(root)
    calibration = {ex.label for ex in split.calibration}
    assert split.unseen and calibration and not split.unseen & calibration
    trained = {ex.label for ex in split.train}
    assert not trained & (split.unseen | calibration)
    # An unseen topic is in development whole; an intent the shop has is never held out whole.
    for label in split.unseen:
        assert sum(ex.label == label for ex in split.dev) == 10
    assert "general_affirm" in trained
    assert sources.calibration_sample([split], per_source=5)
    assert not {ex.text for ex in sources.calibration_sample([split])} & {ex.text for ex in split.dev}
