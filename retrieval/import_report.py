"""What an import tells the store owner: the counts line, the merged and warnings summaries,
and which of the file's columns became attributes and which were left out.

One summary line stands for many rows (114 repeated ids are one line, not 114), and the
warnings are listed one by one only up to a limit, then summed up by field, so the
lines that matter are not lost in a wall of repeats.
"""

from __future__ import annotations

import re
from collections import Counter

from retrieval.catalog import Product
from retrieval.importer import ImportIssue, ParsedCatalog

WARNING_DETAIL_LIMIT = 20


def counts_line(inserted: int, updated: int, unchanged: int, rejected: int) -> str:
    """The line every import ends with: what it changed, and how many rows it left out."""
    return f"imported {inserted}, updated {updated}, unchanged {unchanged}, rejected {rejected}"


def merged_line(parsed: ParsedCatalog) -> str | None:
    """One line for every row folded into an earlier row's product; None when there were none."""
    count = len(parsed.merged)
    if not count:
        return None
    rows = "row that repeated" if count == 1 else "rows that repeated"
    return f"merged {count} {rows} a product id (the most complete row kept, reviews gathered)"


def warnings_line(parsed: ParsedCatalog) -> str | None:
    """"warnings: 3 values left out, products kept (rating 2, image_url 1)"; None when none."""
    count = len(parsed.warnings)
    if not count:
        return None
    values = "value" if count == 1 else "values"
    products = "its product" if count == 1 else "products"
    return f"warnings: {count} {values} left out, {products} kept ({_by_field(parsed.warnings)})"


def currency_line(parsed: ParsedCatalog) -> str | None:
    """A note when products named no currency and got the default; None when all named one."""
    count = parsed.currency_assumed
    if not count:
        return None
    default = Product.model_fields["currency"].default
    subject = "1 product states" if count == 1 else f"{count} products state"
    return (
        f"currency: {subject} no currency, so prices are read as {default}; "
        "name the store's currency with --currency if that is wrong"
    )


def attributes_line(parsed: ParsedCatalog) -> str | None:
    """Which columns became attributes ("Weight (kg) as 'Weight'"); None when none did."""
    kept = parsed.fields.attributes
    if not kept:
        return None
    kind = _plural(len(kept), parsed.fields.kind)
    named = ", ".join(
        source if _same_words(source, name) else f'{source} as "{name}"'
        for source, name in kept.items()
    )
    return (
        f"attributes: {len(kept)} {kind} kept as product attributes, so answers can use them: "
        f"{named}"
    )


def skipped_line(parsed: ParsedCatalog) -> str | None:
    """"not imported: N columns", then which ones and why, indented; None when none were."""
    skipped = parsed.fields.skipped
    if not skipped:
        return None
    by_reason: dict[str, list[str]] = {}
    for source, reason in skipped.items():
        by_reason.setdefault(reason, []).append(source)
    lines = [f"not imported: {len(skipped)} {_plural(len(skipped), parsed.fields.kind)}"]
    lines += [f"  {', '.join(sources)}: {reason}" for reason, sources in by_reason.items()]
    return "\n".join(lines)


def _plural(count: int, kind: str) -> str:
    return kind if count == 1 else f"{kind}s"


def _same_words(source: str, name: str) -> bool:
    # "Barcode" needs no "as 'Barcode'"; "discount_percentage" does.
    return source.strip().lower() == name.strip().lower()


def warning_details(parsed: ParsedCatalog, limit: int | None = WARNING_DETAIL_LIMIT) -> list[str]:
    """Each warning as "file:line: field: message", the ones past `limit` summed up by field."""
    shown = parsed.warnings if limit is None else parsed.warnings[:limit]
    lines = [str(issue) for issue in shown]
    rest = parsed.warnings[len(shown) :]
    if rest:
        lines.append(f"... and {len(rest)} more like these ({_by_field(rest)})")
    return lines


def _by_field(issues: list[ImportIssue]) -> str:
    # reviews.0.rating and reviews.3.rating are the same problem to the store owner.
    fields = Counter(re.sub(r"\.\d+", "", issue.field or "row") for issue in issues)
    return ", ".join(f"{name} {count}" for name, count in fields.most_common())
