"""The server as a real process: it starts on a prepared data dir and answers search over HTTP."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, body: bytes | None = None) -> tuple[int, object]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


@pytest.fixture(scope="module")
def server(tmp_path_factory, shipped) -> Iterator[str]:
    data = tmp_path_factory.mktemp("server") / "data"
    # The intent model this session already trained, so the server need not train its own.
    shutil.copytree(shipped.data_dir / "models", data / "models")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPBOT_")}
    env["SHOPBOT_DATA_DIR"] = str(data)
    setup = subprocess.run([sys.executable, "-m", "bot", "setup"], env=env, capture_output=True, text=True, timeout=600)
    assert setup.returncode == 0, setup.stderr
    port = _free_port()
    log_path = data.parent / "server.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if _get(base + "/ready")[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError):
                pass
            assert proc.poll() is None, log_path.read_text()
            time.sleep(0.3)
        else:
            pytest.fail("server did not become ready in 120 s")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def test_health_and_ready(server: str) -> None:
    assert _get(server + "/health") == (200, {"status": "ok"})
    status, body = _get(server + "/ready")
    assert status == 200 and body["products"] >= 1000  # the demo catalog was imported by setup


def test_search_over_http_with_filters(server: str) -> None:
    status, hits = _get(server + "/search?q=hiking%20boots&max_price=100&in_stock=true&k=5")
    assert status == 200 and 0 < len(hits) <= 5  # type: ignore[arg-type]
    assert all(h["price"] <= 100 and h["in_stock"] for h in hits)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("q=boots&max_price=cheap", "max_price"),
        ("q=boots&min_price=90&max_price=10", "above max_price"),
        ("q=boots&colour=red", "unknown parameter(s): colour"),
        ("q=boots&k=0", "k must be"),
        ("q=boots&mode=magic", "mode must be"),
    ],
)
def test_bad_requests_get_400_with_a_reason(server: str, query: str, message: str) -> None:
    status, body = _get(f"{server}/search?{query}")
    assert status == 400 and message in body["error"]  # type: ignore[index]


def test_unknown_path_is_a_json_404(server: str) -> None:
    assert _get(server + "/nope") == (404, {"error": "Not Found"})


def test_parse_understands_a_message(server: str) -> None:
    status, body = _get(server + "/model/parse", json.dumps({"text": "where is my order #48213?"}).encode())
    assert status == 200 and body["intent"] == "order_status"  # type: ignore[index]
    assert {"type": "order_number", "value": "48213"}.items() <= body["entities"][0].items()  # type: ignore[index]


@pytest.mark.parametrize(
    ("body", "message"),
    [(b"not json", "must be JSON"), (b'{"txt": "hi"}', "'text' is required"), (b'["hi"]', "'text' is required")],
)
def test_parse_rejects_bad_bodies_with_a_reason(server: str, body: bytes, message: str) -> None:
    status, reply = _get(server + "/model/parse", body)
    assert status == 400 and message in reply["error"]  # type: ignore[index]
