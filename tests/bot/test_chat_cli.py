"""`shopbot chat` as a shopper uses it: a real process on a prepared data dir, messages piped in."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CARD = re.compile(
    r"^   - (?P<title>.+?) · (?P<price>[$€£][\d,]+(?:\.\d\d)?)(?: \(was [^)]*\))? · (?P<rating>[^·]+) · "
    r"(?P<stock>in stock|out of stock)$"
)
QUICK = re.compile(r"\[(\d+)\] (.+?)(?=\s{2}\[\d+\]|$)")
SENDER = "shopper-1"


def _env(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPBOT_") and k != "OPENAI_API_KEY"}
    env["SHOPBOT_DATA_DIR"] = str(data)
    env["SHOPBOT_MODEL_CACHE"] = os.environ["SHOPBOT_MODEL_CACHE"]  # the test's own, never the developer's
    return env


def chat(data: Path, *lines: str, args: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--generator", "template", "--sender", SENDER, *args],
        input="".join(line + "\n" for line in lines), capture_output=True, text=True, env=_env(data), timeout=300,
        check=False,
    )  # fmt: skip


class Turn:
    """One exchange as printed: the echoed message, the reply, its cards and quick replies."""

    def __init__(self, lines: list[str]) -> None:
        self.said = lines[0].removeprefix("you: ")
        self.lines = lines[1:]
        self.text = "\n".join(lines[1:])
        self.cards = [m.groupdict() for m in map(CARD.match, self.lines) if m]
        quick = [line for line in self.lines if line.lstrip().startswith("[1] ")]
        self.quick = [title for _, title in QUICK.findall(quick[-1].strip())] if quick else []

    def prices(self) -> list[float]:
        return [float(c["price"][1:].replace(",", "")) for c in self.cards]


def turns(stdout: str) -> list[Turn]:
    blocks: list[list[str]] = []
    for line in stdout.splitlines():
        if line.startswith("you: "):
            blocks.append([line])
        elif blocks:
            blocks[-1].append(line)
    return [Turn(b) for b in blocks]


@pytest.fixture(scope="module")
def data(tmp_path_factory, shipped) -> Path:
    data = tmp_path_factory.mktemp("chat") / "data"
    # The intent model this session already trained, so nothing trains again here.
    shutil.copytree(shipped.data_dir / "models", data / "models")
    setup = subprocess.run(
        [sys.executable, "-m", "bot", "setup"], env=_env(data), capture_output=True, text=True, timeout=600, check=False
    )
    assert setup.returncode == 0, setup.stderr
    return data


@pytest.fixture(scope="module")
def first_run(data: Path) -> subprocess.CompletedProcess[str]:
    return chat(
        data,
        "hi",
        "x" * 2500,
        "waterproof hiking boots",
        "cheaper",
        "tell me about the second one",
        "1",
        "1",
        "/quit",
        "what's in my cart?",
    )


def test_a_piped_conversation_reads_like_a_chat(first_run: subprocess.CompletedProcess[str]) -> None:
    assert first_run.returncode == 0, first_run.stderr
    assert "Traceback" not in first_run.stdout + first_run.stderr
    assert f"conversation terminal:{SENDER} (new)" in first_run.stdout
    hi, too_long, search, cheaper, about, pick, size = turns(first_run.stdout)

    assert hi.text.startswith("bot: Hi!") and hi.quick  # departments offered as quick replies
    # A message the channel refuses is one line, and the chat goes on.
    assert too_long.text == "error: the message is 2,500 characters long; the limit is 2,000"

    # A search shows compact product lines with prices, and numbered quick replies.
    assert search.text.startswith("bot: ") and "Hiking Boots" in search.text
    assert len(search.cards) == 5 and all(c["price"].startswith("$") for c in search.cards)
    assert all("hiking boots" in c["title"].lower() for c in search.cards)
    assert search.quick[:2] == ["Show more", "Cheaper"]
    assert re.search(r"^\s+\[1\] Show more  \[2\] Cheaper  \[3\] Compare the first two$", search.text, re.MULTILINE)

    # "cheaper": everything shown now costs less than the cheapest boot shown before.
    assert len(cheaper.cards) >= 2 and max(cheaper.prices()) < min(search.prices())

    # "the second one" is the second product of the list on screen.
    second = cheaper.cards[1]
    assert [c["title"] for c in about.cards] == [second["title"]]
    assert about.text.startswith(f"bot: {second['title']}: {second['price']}")

    # A number picks that quick reply, and the echo says which.
    assert about.quick[0] == "Add to cart"
    assert pick.said == "1 → Add to cart"
    assert f"Which size would you like for the {second['title']}?" in pick.text
    assert size.said == f"1 → {pick.quick[0]}"
    assert f"Added the {second['title']} (size {pick.quick[0]}) to your cart." in size.text

    # /quit ends the chat: the line after it is never answered.
    assert "what's in my cart" not in first_run.stdout


def test_the_next_run_continues_the_conversation(data: Path, first_run: subprocess.CompletedProcess[str]) -> None:
    added = turns(first_run.stdout)[4].cards[0]["title"]
    again = chat(data, "what's in my cart?")
    assert again.returncode == 0, again.stderr
    assert f"continuing terminal:{SENDER}" in again.stdout
    assert "[1] Show my cart  [2] Check out" in again.stdout  # the last reply's quick replies, still numbered
    (cart,) = turns(again.stdout)
    assert added in cart.text and "1 item" in cart.text


def test_new_starts_another_conversation(data: Path, first_run: subprocess.CompletedProcess[str]) -> None:
    fresh = chat(data, "what's in my cart?", args=("--new",))
    assert fresh.returncode == 0, fresh.stderr
    assert re.search(rf"conversation terminal:{SENDER}-\S+ \(new\)", fresh.stdout)
    (cart,) = turns(fresh.stdout)
    assert "Your cart is empty." in cart.text


def _as_a_background_job() -> None:
    """Start the chat as shells and CI runners start background jobs: SIGINT ignored and blocked."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize("during_turn", [False, True], ids=["between-turns", "mid-turn"])
def test_ctrl_c_leaves_cleanly(data: Path, during_turn: bool) -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "bot", "chat", "--generator", "template", "--new"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(data),
        preexec_fn=_as_a_background_job,
    ) as proc:  # fmt: skip
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        lines: queue.Queue[str] = queue.Queue()
        reader = threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True)  # type: ignore[union-attr]
        reader.start()
        # stderr is drained as it comes: a full pipe would block the process on its next log line.
        errors: list[str] = []
        drain = threading.Thread(target=lambda: errors.extend(proc.stderr), daemon=True)  # type: ignore[arg-type]
        drain.start()
        try:
            proc.stdin.write("hi\n")
            proc.stdin.flush()
            deadline = time.monotonic() + 120
            seen = ""
            while "[1]" not in seen:  # the greeting's quick replies: the chat now waits for the next line
                seen = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            if during_turn:  # the key lands while a search is being answered
                proc.stdin.write("show me running shoes under $100\n")
                proc.stdin.flush()
                while not seen.startswith("you: show me"):
                    seen = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            proc.send_signal(signal.SIGINT)
            assert proc.wait(timeout=60) == 0
            drain.join(timeout=10)
            err = "".join(errors)
            assert "Traceback" not in err and "bye" in err
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            reader.join(timeout=10)
