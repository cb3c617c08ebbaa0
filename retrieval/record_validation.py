"""Validate one loaded record into a `Product`, leaving out bad optional values, not the product.

A record whose id, title, price or currency is wrong is rejected: importing it would
show a shopper a wrong name or a wrong price. Any other bad value (a rating of "|", an
image link that is not a URL, an unreadable review count) is left out with a warning,
so the catalog says nothing about it rather than losing the whole product. Messages are
written here once, in plain words, for every file format.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from retrieval.catalog import Product
from retrieval.loaders import RawRecord

# A bad value here rejects the row. Currency is among them because leaving it out would
# fall back to the default currency and misprice the product.
REJECTING_FIELDS = frozenset({"id", "title", "price", "currency"})
# Leaving out one value can surface another problem (rarely); never loop for ever.
_MAX_PASSES = 4
_KEPT = "left out, the product is kept"

_Loc = tuple[int | str, ...]


@dataclass(frozen=True)
class ImportIssue:
    """One problem with a record: where it is and what is wrong with it."""

    file: str  # the path as given
    line: int | None  # 1-based physical line where the bad record starts
    field: str | None  # Product field name (or source column) at fault, None if whole row
    message: str  # a sentence a store owner understands

    def __str__(self) -> str:
        """Compiler-style: "products.csv:12: price: must be at least 0 (got -5)"."""
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        what = self.message if self.field is None else f"{self.field}: {self.message}"
        return f"{where}: {what}"


@dataclass(frozen=True)
class Validated:
    """A record's outcome: the product (or why it was rejected) and the values left out."""

    product: Product | None
    rejection: ImportIssue | None = None
    warnings: list[ImportIssue] = field(default_factory=list)


def validate_record(record: RawRecord, source: str) -> Validated:
    """Validate one record; bad optional values are left out and reported as warnings."""
    if record.problem is not None:
        return Validated(None, ImportIssue(source, record.line, record.problem_field, record.problem))
    warnings = [ImportIssue(source, record.line, f, m) for f, m in record.warnings]
    fields = record.fields
    errors: list[ErrorDetails] = []
    for _ in range(_MAX_PASSES):
        try:
            return Validated(Product.model_validate(fields), None, warnings)
        except ValidationError as exc:
            errors = exc.errors()
        units = [_unit(error) for error in errors]
        if any(unit is None for unit in units):
            break
        slimmer = _without(fields, {u for u in units if u is not None})
        if slimmer == fields:
            # A path pydantic names after its own renaming (attribute keys are folded)
            # may not exist in the raw record; leave out the whole field instead.
            heads = {u[0] for u in units if u is not None}
            slimmer = {k: v for k, v in fields.items() if k not in heads}
            if slimmer == fields:
                break
        warnings.extend(_warnings(source, record.line, errors, units))
        fields = slimmer
    # The values left out of a rejected row no longer matter: the whole row is out.
    return Validated(None, _issue_from_errors(source, record.line, errors))


def _clean_loc(loc: tuple[int | str, ...]) -> _Loc:
    # pydantic adds the union member tried ("str", "list[str]") to the location; the store
    # owner only needs the field.
    return tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p in _TYPE_NAMES)))


def _unit(error: ErrorDetails) -> _Loc | None:
    """The smallest part of a record to leave out for this error; None to reject the row."""
    loc = _clean_loc(error["loc"])
    if not loc or loc[0] in REJECTING_FIELDS:
        return None
    if error["type"] == "extra_forbidden":
        return loc  # an unknown key: ignore just that key
    head = loc[0]
    if head == "variants":
        # Half a variant list would misstate which sizes exist and what is in stock;
        # without variants the catalog simply does not say.
        return ("variants",)
    if head == "reviews":
        return loc[:3]  # a review's bad rating leaves the review's words in
    if head in ("attributes", "tags"):
        return loc[:2]
    return loc[:1]


def _without(value: Any, paths: set[_Loc]) -> Any:
    """`value` with every path in `paths` removed (a copy; the record stays as read)."""
    if () in paths:
        return _GONE
    children: dict[int | str, set[_Loc]] = {}
    for path in paths:
        children.setdefault(path[0], set()).add(path[1:])
    if isinstance(value, dict):
        kept = {k: _without(v, children[k]) if k in children else v for k, v in value.items()}
        return {k: v for k, v in kept.items() if v is not _GONE}
    if isinstance(value, list):
        items = [_without(v, children[i]) if i in children else v for i, v in enumerate(value)]
        return [v for v in items if v is not _GONE]
    return value


_GONE = object()


def _left_out(unit: _Loc) -> str:
    if unit[0] == "variants":
        return "the variants are left out, so sizes, colours and stock per variant are unknown"
    if unit[0] == "reviews" and len(unit) == 2:
        return "that review is left out, the product is kept"
    if unit[0] == "reviews" and len(unit) == 3:
        return "left out of that review, the product is kept"
    return _KEPT


def _warnings(
    source: str, line: int | None, errors: list[ErrorDetails], units: list[_Loc | None]
) -> list[ImportIssue]:
    """One warning per part left out (union members repeat the same problem)."""
    found: dict[_Loc, ImportIssue] = {}
    for error, unit in zip(errors, units):
        if unit is None or unit in found:
            continue
        field_name, message = _describe_error(error)
        joiner = " " if message.endswith(("?", ".")) else "; "
        outcome = _left_out(unit)
        if joiner == " ":
            outcome = outcome[:1].upper() + outcome[1:]
        found[unit] = ImportIssue(source, line, field_name, f"{message}{joiner}{outcome}")
    return list(found.values())


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
    return ".".join(str(p) for p in _clean_loc(loc)) or None


_TYPE_NAMES = frozenset(
    {"str", "int", "float", "bool", "dict", "list", "none", "constrained-str", "constrained-int",
     "constrained-float"}
)


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
