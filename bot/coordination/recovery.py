"""Messages a dead process stored but never answered, answered once by one of the survivors.

A single process answers what it left pending when it starts again (Assistant.resume_pending).
With several processes the one that died may never come back, so each process sweeps every few
seconds for conversations whose last event is a shopper's message, quiet for a while, and whose
lock nobody holds: the turn that was answering it died with its process, and its lease ran out.
resume_pending answers each under the conversation's lock and checks again under it that the
message is still unanswered, so when two survivors find the same message one answers it and
the other finds it answered.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from typing import TYPE_CHECKING

from bot.coordination.locks import TurnLocks
from bot.tasks import cancel_and_wait

if TYPE_CHECKING:
    from bot.assistant import Assistant

logger = logging.getLogger(__name__)

EVERY = 10.0  # seconds between sweeps
QUIET = 20.0  # seconds a conversation must be unchanged: longer than a turn lock's lease
LOOK_AT = 1000  # most recently updated conversations looked at per sweep


class RecoverySweep:
    """Looks for orphaned messages every `every` seconds and answers them through the assistant."""

    def __init__(
        self, assistant: Assistant, locks: TurnLocks, *, every: float = EVERY, quiet: float = QUIET, look_at: int = LOOK_AT
    ) -> None:
        self.assistant = assistant
        self.locks = locks
        self.every = every
        self.quiet = quiet
        self.look_at = look_at
        self._task: asyncio.Task[None] | None = None

    async def once(self) -> int:
        """One sweep; returns how many messages it answered."""
        cutoff = time.time() - self.quiet
        orphaned = []
        for summary in await self.assistant.store.summaries(self.look_at):
            conversation = summary.conversation
            if (
                conversation.mode == "bot"
                and summary.last_role == "user"
                and conversation.updated <= cutoff
                and not await self.locks.busy(conversation.id)
            ):
                orphaned.append(conversation)
        if not orphaned:
            return 0
        answered = await self.assistant.resume_pending(orphaned)
        if answered:
            logger.info("answered %d message(s) another process left unanswered", answered)
        return answered

    def start(self) -> None:
        """Sweep in the background until `close`."""
        self._task = asyncio.create_task(self._run(), name="shopbot-recovery")

    async def close(self) -> None:
        """Stop sweeping (a sweep in progress is cancelled; what it did not answer waits for the next)."""
        await cancel_and_wait(self._task)
        self._task = None

    async def _run(self) -> None:
        while True:
            # Jitter: processes started together do not all sweep at the same moment.
            await asyncio.sleep(self.every * random.uniform(0.75, 1.25))
            try:
                await self.once()
            except Exception as exc:
                # Redis or the store unreachable: the next sweep tries again.
                logger.warning("the sweep for unanswered messages failed (%s); trying again later", type(exc).__name__)
