"""Shopify export columns beyond a product's fields: facts kept as attributes, settings left out.

Shopify's export carries facts a shopper asks about that no Product field holds (weight,
barcode, condition, metafields such as "Fabric (product.metafields.shopify.fabric)") next
to columns that only configure the shop (tax, fulfilment, SEO, market prices). Facts become
attributes named as a person reads them; a value that differs between variants is listed per
variant ("0.2 kg (S)", "0.3 kg (M)"). Any column Shopify does not define is judged like a
spreadsheet column (see extra_fields.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from retrieval.loaders.base import CsvRow
from retrieval.loaders.extra_fields import (
    FieldReport,
    cell_value,
    name_and_unit,
    name_reason,
    number_text,
    value_reason,
    with_unit,
)

_OPTIONS = (1, 2, 3)
# Columns the product's fields, variants and images are read from (shopify.py).
READ_COLUMNS = frozenset(
    {"Handle", "Title", "Body (HTML)", "Vendor", "Product Category", "Tags", "Variant SKU",
     "Variant Inventory Tracker", "Variant Inventory Qty", "Variant Price",
     "Variant Compare At Price", "Image Src", "Image Position", "Status",
     *(f"Option{i} {part}" for i in _OPTIONS for part in ("Name", "Value"))}
)  # fmt: skip
# Standard columns holding a fact a shopper asks about, under the name a person uses.
_NAMED = {
    "Type": "Product type",
    "Variant Barcode": "Barcode",
    "Google Shopping / Gender": "Gender",
    "Google Shopping / Age Group": "Age group",
    "Google Shopping / Condition": "Condition",
    "Google Shopping / MPN": "MPN",
}
# The weight: Shopify exports grams plus the unit the store shows it in.
_GRAMS, _WEIGHT, _WEIGHT_UNIT = "Variant Grams", "Variant Weight", "Variant Weight Unit"
_GRAMS_PER = {"g": 1.0, "kg": 1000.0, "lb": 453.59237, "oz": 28.349523125}
_GIFT_CARD = "Gift Card"
_NOT_A_GIFT_CARD = "no product is marked as a gift card"
# Standard columns that only configure the shop: column -> why it is left out.
_SETTINGS = {
    "Published": "publishing settings",
    "Variant Inventory Policy": "inventory settings",
    "Variant Fulfillment Service": "fulfilment settings",
    "Variant Requires Shipping": "shipping settings",
    "Variant Taxable": "tax settings",
    "Variant Tax Code": "tax settings",
    "Cost per item": "the shop's own cost, never shown to shoppers",
    "Image Alt Text": "image settings",
    "SEO Title": "search-engine text",
    "SEO Description": "search-engine text",
}
_SETTING_PATTERNS = (
    (re.compile(r"^Option\d Linked To$"), "option settings"),
    (re.compile(r"^(?:Included|Price|Compare At Price) / "), "prices and availability per market"),
    (re.compile(r"^Google Shopping / "), "Google Shopping ad settings"),
)
# "Fabric (product.metafields.shopify.fabric)": a metafield, named by the part before the brackets.
_METAFIELD = re.compile(r"^(?P<name>.+?)\s*\((?:product|variant)\.metafields\.[^)]*\)$")


@dataclass(frozen=True)
class _Kept:
    """A column kept as an attribute: its header, the attribute name and the unit it states."""

    column: str
    name: str
    unit: str | None = None


class ShopifyColumns:
    """What to keep of one export's columns beyond the product's own fields."""

    def __init__(self, header: list[str], report: FieldReport) -> None:
        report.kind = "column"
        self._report = report
        self._kept: list[_Kept] = []
        self._weight = _GRAMS if _GRAMS in header else _WEIGHT if _WEIGHT in header else None
        self._has_unit = _WEIGHT_UNIT in header
        for column in header:
            self._plan(column)

    def _plan(self, column: str) -> None:
        if not column.strip() or column in READ_COLUMNS:
            return
        if column in (_GRAMS, _WEIGHT, _WEIGHT_UNIT, _GIFT_CARD):
            return  # read below, with the variants and the first row
        if column in _NAMED:
            self._kept.append(_Kept(column, _NAMED[column]))
            return
        reason = _SETTINGS.get(column) or next(
            (why for pattern, why in _SETTING_PATTERNS if pattern.match(column)), None
        )
        metafield = _METAFIELD.match(column)
        if reason is None and metafield is None:
            reason = name_reason(column)
        if reason is not None:
            self._report.skip(column, reason)
            return
        name, unit = name_and_unit(metafield.group("name") if metafield else column)
        self._kept.append(_Kept(column, name, unit))

    def attributes(self, rows: list[CsvRow], taxonomy: bool) -> dict[str, str | list[str]]:
        """One product's attributes from its rows (the first row holds the product's own).

        `taxonomy`: the category came from "Product Category", so "Type" is a fact of its own
        rather than the category.
        """
        found: dict[str, str | list[str]] = {}
        for kept in self._kept:
            if kept.column == "Type" and not taxonomy:
                continue  # it is the product's category
            value = _one_or_per_variant(
                (text, _label(row)) for row in rows if (text := self._text(kept, row))
            )
            if value is not None:
                found[kept.name] = value
                self._report.keep(kept.column, kept.name)
        if self._weight is not None:
            weight = _one_or_per_variant(
                (text, _label(row)) for row in rows if (text := self._weight_text(row))
            )
            if weight is not None:
                found["Weight"] = weight
                self._report.keep(self._weight, "Weight")
        gift = rows[0].values.get(_GIFT_CARD, "").strip().lower()
        if gift == "true":
            found["Gift card"] = "yes"
            self._report.keep(_GIFT_CARD, "Gift card")
        elif gift:
            self._report.skip(_GIFT_CARD, _NOT_A_GIFT_CARD)
        return found

    def finish(self) -> None:
        """Note the kept columns that held nothing in any row."""
        self._report.finish([k.column for k in self._kept])
        if self._weight is not None:
            self._report.finish([self._weight])

    def _text(self, kept: _Kept, row: CsvRow) -> str | None:
        cell = row.values.get(kept.column, "").strip()
        if not cell:
            return None
        reason = value_reason(cell)
        if reason is not None:
            self._report.skip(kept.column, reason)
            return None
        # Metafield lists are written "Cotton; Linen".
        parts = [p.strip() for p in cell_value(cell).split(";") if p.strip()]
        return with_unit(", ".join(parts), kept.unit)

    def _weight_text(self, row: CsvRow) -> str | None:
        """A variant's weight in the unit the store shows it in: "0.5 kg"."""
        cell = row.values.get(self._weight or "", "").strip()
        unit = row.values.get(_WEIGHT_UNIT, "").strip() if self._has_unit else ""
        try:
            amount = float(cell)
        except ValueError:
            return cell or None  # "0.5 kg" says its own unit
        if amount <= 0:
            return None  # Shopify writes 0 when the store gave no weight
        if self._weight == _GRAMS:
            unit = unit if unit.lower() in _GRAMS_PER else "g"
            amount /= _GRAMS_PER[unit.lower()]
        return with_unit(number_text(round(amount, 2)), unit or None)


def _label(row: CsvRow) -> str:
    """The variant a row describes, by its option values: "S / Red" ("" for Default Title)."""
    values = [row.values.get(f"Option{i} Value", "").strip() for i in _OPTIONS]
    values = [v for v in values if v and v.lower() != "default title"]
    return " / ".join(values)


def _one_or_per_variant(found: Iterable[tuple[str, str]]) -> str | list[str] | None:
    """One value when every variant shares it, else each value with the variants it is for."""
    labels: dict[str, list[str]] = {}
    for value, label in found:
        labels.setdefault(value, [])
        if label and label not in labels[value]:
            labels[value].append(label)
    if not labels:
        return None
    if len(labels) == 1:
        return next(iter(labels))
    return [f"{value} ({', '.join(names)})" if names else value for value, names in labels.items()]
