"""How fast one sender may send: a token bucket per sender, in this process or shared through Redis.

Each sender has `per_minute` tokens, refilled continuously, and each message takes one; a
message that finds less than one is refused with 429 and the seconds until the next token.
Behind a load balancer the buckets must be shared, or a sender spread over N processes gets N
times the rate: RedisRateLimiter keeps them in Redis, updated by one script so two processes
never both spend the last token. While Redis is unreachable it falls back to this process's
own buckets: limits a little looser for a while beat refusing every shopper.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections import OrderedDict

from redis.asyncio import Redis

from bot.channels.limits import MessageRejected
from bot.coordination.client import REDIS_ERRORS, Outage


class RateLimiter(ABC):
    """A token bucket per sender: `per_minute` messages, refilled continuously, bursts up to that."""

    def __init__(self, per_minute: int) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(per_minute)

    @abstractmethod
    async def check(self, sender: str) -> None:
        """Take one token for `sender`, or raise MessageRejected (429) saying when to retry."""


def _too_many(wait: float) -> MessageRejected:
    return MessageRejected(f"too many messages; please wait {wait:.0f} s and try again", 429, retry_after=wait)


class LocalRateLimiter(RateLimiter):
    """The buckets of this process, the longest-idle senders forgotten beyond `max_senders`."""

    def __init__(self, per_minute: int, max_senders: int = 100_000) -> None:
        super().__init__(per_minute)
        self.max_senders = max_senders
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    async def check(self, sender: str) -> None:
        """Take one token for `sender`, or raise MessageRejected (429) saying when to retry."""
        self.take(sender)

    def take(self, sender: str) -> None:
        """`check`, without awaiting anything."""
        now = time.monotonic()
        tokens, last = self._buckets.pop(sender, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.rate)
        if tokens < 1.0:
            self._buckets[sender] = (tokens, now)
            raise _too_many((1.0 - tokens) / self.rate)
        self._buckets[sender] = (tokens - 1.0, now)
        while len(self._buckets) > self.max_senders:  # forget the longest-idle senders
            self._buckets.popitem(last=False)


# KEYS: the sender's bucket. ARGV: tokens per millisecond, capacity.
# Returns {1, ''} when a token was taken, else {0, milliseconds until the next one}; Redis's clock
# is the one clock every process agrees on. Numbers go back as strings: Redis would cut them to integers.
_TAKE = """
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(bucket[1]) or capacity
local at = tonumber(bucket[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
local taken = 0
if tokens >= 1 then
  tokens = tokens - 1
  taken = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
-- A bucket left alone until it is full again is the same as no bucket.
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / rate) + 1000)
if taken == 1 then
  return {1, ''}
end
return {0, tostring((1 - tokens) / rate)}
"""


class RedisRateLimiter(RateLimiter):
    """The buckets of every process, in Redis; this process's own while Redis is unreachable."""

    def __init__(self, client: Redis, per_minute: int) -> None:
        super().__init__(per_minute)
        self._take = client.register_script(_TAKE)
        self._fallback = LocalRateLimiter(per_minute)
        self._outage = Outage("rate limits", "each process limits its own senders until it is back")

    async def check(self, sender: str) -> None:
        """Take one token for `sender` from the shared bucket, or raise MessageRejected (429)."""
        try:
            taken, wait_ms = await self._take(keys=[f"shopbot:rate:{sender}"], args=[self.rate / 1000, self.capacity])
        except REDIS_ERRORS as exc:
            self._outage.failed(exc)
            self._fallback.take(sender)
            return
        self._outage.ok()
        if not int(taken):
            raise _too_many(float(wait_ms) / 1000)
