"""The Redis connection the shared pieces use, and how they behave while it is unreachable.

Redis being down must never take a process down: every piece logs the outage once (not once
per call), keeps serving what it can from this process, and tries again with backoff. The
URL may carry a password, so neither it nor Redis's own error text (which names the host) is
ever logged: only the kind of error.
"""

from __future__ import annotations

import logging
import random

from pydantic import SecretStr
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a call to an unreachable or failing Redis raises.
REDIS_ERRORS: tuple[type[Exception], ...] = (RedisError, OSError)


def connect(url: SecretStr) -> Redis:
    """A client for `url`; it connects on first use, so building it never fails on a down server."""
    return Redis.from_url(
        url.get_secret_value(),
        # Short: a turn waiting on a dead Redis should fail fast, not hang a request.
        socket_connect_timeout=2.0,
        socket_timeout=5.0,
        # A subscriber idle for long still notices a connection that silently died.
        health_check_interval=10,
        # One quick retry covers a dropped idle connection; longer outages are the callers' business.
        retry=Retry(ExponentialBackoff(cap=0.2, base=0.02), 1),
        client_name="shopbot",
    )


def database_of(client: Redis) -> int:
    """The database number the client uses (pub/sub channels are server-wide, keys are per database)."""
    return int(client.connection_pool.connection_kwargs.get("db") or 0)


class Outage:
    """Logs when Redis becomes unreachable for one piece, and when it is back: once each, not per call."""

    def __init__(self, what: str, meanwhile: str) -> None:
        self.what = what
        self.meanwhile = meanwhile
        self.down = False

    def failed(self, exc: BaseException) -> None:
        """A call failed; the first failure of an outage is logged with what happens meanwhile."""
        if not self.down:
            self.down = True
            logger.warning("Redis is unreachable for %s (%s); %s", self.what, type(exc).__name__, self.meanwhile)

    def ok(self) -> None:
        """A call worked; the end of an outage is logged."""
        if self.down:
            self.down = False
            logger.info("Redis is reachable again for %s", self.what)


class Backoff:
    """Growing, jittered waits between reconnection attempts, so restarted processes do not retry in step."""

    def __init__(self, first: float = 0.1, longest: float = 5.0) -> None:
        self.first = first
        self.longest = longest
        self._next = first

    def reset(self) -> None:
        """Start again from the shortest wait (after a success)."""
        self._next = self.first

    def next(self) -> float:
        """The wait before the next attempt."""
        wait = self._next
        self._next = min(self.longest, self._next * 2)
        return wait * random.uniform(0.5, 1.0)
