"""Stopping background tasks: cancel, then wait until they have finished unwinding."""

from __future__ import annotations

import asyncio
from contextlib import suppress


async def cancel_and_wait(*tasks: asyncio.Task[object] | None) -> None:
    """Cancel each task (None is skipped) and wait for all of them to end, so nothing they
    hold (a Redis connection, a lock lease, a database) is used after the caller goes on."""
    running = [task for task in tasks if task is not None]
    for task in running:
        task.cancel()
    for task in running:
        with suppress(asyncio.CancelledError):
            await task
