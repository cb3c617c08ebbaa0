"""Latency percentiles: how the benchmarks and the recommendation evaluation summarise timings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation, as numpy computes it; NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


class Latency(NamedTuple):
    """p50 and p95 of repeated timings, in milliseconds (a tuple, so `p50, p95 = latency` works)."""

    p50: float
    p95: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Latency:
        """The percentiles of timings given in seconds."""
        ms = [s * 1000 for s in seconds]
        return cls(percentile(ms, 50), percentile(ms, 95))
