"""Read a store's order export (JSONL or CSV) into Orders for the orders table.

JSONL: one order per line, as the HTTP order API returns it (bot/store/order_api.py).
CSV: one row per order line, the way shop systems export orders: rows sharing a
`number` are one order. Columns: number, status, placed, and per line title, quantity,
price (product_id optional); email, currency, total, shipped, eta, tracking optional.
A bad row is reported with its line and the whole file is refused, so an import never
leaves half of a store's orders behind.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from bot.errors import ShopbotError
from bot.store.order_api import parse_order
from bot.store.orders import Order

_REQUIRED_CSV = ("number", "status", "placed", "title", "price")


class OrderFileError(ShopbotError):
    """An order file cannot be imported; the message names the file, line and problem."""


def read_orders(path: Path, currency: str = "USD") -> list[Order]:
    """Every order in a .jsonl or .csv export; `currency` for orders that state none."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise OrderFileError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise OrderFileError(f"{path}: cannot be read as UTF-8 text ({exc})") from None
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return _jsonl(path, text, currency)
    if suffix == ".csv":
        return _csv(path, text, currency)
    raise OrderFileError(f"{path}: use a .jsonl or .csv order export")


def _jsonl(path: Path, text: str, currency: str) -> list[Order]:
    orders: list[Order] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            body = json.loads(line)
        except json.JSONDecodeError as exc:
            raise OrderFileError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
        order = parse_order(body, currency)
        if order is None:
            raise OrderFileError(f"{path}:{number}: {_what_is_wrong(body)}")
        orders.append(order)
    return orders


def _csv(path: Path, text: str, currency: str) -> list[Order]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in _REQUIRED_CSV if c not in header]
    if missing:
        raise OrderFileError(f"{path}: has no column {', '.join(repr(m) for m in missing)} (columns found: {', '.join(header) or 'none'})")
    drafts: dict[str, dict[str, Any]] = {}
    for row in reader:
        cells = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        line = reader.line_num
        if not any(cells.values()):
            continue
        draft = drafts.setdefault(cells["number"], {**{k: v for k, v in cells.items() if v}, "items": [], "_line": line})
        try:
            draft["items"].append({"product_id": cells.get("product_id", ""), "title": cells["title"],
                                   "quantity": int(cells.get("quantity") or 1), "price": float(cells["price"])})
        except ValueError:
            raise OrderFileError(f"{path}:{line}: quantity must be a whole number and price a number") from None
    orders = []
    for draft in drafts.values():
        line = draft.pop("_line")
        order = parse_order(draft, currency)
        if order is None:
            raise OrderFileError(f"{path}:{line}: {_what_is_wrong(draft)}")
        orders.append(order)
    return orders


def _what_is_wrong(body: Any) -> str:
    if not isinstance(body, dict):
        return "an order must be a JSON object"
    for key in ("number", "status", "placed"):
        if not body.get(key):
            return f"the order has no {key!r}"
    return "status must be processing, shipped, delivered or cancelled, and every item needs a title and a price"

