"""What the intent model reads: closing punctuation dropped, made-up words as out of scope."""

from __future__ import annotations

from bot.nlu.intent import TrainConfig, model_text
from bot.nlu.nonsense import known_words, nonsense_lines
from retrieval.embeddings import default_model_path


def test_closing_punctuation_is_dropped_unless_the_recipe_keeps_it() -> None:
    assert model_text("how much is shipping?") == "how much is shipping"
    assert model_text("great!!! ") == "great"
    assert model_text("is it in stock…") == "is it in stock"
    assert model_text("what? really") == "what? really"  # only the end
    assert model_text("???") == "???"  # nothing left: the text as written
    assert model_text("how much is shipping?", end_punctuation=True) == "how much is shipping?"
    assert TrainConfig(third_party="").end_punctuation is False


def test_nonsense_lines_are_seeded_distinct_and_use_no_real_word() -> None:
    known = known_words(default_model_path())
    assert "stool" in known and len(known) > 10_000
    lines = nonsense_lines(200, seed=5, known=known)
    assert lines == nonsense_lines(200, seed=5, known=known) != nonsense_lines(200, seed=6, known=known)
    assert len(set(lines)) == 200
    words = {w for line in lines for w in line.split()}
    assert not words & known
    assert all(1 <= len(line.split()) <= 3 for line in lines)
