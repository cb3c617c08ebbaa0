"""NLU benchmark: single-message parse latency and batch throughput, next to an encoder pass."""

from __future__ import annotations

import itertools
import statistics
import time

from bot.nlu.dataset import TEST_FILE, load_examples
from bot.nlu.parser import NLU
from retrieval.embeddings import Encoder
from retrieval.latency import Latency
from tests.bench.timing import Say, encoder_baseline, time_calls


def run_nlu(nlu: NLU, encoder: Encoder, say: Say) -> None:
    """Parse the held-out messages one by one and in batches; print p50/p95 and throughput."""
    texts = [ex.text for ex in load_examples(TEST_FILE)]
    base = encoder_baseline(encoder)
    say(f"baseline: one encoder forward pass (short query) = {base * 1000:.2f} ms")
    cycle = itertools.cycle(texts)
    single = Latency.of(time_calls(lambda: nlu.parse(next(cycle)), repeat=len(texts)))
    after_list = Latency.of(time_calls(lambda: nlu.parse(next(cycle), previous_act="showed_list"), repeat=len(texts)))
    extraction = Latency.of(time_calls(lambda: nlu.extractor.extract(next(cycle)), repeat=len(texts)))
    say(f"{'what':<37} {'p50 ms':>7} {'p95 ms':>7} {'ratio':>6}")
    for label, lat in (
        ("parse one message (intent+entities)", single),
        ("  the same, with the previous act", after_list),
        ("entity extraction only", extraction),
    ):
        say(f"{label:<37} {lat.p50:>7.2f} {lat.p95:>7.2f} {lat.p50 / (base * 1000):>6.2f}")
    rates = []
    for _ in range(3):
        start = time.perf_counter()
        for i in range(0, len(texts), 64):
            nlu.parse_batch(texts[i : i + 64])
        rates.append(len(texts) / (time.perf_counter() - start))
    say(f"batch parsing (64 per batch): {statistics.median(rates):.0f} messages/s over {len(texts)} messages")
