"""Reviews read from spreadsheet columns: one review per row, or several joined in a cell.

A store maps columns to review parts (`review.text=review_content`, `review.author=user_name`,
...). With a separator, every mapped review cell of a row is split the same way and the
n-th pieces form the n-th review. When the cells split into different numbers of pieces
the pairing is unsafe for the columns that disagree, so those columns are left out of that
row's reviews (and the loader says so) rather than pinning one shopper's words on another.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from retrieval.loaders.base import parse_number

REVIEW_PREFIX = "review."
REVIEW_PARTS: tuple[str, ...] = ("text", "title", "author", "rating", "date")
# "5.0 out of 5 stars" and "4/5" are how shops export star ratings.
_STARS = re.compile(r"(\d+(?:\.\d+)?)\s*(?:(?:/|out of)\s*5(?:\s*stars?)?)?", re.IGNORECASE)
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def review_part(target: str) -> str | None:
    """"text" for a mapping target like "review.text"; None when it is not a review part."""
    if not target.lower().startswith(REVIEW_PREFIX):
        return None
    part = target[len(REVIEW_PREFIX) :].strip().lower()
    return part if part in REVIEW_PARTS else None


def is_review_target(target: str) -> bool:
    """True when a mapping target or column name starts with "review." (valid part or not)."""
    return target.lower().startswith(REVIEW_PREFIX)


def row_reviews(
    values: Mapping[str, str], columns: Mapping[str, str], separator: str | None
) -> tuple[list[dict[str, Any]], list[tuple[str | None, str]]]:
    """The reviews one row holds, and a warning for each review column left out of them.

    `columns` maps review part ("text", "author", ...) -> column name.
    """
    pieces: dict[str, list[str]] = {}
    for part, column in columns.items():
        cell = values.get(column, "").strip()
        if not cell:
            continue  # an empty cell says nothing about how many reviews there are
        pieces[part] = [p.strip() for p in cell.split(separator)] if separator else [cell]
    if not pieces:
        return [], []
    count, warnings = _agreed_count(pieces, columns, separator)
    reviews = []
    for index in range(count):
        review = {
            part: _value(part, cells[index])
            for part, cells in pieces.items()
            if len(cells) == count and cells[index]
        }
        # An author or date alone says nothing about the product.
        if review.keys() & {"text", "title", "rating"}:
            reviews.append(review)
    return reviews, warnings


def _agreed_count(
    pieces: dict[str, list[str]], columns: Mapping[str, str], separator: str | None
) -> tuple[int, list[tuple[str | None, str]]]:
    """How many reviews the row holds, and warnings for the columns that disagree.

    The count most columns agree on wins; on a tie the smaller one, because a separator
    inside a review's own words adds pieces, while a missing piece is rare.
    """
    tally = Counter(len(cells) for cells in pieces.values())
    count = min(tally, key=lambda n: (-tally[n], n))
    anchor = next(part for part, cells in pieces.items() if len(cells) == count)
    warnings = [
        (
            f"review.{part}",
            f"column {columns[part]!r} holds {len(cells)} values split by {separator!r} but "
            f"{columns[anchor]!r} holds {count}; they cannot be paired safely, so this row's "
            f"reviews are kept without their {part}",
        )
        for part, cells in pieces.items()
        if len(cells) != count
    ]
    return count, warnings


def _value(part: str, text: str) -> Any:
    if part == "rating":
        match = _STARS.fullmatch(text.strip())
        number = parse_number(match.group(1)) if match else text
        # Review.rating is a whole number; 4.0 is fine, 4.5 is left for validation to report.
        return int(number) if isinstance(number, float) and number.is_integer() else number
    if part == "date" and _ISO_DATETIME.match(text):
        return text[:10]  # the time of day adds nothing a shopper asks about
    return text
