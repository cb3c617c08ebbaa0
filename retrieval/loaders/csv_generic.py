"""Any spreadsheet export: one product per row, columns mapped to Product fields.

Columns named like a Product field ("title", "Price", "Image URL") map by themselves; `mapping`
(Product field -> column) covers the rest. Columns named "attr:NAME" or
"attributes.NAME" become attributes; "review.text", "review.title", "review.author",
"review.rating" and "review.date" become the row's reviews (see review_columns.py). Every
other column becomes an attribute named after its header ("discount_percentage" ->
"Discount percentage", "Weight (kg)" -> "Weight" with values like "0.5 kg"), unless it is
bookkeeping: ids, links, timestamps, other prices (see extra_fields.py). Rows repeating a
product id are merged later, by the importer.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from retrieval.catalog import Product
from retrieval.errors import CatalogFileError
from retrieval.loaders.extra_fields import plan_columns, row_attributes
from retrieval.loaders.base import (
    LoadOptions,
    RawRecord,
    RecordError,
    bullets_to_sentences,
    parse_count,
    parse_money,
    parse_number,
    read_csv,
    split_list,
)
from retrieval.loaders.review_columns import (
    REVIEW_PARTS,
    is_review_target,
    review_part,
    row_reviews,
)

_MONEY = ("price", "compare_at_price")
_COUNTS = ("review_count", "stock")
_NUMBERS = ("rating",)
# Nested fields have no sensible single-cell spelling in a spreadsheet.
_NOT_FROM_A_CELL = frozenset({"variants", "reviews", "attributes"})
_REQUIRED = ("id", "title", "price")
_ATTRIBUTE_PREFIXES = ("attr:", "attributes.")


def load(data: bytes, options: LoadOptions) -> Iterator[RawRecord]:
    """Yield one record per CSV row, with values parsed into Product field types."""
    table = read_csv(data, options.source)
    columns, attribute_columns, review_columns = _resolve_columns(table.header, options)
    report = options.fields
    report.kind = "column"
    used = {*columns.values(), *attribute_columns.values(), *review_columns.values()}
    extra = plan_columns(_unused_columns(table.header, used, options), report)
    for row in table.rows:
        if row.problem is not None:
            yield RawRecord.rejected(row.line, None, row.problem)
            continue
        warnings: list[tuple[str | None, str]] = []
        try:
            fields = _row_fields(
                row.values, columns, attribute_columns, options.currency, warnings
            )
        except RecordError as exc:
            yield RawRecord.rejected(row.line, exc.field, exc.message)
            continue
        for name, column in attribute_columns.items():
            if row.values.get(column):
                report.keep(column, name)
        _add_extra_attributes(fields, row_attributes(row.values, extra, report))
        reviews, review_warnings = row_reviews(
            row.values, review_columns, options.review_separator
        )
        if reviews:
            fields["reviews"] = reviews
        yield RawRecord(row.line, fields, warnings=(*warnings, *review_warnings))
    report.finish([*attribute_columns.values(), *(e.column for e in extra if e.name)])


def _unused_columns(header: list[str], used: set[str], options: LoadOptions) -> list[str]:
    """Columns no field, attribute or review reads, each once, in header order.

    A column named like a Product field that one cell cannot fill ("variants") is noted as
    such rather than kept as an attribute of the same name.
    """
    unused: list[str] = []
    for column in header:
        if column in used or column in unused:
            continue
        if "_".join(column.lower().split()) in _NOT_FROM_A_CELL:
            options.fields.skip(column, "a product field one spreadsheet cell cannot fill")
            continue
        unused.append(column)
    return unused


def _add_extra_attributes(fields: dict[str, Any], extra: dict[str, str]) -> None:
    """Add attributes from unmapped columns; an attr: column of the same name wins."""
    if not extra:
        return
    attributes = fields.setdefault("attributes", {})
    named = {_folded(name) for name in attributes}
    for name, value in extra.items():
        if _folded(name) not in named:
            attributes[name] = value


def _folded(name: str) -> str:
    # How Product folds attribute names ("Return policy" is "return_policy").
    return "_".join(name.strip().lower().split())


def _attribute_name(key: str) -> str | None:
    lowered = key.lower()
    for prefix in _ATTRIBUTE_PREFIXES:
        if lowered.startswith(prefix) and key[len(prefix) :].strip():
            return key[len(prefix) :].strip()
    return None


def _resolve_columns(
    header: list[str], options: LoadOptions
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Decide which column feeds each Product field, each attribute and each review part.

    A mapping that names a missing column, or a file with no column for a required field,
    is a file-level mistake: reported once, clearly, instead of once per row.
    """
    source = options.source
    known_fields = [f for f in Product.model_fields if f not in _NOT_FROM_A_CELL]
    found = ", ".join(repr(c) for c in header if c) or "none"
    columns: dict[str, str] = {}
    attribute_columns: dict[str, str] = {}
    review_columns: dict[str, str] = {}
    for target, column in (options.mapping or {}).items():
        if column not in header:
            raise CatalogFileError(
                f"{source}: the mapping uses column {column!r} for {target!r}, but the file "
                f"has no such column (columns found: {found})"
            )
        attribute = _attribute_name(target)
        if attribute is not None:
            attribute_columns[attribute] = column
        elif is_review_target(target):
            part = review_part(target)
            if part is None:
                raise CatalogFileError(
                    f"{source}: the mapping names {target!r}; a review column is one of "
                    f"{', '.join('review.' + p for p in REVIEW_PARTS)}"
                )
            review_columns[part] = column
        elif target in known_fields:
            columns[target] = column
        else:
            raise CatalogFileError(
                f"{source}: the mapping names {target!r}, which is not a product field a CSV "
                f"column can fill; use one of {', '.join(known_fields)}, attr:NAME or "
                "review.text (and review.title, review.author, review.rating, review.date)"
            )
    for column in header:
        attribute = _attribute_name(column)
        part = review_part(column)
        if attribute is not None:
            attribute_columns.setdefault(attribute, column)
        elif part is not None:
            review_columns.setdefault(part, column)
        else:
            # "Image URL" and "compare at price" are how people write field names.
            name = "_".join(column.lower().split())
            if name in known_fields:
                columns.setdefault(name, column)
    for required in _REQUIRED:
        if required not in columns:
            raise CatalogFileError(
                f"{source}: has no column for {required!r}; name a column {required!r} or map "
                f"one to it (columns found: {found})"
            )
    return columns, attribute_columns, review_columns


