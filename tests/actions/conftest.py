"""One action server process for the module's tests, on a copy of the session's prepared data dir."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.actions.harness import ActionServer, Catalog
from tests.integration.conftest import prepared_data_dir  # noqa: F401 - the fixture, shared with the integration tests
from tests.integration.harness import server_env


def copy_data_dir(source: Path, target_parent: Path) -> Path:
    """A fresh data dir: the prepared catalog, index and model; no conversations or orders yet."""
    data = target_parent / "data"
    shutil.copytree(source, data, ignore=shutil.ignore_patterns("shopbot.db*"))
    return data


@pytest.fixture(scope="session")
def action_server(tmp_path_factory: pytest.TempPathFactory, prepared_data_dir: Path) -> Iterator[ActionServer]:  # noqa: F811
    """`python -m rasa_sdk --actions actions` on its own data dir (template answers, as in the integration tests)."""
    data = copy_data_dir(prepared_data_dir, tmp_path_factory.mktemp("actions"))
    server = ActionServer(data, server_env(data)).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def catalog(action_server: ActionServer) -> Catalog:
    """The action server's catalog and (after its first call) demo orders."""
    return Catalog(action_server.data_dir)
