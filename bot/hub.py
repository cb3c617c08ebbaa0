"""Who hears about a conversation as it changes: open widgets, agent consoles, other channels.

The core publishes every stored message and every change of who answers; listeners decide
what to forward where. The core knows nothing of sockets or consoles. With several processes,
a hub is given a `forward` function (bot/coordination/bus.py) that carries each update to the
other processes, whose hubs `deliver` it to their own listeners.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.store.base import Conversation, Event

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Update:
    """A conversation changed: a new event was stored, or (event None) its mode changed."""

    conversation: Conversation
    event: Event | None = None


Listener = Callable[[Update], Awaitable[None]]


class Hub:
    """Publish-subscribe for conversation updates: this process's listeners, and others' through `forward`."""

    def __init__(self, forward: Callable[[Update], None] | None = None) -> None:
        self._listeners: list[tuple[Listener, bool]] = []  # (listener, hears other processes' updates)
        self._forward = forward

    def subscribe(self, listener: Listener, *, from_elsewhere: bool = True) -> Callable[[], None]:
        """Call `listener` with every update from now on; returns the function that stops it.

        With `from_elsewhere=False` it hears only updates published in this process: for a
        listener that acts once for the whole deployment (sending a reply through a messaging
        platform), which every process runs and only the publishing one must act on.
        """
        entry = (listener, from_elsewhere)
        self._listeners.append(entry)
        return lambda: self._listeners.remove(entry) if entry in self._listeners else None

    async def publish(self, update: Update) -> None:
        """Tell every listener, here and in other processes. A failing listener never stops the others, nor the turn."""
        if self._forward is not None:
            # Only queued here: this process's listeners never wait for, nor depend on, the other processes.
            self._forward(update)
        await self._tell(update, elsewhere=False)

    async def deliver(self, update: Update) -> None:
        """Tell this process's listeners an update another process published."""
        await self._tell(update, elsewhere=True)

    async def _tell(self, update: Update, elsewhere: bool) -> None:
        for listener, from_elsewhere in list(self._listeners):
            if elsewhere and not from_elsewhere:
                continue
            try:
                await listener(update)
            except Exception:
                logger.exception("a conversation listener failed")
