"""The Prometheus text a scraper reads from /metrics."""

from __future__ import annotations

from bot.metrics import shopbot_metrics


def test_counters_and_histograms_render_in_prometheus_text() -> None:
    metrics = shopbot_metrics()
    metrics.inc("shopbot_turns_total", channel="rest")
    metrics.inc("shopbot_turns_total", channel="rest")
    metrics.observe("shopbot_turn_seconds", 0.02, channel="rest")
    metrics.observe("shopbot_turn_seconds", 3.0, channel="rest")
    text = metrics.render()
    assert "# TYPE shopbot_turns_total counter" in text
    assert 'shopbot_turns_total{channel="rest"} 2' in text
    assert 'shopbot_turn_seconds_bucket{channel="rest",le="0.025"} 1' in text
    assert 'shopbot_turn_seconds_bucket{channel="rest",le="5"} 2' in text
    assert 'shopbot_turn_seconds_count{channel="rest"} 2' in text
    assert "shopbot_handoffs_total 0" in text  # declared metrics show before anything happens


def test_label_values_are_escaped() -> None:
    metrics = shopbot_metrics()
    metrics.inc("shopbot_intents_total", intent='say "hi"')
    assert 'intent="say \\"hi\\""' in metrics.render()
