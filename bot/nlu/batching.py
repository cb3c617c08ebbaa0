"""Micro-batching: messages from concurrent conversations are understood in one model call.

Each `parse` waits at most `window` seconds for company, then the batch (up to `max_batch`)
runs once in the model thread pool. While a batch is in the model, newly arrived messages wait
and go together in the next, so under load one forward pass serves many messages instead of a
queue of one-message passes; with a single shopper it adds about a millisecond.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Executor

from bot.nlu.context import check_act
from bot.nlu.parser import NLU, Parse


class BatchingNLU:
    """An async front for NLU that batches concurrent parse requests."""

    def __init__(
        self, nlu: NLU, executor: Executor | None = None, *, max_batch: int = 32, window: float = 0.002, in_flight: int = 1
    ) -> None:
        self.nlu = nlu
        self.executor = executor
        self.max_batch = max_batch
        self.window = window
        self.in_flight = in_flight  # batches queued or running at once
        self._running = 0
        self._waiting: list[tuple[str, str | None, asyncio.Future[Parse]]] = []
        self._flush: asyncio.TimerHandle | None = None
        self.batches = 0
        self._tasks: set[asyncio.Task[None]] = set()  # held so running batches are not collected

    async def parse(self, text: str, previous_act: str | None = None) -> Parse:
        """Understand one message, batched with any others arriving now; `previous_act` as in NLU.parse."""
        check_act(previous_act)  # a bad value fails its own caller, not the whole batch
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Parse] = loop.create_future()
        self._waiting.append((text, previous_act, future))
        if len(self._waiting) >= self.max_batch:
            self._run(loop)
        elif self._flush is None:
            self._flush = loop.call_later(self.window, self._run, loop)
        return await future

    def _run(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None
        # At most `in_flight` batches queued or running: messages arriving meanwhile wait here
        # and go together when one ends, instead of as many one-message batches queued behind it
        # (each a whole forward pass, and each holding up the other turns' model work).
        while self._waiting and self._running < self.in_flight:
            batch, self._waiting = self._waiting[: self.max_batch], self._waiting[self.max_batch :]
            self.batches += 1
            self._running += 1
            task = loop.create_task(self._parse(loop, batch))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _parse(self, loop: asyncio.AbstractEventLoop, batch: list[tuple[str, str | None, asyncio.Future[Parse]]]) -> None:
        texts, acts = [t for t, _, _ in batch], [a for _, a, _ in batch]
        try:
            parses = await loop.run_in_executor(self.executor, self.nlu.parse_batch, texts, acts)
        except Exception as exc:  # every waiter learns of the failure
            for _, _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        finally:
            self._running -= 1
            self._run(loop)  # what arrived while this batch ran
        for (_, _, future), parse in zip(batch, parses, strict=True):
            if not future.done():
                future.set_result(parse)
