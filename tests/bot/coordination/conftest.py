"""Coordination fixtures: a throwaway Redis per test module, emptied before each test, and clients on it.

Each client stands for one Shopbot process: two clients on one server are two processes
sharing it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator

import pytest
from pydantic import SecretStr
from redis.asyncio import Redis

from bot.coordination.client import connect
from tests.support.servers import Redis as RedisServer
from tests.support.servers import redis

Connect = Callable[[], Redis]


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One Redis for the test module (started only if a test asks for it)."""
    with redis(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture
async def clients(redis_server: RedisServer) -> AsyncIterator[Connect]:
    """`clients()`: a new client (a new "process") on the module's Redis, emptied for this test; all closed after it."""
    opened: list[Redis] = []

    def open_one() -> Redis:
        client = connect(SecretStr(redis_server.url))
        opened.append(client)
        return client

    await open_one().flushdb()
    yield open_one
    for client in opened:
        await client.aclose()
