"""One turn at a time per conversation, in the order the messages came, in one process or across many.

The assistant holds a conversation's lock while a turn runs (bot/assistant.py), so the turns of
one conversation never overlap and each sees the state the one before left. In one process an
asyncio.Lock per conversation does it. With several processes a shopper's messages can reach
different ones, so the lock lives in Redis:

- a lease: the holder's token set with SET NX PX and renewed while the turn runs, so the lock
  of a process that dies frees itself when the lease runs out; it is released only by its
  holder (compare and delete, in one script);
- a queue: waiters wait in the order they arrived (by Redis's clock), so the message that came
  first is taken first, whichever process it reached. A waiter that stops asking (its process
  died) loses its place after a few seconds;
- a process waits for its own local lock first, so only one of its waiters per conversation
  asks Redis, and it hands the next local waiter its place in the queue as it releases.

When Redis cannot be reached a turn does not run unordered: taking the lock fails with
LockUnavailableError, which channels answer with 503 and Retry-After (the message was not
stored, so the shopper's client sends it again).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
import weakref
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from dataclasses import dataclass, field

from redis.asyncio import Redis

from bot.channels.limits import MessageRejected
from bot.coordination.client import REDIS_ERRORS, Outage
from bot.tasks import cancel_and_wait

logger = logging.getLogger(__name__)

LEASE = 10.0  # seconds a dead process's lock keeps its conversation waiting
WAITER_LEASE = 5.0  # seconds a waiter that stopped asking keeps its place in the queue
RETRY_AFTER = 5.0  # what a client is told to wait when Redis is unreachable


class LockUnavailableError(MessageRejected):
    """The conversation's lock cannot be taken because Redis is unreachable; the message was not taken."""

    def __init__(self) -> None:
        super().__init__(
            "the assistant is briefly unavailable and did not take this message; please send it again in a few seconds",
            503, retry_after=RETRY_AFTER,
        )  # fmt: skip


class TurnLocks(ABC):
    """A lock per conversation, held while one of its turns runs."""

    @abstractmethod
    def hold(self, conversation_id: str) -> AbstractAsyncContextManager[None]:
        """`async with locks.hold(id):` runs the block alone among the conversation's turns, in arrival order."""

    @abstractmethod
    async def busy(self, conversation_id: str) -> bool:
        """Whether a turn of the conversation is running (or its dead holder's lease has not run out)."""


class LocalTurnLocks(TurnLocks):
    """The locks of one process: an asyncio.Lock per conversation, kept only while in use."""

    def __init__(self) -> None:
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    def _lock(self, conversation_id: str) -> asyncio.Lock:
        lock = self._locks.get(conversation_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[conversation_id] = lock
        return lock

    @asynccontextmanager
    async def hold(self, conversation_id: str) -> AsyncIterator[None]:
        """Run the block alone among this conversation's turns (asyncio.Lock wakes waiters in order)."""
        async with self._lock(conversation_id):
            yield

    async def busy(self, conversation_id: str) -> bool:
        """Whether a turn of the conversation is running in this process."""
        lock = self._locks.get(conversation_id)
        return lock is not None and lock.locked()


# KEYS: lock, queue (waiter -> arrival), alive (waiter -> deadline). ARGV: token, arrival, lease ms, waiter lease ms.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local gone = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)
for _, waiter in ipairs(gone) do
  redis.call('ZREM', KEYS[2], waiter)
  redis.call('ZREM', KEYS[3], waiter)
end
redis.call('ZADD', KEYS[2], 'NX', ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[4]), ARGV[1])
local head = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
if head == ARGV[1] and redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[3]) then
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('ZREM', KEYS[3], ARGV[1])
  return 1
end
local keep = 4 * tonumber(ARGV[4])
redis.call('PEXPIRE', KEYS[2], keep)
redis.call('PEXPIRE', KEYS[3], keep)
return 0
"""

# KEYS: lock. ARGV: token, lease ms. 1 while held; the key gone (Redis restarted) is taken back unless another holds it.
_RENEW = """
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
if not holder then
  return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) and 1 or 0
end
return 0
"""

# KEYS: lock, queue, alive. ARGV: token, next waiter's token ('' for none), its arrival, waiter lease ms.
_RELEASE = """
if ARGV[2] ~= '' then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  redis.call('ZADD', KEYS[2], 'NX', ARGV[3], ARGV[2])
  redis.call('ZADD', KEYS[3], now + tonumber(ARGV[4]), ARGV[2])
end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


@dataclass
class _Waiter:
    token: str
    arrival: int  # microseconds on Redis's clock


