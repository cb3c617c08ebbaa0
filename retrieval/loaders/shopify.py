"""Shopify's product export CSV: rows sharing a Handle describe one product.

The first row of a handle carries the product (title, body, vendor, ...) and its first
variant; later rows add variants (option values, price, stock) and/or images. Columns
beyond the product's own fields (weight, barcode, metafields, ...) become attributes or are
left out as shop settings (shopify_columns.py).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from retrieval.errors import CatalogFileError
from retrieval.loaders.base import (
    CsvRow,
    LoadOptions,
    RawRecord,
    RecordError,
    parse_count,
    parse_money,
    read_csv,
    split_list,
)
from retrieval.loaders.shopify_columns import ShopifyColumns

REQUIRED_COLUMNS = ("Handle", "Title", "Variant Price")
_OPTIONS = (1, 2, 3)
_SIZE_OPTIONS = frozenset({"size"})
_COLOR_OPTIONS = frozenset({"color", "colour"})
# Shopify's placeholder for a product without options: it is not a real variant.
_DEFAULT_OPTION = ("title", "default title")
_INACTIVE = {"draft": "is a draft", "archived": "is archived"}


def load(data: bytes, options: LoadOptions) -> Iterator[RawRecord]:
    """Yield one record per handle (product), located at the handle's first row."""
    table = read_csv(data, options.source)
    missing = [c for c in REQUIRED_COLUMNS if c not in table.header]
    if missing:
        raise CatalogFileError(
            f"{options.source}: is not a Shopify product export: it has no "
            f"{', '.join(repr(c) for c in missing)} column"
        )
    columns = ShopifyColumns(table.header, options.fields)
    groups: dict[str, list[CsvRow]] = {}
    for row in table.rows:
        handle = row.values.get("Handle", "")
        if not handle:
            problem = row.problem or "is empty; every row needs the handle of its product"
            yield RawRecord.rejected(row.line, None if row.problem else "Handle", problem)
            continue
        # Exports keep a handle's rows together; a dict also copes with files that do not.
        groups.setdefault(handle, []).append(row)
    for handle, rows in groups.items():
        first_line = rows[0].line
        bad = next((r for r in rows if r.problem), None)
        if bad is not None:
            # A damaged row could be a missing variant; importing the rest would misstate it.
            problem = bad.problem or ""
            named = bad.line == first_line or problem.startswith("line ")
            where = "" if named else f"line {bad.line} "
            yield RawRecord.rejected(first_line, None, f"{where}{problem}")
            continue
        status = rows[0].values.get("Status", "").strip().lower()
        if status in _INACTIVE:
            yield RawRecord.rejected(
                first_line, "Status", f"{_INACTIVE[status]}; only active products are imported"
            )
            continue
        warnings: list[tuple[str | None, str]] = []
        try:
            fields = _product_fields(handle, rows, options.currency, warnings)
        except RecordError as exc:
            yield RawRecord.rejected(first_line, exc.field, exc.message)
            continue
        # With a taxonomy category the product's Type is a fact of its own, not its category.
        taxonomy = bool(_taxonomy(rows[0].values))
        _add_attributes(fields, columns.attributes(rows, taxonomy=taxonomy))
        yield RawRecord(first_line, fields, warnings=tuple(warnings))
    columns.finish()


@dataclass(frozen=True)
class _VariantRow:
    options: dict[str, str]  # option name as written -> value
    sku: str
    price: float | None
    compare_at: float | None
    tracked: bool
    quantity: int | str


