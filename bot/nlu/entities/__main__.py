"""A timing figure for humans, not a test: `python -m bot.nlu.entities` (demo catalog vocabulary)."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from bot.nlu.entities import CatalogVocabulary, EntityExtractor
from retrieval.importer import read_catalog


def main() -> None:
    """Build the demo catalog's extractor and print p50/p95 extraction times of typical messages."""
    catalog = Path(__file__).resolve().parents[3] / "catalog" / "products.jsonl"
    started = time.perf_counter()
    vocabulary = CatalogVocabulary.from_products(read_catalog(catalog).products)
    extractor = EntityExtractor(vocabulary)
    print(f"vocabulary + extractor built in {(time.perf_counter() - started) * 1000:.0f} ms")
    messages = [
        "show me waterproof hiking boots under $120 in brown",
        "do you have the TrailMax ones in size 10.5 wide?",
        "I need a gift for my dad, something around 50 bucks",
        "add two of the first one to my cart please",
        "where is my order #48213, I ordered last week",
        "cheap running shoes for women in navy blue size 8",
        "is it available in a medium in black or grey?",
        "my email is Jane.Doe@Example.com, can you send it",
        "hikng boots from Tidewik between 20 and 40 euros",
        "compare the second one and the last one for me",
    ]
    timings: list[float] = []
    for _ in range(300):
        for message in messages:
            began = time.perf_counter()
            extractor.extract(message)
            timings.append((time.perf_counter() - began) * 1000)
    timings.sort()
    print(
        f"{len(timings)} extractions: p50 {statistics.median(timings):.3f} ms, "
        f"p95 {timings[int(len(timings) * 0.95)]:.3f} ms, max {timings[-1]:.3f} ms"
    )
    for message in messages:
        print(message, "->", [(e.type, e.value, e.text) for e in extractor.extract(message)])


if __name__ == "__main__":
    main()
