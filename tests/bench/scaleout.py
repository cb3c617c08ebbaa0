"""Scale-out benchmark: one and two server processes, on SQLite and on PostgreSQL + Redis.

Each configuration serves the 1,000-product bench catalog (`tests.bench.turns.prepare_catalog`)
with template answers, `shopbot serve --workers N` as its own process tree, and is driven by
`python -m tests.bench.loadgen` in another process over loopback. The configurations run one
after another in the same run, and every figure is also given as a ratio to one process on
SQLite measured in that run: on a shared machine only ratios compare.

  1 process, SQLite               the embedded default
  2 processes, SQLite + Redis     one machine: the SQLite file shared, Redis for live updates and turn order
  1 process, PostgreSQL + Redis   what each process of a multi-machine deployment does per turn
  2 processes, PostgreSQL + Redis

Then the fairness run: 200 concurrent conversations for about a minute on one process
(SQLite), every shopper sending the next message as soon as the reply arrives.

PostgreSQL and Redis are throwaway instances started for the run (tests/support/servers.py;
`make servers` installs the programs).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.config import Settings
from tests.bench.timing import Say
from tests.bench.turns import REPO, THROUGHPUT_SIZE, prepare_catalog
from tests.support.server_process import ServerProcess
from tests.support.servers import postgres, redis

CONVERSATIONS = 32
TURNS = 24
FAIR_CONVERSATIONS = 200
FAIR_TURNS = 40  # at about 120 turns/s, a minute
TARGET_FAIR_P99_MS = 2000.0


@dataclass(frozen=True)
class Setup:
    """One configuration: how many processes, and whether PostgreSQL and Redis back them."""

    label: str
    workers: int
    postgres: bool
    redis: bool


SETUPS = (
    Setup("1 process, SQLite", 1, False, False),
    Setup("2 processes, SQLite + Redis", 2, False, True),
    Setup("1 process, PostgreSQL + Redis", 1, True, True),
    Setup("2 processes, PostgreSQL + Redis", 2, True, True),
)


def _serve_and_load(bench: Settings, setup: Setup, urls: dict[str, str], conversations: int, turns: int,
                    work: Path) -> dict[str, Any]:
    """Start the configuration on a copy of the bench data dir, drive it, stop it; the load figures."""
    data = work / f"data-{setup.workers}-{int(setup.postgres)}{int(setup.redis)}-{conversations}"
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(bench.data_dir, data, ignore=shutil.ignore_patterns("shopbot.db*", "server.log"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPBOT_")}
    env.update(
        SHOPBOT_DATA_DIR=str(data), SHOPBOT_MODEL_CACHE=str(bench.model_cache_dir), SHOPBOT_GENERATOR="template",
        SHOPBOT_RATE_LIMIT_PER_MINUTE="1000000", SHOPBOT_HOST="127.0.0.1", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
    )  # fmt: skip
    if setup.postgres:
        env["SHOPBOT_DATABASE_URL"] = urls["postgres"]
    if setup.redis:
        env["SHOPBOT_REDIS_URL"] = urls["redis"]
    command = [sys.executable, "-m", "bot", "serve", "--workers", str(setup.workers)]
    with ServerProcess(command, env, data / "server.log") as server:
        server.spawn().wait_for("/ready", timeout=600, interval=0.3)
        # Every worker ready, not only the first to answer: connections land on any of them.
        for _ in range(10 * setup.workers):
            server.wait_for("/ready", timeout=600, interval=0.3)
        load = subprocess.run(
            [sys.executable, "-m", "tests.bench.loadgen", "--url", server.url, "--conversations", str(conversations),
             "--turns", str(turns)],
            cwd=REPO, capture_output=True, text=True, timeout=1800, check=False,
        )  # fmt: skip
    if load.returncode != 0 or not load.stdout.strip():
        raise RuntimeError(f"the load generator failed ({load.returncode}): {load.stderr[-2000:]}")
    return json.loads(load.stdout.strip().splitlines()[-1])


def _fresh_database(url: str) -> None:
    """Drop every table a previous configuration left, so each starts from an empty database."""
    import asyncio

    import asyncpg

    async def wipe() -> None:
        connection = await asyncpg.connect(url)
        try:
            await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        finally:
            await connection.close()

    asyncio.run(wipe())


def run_scaleout(settings: Settings, say: Say) -> None:
    """The whole suite: every configuration, then the fairness run; the report with ratios."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    say(f"{cores} CPU cores, load average {os.getloadavg()[0]:.1f} at the start")
    bench = prepare_catalog(settings, THROUGHPUT_SIZE, say)
    results: list[tuple[Setup, dict[str, Any]]] = []
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="shopbot-scaleout-")))
        pg = stack.enter_context(postgres())
        rd = stack.enter_context(redis(work))
        urls = {"postgres": pg.url, "redis": rd.url}
        for setup in SETUPS:
            if setup.postgres:
                _fresh_database(pg.url)
            say(f"\n{setup.label}: {CONVERSATIONS} conversations x {TURNS} turns")
            result = _serve_and_load(bench, setup, urls, CONVERSATIONS, TURNS, work)
            results.append((setup, result))
            say(f"  {result['turns_per_s']:.1f} turns/s, p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms, "
                f"p99 {result['p99_ms']:.0f} ms, errors {result['errors']}")  # fmt: skip
        say(f"\nfairness: 1 process, SQLite, {FAIR_CONVERSATIONS} conversations x {FAIR_TURNS} turns")
        fair = _serve_and_load(bench, SETUPS[0], urls, FAIR_CONVERSATIONS, FAIR_TURNS, work)
    report(results, fair, say)


