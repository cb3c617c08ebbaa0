"""In-process metrics rendered in the Prometheus text format for `GET /metrics`.

Counters and histograms with labels, nothing more: enough for turns, latency, intents,
fallbacks, grounding outcomes and handoffs, without a client library.
"""

from __future__ import annotations

import bisect
import threading
from collections import defaultdict

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

Labels = tuple[tuple[str, str], ...]


def _labels(labels: Labels) -> str:
    if not labels:
        return ""
    body = ",".join(f'{k}="{v.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"' for k, v in labels)
    return "{" + body + "}"


class Metrics:
    """A registry of labelled counters and histograms; safe to update from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._help: dict[str, tuple[str, str]] = {}
        self._counters: dict[str, dict[Labels, float]] = defaultdict(lambda: defaultdict(float))
        self._histograms: dict[str, dict[Labels, list[float]]] = defaultdict(dict)

    def describe(self, name: str, kind: str, text: str) -> None:
        """Declare a metric so it is listed (at zero) before anything happens."""
        self._help[name] = (kind, text)

    def inc(self, name: str, amount: float = 1.0, **labels: str) -> None:
        """Add to a counter."""
        key = tuple(sorted(labels.items()))
        with self._lock:
            self._counters[name][key] += amount

    def observe(self, name: str, value: float, **labels: str) -> None:
        """Record one observation in a histogram (seconds)."""
        key = tuple(sorted(labels.items()))
        with self._lock:
            buckets = self._histograms[name].setdefault(key, [0.0] * (len(LATENCY_BUCKETS) + 2))
            buckets[bisect.bisect_left(LATENCY_BUCKETS, value)] += 1
            buckets[-1] += value

    def value(self, name: str, **labels: str) -> float:
        """A counter's current value (0 when never incremented)."""
        with self._lock:
            return self._counters.get(name, {}).get(tuple(sorted(labels.items())), 0.0)

    def render(self) -> str:
        """The Prometheus text exposition of every metric."""
        lines: list[str] = []
        with self._lock:
            for name, (kind, text) in sorted(self._help.items()):
                lines += [f"# HELP {name} {text}", f"# TYPE {name} {kind}"]
                if kind == "counter":
                    series = self._counters.get(name) or {(): 0.0}
                    lines += [f"{name}{_labels(k)} {v:g}" for k, v in sorted(series.items())]
                else:
                    for key, counts in sorted(self._histograms.get(name, {}).items()):
                        cumulative = 0.0
                        for bound, count in zip([*LATENCY_BUCKETS, float("inf")], counts, strict=False):
                            cumulative += count
                            le = "+Inf" if bound == float("inf") else f"{bound:g}"
                            lines.append(f"{name}_bucket{_labels((*key, ('le', le)))} {cumulative:g}")
                        lines.append(f"{name}_sum{_labels(key)} {counts[-1]:.6f}")
                        lines.append(f"{name}_count{_labels(key)} {cumulative:g}")
        return "\n".join(lines) + "\n"


def shopbot_metrics() -> Metrics:
    """The registry with every metric the server reports, declared up front."""
    metrics = Metrics()
    metrics.describe("shopbot_turns_total", "counter", "Messages answered, by channel.")
    metrics.describe("shopbot_turn_seconds", "histogram", "Time from a stored message to its stored reply.")
    metrics.describe("shopbot_intents_total", "counter", "Messages by recognised intent.")
    metrics.describe("shopbot_fallbacks_total", "counter", "Messages not understood.")
    metrics.describe("shopbot_answers_total", "counter", "Answers by generator backend and grounding outcome.")
    metrics.describe("shopbot_handoffs_total", "counter", "Conversations handed to a person, by reason.")
    metrics.describe(
        "shopbot_turn_errors_total", "counter",
        "Messages whose turn failed and were answered with an apology, by channel and error (gave_up: crashed on every try).",
    )  # fmt: skip
    metrics.describe("shopbot_rejected_total", "counter", "Requests rejected with a 4xx, by reason.")
    return metrics
