"""A server as a real child process: a free port, its output in a log file, a wait until it answers, a stop.

`ServerProcess` runs any command that takes `--port N` (`python -m bot serve`, `python -m rasa_sdk
--actions actions`, `python -m bot actions`) and is shared by the integration and action-server
tests and by the benchmarks that time a real server:

    with ServerProcess([sys.executable, "-m", "bot", "serve"], env, log_path).start("/ready") as server:
        urllib.request.urlopen(server.url + "/search?q=boots")

Each start appends a `==== start N ====` line and the process's output to the log, so a restarted
server's log keeps every start and `log()` reads the latest one. A process that exits while
starting, or does not answer in time, raises `ServerStartError` with the end of its log.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

START_TIMEOUT = 180.0
_LOG_TAIL = 4000


class ServerStartError(RuntimeError):
    """The server process exited, or did not answer, while starting."""


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """One server process on 127.0.0.1 and a free port (the same port on every restart)."""

    def __init__(
        self,
        command: Sequence[str],
        env: Mapping[str, str],
        log_path: Path,
        *,
        port: int | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.command = list(command)
        self.env = dict(env)
        self.log_path = log_path
        self.port = port if port is not None else free_port()
        self.cwd = cwd
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        """The base URL, e.g. http://127.0.0.1:41234."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        """True while the process is alive."""
        return self.proc is not None and self.proc.poll() is None

    def log(self, *, all_starts: bool = False) -> str:
        """The process's output since it was last started (or of every start)."""
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return text if all_starts else text.rpartition(f"==== start {self.starts} ====")[2]

    # -- process -----------------------------------------------------------------------

    def spawn(self) -> Self:
        """Start the process without waiting for anything; its output goes to the log."""
        if self.running:
            raise RuntimeError(f"{self._name} is already running (pid {self.proc.pid})")  # type: ignore[union-attr]
        self.starts += 1
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("a") as log:
            log.write(f"\n==== start {self.starts} ====\n")
            log.flush()
            self.proc = subprocess.Popen(
                [*self.command, "--port", str(self.port)],
                cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        return self

    def start(self, path: str = "/ready", timeout: float = START_TIMEOUT) -> Self:
        """Spawn the process and wait until GET `path` answers 200."""
        self.spawn()
        self.wait_for(path, timeout)
        return self

    def wait_for(
        self, path: str = "/ready", timeout: float = START_TIMEOUT, *, status: int | None = 200, interval: float = 0.2
    ) -> int:
        """Poll GET `path` until it answers `status` (any status when None); the status it answered.

        Raises ServerStartError when the process exits first, or (after killing it) when
        `timeout` seconds pass.
        """
        assert self.proc is not None, "spawn() first"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerStartError(
                    f"{self._name} exited with {self.proc.returncode} before {path} answered:\n{self._tail()}"
                )
            answered = self._status(path)
            if answered is not None and (status is None or answered == status):
                return answered
            time.sleep(interval)
        self.kill()
        raise ServerStartError(f"{self._name} did not answer {path} within {timeout:.0f} s:\n{self._tail()}")

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to finish anything (a crash, a power cut of the process)."""
        if self.running:
            self.proc.send_signal(signal.SIGKILL)  # type: ignore[union-attr]
            self.proc.wait(timeout=30)  # type: ignore[union-attr]

    def stop(self, timeout: float = 30) -> None:
        """A graceful stop (SIGTERM), SIGKILL if it does not exit within `timeout` seconds."""
        if self.running:
            self.proc.terminate()  # type: ignore[union-attr]
            try:
                self.proc.wait(timeout=timeout)  # type: ignore[union-attr]
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    # -- internals ---------------------------------------------------------------------

    @property
    def _name(self) -> str:
        """The command as a person would type it, e.g. `python -m bot serve`."""
        return "`" + " ".join([Path(self.command[0]).name, *self.command[1:]]) + "`"

    def _tail(self) -> str:
        return self.log()[-_LOG_TAIL:]

    def _status(self, path: str) -> int | None:
        """The status GET `path` answers, or None while nothing answers."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as err:
            err.close()
            return err.code
        except (urllib.error.URLError, OSError):
            return None
