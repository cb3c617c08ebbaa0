"""Throwaway PostgreSQL and Redis servers for the scale-out tests.

Each runs from Debian's server programs (`make servers` installs them) in a temporary
directory on a free loopback port, owned by the test that started it: no system service is
used, started or touched. PostgreSQL refuses to run as root, so under root its programs run
as the `postgres` system user the Debian package creates.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_port(port: int, process: subprocess.Popen[bytes], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on {port} within {timeout:.0f} s")


def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def need_servers() -> None:
    """Skip the calling test when the server programs are not installed (`make servers`)."""
    if _postgres_bin() is None or shutil.which("redis-server") is None:
        pytest.skip("PostgreSQL and Redis server programs are not installed (make servers installs them)")


@dataclass
class Postgres:
    """A running throwaway PostgreSQL: its data dir, port and process."""

    root: Path
    port: int
    process: subprocess.Popen[bytes]
    _user: str | None

    @property
    def url(self) -> str:
        """The connection URL of its `shopbot` database."""
        return f"postgresql://shopbot@127.0.0.1:{self.port}/shopbot"

    def stop(self, sig: int = signal.SIGINT) -> None:
        """Stop it (SIGINT: fast shutdown; SIGKILL: a crash) and wait."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(30)

    def start(self) -> None:
        """Start it again on the same data dir and port (after `stop`)."""
        self.process = _spawn_postgres(self.root, self.port, self._user)
        _wait_port(self.port, self.process, "postgres")
        _wait_ready(self)


def _as(user: str | None) -> dict[str, int]:
    """Popen arguments that run the program as `user` (itself, not under a wrapper that eats signals)."""
    if user is None:
        return {}
    entry = pwd.getpwnam(user)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def _spawn_postgres(root: Path, port: int, user: str | None) -> subprocess.Popen[bytes]:
    bindir = _postgres_bin()
    assert bindir is not None
    argv = [str(bindir / "postgres"), "-D", str(root / "data"), "-p", str(port), "-c", "listen_addresses=127.0.0.1",
            "-c", f"unix_socket_directories={root}", "-c", "fsync=off", "-c", "max_connections=200"]
    # The child gets its own copy of the file descriptor; the parent's is closed at once.
    with (root / "postgres.log").open("ab") as log:
        return subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **_as(user))


def _wait_ready(pg: Postgres, timeout: float = 30.0) -> None:
    """Until the server accepts queries (it listens a moment before it is out of recovery)."""
    bindir = _postgres_bin()
    assert bindir is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        probe = subprocess.run([str(bindir / "pg_isready"), "-h", "127.0.0.1", "-p", str(pg.port)], capture_output=True)
        if probe.returncode == 0:
            return
        time.sleep(0.1)
    raise RuntimeError("postgres did not become ready")


@contextmanager
def postgres() -> Iterator[Postgres]:
    """A fresh PostgreSQL with a `shopbot` superuser and database, stopped and removed afterwards.

    Its folder is a new one directly under the system temp dir: the `postgres` user must be
    able to reach it, which pytest's private temp folders do not allow.
    """
    bindir = _postgres_bin()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (make servers installs it)")
    user = "postgres" if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="shopbot-pg-"))
    if user:
        entry = pwd.getpwnam(user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    subprocess.run(
        [str(bindir / "initdb"), "-D", str(root / "data"), "-U", "shopbot", "--auth=trust", "-E", "UTF8",
         "--no-sync", "--no-instructions"],
        check=True, capture_output=True, **_as(user),
    )  # fmt: skip
    port = free_port()
    pg = Postgres(root, port, _spawn_postgres(root, port, user), user)
    try:
        _wait_port(port, pg.process, "postgres")
        _wait_ready(pg)
        subprocess.run(
            [str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "shopbot", "shopbot"],
            check=True, capture_output=True,
        )  # fmt: skip
        yield pg
    finally:
        pg.stop()
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class Redis:
    """A running throwaway Redis: its dir, port and process."""

    root: Path
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        """Its connection URL."""
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop it and wait."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(30)

    def start(self) -> None:
        """Start it again on the same port (after `stop`)."""
        self.process = _spawn_redis(self.root, self.port)
        _wait_port(self.port, self.process, "redis-server")


def _spawn_redis(root: Path, port: int) -> subprocess.Popen[bytes]:
    argv = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(root), "--save", "",
            "--appendonly", "no", "--logfile", str(root / "redis.log")]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


@contextmanager
def redis(tmp: Path) -> Iterator[Redis]:
    """A fresh Redis on loopback, stopped afterwards."""
    if shutil.which("redis-server") is None:
        pytest.skip("Redis is not installed (make servers installs it)")
    root = tmp / "redis"
    root.mkdir(parents=True)
    port = free_port()
    server = Redis(root, port, _spawn_redis(root, port))
    try:
        _wait_port(port, server.process, "redis-server")
        yield server
    finally:
        server.stop()
