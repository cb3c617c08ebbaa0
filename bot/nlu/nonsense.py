"""Nonsense messages for training: what a shopper sends when a cat walks over the keyboard.

Real product searches are full of words the encoder has never seen (brands, model names),
and a model trained on thousands of them learns that unknown words mean a product search,
so "flibber jabber wock" became one. A few seeded lines of made-up words, some mashed on
the keyboard ("qwpoeiru zxmcnv"), some pronounceable ("blorvish tanket"), teach it that
words nobody uses are not shopping. A real brand the store sells is still found: its name
is in the catalog vocabulary, and a message naming it searches whatever the intent.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from pathlib import Path

from bot.nlu.entities.words import COMMON_WORDS, STOPWORDS

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_ONSETS = ("b", "bl", "br", "d", "dr", "f", "fl", "fr", "g", "gl", "gr", "j", "k", "kl", "l", "m", "n", "p", "pl",
           "pr", "qu", "r", "s", "sk", "sl", "sn", "sp", "st", "t", "tr", "v", "w", "z")  # fmt: skip
_VOWELS = ("a", "e", "i", "o", "u", "oo", "ee", "ai", "ou")
_CODAS = ("", "", "b", "ck", "d", "g", "k", "l", "m", "n", "nk", "p", "r", "rp", "sh", "t", "x", "zz")
_KNOWN = COMMON_WORDS | STOPWORDS


def _mashed(rng: random.Random) -> str:
    """Letters hit along the keyboard, mostly from one row."""
    row = rng.choice(_ROWS)
    letters = [rng.choice(row) if rng.random() < 0.8 else rng.choice("".join(_ROWS)) for _ in range(rng.randint(3, 10))]
    return "".join(letters)


def _made_up(rng: random.Random) -> str:
    """A pronounceable word nobody uses: one to three syllables."""
    return "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(rng.randint(1, 3)))


def known_words(model_dir: Path) -> frozenset[str]:
    """The whole words of an encoder's word-piece vocabulary (vocab.txt), empty if it has none."""
    path = model_dir / "vocab.txt"
    if not path.is_file():
        return frozenset()
    return frozenset(w for w in path.read_text(encoding="utf-8").split() if w.isalpha())


def nonsense_lines(count: int, seed: int, known: Collection[str] = ()) -> list[str]:
    """`count` distinct seeded lines of one to three made-up words, none of them a common
    word or one of `known` (an encoder's vocabulary: "stool" is made of syllables too)."""
    rng = random.Random(seed)
    lines: set[str] = set()
    while len(lines) < count:
        make = _mashed if rng.random() < 0.5 else _made_up
        words = [make(rng) for _ in range(rng.randint(1, 3))]
        if any(w in _KNOWN or w in known or len(w) < 3 for w in words):
            continue
        lines.add(" ".join(words))
    return sorted(lines)
