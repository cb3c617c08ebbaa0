"""`shopbot serve --workers N`: N server processes on one port, kept running.

Each worker is a whole Shopbot server (`shopbot serve --reuse-port`) with the same settings;
they share the port through SO_REUSEPORT, so the kernel spreads connections over them, and
share conversations, live updates and turn order through PostgreSQL (or the SQLite file) and
Redis. Before starting them, the supervisor brings the index and the models up to date once
(`prepare`), so N processes do not all encode the catalog or train a model at the same time.
A worker that dies is started again; SIGTERM or SIGINT stops them all.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.config import Settings
from bot.errors import ConfigError

logger = logging.getLogger(__name__)

# A worker that dies this soon after starting, this many times in a row, is not restarted:
# it cannot start (a broken setting, a port in use), and restarting it forever hides why.
QUICK_EXIT_SECONDS = 30.0
QUICK_EXITS_ALLOWED = 3
STOP_GRACE_SECONDS = 30.0


def check_can_share(settings: Settings, workers: int) -> None:
    """Several workers need Redis: live updates and per-conversation turn order must cross processes."""
    if workers > 1 and settings.redis_url is None:
        raise ConfigError(
            "several workers share live updates and the order of each conversation's turns through Redis: "
            "set SHOPBOT_REDIS_URL (redis://host:6379/0), or run one worker"
        )


def prepare_once(settings: Settings) -> None:
    """`prepare` in a child process of its own: the supervisor itself loads no model and starts
    no thread (it forks the workers), and gives the memory back before they start."""
    context = multiprocessing.get_context("spawn")
    child = context.Process(target=prepare, args=(settings,), name="shopbot-prepare")
    child.start()
    child.join()
    if child.exitcode != 0:
        raise ConfigError(f"preparing the catalog index and models failed (exit status {child.exitcode}); see above")


def prepare(settings: Settings) -> None:
    """Bring the search index and the trained models up to date, once, before the workers start."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from bot.merchant.sentiment import load_sentiment_model
    from bot.services import load_intent_model, open_search

    search, report = open_search(settings)
    logger.info("catalog ready: %d products (%s)", report.total, report.reason)
    search.store.close()
    load_intent_model(settings)
    load_sentiment_model(settings)


@dataclass
class _Worker:
    number: int
    process: subprocess.Popen[bytes]
    started: float = field(default_factory=time.monotonic)
    quick_exits: int = 0


class Supervisor:
    """Starts the worker commands, restarts one that dies, stops all on a signal."""

    def __init__(self, command: Sequence[str], count: int) -> None:
        self.command = list(command)
        self.count = count
        self.workers: list[_Worker] = []
        self._stopping = False
        self._stop_deadline = 0.0

    def _spawn(self, number: int, quick_exits: int = 0) -> _Worker:
        process = subprocess.Popen(self.command, preexec_fn=_die_with_parent)
        logger.info("worker %d started (pid %d)", number, process.pid)
        return _Worker(number, process, quick_exits=quick_exits)

    def _stop(self, signum: int, _frame: object) -> None:
        if not self._stopping:
            self._stopping = True
            self._stop_deadline = time.monotonic() + STOP_GRACE_SECONDS
        for worker in self.workers:
            if worker.process.poll() is None:
                worker.process.send_signal(signal.SIGTERM if signum == signal.SIGTERM else signal.SIGINT)

    def run(self) -> int:
        """Run until stopped; the exit status: 0 after a signal, 1 when a worker cannot start."""
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        self.workers = [self._spawn(n) for n in range(1, self.count + 1)]
        status = 0
        while self.workers:
            time.sleep(0.2)
            if self._stopping and time.monotonic() > self._stop_deadline:
                for worker in self.workers:  # given their time to finish the turns in hand
                    worker.process.kill()
            for worker in list(self.workers):
                code = worker.process.poll()
                if code is None:
                    continue
                if self._stopping:
                    self.workers.remove(worker)
                    continue
                quick = time.monotonic() - worker.started < QUICK_EXIT_SECONDS
                exits = worker.quick_exits + 1 if quick else 0
                if exits >= QUICK_EXITS_ALLOWED:
                    logger.error("worker %d exited with %s %d times right after starting; stopping the others",
                                 worker.number, code, exits)  # fmt: skip
                    status = 1
                    self.workers.remove(worker)
                    self._stop(signal.SIGTERM, None)
                    continue
                logger.warning("worker %d (pid %d) exited with %s; starting it again", worker.number, worker.process.pid, code)
                self.workers[self.workers.index(worker)] = self._spawn(worker.number, exits)
        return status


def _die_with_parent() -> None:
    """In the worker, before it runs: the kernel stops it if the supervisor dies, even by SIGKILL,
    so no orphaned worker keeps the port (Linux; elsewhere the supervisor's own stop does it)."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def worker_command(argv: Sequence[str]) -> list[str]:
    """This program's command line for one worker: the same options, `--workers N` replaced by `--reuse-port`."""
    out: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg == "--workers":
            skip = True
            continue
        if arg.startswith("--workers="):
            continue
        out.append(arg)
    return [sys.executable, "-m", "bot", *out, "--reuse-port"]
