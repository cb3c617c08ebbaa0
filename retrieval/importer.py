"""Read a store's catalog file into validated `Product`s plus a list of rows it rejected.

Loaders (retrieval/loaders/) only reshape records into Product fields; validation happens
here, once, so every format reports problems in the same words: file, line, field and a
sentence a store owner can act on. Bad rows never stop an import; only a file that cannot
be read at all raises `CatalogFileError`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from retrieval.catalog import Product
from retrieval.errors import CatalogFileError, RetrievalError, UnknownFormatError
from retrieval.loaders import LOADERS, LoadOptions, RawRecord, get_loader
from retrieval.loaders.base import sniff_csv_header
from retrieval.loaders.shopify import is_shopify_header

FORMATS: tuple[str, ...] = tuple(LOADERS)
_EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "dummyjson"}
_HEADER_PEEK_BYTES = 64 * 1024


@dataclass(frozen=True)
class ImportIssue:
    """One rejected record: where it is and what is wrong with it."""

    file: str  # the path as given
    line: int | None  # 1-based physical line where the bad record starts
    field: str | None  # Product field name (or source column) at fault, None if whole row
    message: str  # a sentence a store owner understands

    def __str__(self) -> str:
        """Compiler-style: "products.csv:12: price: must be at least 0 (got -5)"."""
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        what = self.message if self.field is None else f"{self.field}: {self.message}"
        return f"{where}: {what}"


@dataclass
class ParsedCatalog:
    """The outcome of reading one file: the products that passed and why the rest did not."""

    products: list[Product]  # valid rows, unique ids (first occurrence wins)
    issues: list[ImportIssue] = field(default_factory=list)  # one per rejected row
    rows_read: int = 0  # records read; always len(products) + rejected

    @property
    def rejected(self) -> int:
        """How many records were left out."""
        return len(self.issues)


def detect_format(path: Path) -> str:
    """Tell a catalog file's format from its name (and, for .csv, its header row).

    .jsonl/.ndjson -> "jsonl"; .json -> "dummyjson"; .csv -> "shopify" when the header has
    Shopify's Handle and Variant Price columns, else "csv".
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    if suffix == ".csv":
        try:
            with path.open("rb") as handle:
                head = handle.read(_HEADER_PEEK_BYTES)
        except OSError as exc:
            raise CatalogFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
        return "shopify" if is_shopify_header(sniff_csv_header(head)) else "csv"
    raise UnknownFormatError(
        f"{path}: cannot tell the catalog format from the name; use a .jsonl, .json or .csv "
        f"file, or name the format (one of: {', '.join(FORMATS)})"
    )


def read_catalog(
    path: str | Path,
    fmt: str | None = None,
    *,
    mapping: dict[str, str] | None = None,
    currency: str | None = None,
) -> ParsedCatalog:
    """Read and validate every record of a catalog file.

    `fmt` is one of FORMATS (detected from the file when None). `mapping` maps Product
    field (or "attr:NAME" for an attribute) -> column name for the "csv" format; columns
    named like a Product field need no mapping. `currency` (an ISO code such as "INR") is
    used for records that do not state a currency code themselves, in preference to a
    guess from a price symbol.

    Bad records become `issues` and never raise. Raises CatalogFileError when the file is
    missing, not a file, empty or the wrong shape for its format; UnknownFormatError when
    the format is unknown or cannot be detected.
    """
    source = str(path)
    path = Path(path)
    data = _read_bytes(path, source)
    name = fmt.strip().lower() if fmt else detect_format(path)
    loader = get_loader(name)
    if currency is not None:
        currency = currency.strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise RetrievalError(
                f"currency must be a three-letter code such as USD, EUR or INR (got {currency!r})"
            )
    options = LoadOptions(source=source, mapping=mapping, currency=currency)
    catalog = ParsedCatalog(products=[])
    first_line_of: dict[str, int | None] = {}
    for record in loader(data, options):
        catalog.rows_read += 1
        product, issue = _validate(record, source)
        if product is not None and product.id in first_line_of:
            issue = _duplicate_issue(source, record.line, product.id, first_line_of[product.id])
        if issue is not None:
            catalog.issues.append(issue)
            continue
        assert product is not None
        first_line_of[product.id] = record.line
        catalog.products.append(product)
    return catalog


