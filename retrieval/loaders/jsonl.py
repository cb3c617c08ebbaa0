"""Shopbot's native format: one Product JSON object per line, using Product field names."""

from __future__ import annotations

import json
from collections.abc import Iterator

from retrieval.loaders.base import LoadOptions, RawRecord, decode_lines

# json's messages name parser states; these say what to fix in the line.
_PLAIN_JSON_ERRORS = {
    "Expecting ',' delimiter": "a comma is missing",
    "Expecting ':' delimiter": "a colon is missing after a field name",
    "Expecting value": "a value is missing or not valid JSON",
    "Expecting property name enclosed in double quotes": (
        "a field name is missing or not in double quotes (or there is a trailing comma)"
    ),
    "Unterminated string starting at": "a text value has no closing quote",
    "Invalid control character at": "a text value contains a raw tab or line break",
    "Invalid \\escape": "a backslash starts an escape JSON does not know",
    "Extra data": "there is more text after the product's closing brace",
}
_JSON_TYPE_NAMES = {list: "a list", str: "a text value", int: "a number", float: "a number",
                    bool: "true/false", type(None): "null"}


def load(data: bytes, options: LoadOptions) -> Iterator[RawRecord]:
    """Yield one record per non-blank line; malformed lines become rejected records."""
    decoded = decode_lines(data, options.source)
    for number, text in enumerate(decoded.lines, start=1):
        if not text.strip():
            continue
        if number in decoded.bad:
            yield RawRecord.rejected(number, None, decoded.bad[number])
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            plain = _PLAIN_JSON_ERRORS.get(exc.msg, exc.msg[:1].lower() + exc.msg[1:])
            yield RawRecord.rejected(
                number, None, f"is not valid JSON: {plain} (at column {exc.colno})"
            )
            continue
        if not isinstance(value, dict):
            kind = _JSON_TYPE_NAMES.get(type(value), "not an object")
            yield RawRecord.rejected(
                number, None, f"is {kind}, but each line must be one product object {{...}}"
            )
            continue
        if options.currency and not value.get("currency"):
            value["currency"] = options.currency
        yield RawRecord(number, value)
