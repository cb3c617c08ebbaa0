"""Splitting review text into sentences and clauses, keeping every piece verbatim.

A piece is always a slice of the original text (stripped of surrounding spaces, commas and
the conjunction that joined it), so a quote built from it is exactly what the reviewer wrote.
"""

from __future__ import annotations

import re

# A sentence ends at . ! ? (optionally closed by a quote or bracket) before white space, or
# at a line break. Decimal points ("2.5 hours") have no space after them and stay inside.
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"')\]]))\s+|\s*\n+\s*")

# Contrast splits one sentence into parts that can carry opposite sentiment:
# "great sound but the battery died in a week". A semicolon joins two statements.
_CLAUSE_BREAK = re.compile(
    r"\s*;\s*|,?\s+\b(?:but|however|although|though|whereas|except that|on the other hand)\b,?\s+",
    re.IGNORECASE,
)


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, each verbatim, empty ones dropped."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part and part.strip()]


def split_clauses(sentence: str) -> list[str]:
    """The contrasting parts of one sentence ("X but Y" -> X, Y), each verbatim."""
    parts = [p.strip(" ,") for p in _CLAUSE_BREAK.split(sentence)]
    return [p for p in parts if p] or [sentence.strip()]
