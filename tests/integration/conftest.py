"""Fixtures that run Shopbot as real server processes.

`prepared_data_dir` runs `python -m bot setup` once per session (demo catalog and index, with
the intent model the `shipped` fixture trained). `launch_server` copies that folder and starts
`python -m bot serve` on the copy on a free port with the given extra settings (always template
answers, so replies are deterministic, and an API token); the returned `ShopbotServer` can be
killed with SIGKILL and restarted on the same data dir. `server` is the one shared server most
tests use, each test with its own senders.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.harness import AgentAtConsole, ShopbotServer, server_env


@pytest.fixture(scope="session")
def prepared_data_dir(tmp_path_factory: pytest.TempPathFactory, shipped: Any) -> Path:
    """A data dir after `python -m bot setup`: demo catalog, index, and the session's intent model.

    Servers never run on it: each gets a copy, so one test's conversations and orders never
    leak into another server.
    """
    data = tmp_path_factory.mktemp("prepared") / "data"
    # The intent model this session already trained, so setup does not train its own.
    shutil.copytree(shipped.data_dir / "models", data / "models")
    env = server_env(data)
    setup = subprocess.run(
        [sys.executable, "-m", "bot", "setup"], check=False, env=env, capture_output=True, text=True, timeout=900
    )
    assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
    return data


@pytest.fixture(scope="session")
def launch_server(
    tmp_path_factory: pytest.TempPathFactory, prepared_data_dir: Path
) -> Iterator[Callable[..., ShopbotServer]]:
    """`launch_server(name, **settings)`: a started server on a fresh copy of the prepared data dir.

    Every server still running at the end of the session is stopped.
    """
    launched: list[ShopbotServer] = []

    def launch(name: str, **settings: object) -> ShopbotServer:
        data = tmp_path_factory.mktemp(re.sub(r"\W", "_", name)) / "data"
        shutil.copytree(prepared_data_dir, data, ignore=shutil.ignore_patterns("shopbot.db*"))
        server = ShopbotServer(data, server_env(data, **settings))
        launched.append(server)
        return server.start()

    yield launch
    for server in launched:
        server.stop()


SHARED_AGENT_TOKEN = "shared-desk-token-3390"


@pytest.fixture(scope="session")
def server(launch_server: Callable[..., ShopbotServer]) -> Iterator[ShopbotServer]:
    """The shared server: default limits, template answers, demo orders, and an agent with the
    console open, so a handoff connects the shopper to a person (the "nobody is available"
    path has servers of its own)."""
    shared = launch_server("shared", agent_tokens=f"desk:{SHARED_AGENT_TOKEN}")
    with AgentAtConsole(shared, SHARED_AGENT_TOKEN):
        yield shared
