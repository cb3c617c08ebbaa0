"""Copy for many products at once, written as CSV or JSONL a store can review and import.

One row per variant: product id, title, kind, variant, text, outcome, backend, problems.
The output file is opened before any copy is written, so a bad path fails in a second,
not after an hour of generation; rows are written as each product finishes.
"""

from __future__ import annotations

import asyncio
import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from bot.errors import ShopbotError
from bot.merchant.copywriter import CopyRequest, CopyResult, CopyWriter
from retrieval.catalog import Product
from retrieval.store import CatalogStore

COLUMNS = ("product_id", "title", "kind", "variant", "text", "outcome", "backend", "problems")
FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
Progress = Callable[[int, int], None]


class CopyOutputError(ShopbotError):
    """The output file cannot be written (unknown format, missing folder, no permission)."""


class CopySelectionError(ShopbotError):
    """The product selection is empty or ambiguous."""


def output_format(path: Path) -> str:
    """ "csv" or "jsonl", from the file's extension."""
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise CopyOutputError(f"cannot tell the format of {path}: name it .csv or .jsonl") from None


def _category_key(text: str) -> str:
    # "Apparel/Women", "Apparel > Women" and "apparel | women" name the same branch.
    return "/".join(part.strip().lower() for part in re.split(r"\s*(?:>|/|\|)\s*", text) if part.strip())


def select_products(store: CatalogStore, *, category: str | None = None, everything: bool = False) -> list[Product]:
    """The products a batch covers: a category branch (any depth), or the whole catalog."""
    if not category and not everything:
        raise CopySelectionError('choose the products: a product id, --category "Apparel/Women" or --all')
    rows = store.filter_rows()
    if category:
        wanted = _category_key(category)
        ids = [r.id for r in rows if (key := _category_key(r.category)) == wanted or key.startswith(wanted + "/")]
        if not ids:
            known = sorted({_category_key(r.category).split("/")[0] for r in rows})
            raise CopySelectionError(f"no products in category {category!r}; top-level categories: {', '.join(known)}")
    else:
        ids = [r.id for r in rows]
        if not ids:
            raise CopySelectionError("the catalog is empty: import products first (shopbot setup or shopbot import)")
    found = store.get_many(ids)
    return [found[i] for i in ids if i in found]


def result_rows(result: CopyResult) -> Iterator[dict[str, object]]:
    """One row per variant of a product's copy."""
    for v in result.variants:
        yield {"product_id": result.product_id, "title": result.title, "kind": result.kind, "variant": v.variant,
               "text": v.text, "outcome": v.outcome, "backend": v.backend, "problems": list(v.problems)}  # fmt: skip


class RowWriter:
    """Writes rows to an open CSV or JSONL file."""

    def __init__(self, handle: IO[str], fmt: str) -> None:
        self.handle = handle
        self.fmt = fmt
        if fmt == "csv":
            self._csv = csv.DictWriter(handle, fieldnames=COLUMNS)
            self._csv.writeheader()

    def write(self, row: dict[str, object]) -> None:
        """One row; problems joined with " | " in CSV, a list in JSONL."""
        if self.fmt == "csv":
            self._csv.writerow({**row, "problems": " | ".join(map(str, row["problems"]))})  # type: ignore[call-overload]
        else:
            self.handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        self.handle.flush()


@contextmanager
def open_output(path: Path) -> Iterator[RowWriter]:
    """A RowWriter on `path`, format from its extension; CopyOutputError if it cannot be written."""
    fmt = output_format(path)
    try:
        handle = path.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise CopyOutputError(f"cannot write {path}: {reason}") from None
    with handle:
        yield RowWriter(handle, fmt)


@dataclass
class BatchReport:
    """What a batch did: products, variants by outcome, and how long it took."""

    products: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        """Products per second."""
        return self.products / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        """One line for the console."""
        counts = ", ".join(f"{n} {k}" for k, n in sorted(self.outcomes.items()))
        return f"{self.products} products in {self.seconds:.1f} s ({self.rate:.1f}/s): {counts or 'nothing written'}"


async def run_batch(
    writer: CopyWriter,
    products: Iterable[Product],
    request: CopyRequest,
    out: RowWriter | None = None,
    progress: Progress | None = None,
    concurrency: int = 4,
) -> BatchReport:
    """Write copy for every product, a few at a time, each row to `out` as it is ready.

    Concurrency helps a remote endpoint; a local model serialises itself anyway.
    """
    items = list(products)
    report = BatchReport()
    started = asyncio.get_running_loop().time()
    limit = asyncio.Semaphore(max(1, concurrency))

    async def one(product: Product) -> CopyResult:
        async with limit:
            return await writer.write(product, request)

    if progress:
        progress(0, len(items))
    for done, task in enumerate(asyncio.as_completed([one(p) for p in items]), 1):
        result = await task
        report.products += 1
        for row in result_rows(result):
            report.outcomes[str(row["outcome"])] = report.outcomes.get(str(row["outcome"]), 0) + 1
            if out is not None:
                out.write(row)
        if progress:
            progress(done, len(items))
    report.seconds = asyncio.get_running_loop().time() - started
    return report
