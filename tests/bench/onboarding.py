"""Time from a store's catalog file to the assistant's first answer, on a fresh data dir.

Each phase is a real process, as a store owner runs it: `shopbot catalog import` (import
and index), `shopbot serve` until /ready answers, then one shopper message over the REST
channel. Trained models come from the shared model cache, as on any machine where
Shopbot has been set up once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.bench.timing import Say
from tests.support.server_process import ServerProcess


@dataclass(frozen=True)
class CatalogFile:
    """A catalog file and how a store owner imports it."""

    name: str
    path: Path
    import_args: tuple[str, ...]
    question: str


def shared_catalogs(folder: Path) -> list[CatalogFile]:
    """The third-party catalogs in a shared data folder that are present there."""
    amazon = folder / "amazon_in_products.csv"
    dummyjson = folder / "dummyjson_products.json"
    found = []
    if amazon.is_file():
        mapping = ("id=product_id", "title=product_name", "price=discounted_price", "compare_at_price=actual_price",
                   "category=category", "rating=rating", "review_count=rating_count", "description=about_product",
                   "image_url=img_link", "product_url=product_link", "review.text=review_content",
                   "review.title=review_title", "review.author=user_name")  # fmt: skip
        args = ("--format", "csv", *[a for m in mapping for a in ("--map", m)])
        found.append(CatalogFile("Amazon.in CSV", amazon, args, "usb cables under ₹300"))
    if dummyjson.is_file():
        found.append(CatalogFile("DummyJSON", dummyjson, (), "show me lipsticks"))
    return found


def _ask(base: str, text: str) -> list[dict]:
    body = json.dumps({"sender": "onboarding-bench", "message": text}).encode()
    request = urllib.request.Request(base + "/webhooks/rest/webhook", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def time_catalog(catalog: CatalogFile, workdir: Path) -> dict[str, float | str]:
    """Seconds for import + index, start to ready, and the first answer, on a new data dir."""
    data_dir = workdir / "data"
    env = {**os.environ, "SHOPBOT_DATA_DIR": str(data_dir), "SHOPBOT_GENERATOR": "template"}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bot", "catalog", "import", str(catalog.path), *catalog.import_args],
                   env=env, check=True, capture_output=True)  # fmt: skip
    imported = time.perf_counter()
    with ServerProcess([sys.executable, "-m", "bot", "serve"], env, workdir / "server.log") as server:
        # Polled often: the wait is part of what "start to ready" measures.
        server.spawn().wait_for("/ready", timeout=1800, interval=0.1)
        ready = time.perf_counter()
        reply = _ask(server.url, catalog.question)
        answered = time.perf_counter()
    cards = sum(len(m["custom"].get("products", [])) for m in reply if isinstance(m.get("custom"), dict))
    return {"import + index": imported - started, "start to ready": ready - imported,
            "first answer": answered - ready, "total": answered - started, "cards": cards}  # fmt: skip


def run_onboarding(folder: Path, say: Say) -> None:
    """Print the time from file to first answer for each shared catalog present in `folder`."""
    catalogs = shared_catalogs(folder)
    if not catalogs:
        say(f"no catalog files in {folder}")
        return
    say(f"{'catalog':<16}{'import + index':>16}{'start to ready':>16}{'first answer':>14}{'total':>9}")
    for catalog in catalogs:
        with tempfile.TemporaryDirectory(prefix="shopbot-onboarding-") as tmp:
            t = time_catalog(catalog, Path(tmp))
        say(f"{catalog.name:<16}{t['import + index']:>15.1f}s{t['start to ready']:>15.1f}s"
            f"{t['first answer']:>13.2f}s{t['total']:>8.1f}s   ({t['cards']} cards for {catalog.question!r})")  # fmt: skip