def report(results: list[tuple[Setup, dict[str, Any]]], fair: dict[str, Any], say: Say) -> None:
    """The table, as ratios to one process on SQLite, and the fairness verdict."""
    base = results[0][1]
    say(f"\n{'configuration':<34} {'turns/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} {'x turns/s':>10} {'x p50':>7}")
    for setup, r in results:
        say(f"{setup.label:<34} {r['turns_per_s']:>8.1f} {r['p50_ms']:>8.0f} {r['p95_ms']:>8.0f} {r['p99_ms']:>8.0f} "
            f"{r['errors']:>7} {r['turns_per_s'] / base['turns_per_s']:>9.2f}x {r['p50_ms'] / base['p50_ms']:>6.2f}x")  # fmt: skip
    single_pg = next(r for s, r in results if s.postgres and s.workers == 1)
    # At a fixed number of conversations each shopper's wait is what the server needs per turn: the
    # per-turn cost of PostgreSQL + Redis is the ratio of the time per turn (1 / turns per second).
    say(f"per-turn cost of PostgreSQL + Redis over SQLite (one process): "
        f"{base['turns_per_s'] / single_pg['turns_per_s']:.2f}x the time per turn")  # fmt: skip
    seconds = float(fair["seconds"])
    say(f"\nfairness: {fair['turns']} turns in {seconds:.0f} s = {fair['turns_per_s']:.1f} turns/s, "
        f"p50 {fair['p50_ms']:.0f} ms, p95 {fair['p95_ms']:.0f} ms, p99 {fair['p99_ms']:.0f} ms "
        f"(p99/p50 {fair['p99_ms'] / fair['p50_ms']:.2f}), errors {fair['errors']}")  # fmt: skip
    # With no pause between a reply and the next message, each shopper waits on average
    # conversations / (turns per second): the floor no scheduling can beat on these cores.
    floor = 1000.0 * FAIR_CONVERSATIONS / max(float(fair["turns_per_s"]), 1e-9)
    met = fair["errors"] == 0 and fair["p99_ms"] <= TARGET_FAIR_P99_MS
    say(f"  the least possible mean wait at this rate is {floor:.0f} ms; target 0 errors and p99 <= "
        f"{TARGET_FAIR_P99_MS:.0f} ms: {'met' if met else 'NOT met'}")  # fmt: skip