def _read_bytes(path: Path, source: str) -> bytes:
    if not path.exists():
        raise CatalogFileError(f"{source}: no such file; check the path and try again")
    if path.is_dir():
        raise CatalogFileError(f"{source}: is a folder, not a catalog file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogFileError(f"{source}: cannot be read ({exc.strerror or exc})") from None
    # A byte-order mark alone is as empty as nothing at all.
    if not data.strip().removeprefix(b"\xef\xbb\xbf").strip():
        raise CatalogFileError(f"{source}: is empty; it has no products in it")
    return data


def _duplicate_issue(
    source: str, line: int | None, product_id: str, first: int | None
) -> ImportIssue:
    where = f"line {first}" if first is not None else "an earlier record"
    return ImportIssue(
        source,
        line,
        "id",
        f"{product_id!r} is already used on {where}; only the first product with an id is "
        "imported",
    )


def _validate(record: RawRecord, source: str) -> tuple[Product | None, ImportIssue | None]:
    if record.problem is not None:
        return None, ImportIssue(source, record.line, record.problem_field, record.problem)
    try:
        return Product.model_validate(record.fields), None
    except ValidationError as exc:
        return None, _issue_from_errors(source, record.line, exc.errors())


def _issue_from_errors(source: str, line: int | None, errors: list[ErrorDetails]) -> ImportIssue:
    """One issue for a record: its first problem, with any others summed up after it."""
    described: dict[str | None, str] = {}
    for error in errors:
        field_name, message = _describe_error(error)
        described.setdefault(field_name, message)  # union members repeat the same field
    (first_field, first_message), *others = described.items()
    if others:
        rest = "; ".join(f"{f}: {m}" if f else m for f, m in others[:3])
        more = f" and {len(others) - 3} more" if len(others) > 3 else ""
        first_message = f"{first_message} (also {rest}{more})"
    return ImportIssue(source, line, first_field, first_message)


def _field_path(loc: tuple[int | str, ...]) -> str | None:
    # pydantic adds the union member tried ("str", "list[str]") to the location; the store
    # owner only needs the field.
    parts = [str(p) for p in loc if not (isinstance(p, str) and ("[" in p or p in _TYPE_NAMES))]
    return ".".join(parts) or None


_TYPE_NAMES = frozenset({"str", "int", "float", "bool", "dict", "list", "none"})


def _shown(value: Any) -> str:
    """A rejected value as a person would write it: -5 not -5.0, quotes around text."""
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "nothing"}[value]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, dict) else repr(value)


def _describe_error(error: ErrorDetails) -> tuple[str | None, str]:
    """(field path, plain-words message) for one pydantic validation error."""
    field_name = _field_path(error["loc"])
    kind = error["type"]
    got = f"(got {_shown(error.get('input'))})"
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return field_name, "is required"
    if kind == "extra_forbidden":
        known = list(Product.model_fields)
        close = difflib.get_close_matches(str(field_name), known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; fields are: {', '.join(known)}"
        return field_name, f"is not a product field{hint}"
    if kind in ("greater_than_equal", "greater_than"):
        bound = _shown(ctx.get("ge", ctx.get("gt")))
        word = "at least" if kind == "greater_than_equal" else "more than"
        return field_name, f"must be {word} {bound} {got}"
    if kind in ("less_than_equal", "less_than"):
        bound = _shown(ctx.get("le", ctx.get("lt")))
        word = "at most" if kind == "less_than_equal" else "less than"
        return field_name, f"must be {word} {bound} {got}"
    if kind in ("float_parsing", "float_type"):
        return field_name, f"is not a number {got}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return field_name, f"is not a whole number {got}"
    if kind == "string_too_short":
        return field_name, "must not be empty"
    if kind == "string_too_long":
        return field_name, f"is too long (at most {ctx.get('max_length')} characters)"
    if kind == "string_type":
        if field_name and field_name.startswith("attributes."):
            return field_name, f"must be text or a list of text {got}"
        return field_name, f"must be text {got}"
    if kind == "string_pattern_mismatch" and field_name == "currency":
        return field_name, f"must be a three-letter currency code such as USD or INR {got}"
    if kind in ("list_type",):
        return field_name, f"must be a list {got}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return field_name, f"must be an object with named fields {got}"
    if kind.startswith("date"):
        return field_name, f"is not a date like 2024-05-31 {got}"
    if kind == "value_error":
        # Our own validators' messages are already written for people.
        return field_name, str(error["msg"]).removeprefix("Value error, ")
    message = str(error["msg"])
    return field_name, f"{message[:1].lower()}{message[1:]} {got}"
