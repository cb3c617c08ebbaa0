"""What a starting server still loads, for `GET /ready`: named steps, their progress, or the error.

The server binds its port first and loads in the background (bot/app.py), so a
supervisor sees a live process at once and `/ready` says what it is waiting for:
`["catalog and index (encoding 300 of 1200 products)", "intent model"]`. Progress
callbacks run on worker threads (model training, index encoding), so every change takes
a lock; they also stop a long step early when the server is shutting down.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass


class LoadingCancelledError(Exception):
    """The server is shutting down: a long loading step (training, encoding) stops here."""


@dataclass
class _Step:
    order: int
    detail: str = ""


class LoadingStatus:
    """Loading steps still pending, then ready, or failed with a readable error."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[str, _Step] = {}
        self._ready = False
        self._error: str | None = None
        self._cancelled = False
        self._on_failure: list[Callable[[], None]] = []

    # -- the loader's side ---------------------------------------------------------------

    def expect(self, *names: str, order: int = 0) -> None:
        """Declare steps still to come; lower `order` lists first (the server's own last steps use a higher one)."""
        with self._lock:
            for name in names:
                self._pending.setdefault(name, _Step(order))

    def report(self, name: str, detail: str) -> None:
        """Say how far a step is (shown in brackets after its name).

        Raises LoadingCancelledError once the server is shutting down, so a progress
        callback inside a long step (training) ends that step at its next call.
        """
        with self._lock:
            if self._cancelled:
                raise LoadingCancelledError(f"stopped while loading the {name}: the server is shutting down")
            self._pending.setdefault(name, _Step(0)).detail = detail

    def progress(self, name: str, template: str) -> Callable[[int, int], None]:
        """A `progress(done, total)` callback reporting `template.format(done=…, total=…)` for `name`."""
        return lambda done, total: self.report(name, template.format(done=done, total=total))

    def done(self, name: str) -> None:
        """A step finished."""
        with self._lock:
            self._pending.pop(name, None)

    def finish(self) -> None:
        """Everything is loaded: the server is ready."""
        with self._lock:
            self._pending.clear()
            self._ready = True

    def fail(self, error: str) -> None:
        """Loading stopped with this error (written for the person running the server)."""
        with self._lock:
            self._error = error
            hooks = list(self._on_failure)
        for hook in hooks:
            hook()

    def on_failure(self, hook: Callable[[], None]) -> None:
        """Call `hook()` (on the event loop) when loading fails; `shopbot serve` stops the server."""
        self._on_failure.append(hook)

    def cancel(self) -> None:
        """The server is shutting down: the next progress report stops its step."""
        with self._lock:
            self._cancelled = True

    # -- the reader's side (/ready, the gate on other routes) ----------------------------

    @property
    def ready(self) -> bool:
        """Everything is loaded."""
        return self._ready

    @property
    def error(self) -> str | None:
        """Why loading failed, or None."""
        return self._error

    @property
    def waiting_for(self) -> list[str]:
        """The steps still pending, in order, each with its progress when known."""
        with self._lock:
            steps = sorted(self._pending.items(), key=lambda item: item[1].order)  # stable: declaration order within an order
            listed = [f"{name} ({step.detail})" if step.detail else name for name, step in steps]
        return listed if listed or self._ready else ["starting"]
