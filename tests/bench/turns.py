"""Turn benchmarks: how long one conversational turn takes, and how many turns a server answers.

(a) Latency: scripted conversations (search, refine, product question, compare, policy,
order status; `tests.bench.loadgen.SCRIPTS`) through `Assistant.reply` in this process, with the
template generator, at each catalog size. Each figure is also given as a ratio to one bare
`ProductSearch.search` measured in the same run, since absolute times on a shared machine
are noise. A second, instrumented pass says where a turn's time goes.

(b) Throughput: `python -m bot serve` on the 1,000-product catalog and `python -m tests.bench.loadgen`
with 32 concurrent conversations, as two separate processes talking over loopback.

Catalogs are generated (`catalog.generate`) into `<data_dir>/bench/turns-<n>/`, encoded
once and reused by later runs; the conversation database there is started afresh on
every run so runs compare.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.config import Settings
from retrieval.latency import percentile
from tests.bench.loadgen import KINDS, SCRIPTS
from tests.bench.timing import Say
from tests.support.server_process import ServerProcess

TARGET_P50_MS = 30.0
TARGET_TURNS_PER_S = 100.0
THROUGHPUT_SIZE = 1000
CONVERSATIONS = 32
LOAD_TURNS = 24  # per conversation: 768 timed turns
ROUNDS = 2  # in-process: every script this many times (140 timed turns)
REPO = Path(__file__).resolve().parents[2]  # where `python -m tests.bench.loadgen` is found


@dataclass
class TurnFigures:
    """What the latency pass measured at one catalog size."""

    products: int
    index: str
    opened_s: float
    search_p50_ms: float
    turn_ms: dict[str, list[float]]
    stages: dict[str, float] = field(default_factory=dict)  # mean ms per turn
    stage_calls: dict[str, float] = field(default_factory=dict)  # calls per turn

    def p(self, q: float, kind: str | None = None) -> float:
        values = self.turn_ms[kind] if kind else [v for vs in self.turn_ms.values() for v in vs]
        return percentile(values, q)


# -- preparing a catalog --------------------------------------------------------------------


def bench_dir(settings: Settings, n: int) -> Path:
    """Where the n-product turn-bench catalog lives."""
    return settings.data_dir / "bench" / f"turns-{n}"


def _line_progress(label: str, unit: str = "products") -> Callable[[int, int], None]:
    """A progress(done, total) callback printing a line to stderr every ~10 s and at the end."""
    started = time.perf_counter()
    last = [0.0]

    def update(done: int, total: int) -> None:
        now = time.perf_counter()
        if done < total and now - last[0] < 10:
            return
        last[0] = now
        rate = done / max(now - started, 1e-9)
        left = (total - done) / rate if rate else 0.0
        eta = f", ~{left / 60:.1f} min left" if done < total else f", done in {now - started:.0f} s"
        print(f"  {label}: {done:,} / {total:,} {unit} ({rate:.0f}/s{eta})", file=sys.stderr, flush=True)

    return update


def prepare_catalog(settings: Settings, n: int, say: Say) -> Settings:
    """Settings for the n-product bench data dir: catalog imported, index built, intent model
    in place (each only when missing); the conversation database starts empty."""
    from bot.services import intent_model_dir, load_intent_model, locate_intent_model, open_search
    from retrieval.store import CatalogStore

    folder = bench_dir(settings, n)
    bench = settings.model_copy(update={"data_dir": folder, "generator": "template"})
    folder.mkdir(parents=True, exist_ok=True)
    with CatalogStore(bench.catalog_db) as store:
        have = store.count()
    if have != n:
        if have:  # a different or interrupted catalog: start this one again
            say(f"  {folder}: {have:,} products, not {n:,}; rebuilding")
            (bench.catalog_db).unlink()
            shutil.rmtree(bench.index_dir, ignore_errors=True)
        _import(bench, n, say)
    with CatalogStore(bench.catalog_db) as store:
        started = time.perf_counter()
        search, report = open_search(bench, store=store, progress=_line_progress(f"encoding {n:,} products"))
        if report.encoded:
            seconds = time.perf_counter() - started
            say(f"  index: encoded {report.encoded:,} products in {seconds:.0f} s ({report.encoded / seconds:.0f}/s), {report.kind}")
        del search
    # The intent model the main data dir uses (trained into the shared model cache first if
    # missing): a cached one the bench data dir finds by itself, a data dir's own is copied in.
    load_intent_model(settings, progress=_line_progress("training the intent model", "steps"))
    main_model = intent_model_dir(settings)
    target = intent_model_dir(bench)
    meta = "shopbot_intent.json"
    own = locate_intent_model(settings) == main_model
    if own and (not (target / meta).is_file() or (target / meta).read_bytes() != (main_model / meta).read_bytes()):
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(main_model, target)
    # A fresh conversation database per run: earlier runs' turns must not slow this one.
    for suffix in ("", "-wal", "-shm"):
        Path(str(bench.conversations_db) + suffix).unlink(missing_ok=True)
    return bench


def _import(bench: Settings, n: int, say: Say) -> None:
    from catalog.generate import generate_products
    from retrieval.catalog import Product
    from retrieval.store import CatalogStore

    say(f"  generating and importing {n:,} products into {bench.data_dir} (first run only)…")
    started = time.perf_counter()
    products = [Product.model_validate(p) for p in generate_products(n)]
    with CatalogStore(bench.catalog_db) as store:
        store.upsert_many(products)
    say(f"  imported {n:,} products in {time.perf_counter() - started:.1f} s")
    if n >= 20_000:
        say(f"  encoding {n:,} products takes a while (~370 products/s on 2 cores: ~{n / 370 / 60:.0f} min); progress on stderr")


# -- (a) latency, in process ----------------------------------------------------------------


async def _latency(bench: Settings, n: int, rounds: int) -> TurnFigures:
    from bot.assistant import Message
    from bot.metrics import shopbot_metrics
    from bot.services import open_assistant

    executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="shopbot-model")
    started = time.perf_counter()
    parts = await open_assistant(bench, executor, shopbot_metrics())
    opened = time.perf_counter() - started
    turn_log = logging.getLogger("bot.assistant")
    level = turn_log.level
    turn_log.setLevel(logging.WARNING)  # one INFO line per turn would bury the report
    try:
        search = parts.search
        # Baseline: the bare search a search turn makes (hybrid, k=40, no filters).
        queries = [script[0][1] for script in SCRIPTS]
        for q in queries:
            search.search(q, k=40)
        base = []
        for _ in range(5):
            for q in queries:
                t = time.perf_counter()
                search.search(q, k=40)
                base.append(time.perf_counter() - t)
        assistant = parts.assistant
        run = uuid.uuid4().hex[:6]

        async def conversation(i: int, tag: str, timed: dict[str, list[float]] | None, each: Callable[[], None] | None = None) -> None:
            sender = f"bench-{run}-{tag}-{i}"
            for kind, text in SCRIPTS[i % len(SCRIPTS)]:
                if each:
                    each()
                t = time.perf_counter()
                replies = await assistant.reply(Message(sender=sender, text=text, channel="bench"))
                seconds = time.perf_counter() - t
                if not replies:
                    raise RuntimeError(f"no reply to {text!r}")
                if timed is not None:
                    timed[kind].append(seconds * 1000)

        # Warm-up: the first model calls and SQLite pages are slow once.
        for i in range(len(SCRIPTS)):
            await conversation(i, "warm", None)
        turn_ms: dict[str, list[float]] = defaultdict(list)
        for r in range(rounds):
            for i in range(len(SCRIPTS)):
                await conversation(i, f"r{r}", turn_ms)
        figures = TurnFigures(
            n, search.index.vectors.kind, opened, statistics.median(base) * 1000, {k: turn_ms[k] for k in KINDS}
        )
        # Second pass, instrumented: where the time of a turn goes.
        with _instrumented(parts) as stages:
            turns = 0
            for i in range(len(SCRIPTS)):
                await conversation(i, "probe", None, stages.new_turn)
                turns += len(SCRIPTS[i])
            stages.new_turn()
        figures.stages = {k: v / turns for k, v in stages.total_ms.items()}
        figures.stage_calls = {k: v / turns for k, v in stages.calls.items()}
        figures.stages["turn"] = stages.turn_ms / turns
        return figures
    finally:
        turn_log.setLevel(level)
        await parts.close()
        executor.shutdown(wait=True)


@dataclass
class _Stages:
    total_ms: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    calls: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    turn_ms: float = 0.0
    _started: float | None = None

    def add(self, stage: str, seconds: float) -> None:
        self.total_ms[stage] += seconds * 1000
        self.calls[stage] += 1

    def new_turn(self) -> None:
        now = time.perf_counter()
        if self._started is not None:
            self.turn_ms += (now - self._started) * 1000
        self._started = now


STAGES = (
    "nlu (await, incl. batching window)",
    "nlu model (intent + entities)",
    "  of which intent classifier (BERT)",
    "  of which entity extraction",
    "dialogue plan (incl. search)",
    "search (ProductSearch.search)",
    "  of which query encoding (MiniLM)",
    "catalog get_many (also inside search)",
    "product Q&A sentence encoding (MiniLM)",
    "answer (template + checks)",
    "conversation store (SQLite)",
)


@contextmanager
def _instrumented(parts: Any) -> Iterator[_Stages]:
    """Time the stages of a turn by wrapping this assistant's parts (instance attributes only)."""
    stages = _Stages()
    assistant = parts.assistant
    patched: list[tuple[Any, str]] = []

    def wrap_sync(obj: Any, name: str, stage: str) -> None:
        original = getattr(obj, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                stages.add(stage, time.perf_counter() - t)

        setattr(obj, name, timed)
        patched.append((obj, name))

    def wrap_async(obj: Any, name: str, stage: str) -> None:
        original = getattr(obj, name)

        async def timed(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                stages.add(stage, time.perf_counter() - t)

        setattr(obj, name, timed)
        patched.append((obj, name))

    def wrap_stream(obj: Any, name: str, stage: str) -> None:
        original = getattr(obj, name)

        async def timed(*args: Any, **kwargs: Any) -> AsyncIterator[Any]:
            spent = 0.0  # time inside the generator, not in the consumer between events
            t = time.perf_counter()
            try:
                async for event in original(*args, **kwargs):
                    spent += time.perf_counter() - t
                    yield event
                    t = time.perf_counter()
                spent += time.perf_counter() - t
            finally:
                stages.add(stage, spent)

        setattr(obj, name, timed)
        patched.append((obj, name))

    wrap_async(assistant.nlu, "parse", "nlu (await, incl. batching window)")
    wrap_sync(assistant.nlu.nlu, "parse_batch", "nlu model (intent + entities)")
    wrap_sync(assistant.nlu.nlu.classifier, "predict", "  of which intent classifier (BERT)")
    wrap_sync(assistant.nlu.nlu.extractor, "extract", "  of which entity extraction")
    wrap_async(assistant.dialogue, "plan", "dialogue plan (incl. search)")
    wrap_sync(assistant.dialogue.search, "search", "search (ProductSearch.search)")
    wrap_sync(assistant.dialogue.search.encoder, "encode_query", "  of which query encoding (MiniLM)")
    wrap_sync(assistant.dialogue.search.encoder, "encode", "product Q&A sentence encoding (MiniLM)")
    wrap_sync(assistant.dialogue.catalog, "get_many", "catalog get_many (also inside search)")
    wrap_stream(assistant.responder, "stream", "answer (template + checks)")
    wrap_async(assistant.store, "run", "conversation store (SQLite)")
    try:
        yield stages
    finally:
        for obj, name in patched:
            delattr(obj, name)


# -- (b) throughput over HTTP --------------------------------------------------------------


def throughput(bench: Settings, say: Say, conversations: int = CONVERSATIONS, turns: int = LOAD_TURNS) -> dict[str, Any]:
    """Serve `bench` in a subprocess, drive it with the load generator in another; its figures."""
    import psutil

    # The user's own settings still apply (encoder, index kind, …); these are the bench's.
    env = dict(os.environ)
    env.update(
        SHOPBOT_DATA_DIR=str(bench.data_dir),
        SHOPBOT_GENERATOR="template",
        SHOPBOT_RATE_LIMIT_PER_MINUTE="1000000",
        SHOPBOT_HOST="127.0.0.1",
    )
    log_path = bench.data_dir / "server.log"
    log_path.unlink(missing_ok=True)  # this run's server only
    with ServerProcess([sys.executable, "-m", "bot", "serve"], env, log_path) as server:
        server.spawn().wait_for("/ready", timeout=300, interval=0.3)
        assert server.proc is not None
        say(f"  server ready on {server.url} (pid {server.proc.pid}); load: {conversations} conversations x {turns} turns")
        proc = psutil.Process(server.proc.pid)
        cpu_before = sum(proc.cpu_times()[:2])
        load = subprocess.run(
            [sys.executable, "-m", "tests.bench.loadgen", "--url", server.url, "--conversations", str(conversations),
             "--turns", str(turns)],
            cwd=REPO, capture_output=True, text=True, timeout=1800, check=False,
        )  # fmt: skip
        cpu_after = sum(proc.cpu_times()[:2])
    if load.returncode != 0 or not load.stdout.strip():
        raise RuntimeError(f"the load generator failed ({load.returncode}): {load.stderr[-2000:]}")
    result = json.loads(load.stdout.strip().splitlines()[-1])
    result["server_cpu_s"] = round(cpu_after - cpu_before, 2)  # includes the untimed warm-up greetings
    return result


# -- the report -----------------------------------------------------------------------------


def _load() -> str:
    """The 1-minute load average (other work on a shared machine shows here)."""
    return f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "n/a"


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def report_latency(f: TurnFigures, say: Say) -> None:
    base = f.search_p50_ms
    say(f"\nturn latency at {f.products:,} products ({f.index} index), template generator, in-process Assistant.reply")
    say(f"  assistant opened in {f.opened_s:.1f} s")
    say(f"  baseline: one bare ProductSearch.search (hybrid, k=40, no filters; the call a search turn makes) p50 = {base:.2f} ms")
    say(f"  {'message kind':<14} {'turns':>5} {'p50 ms':>8} {'p95 ms':>8} {'p50/search':>11}")
    for kind in KINDS:
        if f.turn_ms.get(kind):
            p50 = f.p(50, kind)
            say(f"  {kind:<14} {len(f.turn_ms[kind]):>5} {p50:>8.1f} {f.p(95, kind):>8.1f} {p50 / base:>10.2f}x")
    p50 = f.p(50)
    total = sum(len(v) for v in f.turn_ms.values())
    say(f"  {'all':<14} {total:>5} {p50:>8.1f} {f.p(95):>8.1f} {p50 / base:>10.2f}x"
        f"   target p50 < {TARGET_P50_MS:.0f} ms: {_verdict(p50 < TARGET_P50_MS)}")  # fmt: skip
    if f.stages:
        turn = f.stages.get("turn", 0.0)
        say(f"  where a turn's time goes (instrumented pass, mean per turn of {turn:.1f} ms):")
        for stage in STAGES:
            if stage not in f.stages:
                continue
            ms, calls = f.stages[stage], f.stage_calls.get(stage, 0.0)
            say(f"    {stage:<38} {ms:>7.2f} ms  {100 * ms / turn if turn else 0:>5.1f}%  ({calls:.2f} calls)")


def report_throughput(result: dict[str, Any], single_p50: float | None, say: Say) -> None:
    rate = float(result["turns_per_s"])
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    say(f"  {result['turns']} turns in {result['seconds']:.1f} s = {rate:.1f} turns/s"
        f"   target >= {TARGET_TURNS_PER_S:.0f} on 2 cores ({cores} here): {_verdict(rate >= TARGET_TURNS_PER_S)}")  # fmt: skip
    versus = f" (single turn in-process p50 {single_p50:.1f} ms)" if single_p50 else ""
    say(f"  latency under load: p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms{versus}")
    kinds = ", ".join(f"{k} {v['p50_ms']:.0f}/{v['p95_ms']:.0f}" for k, v in result.get("by_kind", {}).items())
    say(f"  by kind, p50/p95 ms: {kinds}")
    busy = result.get("server_cpu_s", 0.0) / max(float(result["seconds"]), 1e-9)
    say(f"  CPU: server {result.get('server_cpu_s', 0.0):.1f} s (~{busy:.2f} cores busy over the timed part, warm-up included), "
        f"load generator {result.get('loadgen_cpu_s', 0.0):.1f} s")  # fmt: skip
    say(f"  errors: {result['errors']}" + (f" e.g. {result['error_samples'][0]}" if result["errors"] else ""))


def run_turns(settings: Settings, sizes: list[int], say: Say, *, rounds: int = ROUNDS, load: bool = True) -> None:
    """The whole turn suite: latency at each size, then throughput over HTTP at 1,000 products."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    say(f"{cores} CPU cores, load average {_load()} at the start; catalogs in {settings.data_dir / 'bench'} (kept for later runs)")
    results: list[TurnFigures] = []
    for n in sizes:
        say(f"\n[{n:,} products]")
        bench = prepare_catalog(settings, n, say)
        figures = asyncio.run(_latency(bench, n, rounds))
        report_latency(figures, say)
        results.append(figures)
    if load:
        say(f"\nthroughput: {CONVERSATIONS} concurrent conversations over POST /webhooks/rest/webhook, "
            f"{THROUGHPUT_SIZE:,} products, template answers; server and load generator are separate processes on loopback")  # fmt: skip
        bench = prepare_catalog(settings, THROUGHPUT_SIZE, say)
        result = throughput(bench, say)
        single = next((r.p(50) for r in results if r.products == THROUGHPUT_SIZE), None)
        report_throughput(result, single, say)
    say(f"\nsummary (ms; ratio = turn p50 / one bare search in the same run); load average {_load()} at the end")
    say(f"{'products':>9} {'index':>6} {'search p50':>11} {'turn p50':>9} {'turn p95':>9} {'ratio':>6}")
    for f in results:
        say(f"{f.products:>9,} {f.index:>6} {f.search_p50_ms:>11.2f} {f.p(50):>9.1f} {f.p(95):>9.1f} {f.p(50) / f.search_p50_ms:>5.2f}x")
