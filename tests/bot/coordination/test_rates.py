"""Rate limits across processes (bot/coordination/rates.py): a sender's messages count wherever they land."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from bot.channels.limits import MessageRejected
from bot.coordination.client import connect
from bot.coordination.rates import RedisRateLimiter
from tests.bot.coordination.conftest import Connect
from tests.support.servers import free_port

pytestmark = pytest.mark.scaleout


async def test_two_processes_share_each_senders_bucket(clients: Connect) -> None:
    here, there = RedisRateLimiter(clients(), per_minute=3), RedisRateLimiter(clients(), per_minute=3)
    await here.check("alice")
    await there.check("alice")
    await here.check("alice")
    for limiter in (there, here):  # spread over two processes, still three a minute
        with pytest.raises(MessageRejected) as caught:
            await limiter.check("alice")
        assert caught.value.status == 429
        assert caught.value.retry_after is not None and 15 < caught.value.retry_after <= 20  # one token: 20 s at 3/min
    await there.check("bob")  # other senders are not affected


async def test_without_redis_each_process_limits_on_its_own() -> None:
    client = connect(SecretStr(f"redis://127.0.0.1:{free_port()}/0"))  # nothing listens there
    try:
        limiter = RedisRateLimiter(client, per_minute=2)
        await limiter.check("alice")  # shoppers are still served
        await limiter.check("alice")
        with pytest.raises(MessageRejected) as caught:  # and still limited
            await limiter.check("alice")
        assert caught.value.status == 429
    finally:
        await client.aclose()
