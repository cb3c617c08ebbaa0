"""What every benchmark shares: timing repeated calls, and one encoder forward pass as the baseline.

Absolute times on a shared machine are noise; ratios to a baseline measured in the same
run (one bare encoder forward pass for a short query) are comparable across runs.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from retrieval.embeddings import Encoder

Say = Callable[[str], None]


def time_calls(
    fn: Callable[[], object], repeat: int, warmup: int = 3, before: Callable[[], object] | None = None
) -> list[float]:
    """Wall-clock seconds of `repeat` calls after `warmup` untimed ones; `before` runs, untimed, ahead of each."""
    for _ in range(warmup):
        if before is not None:
            before()
        fn()
    out = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def encoder_baseline(encoder: Encoder, repeat: int = 50) -> float:
    """Median seconds of one bare forward pass for a typical shopper query."""
    return statistics.median(time_calls(lambda: encoder.encode_batch(["waterproof hiking boots under 100"]), repeat))
