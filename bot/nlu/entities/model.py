"""The entity record, the candidate the extractors propose, and number-reading helpers they share."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

ENTITY_TYPES = (
    "price",
    "color",
    "size",
    "brand",
    "category",
    "quantity",
    "order_number",
    "email",
    "reference",
    "recipient",
    "feature",
    "measure",
    "gender",
)


@dataclass(frozen=True)
class Entity:
    """One fact found in a message, with where it was found.

    `value` is JSON-serialisable; `text` is always `message[start:end]`.
    """

    type: str
    value: Any
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        """The entity as plain data (the matched text is left out: it follows from the span)."""
        return {"type": self.type, "value": copy.deepcopy(self.value), "start": self.start, "end": self.end}


# When two candidates overlap, the longer wins; on equal length, the more specific type.
# Structured patterns (an email, an order number) rank above vocabulary look-ups because
# their shape alone is strong evidence.
TYPE_RANK = {
    "email": 10,
    "order_number": 9,
    "measure": 8,
    "price": 8,
    "size": 7,
    "recipient": 6,
    "reference": 5,
    "quantity": 4,
    "brand": 3,
    "category": 2,
    "color": 1,
    "feature": 2,
    "gender": 2.5,  # "women's" names who it is for, even where "Women" is also a category
}


@dataclass(frozen=True, slots=True)
class Candidate:
    """A proposed entity before overlaps are resolved; `exact` is False for fuzzy matches."""

    type: str
    value: Any
    start: int
    end: int
    exact: bool = True


# -- numbers ---------------------------------------------------------------------------

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}
# Longest first so the alternation prefers "fourteen" over "four".
NUMBER_WORD_RE = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))

# Numbers written out in full: "twenty five", "two hundred and fifty", "a hundred", "fifteen
# hundred", "three grand". Scale words multiply what comes before them.
_SCALES = {"hundred": 100, "thousand": 1000, "grand": 1000}
_SCALE_RE = "|".join(_SCALES)
# One word of a spelled number, and a whole spelled number.
SPELLED_WORD_RE = rf"(?:{NUMBER_WORD_RE}|{_SCALE_RE})"
SPELLED_NUMBER_RE = (
    rf"\b(?:an?\s+(?=(?:{_SCALE_RE})\b))?{SPELLED_WORD_RE}"
    rf"(?:(?:\s+and\s+|\s*-\s*|\s+){SPELLED_WORD_RE})*\b"
)


def spelled_number(text: str) -> int | None:
    """Read a number written in words ("two hundred and fifty" -> 250, "a grand" -> 1000);
    None when the words do not form one number ("two three", "hundred fifty hundred")."""
    words = [w for w in re.split(r"[\s-]+", text.strip().lower()) if w and w != "and"]
    total = current = 0
    last = ""  # the kind of the previous word: "unit" (1-19), "tens" or "scale"
    for index, word in enumerate(words):
        if word in ("a", "an") and index == 0:
            current, last = 1, "unit"
        elif word in _SCALES:
            if last == "scale" and _SCALES[word] == 100:
                return None
            scale = _SCALES[word]
            current = max(current, 1) * scale
            if scale >= 1000:
                total, current = total + current, 0
            last = "scale"
        elif word in NUMBER_WORDS:
            value = NUMBER_WORDS[word]
            kind = "tens" if value >= 20 else "unit"
            if last == "unit" or (last == "tens" and (kind == "tens" or value >= 10)):
                return None  # "two three", "twenty thirty", "twenty twelve": not one number
            current += value
            last = kind
        else:
            return None
    return total + current if words else None

ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10,
}
ORDINAL_RE = "|".join(ORDINALS) + r"|[1-9]\d?(?:st|nd|rd|th)"


def small_number(token: str) -> int | None:
    """Read "3", "three" or "12" as an int; None for anything else."""
    token = token.strip().lower()
    if token.isascii() and token.isdigit():
        return int(token)
    return NUMBER_WORDS.get(token)


def ordinal(token: str) -> int | None:
    """Read "second" or "2nd" as 2; None for anything else."""
    token = token.strip().lower()
    if token in ORDINALS:
        return ORDINALS[token]
    match = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)", token)
    return int(match.group(1)) if match else None


def parse_amount(text: str) -> float | None:
    """Read a money amount: "1,299.99" -> 1299.99, "1.2k" -> 1200.0, "50k" -> 50000.0."""
    text = text.strip().replace(",", "").replace(" ", "")
    scale = 1.0
    if text[-1:] in ("k", "K"):
        text, scale = text[:-1], 1000.0
    try:
        value = float(text) * scale
    except ValueError:
        return None
    if value != value or value in (float("inf"), float("-inf")):  # NaN or overflow
        return None
    return round(value, 2)
