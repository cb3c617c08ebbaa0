"""DummyJSON-shaped product files: a JSON list of products, or {"products": [...]}.

Every key a product has is kept: as a Product field, as an attribute under the name a
shopper uses ("returnPolicy" -> Return policy, "meta.barcode" -> Barcode), or left out as
bookkeeping (timestamps, links, reviewers' e-mail addresses), which the import reports.

The document is walked with `JSONDecoder.raw_decode` so each product's issues can name
the line its object starts on, not just "product #12".
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import accumulate
from typing import Any

from retrieval.catalog import Product
from retrieval.errors import CatalogFileError
from retrieval.loaders.base import LoadOptions, RawRecord, decode_lines, line_of_offset
from retrieval.loaders.extra_fields import (
    EMAILS,
    FieldReport,
    json_attributes,
    number_text,
    with_unit,
)

_DECODER = json.JSONDecoder()
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SPACE = re.compile(r"[ \t\n\r]*")  # JSON's whitespace, nothing more
# DummyJSON keys copied unchanged into Product fields.
_SAME_NAME = ("id", "title", "description", "price", "rating", "stock", "tags", "brand")
# DummyJSON keys kept as attributes, under the name a shopper would use for them.
_NAMED_ATTRIBUTES = {
    "sku": "SKU",
    "warrantyInformation": "Warranty",
    "shippingInformation": "Shipping",
    "returnPolicy": "Return policy",
    "minimumOrderQuantity": "Minimum order quantity",
    "availabilityStatus": "Availability",
}
# Keys product_fields reads itself; every other key is kept by what it is called.
_READ = frozenset(
    {*_SAME_NAME, *_NAMED_ATTRIBUTES, "category", "discountPercentage", "dimensions", "weight",
     "reviews", "images", "thumbnail"}
)  # fmt: skip
_SIDES = ("width", "height", "depth")
# DummyJSON's own files state no unit for dimensions; they have always been read as centimetres
# (a file that states one, as dimensions.unit or dimensionsUnit, gets its own).
_DEFAULT_DIMENSIONS_UNIT = "cm"
_MORE_PHOTOS = "more photos of the product; a product shows one image, its thumbnail"


def load(data: bytes, options: LoadOptions) -> Iterator[RawRecord]:
    """Yield one record per product object, located at the line where the object starts."""
    decoded = decode_lines(data, options.source)
    options.fields.kind = "field"
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
            yield RawRecord(first, product_fields(item, options.currency, options.fields))


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


def _unit_of(item: dict[str, Any], key: str) -> str | None:
    """The unit a product states for `key` beside it ("weightUnit": "kg"), if any."""
    for unit_key in (f"{key}Unit", f"{key}_unit"):
        unit = item.get(unit_key)
        if isinstance(unit, str) and unit.strip():
            return unit.strip()
    return None


def _unit_keys(item: dict[str, Any]) -> set[str]:
    """The keys that only state another key's unit ("weightUnit"): read with that key."""
    return {k for k in item if k.removesuffix("Unit").removesuffix("_unit") in item.keys() - {k}}


def product_fields(
    item: dict[str, Any], currency: str | None, report: FieldReport | None = None
) -> dict[str, Any]:
    """Map one DummyJSON product to Product fields.

    Only the listed price is used: DummyJSON's discountPercentage is not a compare-at
    price the store stated, so it is kept as an attribute ("10% off") instead. Keys this
    loader does not know become attributes named after them ("meta.barcode" -> Barcode),
    unless they are bookkeeping (timestamps, links); `report` hears which were which.
    """
    report = report if report is not None else FieldReport()
    fields: dict[str, Any] = {k: item[k] for k in _SAME_NAME if item.get(k) is not None}
    category = item.get("category")
    # A DummyJSON category is one slug ("mens-shirts"); never split it.
    if isinstance(category, str) and category.strip():
        fields["category"] = [category]
    elif category is not None:
        fields["category"] = category
    if currency:
        fields["currency"] = currency
    attributes: dict[str, Any] = {}
    for key, name in _NAMED_ATTRIBUTES.items():
        if item.get(key) is not None:
            attributes[name] = item[key]
            report.keep(key, name)
    _put_measurements(item, attributes, report)
    discount = item.get("discountPercentage")
    if isinstance(discount, (int, float)) and round(discount) > 0:
        attributes["Discount"] = f"{round(discount)}% off"
        report.keep("discountPercentage", "Discount")
    _put_other_keys(item, fields, attributes, report)
    if attributes:
        fields["attributes"] = attributes
    reviews = item.get("reviews")
    if isinstance(reviews, list):
        fields["reviews"] = [_review(r) for r in reviews]
        # DummyJSON gives no review total; the reviews it lists are the ones we know of.
        fields["review_count"] = len(reviews)
        if any(isinstance(r, dict) and r.get("reviewerEmail") for r in reviews):
            report.skip("reviews.reviewerEmail", EMAILS)
    elif reviews is not None:
        fields["reviews"] = reviews  # validation reports it is not a list
    images = item.get("images")
    image = item.get("thumbnail") or (images[0] if isinstance(images, list) and images else None)
    if image:
        fields["image_url"] = image
    if item.get("thumbnail") and images:
        report.skip("images", _MORE_PHOTOS)
    return fields


def _put_measurements(
    item: dict[str, Any], attributes: dict[str, Any], report: FieldReport
) -> None:
    """Weight and dimensions with their units: "0.5 kg", "15.14 x 13.08 x 22.99 cm"."""
    weight = item.get("weight")
    if isinstance(weight, (int, float)) and not isinstance(weight, bool):
        # Without a unit beside it the number is all the file says; no unit is guessed.
        attributes["Weight"] = with_unit(number_text(weight), _unit_of(item, "weight"))
        report.keep("weight", "Weight")
    elif weight is not None:
        attributes["Weight"] = weight  # text such as "0.5 kg" says its own unit
        report.keep("weight", "Weight")
    dimensions = item.get("dimensions")
    if isinstance(dimensions, dict) and all(
        isinstance(dimensions.get(k), (int, float)) for k in _SIDES
    ):
        unit = dimensions.get("unit") or _unit_of(item, "dimensions") or _DEFAULT_DIMENSIONS_UNIT
        sides = " x ".join(number_text(dimensions[k]) for k in _SIDES)
        attributes["Dimensions"] = f"{sides} {unit}"
        report.keep("dimensions", "Dimensions")
    elif dimensions is not None:
        # Any other shape is kept side by side: "Dimensions length", "Dimensions width".
        attributes.update(json_attributes("dimensions", dimensions, report))


def _put_other_keys(
    item: dict[str, Any], fields: dict[str, Any], attributes: dict[str, Any], report: FieldReport
) -> None:
    """Keys named like a Product field fill it; any other key becomes a named attribute."""
    units = _unit_keys(item)
    for key, value in item.items():
        if key in _READ or key in units or value is None:
            continue
        if key == "attributes" and isinstance(value, dict):
            for name, text in value.items():
                attributes.setdefault(name, text)
                report.keep(f"attributes.{name}", str(name))
        elif key in Product.model_fields:
            fields.setdefault(key, value)
        else:
            for name, text in json_attributes(key, value, report).items():
                attributes.setdefault(name, text)


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
