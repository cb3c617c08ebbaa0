"""A load generator for the REST channel: N concurrent conversations, each a scripted shopper.

Run it as its own process so the server under test keeps its CPU to itself:

    python -m tests.bench.loadgen --url http://127.0.0.1:8080 --conversations 32 --turns 24

Each conversation sends its messages one after another (a shopper waits for the reply
before typing the next), all conversations at once. It prints one JSON object: turns
answered, errors, wall seconds, turns/s and latency percentiles (overall and per kind of
message). The server should run with a rate limit above what this sends
(SHOPBOT_RATE_LIMIT_PER_MINUTE).

The message mix (`SCRIPTS`) is also what `python -m tests.bench --suite turns` times in-process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass

from retrieval.latency import percentile

WEBHOOK = "/webhooks/rest/webhook"

# kind of message -> what a shopper types; one conversation walks one theme.
_THEMES: list[tuple[str, str, str]] = [
    ("waterproof hiking boots", "under $150", "what is the first one made of?"),
    ("wireless earbuds with noise cancelling", "cheaper", "how long does the battery last on the second one?"),
    ("a travel mug to keep my coffee hot", "under $30", "tell me about the first one"),
    ("red dress", "cheaper", "what is the second one made of?"),
    ("office chair with lumbar support", "under $200", "tell me about the second one"),
    ("frying pan", "cheaper", "is the first one dishwasher safe?"),
    ("dog bed for large dogs", "under $80", "tell me about the first one"),
    ("women's running shoes", "under $100", "what sizes does the first one come in?"),
    ("yoga mat", "cheaper", "is the second one non-slip?"),
    ("bluetooth speaker", "under $60", "is the first one waterproof?"),
]
_POLICY = ["what is your return policy?", "how long does shipping take?", "what payment methods do you accept?"]
# Suggestions for this shopper: the turn reads their profile and runs the recommender.
_RECOMMEND = ("more like this", "what goes with this?", "recommend something",
              "a gift for my dad who likes cooking, under $50")
KINDS = ("search", "refine", "question", "recommend", "compare", "policy", "order")


def _script(i: int) -> list[tuple[str, str]]:
    search, refine, question = _THEMES[i % len(_THEMES)]
    return [
        ("search", search),
        ("refine", refine),
        ("question", question),
        ("recommend", _RECOMMEND[i % len(_RECOMMEND)]),
        ("compare", "compare the first two"),
        ("policy", _POLICY[i % len(_POLICY)]),
        ("order", f"where is my order {10001 + (i * 7) % 40}?"),  # demo orders are 10001-10040
    ]


SCRIPTS: list[list[tuple[str, str]]] = [_script(i) for i in range(len(_THEMES))]


def turns_of(conversation: int, count: int) -> list[tuple[str, str]]:
    """The first `count` (kind, text) messages of conversation number `conversation` (scripts repeat)."""
    script = SCRIPTS[conversation % len(SCRIPTS)]
    return [script[t % len(script)] for t in range(count)]


@dataclass
class _Tally:
    latencies: dict[str, list[float]]
    errors: list[str]


async def _conversation(session, url: str, sender: str, turns: list[tuple[str, str]], warmup: int, tally: _Tally) -> None:
    import aiohttp

    for n, (kind, text) in enumerate([("warmup", "hi")] * warmup + turns):
        started = time.perf_counter()
        try:
            async with session.post(url, json={"sender": sender, "message": text}) as response:
                body = await response.json(content_type=None)
                ok = response.status == 200 and isinstance(body, list) and bool(body)
                problem = f"HTTP {response.status}: {str(body)[:200]}"
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            ok, problem = False, f"{type(exc).__name__}: {exc}"
        seconds = time.perf_counter() - started
        if n < warmup:
            continue
        if ok:
            tally.latencies[kind].append(seconds)
        else:
            tally.errors.append(f"{kind} {text!r}: {problem}")


async def run_load(url: str, conversations: int, turns: int, warmup: int = 1, timeout: float = 60.0) -> dict[str, object]:
    """Drive `conversations` concurrent scripted conversations of `turns` messages; the figures as a dict."""
    import aiohttp

    endpoint = url.rstrip("/") + WEBHOOK
    run = uuid.uuid4().hex[:8]
    tally = _Tally(defaultdict(list), [])
    connector = aiohttp.TCPConnector(limit=conversations)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        # Everyone says hello first (untimed): the server's first model calls warm up, and
        # the timed part starts with every conversation open.
        if warmup:
            await asyncio.gather(
                *(_conversation(session, endpoint, f"load-{run}-{i}", [], warmup, tally) for i in range(conversations))
            )
        cpu = time.process_time()
        started = time.perf_counter()
        await asyncio.gather(
            *(
                _conversation(session, endpoint, f"load-{run}-{i}", turns_of(i, turns), 0, tally)
                for i in range(conversations)
            )
        )
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
    every = [s for values in tally.latencies.values() for s in values]
    ms = [s * 1000 for s in every]
    return {
        "url": endpoint,
        "conversations": conversations,
        "turns": len(every),
        "errors": len(tally.errors),
        "error_samples": tally.errors[:5],
        "seconds": round(seconds, 3),
        "turns_per_s": round(len(every) / seconds, 1) if seconds else 0.0,
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "p99_ms": round(percentile(ms, 99), 1),
        "by_kind": {
            kind: {
                "turns": len(tally.latencies[kind]),
                "p50_ms": round(percentile([s * 1000 for s in tally.latencies[kind]], 50), 1),
                "p95_ms": round(percentile([s * 1000 for s in tally.latencies[kind]], 95), 1),
            }
            for kind in KINDS
            if tally.latencies.get(kind)
        },
        "loadgen_cpu_s": round(cpu, 2),
    }


def main(argv: list[str] | None = None) -> int:
    """Command line: run the load and print the figures as JSON."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.loadgen", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8080", help="The server's base URL.")
    parser.add_argument("--conversations", type=int, default=32, help="Concurrent conversations (default 32).")
    parser.add_argument("--turns", type=int, default=24, help="Timed messages per conversation (default 24).")
    parser.add_argument("--warmup", type=int, default=1, help="Untimed greetings per conversation first (default 1).")
    parser.add_argument("--timeout", type=float, default=60.0, help="Seconds one request may take (default 60).")
    args = parser.parse_args(argv)
    if args.conversations < 1 or args.turns < 1 or args.warmup < 0:
        parser.error("--conversations and --turns must be at least 1, --warmup at least 0")
    try:
        result = asyncio.run(run_load(args.url, args.conversations, args.turns, args.warmup, args.timeout))
    except KeyboardInterrupt:
        return 130
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0 if result["turns"] else 1


if __name__ == "__main__":
    sys.exit(main())
