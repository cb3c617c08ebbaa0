"""What every catalog loader shares: the record it yields, line-by-line decoding, CSV rows.

A loader turns one file's bytes into `RawRecord`s: plain dicts of `Product` field names
(validation happens once, centrally, in retrieval/importer.py) or a rejection the loader
could already explain (bad bytes, unreadable price). Loaders raise `CatalogFileError`
only when the file as a whole cannot be read.
"""

from __future__ import annotations

import bisect
import codecs
import csv
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from retrieval.errors import CatalogFileError
from retrieval.loaders.extra_fields import FieldReport


@dataclass(frozen=True)
class LoadOptions:
    """What a loader needs besides the bytes: where they came from and the caller's choices."""

    source: str  # the path as the caller gave it, for error messages
    mapping: Mapping[str, str] | None = None  # Product field -> source column (CSV only)
    currency: str | None = None  # ISO code for records whose data states none
    # Splits cells holding several reviews ("great,too small") into one review each (CSV only).
    review_separator: str | None = None
    # Filled by the loader: which source fields became attributes and which were left out.
    fields: FieldReport = field(default_factory=FieldReport)


@dataclass(frozen=True)
class RawRecord:
    """One catalog record before validation: Product fields, or the reason it was rejected."""

    line: int | None  # 1-based physical line where the record starts
    fields: dict[str, Any] = field(default_factory=dict)
    problem: str | None = None  # set when the loader rejected the record itself
    problem_field: str | None = None
    # (field, message) for values the loader left out while keeping the record; each
    # message says what was wrong and what was left out.
    warnings: tuple[tuple[str | None, str], ...] = ()

    @classmethod
    def rejected(cls, line: int | None, problem_field: str | None, problem: str) -> RawRecord:
        """A record the loader could not turn into fields."""
        return cls(line=line, problem=problem, problem_field=problem_field)


