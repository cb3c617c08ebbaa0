"""Shopbot's demo catalog: generated product data, its judged query set, and the code that made them."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

DEMO_PRODUCTS = Path(__file__).parent / "products.jsonl"
DEMO_QUERIES = Path(__file__).parent / "queries.jsonl"
DEMO_POLICY = Path(__file__).parent / "policy.md"


@lru_cache(maxsize=1)
def demo_product_ids() -> frozenset[str]:
    """The ids of the shipped demo catalog's products."""
    lines = DEMO_PRODUCTS.read_text(encoding="utf-8").splitlines()
    return frozenset(json.loads(line)["id"] for line in lines if line.strip())


def is_demo_catalog(ids: Iterable[str]) -> bool:
    """True when a catalog holds only products of the shipped demo catalog (and at least one).

    Demo data (orders, shopper histories, the example store policy) belongs to the demo
    catalog alone: a real store's shoppers must never be told about orders nobody placed
    or a policy the store never wrote.
    """
    present = {i for i in ids if i}
    return bool(present) and present <= demo_product_ids()
