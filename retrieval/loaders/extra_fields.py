"""Source fields no Product field holds, kept as named attributes unless they are bookkeeping.

A store's file says more about a product than Product has fields for: a warranty, a barcode,
a weight, "Minimum order quantity". Every loader keeps such a column or key as an attribute
named the way a person would read it ("minimumOrderQuantity" -> "Minimum order quantity"),
with its unit ("Weight (kg)" + "0.5" -> Weight "0.5 kg"), so answers can use whatever a
catalog has without code for that catalog. What only serves the shop's record-keeping (ids,
timestamps, links, e-mail addresses, internal stock locations, the shop's own costs) is left
out, and `FieldReport` tells the store owner which fields became attributes and which were
left out, and why.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# Why a field is left out, in words for the store owner; reasons are grouped by these texts.
IDENTIFIER = "identifiers for record-keeping"
DATES = "record-keeping dates"
LINKS = "links to images or pages, not facts a shopper reads"
REFERENCES = "references to other records of the shop system"
EMAILS = "e-mail addresses, which are personal data"
PEOPLE = (
    "about reviews or the people who wrote them; to import reviews, map their columns with "
    "--map review.text=COLUMN, and likewise review.title, review.author, review.rating, review.date"
)
PRICES = "prices other than the product's price and compare-at price, which are read as such"
BACK_OFFICE = "back-office details such as stock locations and suppliers"
DISPLAY_ORDER = "display order"
NESTED = "lists of records, which have no single value to show"
EMPTY = "empty in every row"
UNNAMED = "(a column with no name)"
NO_NAME = "has no name in the header row; give it one to import it"

# Header words that mark a field as bookkeeping, checked in this order. A field is judged by
# what its name says it is, so one rule covers "user_id", "productId" and "Variant ID".
_NAME_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\be ?mails?\b"), EMAILS),
    (re.compile(r"\b(?:ids?|uuid|guid)\b"), IDENTIFIER),
    (re.compile(r"\b(?:reviews?|reviewers?|users?|customers?|buyers?)\b"), PEOPLE),
    (re.compile(r"\b(?:created|updated|modified|deleted|imported|synced|timestamp)\b"), DATES),
    (re.compile(r"\b(?:prices?|costs?|msrp|wholesale)\b"), PRICES),
    (re.compile(r"\b(?:warehouse|bin|suppliers?|internal)\b"), BACK_OFFICE),
    (re.compile(r"\b(?:sort|sort order|display order)\b"), DISPLAY_ORDER),
    (re.compile(r"\b(?:images?|img|photos?|pictures?|thumbnails?|urls?|links?)\b"), LINKS),
)
_URL = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_REFERENCE = re.compile(r"^gid://\S+$")  # Shopify's ids of metaobjects, files, products
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
# "Weight (kg)", "Warranty [years]": a unit in brackets at the end of a header. A dot or a
# digit inside means something else ("(product.metafields...)", "(2024)").
_BRACKETED_UNIT = re.compile(r"^(?P<name>.*?\S)\s*[(\[](?P<unit>[^\W\d_][^\d.()\[\]]{0,11})[)\]]$")
# A measurement a unit can follow: "0.5", "1,200", "3-5", "15 x 13 x 22".
_MEASUREMENT = re.compile(r"^\d+(?:[.,]\d+)?(?:\s*(?:-|–|x|×)\s*\d+(?:[.,]\d+)?)*$")
# Nested objects whose name says nothing about the product ("meta", "specifications"): their
# keys name the facts on their own ("meta.barcode" is the product's barcode).
_CONTAINERS = frozenset(
    {"meta", "metadata", "attributes", "attrs", "specs", "specifications", "details",
     "properties", "props", "extra", "extras", "info", "custom", "additional", "features"}
)  # fmt: skip


@dataclass
class FieldReport:
    """Which of a file's fields became attributes, and which were left out and why.

    Filled by a loader as it reads and read by the import report. A field kept for any
    product counts as kept; a field is "left out" only when no product kept it.
    """

    kind: str = "field"  # what the file calls its fields: "column" for spreadsheets
    attributes: dict[str, str] = field(default_factory=dict)  # source field -> attribute name
    skipped: dict[str, str] = field(default_factory=dict)  # source field -> why it was left out

    def keep(self, source: str, attribute: str) -> None:
        """Note that `source` became the attribute `attribute` (for at least one product)."""
        self.attributes.setdefault(source, attribute)
        self.skipped.pop(source, None)

    def skip(self, source: str, reason: str) -> None:
        """Note that `source` was left out, unless some product kept it already."""
        if source not in self.attributes:
            self.skipped.setdefault(source, reason)

    def finish(self, sources: Iterable[str]) -> None:
        """Every field in `sources` that neither became an attribute nor was skipped was empty."""
        for source in sources:
            if source not in self.attributes:
                self.skipped.setdefault(source, EMPTY)


def readable_name(source: str) -> str:
    """A field name as a person writes it: "minimumOrderQuantity" -> "Minimum order quantity".

    Acronyms stay as written ("MPN", "SKU"); the Product model folds the case for lookups.
    """
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", source)
    words = re.sub(r"[_\-.:]+", " ", spaced).split()
    words = [w if len(w) > 1 and w.isupper() else w.lower() for w in words]
    name = " ".join(words)
    return name[:1].upper() + name[1:]


def name_reason(name: str) -> str | None:
    """Why a field named `name` is bookkeeping, or None when a shopper could ask about it."""
    words = readable_name(name).lower()
    for pattern, reason in _NAME_RULES:
        if pattern.search(words):
            return reason
    return None


def name_and_unit(source: str) -> tuple[str, str | None]:
    """A field's attribute name and the unit its header states ("Weight (kg)": "kg")."""
    match = _BRACKETED_UNIT.match(source.strip())
    if match:
        return readable_name(match.group("name")), match.group("unit").strip()
    return readable_name(source.strip()), None


