"""Leave-last-out evaluation of the recommender against popularity and content-only baselines.

For each shopper the last purchase (or, with no purchase, the last thing they engaged
with) is held out; the profile is built from what happened strictly before it, with
every signal on the held-out product removed. Shoppers are split into folds: counts that
learn from other shoppers (bought-together, order popularity) are built from the other
folds only, so an evaluated shopper's own baskets never inform their ranking. Ranking
weights are fixed a priori (features.RankWeights), not fitted on these shoppers.
"""

from __future__ import annotations

import math
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.latency import Latency
from retrieval.recommend.cooccurrence import CoOccurrence
from retrieval.recommend.features import RankWeights
from retrieval.recommend.history import ShopperHistory
from retrieval.recommend.profile import ShopperProfile, engagement
from retrieval.recommend.recommender import Recommender
from retrieval.recommend.taste import Taste
from retrieval.search import ProductSearch

RANKERS = ("popularity", "content", "personalized")


@dataclass(frozen=True)
class RankerScores:
    """HitRate@k and NDCG@k of one ranker over the evaluated shoppers."""

    ranker: str
    shoppers: int
    hit_rate: float
    ndcg: float


def holdout(history: ShopperHistory) -> tuple[ShopperProfile, str] | None:
    """(profile from the past, held-out product id), or None when nothing would be left."""
    signals = history.signals
    purchases = [s for s in signals if s.kind == "purchased"]
    engaged = [s for s in signals if s.kind != "dismissed"]
    if not engaged:
        return None
    target = (purchases or engaged)[-1]
    past = [s for s in signals if s.at < target.at and s.product_id != target.product_id]
    if not any(s.kind != "dismissed" for s in past):
        return None
    return ShopperProfile(signals=past), target.product_id


def fold_of(shopper_id: str, folds: int) -> int:
    """A stable fold number for a shopper (independent of order and of Python's hash seed)."""
    return zlib.crc32(shopper_id.encode("utf-8")) % folds


def _hidden_mask(rec: Recommender, profile: ShopperProfile) -> np.ndarray:
    cols = rec.columns
    mask = cols.available.copy()
    row_of = rec.search.index.vectors.row_of
    mask[[row_of[p] for p in profile.ids() if p in row_of]] = False
    return mask


def popularity_ranking(rec: Recommender, profile: ShopperProfile, k: int) -> list[str]:
    """Baseline: the k most popular available products the shopper has not seen."""
    cols = rec.columns
    scores = np.where(_hidden_mask(rec, profile), cols.quality, -np.inf)
    top = np.argsort(-scores, kind="stable")[:k]
    return [cols.row_ids[r] or "" for r in top if np.isfinite(scores[r])]


def content_ranking(rec: Recommender, profile: ShopperProfile, k: int) -> list[str]:
    """Baseline: vector similarity to the engaged products (weighted), over the whole catalog."""
    cols = rec.columns
    taste = Taste.of(profile, engagement(profile, rec.signal_weights), cols, rec.search.index.vectors.row_of)
    if not len(taste.engaged_rows):
        return []
    vectors = rec.search.index.vectors.vectors()
    sims = (vectors @ vectors[taste.engaged_rows].T * taste.engaged_weights).max(axis=1)
    scores = np.where(_hidden_mask(rec, profile), sims, -np.inf)
    top = np.argsort(-scores, kind="stable")[:k]
    return [cols.row_ids[r] or "" for r in top if np.isfinite(scores[r])]


def personalized_ranking(rec: Recommender, profile: ShopperProfile, k: int) -> list[str]:
    """The recommender itself, no query ("recommended for you"), with its default diversity."""
    return rec.rank(profile, k=k).ids


RANKING: dict[str, Callable[[Recommender, ShopperProfile, int], list[str]]] = {
    "popularity": popularity_ranking, "content": content_ranking, "personalized": personalized_ranking,
}


def evaluate(search: ProductSearch, histories: Sequence[ShopperHistory], *, folds: int = 5, k: int = 10,
             weights: RankWeights | None = None,
             progress: Callable[[int, int], None] | None = None) -> list[RankerScores]:
    """HitRate@k and NDCG@k of every ranker, leave-last-out, with counts from the other folds."""
    cases = [(h, c) for h in histories if (c := holdout(h)) is not None]
    hits = {name: [] for name in RANKERS}  # type: dict[str, list[float]]
    gains = {name: [] for name in RANKERS}  # type: dict[str, list[float]]
    done = 0
    for fold in range(folds):
        test = [(h, c) for h, c in cases if fold_of(h.shopper_id, folds) == fold]
        if not test:
            continue
        train = [h for h in histories if fold_of(h.shopper_id, folds) != fold]
        co = CoOccurrence.from_baskets(b for h in train for b in h.baskets)
        rec = Recommender(search, cooccurrence=co, weights=weights)
        for _, (profile, target) in test:
            for name in RANKERS:
                ranked = RANKING[name](rec, profile, k)
                rank = ranked.index(target) + 1 if target in ranked else None
                hits[name].append(1.0 if rank else 0.0)
                gains[name].append(1 / math.log2(rank + 1) if rank else 0.0)
            done += 1
            if progress:
                progress(done, len(cases))
    return [RankerScores(name, len(hits[name]), float(np.mean(hits[name] or [0.0])),
                         float(np.mean(gains[name] or [0.0]))) for name in RANKERS]


@dataclass(frozen=True)
class LatencyFigures:
    """Percentiles (ms) of full `recommend` calls: rank, load the k products, write reasons."""

    products: int
    calls: int
    for_you: Latency
    with_query: Latency
    complements: Latency
    encoder_ms: float  # one bare encoder forward pass for a short query, same run (median)


def measure_latency(rec: Recommender, profiles: Sequence[ShopperProfile], queries: Sequence[str],
                    k: int = 10) -> LatencyFigures:
    """Time `recommend` without and with a query, and `complements`, once per profile after a warm-up.

    The query's embedding is not reused between calls (the search's query cache is
    cleared first), so "with query" includes one encoder forward pass.
    """
    for profile in profiles[:3]:
        rec.recommend(profile, k=k)
        rec.recommend(profile, query=queries[0], k=k)
    for_you, with_query, complements = [], [], []
    for i, profile in enumerate(profiles):
        start = time.perf_counter()
        rec.recommend(profile, k=k)
        for_you.append(time.perf_counter() - start)
        rec.search.encoder.forget()  # measure the encoder too, as for a new question
        start = time.perf_counter()
        rec.recommend(profile, query=queries[i % len(queries)], k=k)
        with_query.append(time.perf_counter() - start)
        anchor = next(s.product_id for s in reversed(profile.signals) if s.kind != "dismissed")
        start = time.perf_counter()
        rec.complements(anchor, profile=profile, k=5)
        complements.append(time.perf_counter() - start)
    encode = []
    for i in range(len(profiles)):
        start = time.perf_counter()
        rec.search.encoder.encode_query(f"{queries[i % len(queries)]} {i}")
        encode.append(time.perf_counter() - start)
    return LatencyFigures(len(rec.search.index), len(profiles), Latency.of(for_you),
                          Latency.of(with_query), Latency.of(complements), Latency.of(encode).p50)
