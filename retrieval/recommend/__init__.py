"""Personalized recommendations that say why.

A `ShopperProfile` (stated preferences + signals) goes in; `Recommender.recommend` returns
products with a transparent score and reasons true for each item. `complements` answers
"what goes with this?"; `gifts` suggests for a `Recipient` (recipients.py: who each
category is made for). `CoOccurrence` counts what is bought together.
"""

from retrieval.recommend.cooccurrence import CoOccurrence
from retrieval.recommend.features import FEATURES, RankWeights
from retrieval.recommend.profile import SIGNAL_KINDS, Preferences, ShopperProfile, Signal, SignalKind, SignalWeights, engagement
from retrieval.recommend.reasons import Reason
from retrieval.recommend.recipients import Audiences, Fit, Recipient
from retrieval.recommend.recommender import (
    GiftIdeas,
    Pools,
    Ranking,
    Recommendation,
    Recommender,
    UnknownProductError,
    with_weights,
)

__all__ = [
    "FEATURES", "SIGNAL_KINDS", "Audiences", "CoOccurrence", "Fit", "GiftIdeas", "Pools", "Preferences", "Ranking",
    "RankWeights", "Reason", "Recipient", "Recommendation", "Recommender", "ShopperProfile", "Signal", "SignalKind", "SignalWeights",
    "UnknownProductError", "engagement", "with_weights",
]