def with_unit(value: str, unit: str | None) -> str:
    """"0.5" and "kg" -> "0.5 kg"; a value that already says more than a number stays as it is."""
    if unit and _MEASUREMENT.fullmatch(value.strip()):
        return f"{value.strip()} {unit}"
    return value


def value_reason(text: str) -> str | None:
    """Why a value is not a fact to show (a link, an e-mail address), or None."""
    stripped = text.strip()
    if _URL.match(stripped):
        return LINKS
    if _REFERENCE.match(stripped):
        return REFERENCES
    if _EMAIL.match(stripped):
        return EMAILS
    return None


def cell_value(text: str) -> str:
    """A spreadsheet cell as an attribute value: TRUE/FALSE read as yes/no, the rest as written."""
    folded = text.strip().lower()
    return {"true": "yes", "false": "no"}.get(folded, text.strip())


def number_text(value: float) -> str:
    """12.0 -> "12", 12.5 -> "12.5": how people write measurements."""
    return f"{value:g}"


def json_value(value: Any) -> str | list[str] | None:
    """A JSON scalar or list of scalars as attribute text; None for nothing or nested records."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return number_text(value)
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        items = [t for t in (json_value(v) for v in value) if isinstance(t, str) and t]
        return items or None
    return None


def json_attributes(
    key: str, value: Any, report: FieldReport, *, path: str = "", prefix: str = ""
) -> dict[str, str | list[str]]:
    """Attributes from one extra JSON key: scalars and lists kept, objects flattened.

    `path` is the dotted source path of the parent ("meta"), `prefix` the readable name the
    parent lends its keys ("Battery" for {"battery": {"life": ...}}); a container such as
    "meta" lends none.
    """
    source = f"{path}.{key}" if path else key
    name, unit = name_and_unit(key)
    if prefix:
        # "Battery" + "Life" reads "Battery life"; an acronym keeps its capitals.
        name = f"{prefix} {name if name[:2].isupper() else name[:1].lower() + name[1:]}"
    reason = name_reason(key)
    if reason is not None:
        report.skip(source, reason)
        return {}
    if isinstance(value, dict):
        lend = "" if key.strip().lower() in _CONTAINERS else name
        found: dict[str, str | list[str]] = {}
        for child, child_value in value.items():
            found.update(
                json_attributes(str(child), child_value, report, path=source, prefix=lend)
            )
        return found
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        report.skip(source, NESTED)
        return {}
    text = json_value(value)
    if text is None:
        return {}
    texts = text if isinstance(text, list) else [text]
    problem = next((r for r in map(value_reason, texts) if r), None)
    if problem is not None:
        report.skip(source, problem)
        return {}
    report.keep(source, name)
    if isinstance(text, list):
        return {name: [with_unit(t, unit) for t in text]}
    return {name: with_unit(text, unit)}


@dataclass(frozen=True)
class ExtraColumn:
    """A spreadsheet column kept as an attribute: the header, the attribute name, its unit."""

    column: str
    name: str
    unit: str | None


def plan_columns(columns: Iterable[str], report: FieldReport) -> list[ExtraColumn]:
    """The columns to keep as attributes; the others are noted in `report` with the reason."""
    planned: list[ExtraColumn] = []
    for column in columns:
        if not column.strip():
            # Reported only if it holds something: spreadsheets often end in blank columns.
            planned.append(ExtraColumn(column, "", None))
            continue
        reason = name_reason(column)
        if reason is not None:
            report.skip(column, reason)
            continue
        name, unit = name_and_unit(column)
        planned.append(ExtraColumn(column, name, unit))
    return planned


def row_attributes(
    values: dict[str, str], planned: Iterable[ExtraColumn], report: FieldReport
) -> dict[str, str]:
    """One row's attributes from the planned columns; links and e-mail addresses left out."""
    found: dict[str, str] = {}
    for extra in planned:
        cell = values.get(extra.column, "").strip()
        if not cell:
            continue
        if not extra.name:
            report.skip(UNNAMED, NO_NAME)
            continue
        reason = value_reason(cell)
        if reason is not None:
            report.skip(extra.column, reason)
            continue
        report.keep(extra.column, extra.name)
        found.setdefault(extra.name, with_unit(cell_value(cell), extra.unit))
    return found