class RecordError(Exception):
    """Raised while mapping one record; the loader turns it into a rejected `RawRecord`."""

    def __init__(self, field_name: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


Loader = Callable[[bytes, LoadOptions], Iterator[RawRecord]]


# -- text ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecodedLines:
    """A file's physical lines (line endings kept) and the lines that were not valid UTF-8."""

    lines: list[str]
    bad: dict[int, str]  # 1-based line number -> message for the store owner

    def first_bad(self, first: int, last: int) -> tuple[int, str] | None:
        """The first undecodable line in first..last (inclusive), if any."""
        for number in range(first, last + 1):
            if number in self.bad:
                return number, self.bad[number]
        return None


def decode_lines(data: bytes, source: str) -> DecodedLines:
    """Decode `data` as UTF-8 one physical line at a time.

    Decoding per line (not per file) means one stray byte costs only the record that holds
    it; the bad line is kept, with replacement characters, so parsing can carry on.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise CatalogFileError(
            f"{source}: is saved as UTF-16; save it as UTF-8 (in Excel: CSV UTF-8) and try again"
        )
    # Excel and Notepad put a byte-order mark in front of UTF-8 files; it is not data.
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    lines: list[str] = []
    bad: dict[int, str] = {}
    # bytes.splitlines breaks only at \n, \r\n and \r, the same places csv and json care about.
    for number, raw in enumerate(data.splitlines(keepends=True), start=1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            bad[number] = (
                f"is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1}); "
                "save the file as UTF-8"
            )
            lines.append(raw.decode("utf-8", errors="replace"))
    return DecodedLines(lines, bad)


def line_of_offset(line_starts: list[int], offset: int) -> int:
    """The 1-based line holding character `offset`, given each line's starting offset."""
    return bisect.bisect_right(line_starts, offset)


# -- CSV -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CsvRow:
    """One CSV record: its first physical line and its cells by column name.

    When `problem` is set the row must be rejected; `values` then holds whatever could be
    read (possibly nothing), only to say which product the row belonged to.
    """

    line: int
    values: dict[str, str]
    problem: str | None = None


@dataclass(frozen=True)
class CsvTable:
    """A CSV file's header and an iterator over its records (blank records skipped)."""

    header: list[str]
    rows: Iterator[CsvRow]


def read_csv(data: bytes, source: str) -> CsvTable:
    """Read CSV bytes into a header and rows, tracking the physical line each record starts on.

    A record may span several lines (quoted line breaks), so `reader.line_num` before and
    after each record gives its line range; a record containing an undecodable line comes
    back with a problem (and best-effort values) so only that record is rejected.
    """
    decoded = decode_lines(data, source)
    # strict: a stray quote is reported for its row instead of silently swallowing the
    # following rows into one value.
    reader = csv.reader(iter(decoded.lines), strict=True)
    records = _records(reader, decoded)
    for first, cells, problem in records:
        if not any(c.strip() for c in cells) and problem is None:
            continue
        if problem is not None:
            raise CatalogFileError(f"{source}: the header row (line {first}) {problem}")
        header = [c.strip() for c in cells]
        return CsvTable(header, _rows(records, header))
    raise CatalogFileError(f"{source}: has no header row; the first line must name the columns")


def _records(
    reader: Any,  # csv's reader type is not public
    decoded: DecodedLines,
) -> Iterator[tuple[int, list[str], str | None]]:
    """(first line, cells, problem) for every record the csv reader produces."""
    previous_end = 0
    while True:
        try:
            cells = next(reader)
            problem = None
        except StopIteration:
            return
        except csv.Error as exc:
            cells = []
            problem = _csv_problem(str(exc))
        first, previous_end = previous_end + 1, reader.line_num
        bad = decoded.first_bad(first, previous_end)
        if bad is not None:
            # The line number in the message matters when a record spans lines.
            number, message = bad
            problem = message if number == first else f"line {number} {message}"
        yield first, cells, problem


def _csv_problem(error: str) -> str:
    """Say what a csv module error means for the person who edits the file."""
    if "unexpected end of data" in error:
        return (
            'opens a quote (") that is never closed, so the rest of the file was read as one '
            "value; close the quote"
        )
    if "expected after" in error:
        return (
            'has a stray quote (") inside a value; put the whole value in quotes and double '
            'any quote inside it ("")'
        )
    return f"cannot be read as CSV ({error})"


def _rows(
    records: Iterator[tuple[int, list[str], str | None]], header: list[str]
) -> Iterator[CsvRow]:
    for first, cells, problem in records:
        if problem is None and not any(c.strip() for c in cells):
            continue  # blank lines and rows of empty cells (Excel leaves these) are not records
        if problem is None and any(c.strip() for c in cells[len(header) :]):
            problem = (
                f"has {len(cells)} values but the header names {len(header)} columns; "
                "a value containing a comma needs quotes around it"
            )
        values: dict[str, str] = {}
        for name, cell in zip(header, cells):
            values.setdefault(name, cell.strip())  # a repeated column name: the first one wins
        # Values are kept even for a bad row (best effort) so a caller can tell which
        # product the row belonged to; they must not be imported.
        yield CsvRow(first, values, problem)


def sniff_csv_header(path_head: bytes) -> list[str]:
    """Column names from the first line of a CSV file's opening bytes (best effort)."""
    if path_head.startswith(codecs.BOM_UTF8):
        path_head = path_head[len(codecs.BOM_UTF8) :]
    first_line = path_head.splitlines()[0] if path_head.strip() else b""
    text = first_line.decode("utf-8", errors="replace")
    try:
        return [c.strip() for c in next(csv.reader([text]), [])]
    except csv.Error:
        return []


# -- values --------------------------------------------------------------------------------

# Longest markers first so "US$" is not read as "$" followed by junk.
_CURRENCY_MARKERS = (
    ("us$", "USD"),
    ("rs.", "INR"),
    ("rs", "INR"),
    ("₹", "INR"),
    ("$", "USD"),
    ("€", "EUR"),
    ("£", "GBP"),
)
_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?|\.\d+")
# Digit groups: "1,299,000" and also India's lakh grouping "12,99,000"; the last group
# always has three digits, which is what tells it apart from a decimal comma.
_THOUSANDS_NUMBER = re.compile(r"\d{1,3}(?:,\d{2,3})*,\d{3}(?:\.\d+)?")
_DECIMAL_COMMA = re.compile(r"\d{1,3}(?:\.\d{3})*,\d{1,2}|\d+,\d{1,2}")


def _strip_currency(text: str) -> tuple[str, str | None]:
    """Remove one currency symbol or ISO code from either end; return the rest and the code."""
    lowered = text.lower()
    for marker, code in _CURRENCY_MARKERS:
        if lowered.startswith(marker):
            return text[len(marker) :].strip(), code
        if lowered.endswith(marker) and marker not in ("rs", "rs."):
            return text[: -len(marker)].strip(), code
    match = re.fullmatch(r"([A-Z]{3})\s*(.+)|(.+?)\s*([A-Z]{3})", text)
    if match:
        code = match.group(1) or match.group(4)
        return (match.group(2) or match.group(3)).strip(), code
    return text, None


def parse_money(text: str, field_name: str) -> tuple[float, str | None]:
    """Read a price like "₹1,099", "$1,299.00", "24.50 EUR" or "-5"; return amount and currency.

    Thousands separators must be commas and the decimal mark a point: "1.299,00" is refused
    rather than guessed, because reading it wrongly would misprice the product a thousandfold.
    """
    original = text
    text = text.strip()
    negative = text.startswith("-")
    if negative:
        text = text[1:].strip()
    text, currency = _strip_currency(text)
    if not negative and text.startswith("-"):  # "$-5"
        negative, text = True, text[1:].strip()
    if _PLAIN_NUMBER.fullmatch(text) or _THOUSANDS_NUMBER.fullmatch(text):
        amount = float(text.replace(",", ""))
        return (-amount if negative else amount), currency
    if _DECIMAL_COMMA.fullmatch(text):
        raise RecordError(
            field_name,
            f"uses a decimal comma (got {original.strip()!r}); write prices with a decimal "
            "point and no thousands dots, like 1299.00",
        )
    raise RecordError(
        field_name, f"is not a price (got {original.strip()!r}); write it as a number, like 1299.00"
    )


def parse_count(text: str) -> int | str:
    """Read a whole number like "24,269" or "1,79,691"; anything else comes back unchanged."""
    cleaned = text.strip()
    if _THOUSANDS_NUMBER.fullmatch(cleaned) and "." not in cleaned:
        cleaned = cleaned.replace(",", "")
    if re.fullmatch(r"-?\d+(?:\.0+)?", cleaned):
        return int(float(cleaned))
    return text.strip()


def parse_number(text: str) -> float | str:
    """Read a decimal like "4.2"; anything else comes back unchanged for validation to report."""
    try:
        return float(text.strip())
    except ValueError:
        return text.strip()


def split_list(text: str, separator: str = ",") -> list[str]:
    """Split "a, b ,c" into ["a", "b", "c"], dropping empty items."""
    return [item.strip() for item in text.split(separator) if item.strip()]


def bullets_to_sentences(text: str) -> str:
    """Turn "Fast charge|Durable nylon" into "Fast charge. Durable nylon." for reading aloud."""
    parts = [" ".join(p.split()) for p in text.split("|")]
    sentences = [p if p[-1] in ".!?" else p + "." for p in parts if p]
    return " ".join(sentences) if len(sentences) > 1 else " ".join(text.split())