def _product_fields(
    handle: str, rows: list[CsvRow], currency: str | None, warnings: list[tuple[str | None, str]]
) -> dict[str, Any]:
    head = rows[0].values
    fields: dict[str, Any] = {"id": handle}
    _put(fields, "title", head.get("Title", ""))
    fields["description"] = html_to_text(head.get("Body (HTML)", ""))
    _put(fields, "brand", head.get("Vendor", ""))
    # Shopify's standard taxonomy uses " > ". Splitting only there keeps names such as
    # "Shirts & Tops" or "Bags/Cases" in one piece.
    taxonomy = _taxonomy(head)
    if taxonomy:
        fields["category"] = taxonomy
    elif head.get("Type"):
        fields["category"] = [head["Type"]]
    tags = split_list(head.get("Tags", ""))
    if tags:
        fields["tags"] = tags
    if currency:
        fields["currency"] = currency
    image = _first_image(rows)
    if image:
        fields["image_url"] = image
    variants = _variant_rows(rows, warnings)
    _put_prices(fields, variants)
    _put_stock_and_options(fields, variants)
    return fields


def _taxonomy(head: dict[str, str]) -> list[str]:
    return [p.strip() for p in head.get("Product Category", "").split(">") if p.strip()]


def _add_attributes(fields: dict[str, Any], extra: dict[str, str | list[str]]) -> None:
    """Add the extra columns' attributes; the ones read from options and SKUs win a clash."""
    attributes = fields.setdefault("attributes", {})
    taken = {"_".join(str(k).lower().split()) for k in attributes}
    for name, value in extra.items():
        if "_".join(name.lower().split()) not in taken:
            attributes[name] = value
    if not attributes:
        del fields["attributes"]


def _put(fields: dict[str, Any], name: str, value: str) -> None:
    if value:
        fields[name] = value


def _variant_rows(
    rows: list[CsvRow], warnings: list[tuple[str | None, str]]
) -> list[_VariantRow]:
    # Option names are written on the handle's first row only; later rows give values.
    names = {
        i: next((r.values[f"Option{i} Name"] for r in rows if r.values.get(f"Option{i} Name")), "")
        for i in _OPTIONS
    }
    variants: list[_VariantRow] = []
    for row in rows:
        values = row.values
        options = {
            names[i] or f"Option{i}": values.get(f"Option{i} Value", "")
            for i in _OPTIONS
            if values.get(f"Option{i} Value")
        }
        if not (options or values.get("Variant Price") or values.get("Variant SKU")):
            continue  # an image-only row
        price = values.get("Variant Price", "")
        compare = values.get("Variant Compare At Price", "")
        quantity = values.get("Variant Inventory Qty", "")
        counted = parse_count(quantity) if quantity else 0
        if isinstance(counted, int) and counted < 0:
            # Shopify lets stores oversell; a negative count means none left to sell.
            counted = 0
        variants.append(
            _VariantRow(
                options=options,
                sku=values.get("Variant SKU", ""),
                price=parse_money(price, "price")[0] if price else None,
                compare_at=_compare_at(compare, row.line, warnings),
                tracked=bool(values.get("Variant Inventory Tracker")),
                quantity=counted,
            )
        )
    return variants


def _compare_at(text: str, line: int, warnings: list[tuple[str | None, str]]) -> float | None:
    """A variant's compare-at price; an unreadable one is left out, not the product."""
    if not text:
        return None
    try:
        return parse_money(text, "compare_at_price")[0]
    except RecordError as exc:
        # The product is reported at its first row; this variant may be on a later one.
        warnings.append((exc.field, f"line {line} {exc.message}; left out, the product is kept"))
        return None


def _put_prices(fields: dict[str, Any], variants: list[_VariantRow]) -> None:
    """The product's price is its cheapest variant's, so "from $X" is never understated."""
    priced = [v for v in variants if v.price is not None]
    if not priced:
        return  # validation reports the missing price
    cheapest = min(priced, key=lambda v: v.price or 0.0)
    fields["price"] = cheapest.price
    if cheapest.compare_at is not None and cheapest.price is not None:
        if cheapest.compare_at > cheapest.price:
            fields["compare_at_price"] = cheapest.compare_at


def _is_default(variant: _VariantRow) -> bool:
    options = {k.lower(): v.lower() for k, v in variant.options.items()}
    return not options or options == dict([_DEFAULT_OPTION])


