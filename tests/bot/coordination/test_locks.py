"""Turn locks across processes (bot/coordination/locks.py): one turn at a time per conversation, oldest first.

Each RedisTurnLocks on its own client is one process; the holder that dies is a real process
killed with SIGKILL.
"""

from __future__ import annotations

import asyncio
import signal
import sys
import time

import pytest
from pydantic import SecretStr

from bot.coordination.client import connect
from bot.coordination.locks import LockUnavailableError, RedisTurnLocks
from tests.bot.coordination.conftest import Connect
from tests.bot.coordination.waiting import until
from tests.conftest import REPO
from tests.support.servers import Redis as RedisServer
from tests.support.servers import free_port

pytestmark = pytest.mark.scaleout

CONVERSATION = "rest:ann"


async def test_turns_sent_alternately_to_two_processes_run_one_at_a_time_in_arrival_order(clients: Connect) -> None:
    processes = [RedisTurnLocks(clients()), RedisTurnLocks(clients())]
    entered: list[int] = []
    running = 0
    overlapped = False

    async def turn(n: int) -> None:
        nonlocal running, overlapped
        async with processes[n % 2].hold(CONVERSATION):
            running += 1
            overlapped |= running > 1
            entered.append(n)
            await asyncio.sleep(0.05)
            running -= 1

    tasks = []
    for n in range(8):  # each message arrives while the ones before it still wait or run
        tasks.append(asyncio.create_task(turn(n)))
        await asyncio.sleep(0.01)
    await asyncio.gather(*tasks)
    assert not overlapped
    assert entered == list(range(8))


async def test_busy_says_whether_any_process_holds_the_lock(clients: Connect) -> None:
    here, there = RedisTurnLocks(clients()), RedisTurnLocks(clients())
    assert not await there.busy(CONVERSATION)
    async with here.hold(CONVERSATION):
        assert await there.busy(CONVERSATION)
        assert not await there.busy("rest:bo")
    assert not await there.busy(CONVERSATION)


_HOLDER = """
import asyncio, sys
from pydantic import SecretStr
from bot.coordination.client import connect
from bot.coordination.locks import RedisTurnLocks

async def main():
    locks = RedisTurnLocks(connect(SecretStr(sys.argv[1])), lease=float(sys.argv[2]))
    async with locks.hold(sys.argv[3]):
        print("held", flush=True)
        await asyncio.sleep(3600)

asyncio.run(main())
"""


async def test_a_process_that_dies_holding_the_lock_loses_it_after_its_lease(
    redis_server: RedisServer, clients: Connect
) -> None:
    lease = 1.0
    holder = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _HOLDER, redis_server.url, str(lease), CONVERSATION,
        cwd=REPO, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert holder.stdout is not None
        assert await asyncio.wait_for(holder.stdout.readline(), 30) == b"held\n"
        survivor = RedisTurnLocks(clients())
        # Alive, the holder renews its lease: the lock stays taken well past one lease.
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(2.5 * lease):
                async with survivor.hold(CONVERSATION):
                    pass
        holder.send_signal(signal.SIGKILL)
        await holder.wait()
        killed = time.monotonic()
        async with asyncio.timeout(5 * lease):
            async with survivor.hold(CONVERSATION):
                waited = time.monotonic() - killed
        assert waited <= lease + 0.5  # freed by the lease running out, not by anyone releasing it
    finally:
        if holder.returncode is None:
            holder.kill()
            await holder.wait()


async def test_a_waiter_that_gives_up_does_not_hold_up_the_next(clients: Connect) -> None:
    first, second, third = RedisTurnLocks(clients()), RedisTurnLocks(clients()), RedisTurnLocks(clients())
    release = asyncio.Event()

    async def hold_until_released() -> None:
        async with first.hold(CONVERSATION):
            await release.wait()

    holding = asyncio.create_task(hold_until_released())
    await until(lambda: second.busy(CONVERSATION), what="the first process to hold the lock")
    impatient = asyncio.create_task(second.hold(CONVERSATION).__aenter__())
    await asyncio.sleep(0.1)  # queued behind the holder
    impatient.cancel()
    with pytest.raises(asyncio.CancelledError):
        await impatient
    release.set()
    await holding
    async with asyncio.timeout(1.0):  # well before the waiter's place would have expired on its own
        async with third.hold(CONVERSATION):
            pass


async def test_without_redis_a_turn_is_refused_with_503_rather_than_run_unordered() -> None:
    client = connect(SecretStr(f"redis://127.0.0.1:{free_port()}/0"))  # nothing listens there
    try:
        started = time.monotonic()
        with pytest.raises(LockUnavailableError) as refused:
            async with RedisTurnLocks(client).hold(CONVERSATION):
                pytest.fail("the turn ran without its lock")
        assert refused.value.status == 503 and refused.value.retry_after == 5.0
        assert "send it again" in str(refused.value)
        assert time.monotonic() - started < 3.0  # refused quickly, not after a long hang
    finally:
        await client.aclose()
