"""The encoder keeps recent vectors by text: the same text is never encoded twice in a row."""

from __future__ import annotations

from typing import Any

import numpy as np

from retrieval.embeddings import Encoder, VectorCache


def _counting(encoder: Encoder, monkeypatch: Any) -> list[list[str]]:
    batches: list[list[str]] = []
    original = encoder.encode_batch

    def encode_batch(texts: Any) -> np.ndarray:
        batches.append(list(texts))
        return original(texts)

    monkeypatch.setattr(encoder, "encode_batch", encode_batch)
    return batches


def test_a_repeated_text_is_not_encoded_again(encoder: Encoder, monkeypatch: Any) -> None:
    encoder.forget()
    batches = _counting(encoder, monkeypatch)
    first = encoder.encode_cached(["The grip is excellent.", "Setup took five minutes."])
    again = encoder.encode_cached(["Setup took five minutes.", "It runs small.", "The grip is excellent."])
    assert [t for b in batches for t in b] == ["The grip is excellent.", "Setup took five minutes.", "It runs small."]
    # Same vectors, in the order asked, whether encoded now or kept.
    assert np.allclose(again[0], first[1]) and np.allclose(again[2], first[0])
    assert np.allclose(again[1], encoder.encode_batch(["It runs small."])[0], atol=1e-5)
    query = encoder.encode_query("is it non-slip?")
    assert np.allclose(encoder.encode_query("is it non-slip?"), query)
    assert sum(b == ["is it non-slip?"] for b in batches) == 1
    encoder.forget()
    encoder.encode_query("is it non-slip?")
    assert sum(b == ["is it non-slip?"] for b in batches) == 2


def test_the_cache_drops_the_least_recently_used() -> None:
    cache = VectorCache(size=2)
    a, b, c = (np.full(3, i, dtype=np.float32) for i in range(3))
    cache.put_many({"a": a, "b": b})
    assert cache.get("a") is not None  # "a" is now the most recent
    cache.put_many({"c": c})
    assert cache.get("b") is None and cache.get("a") is not None and cache.get("c") is not None
