"""Read a store's catalog file into validated `Product`s, saying what happened to every row.

Loaders (retrieval/loaders/) only reshape records into Product fields; validation happens
once, centrally (retrieval/record_validation.py), so every format reports problems in the
same words: file, line, field and a sentence a store owner can act on. A row is either a
product, merged into the product whose id it repeats (retrieval/merging.py), or rejected;
bad optional values are left out with a warning instead of costing the product. Bad rows
never stop an import; only a file that cannot be read at all raises `CatalogFileError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from retrieval.catalog import Product
from retrieval.errors import CatalogFileError, RetrievalError, UnknownFormatError
from retrieval.loaders import LOADERS, LoadOptions, get_loader
from retrieval.loaders.base import sniff_csv_header
from retrieval.loaders.extra_fields import FieldReport
from retrieval.loaders.shopify import is_shopify_header
from retrieval.merging import merge_repeats
from retrieval.record_validation import ImportIssue, validate_record

FORMATS: tuple[str, ...] = tuple(LOADERS)
_EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "dummyjson"}
_HEADER_PEEK_BYTES = 64 * 1024


@dataclass
class ParsedCatalog:
    """The outcome of reading one file: the products, and what happened to the other rows."""

    products: list[Product]  # unique ids, in the order each id first appears
    issues: list[ImportIssue] = field(default_factory=list)  # one per rejected row
    # Values left out of products that were kept (a bad rating, an image that is not a URL).
    warnings: list[ImportIssue] = field(default_factory=list)
    # One per row folded into an earlier row's product because it repeats its id.
    merged: list[ImportIssue] = field(default_factory=list)
    rows_read: int = 0  # records read; always len(products) + rejected + len(merged)
    # Products whose record named no currency, so they carry Product's default one.
    currency_assumed: int = 0
    # Which of the file's columns or keys became attributes, and which were left out and why.
    fields: FieldReport = field(default_factory=FieldReport)

    @property
    def rejected(self) -> int:
        """How many records were left out."""
        return len(self.issues)


__all__ = ["FORMATS", "ImportIssue", "ParsedCatalog", "detect_format", "read_catalog"]


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
    review_separator: str | None = None,
) -> ParsedCatalog:
    """Read and validate every record of a catalog file.

    `fmt` is one of FORMATS (detected from the file when None). `mapping` maps Product
    field (or "attr:NAME" for an attribute, "review.text" / "review.title" /
    "review.author" / "review.rating" / "review.date" for the row's reviews) -> column
    name for the "csv" format; columns named like a Product field need no mapping.
    `review_separator` splits review cells that hold several reviews each. `currency`
    (an ISO code such as "INR") is used for records that do not state a currency code
    themselves, in preference to a guess from a price symbol.

    Columns or keys no Product field holds become attributes named after them unless they
    are bookkeeping (ids, links, timestamps); `fields` says which did and which did not.
    Records repeating an id are merged into one product (the most complete record, with
    every record's reviews). Bad records become `issues`, bad optional values `warnings`;
    neither raises. Raises CatalogFileError when the file is
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
    if review_separator == "":
        raise RetrievalError("the review separator must not be empty")
    options = LoadOptions(
        source=source, mapping=mapping, currency=currency, review_separator=review_separator
    )
    catalog = ParsedCatalog(products=[], fields=options.fields)
    # id -> every valid record with it; dicts keep the order ids first appear in.
    records: dict[str, list[tuple[int | None, Product]]] = {}
    for record in loader(data, options):
        catalog.rows_read += 1
        outcome = validate_record(record, source)
        catalog.warnings.extend(outcome.warnings)
        if outcome.product is None:
            assert outcome.rejection is not None
            catalog.issues.append(outcome.rejection)
            continue
        records.setdefault(outcome.product.id, []).append((record.line, outcome.product))
    for product_id, group in records.items():
        catalog.products.append(merge_repeats([product for _, product in group]))
        if all("currency" not in product.model_fields_set for _, product in group):
            catalog.currency_assumed += 1
        first_line = group[0][0]
        catalog.merged.extend(
            _merged_issue(source, line, product_id, first_line) for line, _ in group[1:]
        )
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


def _merged_issue(source: str, line: int | None, product_id: str, first: int | None) -> ImportIssue:
    where = f"line {first}" if first is not None else "an earlier record"
    return ImportIssue(
        source, line, "id", f"repeats {product_id!r} from {where}; merged into that product"
    )