def _put_stock_and_options(fields: dict[str, Any], variants: list[_VariantRow]) -> None:
    attributes: dict[str, str | list[str]] = {}
    if len(variants) <= 1 and all(_is_default(v) for v in variants):
        single = variants[0] if variants else None
        fields["stock"] = single.quantity if single and single.tracked else None
        if single and single.sku:
            attributes["sku"] = single.sku
        _merge_options(attributes, variants, include_size_color=False)
    elif all(v.tracked for v in variants):
        fields["variants"] = [_variant_fields(v) for v in variants]
        _merge_options(attributes, variants, include_size_color=False)
    else:
        # Variant.stock cannot say "not tracked", and 0 would read as sold out; Shopify
        # sells untracked variants freely, so list the sizes and colours as attributes of
        # an always-available product instead.
        fields["stock"] = None
        _merge_options(attributes, variants, include_size_color=True)
    if attributes:
        fields["attributes"] = attributes


def _variant_fields(variant: _VariantRow) -> dict[str, Any]:
    out: dict[str, Any] = {"stock": variant.quantity}
    for name, value in variant.options.items():
        if name.lower() in _SIZE_OPTIONS:
            out["size"] = value
        elif name.lower() in _COLOR_OPTIONS:
            out["color"] = value
    if variant.sku:
        out["sku"] = variant.sku
    if variant.price is not None:
        out["price"] = variant.price
    return out


def _merge_options(
    attributes: dict[str, str | list[str]],
    variants: list[_VariantRow],
    *,
    include_size_color: bool,
) -> None:
    """Collect option values that variants cannot hold (e.g. Material) as attributes."""
    collected: dict[str, list[str]] = {}
    for variant in variants:
        if _is_default(variant):
            continue
        for name, value in variant.options.items():
            key = name.lower()
            if key == _DEFAULT_OPTION[0]:
                continue
            if key in _SIZE_OPTIONS | _COLOR_OPTIONS and not include_size_color:
                continue
            seen = collected.setdefault(key, [])
            if value not in seen:
                seen.append(value)
    for key, values in collected.items():
        attributes[key] = values[0] if len(values) == 1 else values


def _first_image(rows: list[CsvRow]) -> str | None:
    """The image Shopify shows first: lowest Image Position, else the first listed."""
    images: list[tuple[float, int, str]] = []
    for order, row in enumerate(rows):
        src = row.values.get("Image Src", "")
        if not src:
            continue
        position = row.values.get("Image Position", "")
        rank = float(position) if position.isdigit() else float("inf")
        images.append((rank, order, src))
    return min(images)[2] if images else None


class _TextExtractor(HTMLParser):
    """Collects the visible text of an HTML fragment.

    Paragraphs, list items and headings end a sentence, so "<li>Machine wash</li><li>Line
    dry</li>" reads "Machine wash. Line dry." rather than running together.
    """

    _BLOCKS = frozenset({"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
                         "blockquote", "section", "dt", "dd"})
    _HIDDEN = frozenset({"script", "style"})
    # Inline tags sit inside words ("<b>S</b>oft"); every other tag separates words.
    _INLINE = frozenset({"a", "abbr", "b", "code", "em", "font", "i", "mark", "s", "small",
                         "span", "strike", "strong", "sub", "sup", "u"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # turns &amp; and &#8217; into characters
        self.parts: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self._hidden_depth += 1
        elif tag not in self._INLINE:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self._hidden_depth = max(0, self._hidden_depth - 1)
            return
        if tag in self._INLINE:
            return
        if tag in self._BLOCKS:
            text = "".join(self.parts).rstrip()
            if text and text[-1] not in ".!?:;":
                self.parts.append(".")
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded, whitespace collapsed."""
    if not html:
        return ""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    return " ".join("".join(extractor.parts).split())


def is_shopify_header(columns: Collection[str]) -> bool:
    """True when CSV column names look like a Shopify product export."""
    return "Handle" in columns and "Variant Price" in columns