def _row_fields(
    values: Mapping[str, str],
    columns: Mapping[str, str],
    attribute_columns: Mapping[str, str],
    currency: str | None,
    warnings: list[tuple[str | None, str]],
) -> dict[str, Any]:
    """Turn one row's cells into Product fields; empty cells are left out (so defaults apply).

    An unreadable required price raises RecordError; an unreadable compare-at price is
    left out with a note in `warnings`, because the product is still worth selling.
    """
    fields: dict[str, Any] = {}
    symbol_currency: str | None = None
    for target, column in columns.items():
        cell = values.get(column, "")
        if not cell:
            continue
        if target in _MONEY:
            try:
                amount, found = parse_money(cell, target)
            except RecordError as exc:
                if target in _REQUIRED:
                    raise
                warnings.append((exc.field, f"{exc.message}; left out, the product is kept"))
                continue
            fields[target] = amount
            # The selling price's symbol decides; the compare-at symbol only fills a gap.
            if found and (symbol_currency is None or target == "price"):
                symbol_currency = found
        elif target in _COUNTS:
            fields[target] = parse_count(cell)
        elif target in _NUMBERS:
            fields[target] = parse_number(cell)
        elif target == "tags":
            fields[target] = split_list(cell)
        elif target == "description":
            fields[target] = bullets_to_sentences(cell)
        else:
            fields[target] = cell
    # A currency code stated in the row beats the caller's choice, which beats a symbol
    # guess ("$" is also Canada's and Australia's).
    chosen = fields.get("currency") or currency or symbol_currency
    if chosen:
        fields["currency"] = chosen
    attributes = {name: values.get(column, "") for name, column in attribute_columns.items()}
    attributes = {name: value for name, value in attributes.items() if value}
    if attributes:
        fields["attributes"] = attributes
    return fields
