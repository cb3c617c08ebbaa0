"""`shopbot actions` serves the same actions with the CLI's settings."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.actions.conftest import copy_data_dir
from tests.actions.harness import ActionServer
from tests.integration.harness import server_env

pytestmark = pytest.mark.slow


def test_shopbot_actions_serves_the_data_dir_given_on_the_command_line(tmp_path: Path, prepared_data_dir: Path) -> None:
    data = copy_data_dir(prepared_data_dir, tmp_path)
    env = server_env(data)
    del env["SHOPBOT_DATA_DIR"]  # only --data-dir says where the catalog is
    server = ActionServer(data, env, command=[sys.executable, "-m", "bot", "--data-dir", str(data), "actions"]).start()
    try:
        assert {a["name"] for a in server.get("/actions").body} >= {"action_search_products", "action_order_status"}
        result = server.ok("action_order_status", "where is order #10001?", intent="order_status")
        assert "Order 10001" in result.text
        assert (data / "shopbot.db").exists()  # the orders were seeded where --data-dir points
    finally:
        server.stop()