@dataclass
class _Line:
    """One conversation's waiters in this process, oldest first, and the local lock they take in turn."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    waiting: list[_Waiter] = field(default_factory=list)
    users: int = 0


class RedisTurnLocks(TurnLocks):
    """Conversation locks shared by every process on one Redis: leased, fair, released only by the holder."""

    def __init__(self, client: Redis, *, lease: float = LEASE, waiter_lease: float = WAITER_LEASE) -> None:
        self._client = client
        self.lease = lease
        self.waiter_lease = waiter_lease
        self._lines: dict[str, _Line] = {}
        self._acquire = client.register_script(_ACQUIRE)
        self._renew = client.register_script(_RENEW)
        self._release = client.register_script(_RELEASE)
        self._outage = Outage("turn order", "shoppers' messages are refused with 503 until it is back")

    @staticmethod
    def keys(conversation_id: str) -> list[str]:
        """The lock's keys: the holder, the queue, the waiters' deadlines.

        One hash tag (the braces) keeps the three in one slot, so the scripts also run on a cluster.
        """
        base = f"shopbot:turn:{{{conversation_id}}}"
        return [base, f"{base}:queue", f"{base}:alive"]

    @asynccontextmanager
    async def hold(self, conversation_id: str) -> AsyncIterator[None]:
        """Run the block holding the conversation's lock in every process; LockUnavailableError without Redis."""
        try:
            seconds, micros = await self._client.time()
        except REDIS_ERRORS as exc:
            raise self._unavailable(conversation_id, exc) from None
        me = _Waiter(uuid.uuid4().hex, seconds * 1_000_000 + micros)
        line = self._lines.setdefault(conversation_id, _Line())
        line.users += 1
        line.waiting.append(me)
        try:
            async with line.lock:
                line.waiting.remove(me)
                await self._take(conversation_id, me)
                renewing = asyncio.create_task(self._keep(conversation_id, me.token), name="shopbot-lock-renew")
                try:
                    yield
                finally:
                    await cancel_and_wait(renewing)
                    await self._give_back(conversation_id, me.token, line.waiting[0] if line.waiting else None)
        finally:
            if me in line.waiting:  # given up while waiting here: its place in Redis's queue (if any) is dropped
                line.waiting.remove(me)
                await self._leave(conversation_id, me.token)
            line.users -= 1
            if line.users == 0:
                del self._lines[conversation_id]

    async def busy(self, conversation_id: str) -> bool:
        """Whether some process holds the conversation's lock now."""
        return bool(await self._client.exists(self.keys(conversation_id)[0]))

    async def _take(self, conversation_id: str, me: _Waiter) -> None:
        """Wait for this waiter's turn in the conversation's queue, then hold the lock."""
        keys = self.keys(conversation_id)
        args = [me.token, me.arrival, _ms(self.lease), _ms(self.waiter_lease)]
        pause = 0.01
        try:
            while not await self._acquire(keys=keys, args=args):
                await asyncio.sleep(pause)
                pause = min(pause * 1.5, 0.2)  # well inside the waiter lease
            self._outage.ok()
        except REDIS_ERRORS as exc:
            await self._leave(conversation_id, me.token)
            raise self._unavailable(conversation_id, exc) from None
        except asyncio.CancelledError:
            await self._leave(conversation_id, me.token)
            raise

    async def _keep(self, conversation_id: str, token: str) -> None:
        """Renew the lease while the turn runs; a lost lock is logged (the turn itself goes on)."""
        key = self.keys(conversation_id)[:1]
        lost = False
        while True:
            await asyncio.sleep(self.lease / 3)
            try:
                held = await self._renew(keys=key, args=[token, _ms(self.lease)])
            except REDIS_ERRORS as exc:
                # The lease still runs; the next try may reach Redis again.
                logger.warning("could not renew the lock of %s (%s)", conversation_id, type(exc).__name__)
                continue
            if not held and not lost:
                lost = True
                logger.error("the lock of %s expired while its turn ran; another turn may have started", conversation_id)

    async def _give_back(self, conversation_id: str, token: str, after: _Waiter | None) -> None:
        """Release the lock, placing this process's next waiter in the queue in the same step."""
        args = [token, after.token if after else "", after.arrival if after else 0, _ms(self.waiter_lease)]
        try:
            await self._release(keys=self.keys(conversation_id), args=args)
        except REDIS_ERRORS as exc:
            # The lease frees it soon; nothing else to do.
            logger.warning("could not release the lock of %s (%s); it frees itself in %.0f s",
                           conversation_id, type(exc).__name__, self.lease)  # fmt: skip

    async def _leave(self, conversation_id: str, token: str) -> None:
        """Drop a waiter that gave up from the queue, so the next one need not wait for its deadline."""
        _, queue, alive = self.keys(conversation_id)
        with suppress(*REDIS_ERRORS):
            async with self._client.pipeline(transaction=True) as pipe:
                await pipe.zrem(queue, token).zrem(alive, token).execute()

    def _unavailable(self, conversation_id: str, exc: BaseException) -> LockUnavailableError:
        self._outage.failed(exc)
        logger.debug("a turn of %s was refused rather than run out of order", conversation_id)
        return LockUnavailableError()


def _ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))
