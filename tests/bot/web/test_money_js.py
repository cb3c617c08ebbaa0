"""The widget and the agent console show money exactly as the chat text does (retrieval/money.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from retrieval.money import format_money

WEB = Path(__file__).resolve().parents[3] / "bot" / "web"
NODE = shutil.which("node")

# Pull the page's own `money` function out of the script and run it on every case.
_HARNESS = r"""
const src = require("fs").readFileSync(process.argv[1], "utf8");
const start = src.search(/ {2}(var|const) MONEY_STYLES/);
const end = src.indexOf("\n  }\n", src.indexOf("function money(")) + 4;
const money = new Function(src.slice(start, end) + "\nreturn money;")();
const cases = JSON.parse(process.argv[2]);
console.log(JSON.stringify(cases.map(([amount, currency]) => money(amount, currency))));
"""
CASES = [
    (12.99, "USD"), (50.0, "USD"), (1299.5, "USD"), (179.0, "INR"), (129999.0, "INR"), (12999999.5, "INR"),
    (12.5, "EUR"), (1299.99, "EUR"), (12.99, "GBP"), (1299.6, "JPY"), (12.5, "CAD"), (49.0, "AUD"),
    (12.5, "CHF"), (1299.0, "SEK"), (0.0, "INR"), (-5.0, "USD"), (0.1, "EUR"),
]  # fmt: skip


@pytest.mark.skipif(NODE is None, reason="node is not installed")
@pytest.mark.parametrize("script", ["static/widget.js", "console/console.js"])
def test_script_formats_money_like_the_server(script: str) -> None:
    run = subprocess.run(
        [NODE, "-e", _HARNESS, str(WEB / script), json.dumps(CASES)], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == [format_money(amount, currency) for amount, currency in CASES]
