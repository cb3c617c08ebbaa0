"""The rasa-sdk action server as a real process, and Rasa-format requests to it.

`ActionServer` starts `python -m rasa_sdk --actions actions` (or any other command line that
serves the actions, such as `python -m bot actions`) on a data dir and a free port, waits for
/health, and posts action calls shaped the way Rasa sends them: `next_action`, `sender_id`,
`tracker` (slots, latest_message with text, intent and entities, events, active_loop) and
`domain`. `Catalog` reads the data dir's catalog and orders, for checking what the actions
answered against the store's own records.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.support.server_process import ServerProcess

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "actions" / "rasa_example"
DOMAIN: dict[str, Any] = yaml.safe_load((EXAMPLE / "domain.yml").read_text())
START_TIMEOUT = 120.0


@dataclass
class Result:
    """One /webhook response: status and JSON body, with what a Rasa user sees of it."""

    status: int
    body: Any

    @property
    def events(self) -> list[dict[str, Any]]:
        return self.body["events"]

    @property
    def slots(self) -> dict[str, Any]:
        """The slots the action set (the last value per slot)."""
        return {e["name"]: e["value"] for e in self.events if e["event"] == "slot"}

    @property
    def text(self) -> str:
        return "\n".join(r["text"] for r in self.body["responses"] if r.get("text"))

    @property
    def buttons(self) -> list[str]:
        return [b["title"] for r in self.body["responses"] for b in r.get("buttons", [])]

    @property
    def customs(self) -> list[dict[str, Any]]:
        return [r["custom"] for r in self.body["responses"] if r.get("custom")]

    @property
    def cards(self) -> list[dict[str, Any]]:
        return [p for c in self.customs if c.get("type") == "product_cards" for p in c["products"]]

    @property
    def card_ids(self) -> list[str]:
        return [c["id"] for c in self.cards]


class ActionServer(ServerProcess):
    """One action server process on its own data dir; its log is `actions.log` beside it."""

    def __init__(self, data_dir: Path, env: dict[str, str], command: Sequence[str] | None = None) -> None:
        command = command or [sys.executable, "-m", "rasa_sdk", "--actions", "actions"]
        super().__init__(command, env, data_dir.parent / "actions.log", cwd=REPO)
        self.data_dir = data_dir

    def start(self, path: str = "/health", timeout: float = START_TIMEOUT) -> ActionServer:
        """Start the process and wait until /health answers."""
        return super().start(path, timeout)

    # -- HTTP --------------------------------------------------------------------------

    def _request(self, method: str, path: str, body: Any = None, timeout: float = 120) -> Result:
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        req = urllib.request.Request(self.url + path, data=data, method=method, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as err:
            status, raw = err.code, err.read()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode(errors="replace")
        return Result(status, parsed)

    def get(self, path: str) -> Result:
        return self._request("GET", path)

    def call(
        self,
        action: str,
        text: str = "",
        *,
        intent: str | None = None,
        entities: list[dict[str, Any]] | None = None,
        slots: dict[str, Any] | None = None,
        events: list[dict[str, Any]] | None = None,
        active_loop: str | None = None,
        sender: str = "shopper-1",
        domain: dict[str, Any] | None = None,
    ) -> Result:
        """POST one action call to /webhook, as Rasa would after the shopper wrote `text`."""
        latest = {"text": text, "intent": {"name": intent, "confidence": 0.95} if intent else {}, "entities": entities or []}
        all_events = [{"event": "action", "name": "action_listen"}, {"event": "user", "text": text, "parse_data": latest}]
        tracker = {
            "sender_id": sender,
            "slots": slots or {},
            "latest_message": latest,
            "events": all_events + (events or []),
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": active_loop} if active_loop else {},
            "latest_action_name": "action_listen",
        }
        body = {"next_action": action, "sender_id": sender, "tracker": tracker, "domain": domain or DOMAIN, "version": "3.16.4"}
        return self._request("POST", "/webhook", body)

    def ok(self, action: str, text: str = "", **kwargs: Any) -> Result:
        """A call that must succeed (200)."""
        result = self.call(action, text, **kwargs)
        assert result.status == 200, (action, text, result.status, result.body, self.log()[-3000:])
        return result


class Catalog:
    """The data dir's catalog and orders, read-only: the truth the answers are checked against."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    def _rows(self, db: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        con = sqlite3.connect(f"file:{self.data_dir / db}?mode=ro", uri=True, timeout=10)
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()

    def product(self, product_id: str) -> dict[str, Any]:
        """A product's record, plus `path` (its category path as one string) and `sizes`."""
        rows = self._rows("catalog.db", "SELECT data FROM products WHERE id = ?", (product_id,))
        assert rows, f"no product {product_id} in the catalog"
        data = json.loads(rows[0][0])
        data["path"] = " > ".join(data["category"]) if isinstance(data["category"], list) else data["category"]
        data["sizes"] = {v["size"] for v in data.get("variants", []) if v.get("size")}
        return data

    def order(self, status: str) -> dict[str, Any]:
        """The first demo order with this status."""
        rows = self._rows(
            "shopbot.db", "SELECT number, total, tracking, eta FROM orders WHERE status = ? ORDER BY number", (status,)
        )
        assert rows, f"no demo order with status {status}"
        number, total, tracking, eta = rows[0]
        return {"number": number, "total": total, "tracking": tracking, "eta": eta}
