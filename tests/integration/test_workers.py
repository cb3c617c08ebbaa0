"""`shopbot serve --workers N`: N real server processes on one port over one Redis; a worker that
dies is started again while the others keep answering; a stop stops them all."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from tests.integration.harness import ShopbotServer, server_env, unique_sender
from tests.support.servers import redis

pytestmark = [pytest.mark.slow, pytest.mark.scaleout]


class Workers(ShopbotServer):
    """`python -m bot serve --workers 2` on a data dir."""

    def __init__(self, data_dir: Path, env: dict[str, str]) -> None:
        super().__init__(data_dir, env)
        self.command = [sys.executable, "-m", "bot", "serve", "--workers", "2"]

    def workers(self) -> list[psutil.Process]:
        assert self.proc is not None
        found = []
        for child in psutil.Process(self.proc.pid).children():
            try:  # the multiprocessing helper is a child too; a worker may exit while we look
                if child.status() != psutil.STATUS_ZOMBIE and "--reuse-port" in child.cmdline():
                    found.append(child)
            except psutil.Error:
                continue
        return found

    def all_ready(self, count: int = 2, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while len(self.workers()) < count and time.monotonic() < deadline:
            time.sleep(0.2)
        for _ in range(20):  # connections land on any worker: each must answer ready
            self.wait_for("/ready", timeout)


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory, prepared_data_dir: Path) -> Iterator[Workers]:
    with redis(tmp_path_factory.mktemp("redis")) as shared:
        data = tmp_path_factory.mktemp("workers") / "data"
        shutil.copytree(prepared_data_dir, data, ignore=shutil.ignore_patterns("shopbot.db*"))
        server = Workers(data, server_env(data, redis_url=shared.url))
        server.spawn()
        try:
            server.all_ready()
            yield server
        finally:
            server.stop()


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def test_both_workers_answer_shoppers_on_one_port(pool: Workers) -> None:
    workers = pool.workers()
    assert len(workers) == 2
    before = {w.pid: _cpu(w) for w in workers}
    for i in range(30):  # a new connection each: the kernel spreads them over the workers
        reply = pool.send(unique_sender(f"pool-{i}"), "waterproof hiking boots under $150")
        assert reply.cards and all(price <= 150 for price in reply.card_prices)
    busy = [w.pid for w in workers if _cpu(w) - before[w.pid] > 0.2]
    assert len(busy) == 2, f"only {busy} of {[w.pid for w in workers]} did any work"


def test_a_worker_that_dies_is_started_again_while_the_other_answers(pool: Workers) -> None:
    victim, survivor = pool.workers()
    victim.send_signal(signal.SIGKILL)
    victim.wait(30)
    # Meanwhile shoppers are answered (by the survivor, or the restarted worker once it is ready).
    for i in range(5):
        reply = pool.send(unique_sender(f"during-{i}"), "what is your return policy?")
        assert reply.text
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        pids = {w.pid for w in pool.workers()}
        if len(pids) == 2 and victim.pid not in pids:
            break
        time.sleep(0.3)
    assert len(pool.workers()) == 2 and survivor.pid in {w.pid for w in pool.workers()}
    pool.all_ready()


def test_several_workers_without_redis_are_refused_with_the_reason(tmp_path: Path, prepared_data_dir: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(prepared_data_dir, data, ignore=shutil.ignore_patterns("shopbot.db*"))
    done = subprocess.run(
        [sys.executable, "-m", "bot", "serve", "--workers", "2"], env=server_env(data),
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "SHOPBOT_REDIS_URL" in done.stderr and "Traceback" not in done.stderr


def test_a_stop_stops_every_worker(tmp_path_factory: pytest.TempPathFactory, prepared_data_dir: Path) -> None:
    with redis(tmp_path_factory.mktemp("redis-stop")) as shared:
        data = tmp_path_factory.mktemp("workers-stop") / "data"
        shutil.copytree(prepared_data_dir, data, ignore=shutil.ignore_patterns("shopbot.db*"))
        server = Workers(data, server_env(data, redis_url=shared.url))
        server.spawn()
        try:
            server.all_ready()
            workers = server.workers()
            assert server.proc is not None
            server.proc.send_signal(signal.SIGTERM)
            assert server.proc.wait(60) == 0
            gone, alive = psutil.wait_procs(workers, timeout=30)
            assert not alive
        finally:
            server.stop()
