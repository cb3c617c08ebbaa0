"""Who hears about a conversation as it changes: open widgets, agent consoles, other channels.

The core publishes every stored message and every change of who answers; listeners decide
what to forward where. The core knows nothing of sockets or consoles.
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
    """Publish-subscribe for conversation updates, inside one process."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` with every update from now on; returns the function that stops it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    async def publish(self, update: Update) -> None:
        """Tell every listener. One failing listener never stops the others, nor the turn."""
        for listener in list(self._listeners):
            try:
                await listener(update)
            except Exception:
                logger.exception("a conversation listener failed")
