"""Personalized recommendations that say why.

A `ShopperProfile` (stated preferences + signals) goes in; `Recommender.recommend` returns
products with a transparent score and reasons true for each item. `complements` answers
"what goes with this?". `CoOccurrence` counts what is bought together.
"""

from retrieval.recommend.cooccurrence import CoOccurrence
from retrieval.recommend.features import FEATURES, RankWeights
from retrieval.recommend.profile import SIGNAL_KINDS, Preferences, ShopperProfile, Signal, SignalKind, SignalWeights, engagement
from retrieval.recommend.reasons import Reason
from retrieval.recommend.recommender import (
    Pools,
    Ranking,
    Recommendation,
    Recommender,
    UnknownProductError,
    with_weights,
)

__all__ = [
    "FEATURES", "SIGNAL_KINDS", "CoOccurrence", "Pools", "Preferences", "Ranking", "RankWeights", "Reason",
    "Recommendation", "Recommender", "ShopperProfile", "Signal", "SignalKind", "SignalWeights",
    "UnknownProductError", "engagement", "with_weights",
]
