"""Platform messages stored and still being answered, so a re-delivery to another process is acknowledged at once.

A platform re-delivers a webhook it thinks went unanswered (Slack after 3 s). Storing is
idempotent per client id and turns of a conversation take its lock, so a re-delivery is never
answered twice; but a re-delivery that waits for the lock waits for the whole running turn, and
may be re-delivered again meanwhile. In one process the Dispatcher (bot/channels/platform.py)
answers such a re-delivery from the running turn itself. Across processes the process running
the turn leaves a receipt in Redis once the message is stored, and removes it when the turn
ends; a process that receives the same message while the receipt is there acknowledges it
without a turn of its own. A receipt expires on its own if its process dies: the stored message
is then answered by the recovery sweep (bot/coordination/recovery.py).
"""

from __future__ import annotations

import logging

from redis.asyncio import Redis

from bot.coordination.client import REDIS_ERRORS

logger = logging.getLogger(__name__)

TTL = 120.0  # seconds a receipt outlives a process that died mid-turn


class RedisReceipts:
    """Receipts for messages stored and being answered, visible to every process on one Redis.

    Best effort: without Redis, `has` says no and the message goes the ordinary way (the
    conversation's lock, then the idempotent store).
    """

    def __init__(self, client: Redis, *, ttl: float = TTL) -> None:
        self._client = client
        self.ttl = ttl

    @staticmethod
    def _key(conversation_id: str, client_id: str) -> str:
        return f"shopbot:stored:{conversation_id}:{client_id}"

    async def add(self, conversation_id: str, client_id: str) -> None:
        """The message is stored and its turn runs here."""
        try:
            await self._client.set(self._key(conversation_id, client_id), b"1", px=round(self.ttl * 1000))
        except REDIS_ERRORS as exc:
            logger.debug("no receipt for a stored message (%s)", type(exc).__name__)

    async def has(self, conversation_id: str, client_id: str) -> bool:
        """Whether some process stored the message and is answering it."""
        try:
            return bool(await self._client.exists(self._key(conversation_id, client_id)))
        except REDIS_ERRORS:
            return False

    async def discard(self, conversation_id: str, client_id: str) -> None:
        """The message's turn ended."""
        try:
            await self._client.delete(self._key(conversation_id, client_id))
        except REDIS_ERRORS as exc:
            logger.debug("a receipt stays until it expires (%s)", type(exc).__name__)
