"""Latency of one Rasa action call through the real action server, against a bare in-process search.

    python -m tests.bench --suite actions              # on the configured data dir (after `shopbot setup`)
    python -m tests.bench.actions [--calls 50]         # the same

Starts `python -m rasa_sdk --actions actions` on the data dir, makes one call to open the
resources (timed separately: it is the once-per-process start-up), then times `--calls`
`action_search_products` calls over one kept-alive HTTP connection, as Rasa's client
makes them. The baseline is `ProductSearch.search` on the same queries in this process,
so the ratio is what the action server (HTTP, JSON, NLU parse, dialogue, template
answer, slot mapping) adds on top of the search itself, on the same machine in the same run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retrieval.latency import Latency
from tests.bench.timing import Say
from tests.support.server_process import ServerProcess

if TYPE_CHECKING:
    from bot.config import Settings

QUERIES = (
    "waterproof hiking boots under $120", "red dress under $60 in size M", "insulated travel mug",
    "wireless earbuds with noise cancelling", "a floor lamp for reading", "building blocks for kids",
    "cast iron pan under $50", "running shoes in size 10", "a warm blanket", "bluetooth speaker",
)  # fmt: skip
REPO = Path(__file__).resolve().parents[2]


def _body(text: str) -> bytes:
    latest = {"text": text, "intent": {"name": "product_search", "confidence": 0.95}, "entities": []}
    tracker = {"sender_id": "bench", "slots": {}, "latest_message": latest, "paused": False, "active_loop": {},
               "events": [{"event": "user", "text": text, "parse_data": latest}], "latest_action_name": "action_listen"}  # fmt: skip
    call = {"next_action": "action_search_products", "sender_id": "bench", "tracker": tracker, "domain": {"slots": {}}}
    return json.dumps(call).encode()


def _post(conn: http.client.HTTPConnection, text: str) -> float:
    started = time.perf_counter()
    conn.request("POST", "/webhook", _body(text), {"Content-Type": "application/json"})
    resp = conn.getresponse()
    payload = json.loads(resp.read())
    elapsed = time.perf_counter() - started
    if resp.status != 200 or not payload["responses"]:
        raise RuntimeError(f"action call failed: {resp.status} {payload}")
    return elapsed


def run(settings: Settings, calls: int = 50) -> dict[str, Any]:
    """Time `calls` action calls and as many bare searches; returns the figures."""
    from bot.services import open_search

    # Template answers, as in the turn bench: the figure is the action server's own cost.
    env = {**os.environ, "SHOPBOT_DATA_DIR": str(settings.data_dir.resolve()), "SHOPBOT_GENERATOR": "template",
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}  # fmt: skip
    log_path = settings.data_dir / "bench_actions.log"
    log_path.unlink(missing_ok=True)  # this run's action server only
    command = [sys.executable, "-m", "rasa_sdk", "--actions", "actions"]
    with ServerProcess(command, env, log_path, cwd=REPO) as server:
        server.start("/health", timeout=120)
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
        first = _post(conn, QUERIES[0])  # opens the resources: once per process
        for q in QUERIES:  # warm caches the way a running server's are
            _post(conn, q)
        action = [_post(conn, QUERIES[i % len(QUERIES)]) for i in range(calls)]
    search, _ = open_search(settings)
    for q in QUERIES:
        search.search(q, k=40)
    bare = []
    for i in range(calls):
        started = time.perf_counter()
        search.search(QUERIES[i % len(QUERIES)], k=40)
        bare.append(time.perf_counter() - started)
    search.store.close()
    through, baseline = Latency.of(action), Latency.of(bare)
    figures = {
        "calls": calls,
        "first_call_s": round(first, 2),
        "action_p50_ms": round(through.p50, 1),
        "action_p95_ms": round(through.p95, 1),
        "search_p50_ms": round(baseline.p50, 1),
        "search_p95_ms": round(baseline.p95, 1),
    }
    figures["ratio_p50"] = round(figures["action_p50_ms"] / figures["search_p50_ms"], 2)
    return figures


def report(figures: dict[str, Any], say: Say) -> None:
    """Print the figures."""
    say(f"first call (opens catalog, index, models): {figures['first_call_s']} s")
    say(f"action_search_products over HTTP, {figures['calls']} calls: p50 {figures['action_p50_ms']} ms, p95 {figures['action_p95_ms']} ms")
    say(f"bare ProductSearch.search, same queries:   p50 {figures['search_p50_ms']} ms, p95 {figures['search_p95_ms']} ms")
    say(f"ratio (p50 action / p50 search): {figures['ratio_p50']}x")


def main() -> None:
    """Command line: print the figures."""
    from bot.config import load_settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=50)
    report(run(load_settings(), parser.parse_args().calls), print)


if __name__ == "__main__":
    main()
