"""Shopbot's demo catalog: generated product data, its judged query set, and the code that made them."""

from pathlib import Path

DEMO_PRODUCTS = Path(__file__).parent / "products.jsonl"
DEMO_QUERIES = Path(__file__).parent / "queries.jsonl"
