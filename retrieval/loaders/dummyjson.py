"""DummyJSON-shaped product files: a JSON list of products, or {"products": [...]}.

The document is walked with `JSONDecoder.raw_decode` so each product's issues can name
the line its object starts on, not just "product #12".
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import accumulate
from typing import Any

from retrieval.errors import CatalogFileError
from retrieval.loaders.base import LoadOptions, RawRecord, decode_lines, line_of_offset

_DECODER = json.JSONDecoder()
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SPACE = re.compile(r"[ \t\n\r]*")  # JSON's whitespace, nothing more
# DummyJSON keys copied unchanged into Product fields.
_SAME_NAME = ("id", "title", "description", "price", "rating", "stock", "tags", "brand")
# DummyJSON keys whose text goes into attributes under a plainer name.
_TEXT_ATTRIBUTES = {
    "sku": "sku",
    "weight": "weight",
    "warrantyInformation": "warranty",
    "shippingInformation": "shipping",
    "returnPolicy": "return_policy",
    "minimumOrderQuantity": "minimum_order_quantity",
}


def load(data: bytes, options: LoadOptions) -> Iterator[RawRecord]:
    """Yield one record per product object, located at the line where the object starts."""
    decoded = decode_lines(data, options.source)
    text = "".join(decoded.lines)
    line_starts = [0, *accumulate(len(line) for line in decoded.lines)]
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogFileError(
            f"{options.source}: is not valid JSON ({exc.msg} at line {exc.lineno}, "
            f"column {exc.colno}); fix the file or export it again"
        ) from None
    array_at = _products_array_offset(text, document, options.source)
    for number, (start, end, item) in enumerate(_array_items(text, array_at), start=1):
        first = line_of_offset(line_starts, start)
        bad = decoded.first_bad(first, line_of_offset(line_starts, max(start, end - 1)))
        if bad is not None:
            where = "" if bad[0] == first else f"line {bad[0]} "
            yield RawRecord.rejected(first, None, f"{where}{bad[1]}")
        elif not isinstance(item, dict):
            yield RawRecord.rejected(
                first, None, f"product #{number} is not a JSON object {{...}} (got {item!r:.40})"
            )
        else:
            yield RawRecord(first, product_fields(item, options.currency))


def _skip_space(text: str, pos: int) -> int:
    match = _SPACE.match(text, pos)
    return match.end() if match else pos


def _products_array_offset(text: str, document: Any, source: str) -> int:
    """Offset of the '[' that opens the product list (top level, or under "products")."""
    if isinstance(document, list):
        return _skip_space(text, 0)
    if not (isinstance(document, dict) and isinstance(document.get("products"), list)):
        raise CatalogFileError(
            f"{source}: must be a JSON list of products or an object with a \"products\" "
            f"list, but it is {_describe(document)}"
        )
    # The document parsed already, so this walk over its top-level keys cannot fail.
    pos = _skip_space(text, _skip_space(text, 0) + 1)
    found = pos
    while text[pos] != "}":
        key, pos = _DECODER.raw_decode(text, pos)
        pos = _skip_space(text, _skip_space(text, pos) + 1)  # past the ':'
        if key == "products":
            found = pos  # json.loads keeps the last of repeated keys; so do we
        _, pos = _DECODER.raw_decode(text, pos)
        pos = _skip_space(text, pos)
        if text[pos] == ",":
            pos = _skip_space(text, pos + 1)
    return found


def _array_items(text: str, pos: int) -> Iterator[tuple[int, int, Any]]:
    """(start offset, end offset, value) of each element of the JSON array opening at pos."""
    pos = _skip_space(text, pos + 1)
    while text[pos] != "]":
        start = pos
        value, pos = _DECODER.raw_decode(text, pos)
        yield start, pos, value
        pos = _skip_space(text, pos)
        if text[pos] == ",":
            pos = _skip_space(text, pos + 1)


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        keys = ", ".join(repr(k) for k in list(value)[:5])
        return f"an object with keys {keys}" if keys else "an empty object"
    return {str: "a text value", bool: "true/false", type(None): "null"}.get(
        type(value), "a number"
    )


def _number(value: Any) -> str:
    """12.0 -> "12", 12.5 -> "12.5": how people write measurements."""
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def product_fields(item: dict[str, Any], currency: str | None) -> dict[str, Any]:
    """Map one DummyJSON product to Product fields.

    Only the listed price is used: DummyJSON's discountPercentage is not a compare-at
    price the store stated, so it is kept as an attribute ("10% off") instead.
    """
    fields: dict[str, Any] = {k: item[k] for k in _SAME_NAME if item.get(k) is not None}
    category = item.get("category")
    # A DummyJSON category is one slug ("mens-shirts"); never split it.
    if isinstance(category, str) and category.strip():
        fields["category"] = [category]
    elif category is not None:
        fields["category"] = category
    if currency:
        fields["currency"] = currency
    attributes: dict[str, Any] = {
        name: item[key] for key, name in _TEXT_ATTRIBUTES.items() if item.get(key) is not None
    }
    dimensions = item.get("dimensions")
    if isinstance(dimensions, dict) and all(
        isinstance(dimensions.get(k), (int, float)) for k in ("width", "height", "depth")
    ):
        sides = (_number(dimensions[k]) for k in ("width", "height", "depth"))
        attributes["dimensions"] = " x ".join(sides) + " cm"
    discount = item.get("discountPercentage")
    if isinstance(discount, (int, float)) and round(discount) > 0:
        attributes["discount"] = f"{round(discount)}% off"
    if attributes:
        fields["attributes"] = attributes
    reviews = item.get("reviews")
    if isinstance(reviews, list):
        fields["reviews"] = [_review(r) for r in reviews]
        # DummyJSON gives no review total; the reviews it lists are the ones we know of.
        fields["review_count"] = len(reviews)
    elif reviews is not None:
        fields["reviews"] = reviews  # validation reports it is not a list
    images = item.get("images")
    image = item.get("thumbnail") or (images[0] if isinstance(images, list) and images else None)
    if image:
        fields["image_url"] = image
    return fields


def _review(review: Any) -> Any:
    """A DummyJSON review as a Review; the reviewer's e-mail is deliberately dropped."""
    if not isinstance(review, dict):
        return review  # validation reports it
    out: dict[str, Any] = {"rating": review.get("rating"), "text": review.get("comment") or ""}
    if review.get("reviewerName"):
        out["author"] = review["reviewerName"]
    when = review.get("date")
    if isinstance(when, str) and _ISO_DATE.match(when):
        out["date"] = when[:10]
    elif when is not None:
        out["date"] = when
    return out
