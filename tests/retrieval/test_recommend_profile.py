"""Profiles, signal weights, bought-together counts and the leave-last-out split: no index needed."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from retrieval.recommend import CoOccurrence, ShopperProfile, Signal, SignalWeights, engagement
from retrieval.recommend.evaluation import fold_of, holdout
from retrieval.recommend.history import ShopperHistory

T0 = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)


def _s(pid: str, kind: str, days: float = 0.0) -> Signal:
    return Signal(product_id=pid, kind=kind, at=T0 + dt.timedelta(days=days))  # type: ignore[arg-type]


def test_stronger_signals_weigh_more_and_old_ones_fade() -> None:
    profile = ShopperProfile(signals=[_s("a", "viewed", 30), _s("b", "purchased", 30), _s("c", "purchased", 0)])
    e = engagement(profile, SignalWeights(half_life_days=30))
    assert e.weights["b"] > e.weights["a"]
    # c is a purchase too but 30 days (one half-life) older than b.
    assert e.weights["c"] == pytest.approx(e.weights["b"] / 2)
    assert list(e.weights) == ["b", "c", "a"] and e.kinds["b"] == "purchased"


def test_a_dismissed_product_carries_no_weight_however_often_it_was_viewed() -> None:
    profile = ShopperProfile(signals=[_s("a", "viewed"), _s("a", "clicked"), _s("a", "dismissed", 1), _s("b", "viewed")])
    assert set(engagement(profile).weights) == {"b"}
    assert profile.ids("dismissed") == {"a"}
    assert ShopperProfile(signals=[_s("a", "dismissed")]).is_cold


def test_preferences_are_folded_and_checked() -> None:
    profile = ShopperProfile(sizes=["m ", "10.0"], colors=["Gray"], brands=["TrailMax"])
    assert profile.sizes == ["M", "10"] and profile.colors == ["grey"] and profile.liked_brands() == {"trailmax"}
    with pytest.raises(ValidationError, match="budget_min"):
        ShopperProfile(budget_min=100, budget_max=50)
    with pytest.raises(ValidationError):
        ShopperProfile(signals=[{"product_id": "a", "kind": "liked", "at": T0}])


def test_co_occurrence_counts_each_basket_once() -> None:
    co = CoOccurrence.from_baskets([("a", "b", "b"), ("a", "b", "c"), ("a",), ()])
    assert co.baskets == 3 and co.count("a", "b") == 2 and co.count("b", "a") == 2 and co.count("a", "c") == 1
    assert co.count("b", "b") == 0 and co.baskets_with("a") == 3
    assert co.related("a") == [("b", 2), ("c", 1)]
    scores = co.scores({"a": 1.0})
    assert scores["b"][1] == "a" and scores["b"][0] > scores["c"][0]


def test_the_held_out_item_never_reaches_the_profile() -> None:
    history = ShopperHistory("s1", (
        _s("x", "viewed", 0), _s("a", "purchased", 1), _s("x", "viewed", 2), _s("b", "viewed", 3),
        _s("x", "purchased", 4), _s("c", "viewed", 5),
    ), (("a",), ("x",)))
    profile, target = holdout(history)  # type: ignore[misc]
    assert target == "x"
    assert "x" not in profile.ids()
    # Only the past before the held-out purchase: the later view of c is not known yet.
    assert profile.ids() == {"a", "b"}
    assert holdout(ShopperHistory("s2", (_s("a", "purchased"),), ())) is None


def test_folds_are_stable() -> None:
    assert [fold_of(f"shopper-{i}", 5) for i in range(5)] == [fold_of(f"shopper-{i}", 5) for i in range(5)]
    assert len({fold_of(f"shopper-{i}", 5) for i in range(100)}) == 5
