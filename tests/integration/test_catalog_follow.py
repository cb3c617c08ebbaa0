"""A running server follows an import: `shopbot catalog import` in another process publishes a
new index version, and the server shows the new product to shoppers without a restart."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.integration.harness import ShopbotServer, unique_sender

pytestmark = pytest.mark.slow

BOARD = {
    "id": "NEW-SUP-1",
    "title": "Wavecrest Inflatable Stand-Up Paddle Board",
    "description": "A 10 ft inflatable stand-up paddle board with a pump, a leash and an adjustable paddle.",
    "brand": "Wavecrest",
    "category": ["Sports", "Water Sports", "Paddle Boards"],
    "price": 349.0,
    "currency": "USD",
}


def _search_ids(server: ShopbotServer, query: str) -> list[str]:
    response = server.request("GET", f"/search?q={query.replace(' ', '+')}&k=5")
    assert response.status == 200, response.body
    return [hit["id"] for hit in response.body]


def test_an_imported_product_is_served_without_a_restart(
    launch_server: Callable[..., ShopbotServer], tmp_path: Path
) -> None:
    server = launch_server("follow", index_poll_seconds=0.5)
    pid = server.proc.pid if server.proc else None
    assert "NEW-SUP-1" not in _search_ids(server, "inflatable paddle board")

    feed = tmp_path / "new.jsonl"
    feed.write_text(json.dumps(BOARD) + "\n", encoding="utf-8")
    imported = subprocess.run(
        [sys.executable, "-m", "bot", "catalog", "import", str(feed)],
        env=server.env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert imported.returncode == 0, imported.stdout[-2000:] + imported.stderr[-2000:]

    deadline = time.monotonic() + 30
    while "NEW-SUP-1" not in _search_ids(server, "inflatable paddle board") and time.monotonic() < deadline:
        time.sleep(0.3)
    assert _search_ids(server, "inflatable paddle board")[0] == "NEW-SUP-1"
    assert server.proc is not None and server.proc.pid == pid  # the same process, never restarted

    # A shopper asking for it sees it with the catalog's price, and the brand is a word the bot now knows.
    reply = server.send(unique_sender("follow"), "do you have a Wavecrest paddle board?")
    assert "NEW-SUP-1" in reply.card_ids
    assert reply.cards[reply.card_ids.index("NEW-SUP-1")]["price"] == 349.0
