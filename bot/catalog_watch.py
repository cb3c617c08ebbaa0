"""A running server follows the catalog: an import publishes a new index version, and every
process serving that data dir loads it by itself, with no restart.

`shopbot import` (or `shopbot index build`) writes the catalog database and then publishes a
complete new index version (retrieval/indexing.py). Each process looks at the published
version every few seconds; when it changed, it loads the new one beside the old, swaps it in
between searches, and rebuilds what it derived from the catalog (the words the entity
extractor knows, the product-name index, coverage types, the relevance floor).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from retrieval.search import ProductSearch

logger = logging.getLogger(__name__)

Run = Callable[[Callable[[], Any]], Awaitable[Any]]


async def follow_published_index(
    search: ProductSearch, run: Run, after_reload: Callable[[], None], interval: float
) -> None:
    """Forever: every `interval` seconds, load a newly published index and call `after_reload` (in `run`).

    Never raises but for cancellation: a version that cannot be loaded yet is tried again.
    """
    while True:
        await asyncio.sleep(interval)
        try:
            if await run(search.reload):
                await run(after_reload)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("following the published catalog index failed; trying again in %.0f s", interval)
