"""Personalized recommendations with reasons: candidates, a transparent linear score, MMR.

    recommender = Recommender(search, cooccurrence=CoOccurrence.from_baskets(orders))
    for rec in recommender.recommend(profile, query="hiking boots", filters=SearchFilters(max_price=100)):
        print(rec.product.title, [r.text for r in rec.reasons])
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import numpy as np

from retrieval.catalog import Product
from retrieval.errors import RetrievalError
from retrieval.filters import SearchFilters
from retrieval.recommend import candidates
from retrieval.recommend.columns import BANDS, CatalogColumns
from retrieval.recommend.cooccurrence import CoOccurrence
from retrieval.recommend.features import FEATURES, FeatureTable, RankWeights, compute, mmr
from retrieval.recommend.pairing import complementary
from retrieval.recommend.profile import Engagement, ShopperProfile, SignalWeights, engagement
from retrieval.recommend.reasons import Evidence, Reason, band_name, explain
from retrieval.recommend.recipients import Audiences, Fit, Recipient
from retrieval.recommend.taste import Taste
from retrieval.search import ProductSearch

# Complements are different things that go together: similarity to the anchor would
# only find more of the same, so it does not count there.
COMPLEMENT_WEIGHTS = RankWeights(relevance=0.0, similarity=0.0, cooccurrence=1.5, brand=0.3,
                                 category=0.0, price=0.2, size=0.4, color=0.2, quality=0.4, pairing=0.8)


# MMR's weight of redundancy. 0.5 was chosen on validation shoppers (synthetic seed 99),
# never on the evaluation's seed: it removed a quarter of same-brand/same-category
# repeats in a top 10 at no cost in HitRate@10.
DIVERSITY = 0.5


# A product this similar (MiniLM cosine) to what a gift's recipient is into answers it:
# on the demo catalog "cooking" meets pans and air fryers at 0.3-0.35 and hot sauce at
# 0.21, while DummyJSON, which sells nothing for running, tops out at 0.18 for "running".
INTEREST_COSINE = 0.2


class UnknownProductError(RetrievalError):
    """A product id given to the recommender is not in the catalog."""


@dataclass(frozen=True)
class Pools:
    """How many candidates each source contributes before re-ranking."""

    query: int = 100
    seeds: int = 6  # engaged products whose neighbours are fetched
    per_seed: int = 40
    cooccurrence: int = 60
    popular: int = 100
    per_category: int = 30  # popular within each of the shopper's favourite categories
    gift_categories: int = 8  # best-fitting categories of a gift's recipient, browsed for candidates


@dataclass(frozen=True)
class Recommendation:
    """One recommended product, its score, each feature's share of it, and why."""

    product: Product
    score: float
    contributions: dict[str, float]
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of a recommendation for the CLI and HTTP API."""
        p = self.product
        return {
            "id": p.id, "title": p.title, "brand": p.brand, "price": p.price, "currency": p.currency,
            "category": p.category_path, "in_stock": p.in_stock, "stock_known": p.stock_known, "rating": p.rating,
            "review_count": p.review_count, "image_url": p.image_url, "product_url": p.product_url,
            "score": round(self.score, 6),
            "contributions": {k: round(v, 6) for k, v in self.contributions.items() if v},
            "reasons": [r.to_dict() for r in self.reasons],
        }


@dataclass(frozen=True)
class Ranking:
    """A ranked list before products are loaded: what `recommend` explains."""

    ids: list[str]
    scores: np.ndarray
    table: FeatureTable  # features of the ranked rows, in ranked order
    contributions: np.ndarray
    taste: Taste
    engaged: Engagement
    rank_mask: np.ndarray  # in stock and within the price window: "top rated" is counted here
    max_price: float | None
    pairs_with: str | None = None
    fit: Fit | None = None  # how the catalog suits the gift's recipient, when there is one


@dataclass(frozen=True)
class GiftIdeas:
    """Gift ideas for one recipient, and whether the catalog has anything made for them."""

    recommendations: list[Recommendation]
    section: bool  # False: nothing is made for them here; the ideas are the nearest things
    suitable: int  # how many products could be suggested for them at all
    interest_found: bool = True  # False: nothing answers what they are into; the ideas are for them alone


F = TypeVar("F", bound=Callable[..., Any])


def _one_index(method: F) -> F:
    """Run the method on one version of the search index: masks built from the catalog columns
    are applied to the same index rows even if a newly published index is swapped in meanwhile."""

    @functools.wraps(method)
    def wrapper(self: Recommender, *args: Any, **kwargs: Any) -> Any:
        with self.search.reading():
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class Recommender:
    """Ranks one catalog for one shopper. Reads only; safe to share between threads."""

    def __init__(self, search: ProductSearch, *, cooccurrence: CoOccurrence | None = None,
                 interactions: Mapping[str, float] | None = None, weights: RankWeights | None = None,
                 signal_weights: SignalWeights | None = None, pools: Pools | None = None) -> None:
        self.search = search
        self.cooccurrence = cooccurrence
        # Popularity from histories (orders per product) when given, else from reviews.
        self.interactions = dict(interactions) if interactions is not None else (
            cooccurrence.interactions() if cooccurrence is not None and cooccurrence.baskets else None)
        self.weights = weights or RankWeights()
        self.signal_weights = signal_weights or SignalWeights()
        self.pools = pools or Pools()
        self._columns: CatalogColumns | None = None
        self._version: tuple[int, int] | None = None
        self._audiences: Audiences | None = None
        self._audiences_version: tuple[int, int] | None = None

    @property
    def columns(self) -> CatalogColumns:
        """Catalog columns, rebuilt when the catalog or the index changed since the last call."""
        version = (self.search.store.version, self.search.index.vectors.n_rows)
        if self._columns is None or version != self._version:
            self._columns = CatalogColumns(self.search.store.filter_rows(), self.search.index.vectors.row_ids,
                                           self.interactions)
            self._version = version
        return self._columns

    @property
    def audiences(self) -> Audiences:
        """Who each category is made for, rebuilt with the columns (the first gift request pays for it)."""
        cols = self.columns
        if self._audiences is None or self._audiences_version != self._version:
            # encode_cached: a recommender rebuilt for fresh co-occurrence encodes no phrase twice.
            self._audiences = Audiences(cols, self.search.store.filter_rows(), self.search.encoder.encode_cached,
                                        self.search.index.vectors.vectors)
            self._audiences_version = self._version
        return self._audiences

    # -- ranking -------------------------------------------------------------------------

    @_one_index
    def rank(self, profile: ShopperProfile | None = None, *, query: str = "",
             filters: SearchFilters | None = None, k: int = 10, diversity: float = DIVERSITY,
             now: dt.datetime | None = None, exclude_seen: bool = True,
             recipient: Recipient | None = None) -> Ranking:
        """The k best product ids for this shopper (and query), diversified, without loading products.

        Never returns a product that is out of stock, bought, dismissed, outside the
        filters or the shopper's budget, or (with `exclude_seen`) already engaged with;
        with a `recipient`, never one made for someone else (see recipients.py).
        """
        cols = self.columns
        profile = profile or ShopperProfile()
        row_of = self.search.index.vectors.row_of
        engaged = engagement(profile, self.signal_weights, now)
        taste = Taste.of(profile, engaged, cols, row_of)
        window = self._window(profile, filters)
        mask = cols.filters.mask(window) & cols.available
        hidden = profile.ids() if exclude_seen else profile.ids("purchased", "dismissed")
        mask[[row_of[p] for p in hidden if p in row_of]] = False
        fit = None
        if recipient is not None:
            fit = self.audiences.fit(recipient, budget=(window.min_price, window.max_price))
            mask &= fit.allowed
        seeds = dict(zip(taste.engaged_ids[:20], taste.engaged_weights[:20], strict=True))
        bought = self.cooccurrence.scores(seeds, self.pools.cooccurrence) if self.cooccurrence and seeds else {}
        relevance: dict[int, float] = {}
        if query.strip():
            # Asked for something: only what answers the question is a candidate; the
            # shopper's tastes re-rank it. For a gift the query is what they are into, and
            # a vector's nearest neighbours that do not answer it are no gift idea.
            relevance = candidates.from_query(self.search, query, mask, max(self.pools.query, k),
                                              min_cosine=INTEREST_COSINE if recipient is not None else None)
            rows = np.fromiter(relevance, dtype=np.int64)
        else:
            rows = self._browse_candidates(cols, taste, mask, bought, row_of)
            if fit is not None:
                # What suits them best may not be among the store's best sellers.
                parts = [rows] + [candidates.popular(cols.quality, mask & (cols.category == code), self.pools.per_category)
                                  for code in fit.categories[: self.pools.gift_categories]]
                rows = np.unique(np.concatenate(parts))
        table = compute(cols, self.search.index.vectors.vectors(), rows, taste,
                        relevance=relevance, cooccurrence=bought, fit=fit.score[rows] if fit is not None else None)
        ranking = self._ordered(table, self.weights, taste, engaged, k, diversity, window, cols)
        return replace(ranking, fit=fit) if fit is not None else ranking

    def _window(self, profile: ShopperProfile, filters: SearchFilters | None) -> SearchFilters:
        """The request's filters narrowed by the shopper's stated budget (a hard limit)."""
        f = filters or SearchFilters()
        update: dict[str, float] = {}
        if profile.budget_max is not None:
            update["max_price"] = min(profile.budget_max, f.max_price if f.max_price is not None else np.inf)
        if profile.budget_min is not None:
            update["min_price"] = max(profile.budget_min, f.min_price or 0.0)
        return f.model_copy(update=update) if update else f

    def _browse_candidates(self, cols: CatalogColumns, taste: Taste, mask: np.ndarray,
                           bought: dict[str, tuple[float, str]], row_of: dict[str, int]) -> np.ndarray:
        p = self.pools
        parts = [candidates.popular(cols.quality, mask, p.popular)]
        if len(taste.engaged_rows):
            parts.append(candidates.similar(self.search.index.vectors, taste.engaged_rows[: p.seeds], mask, p.per_seed))
            for code in np.argsort(-taste.category)[:2]:
                if taste.category[code] > 0:
                    parts.append(candidates.popular(cols.quality, mask & (cols.category == code), p.per_category))
        if taste.brand_liked.any():
            liked = np.isin(cols.brand, np.flatnonzero(taste.brand_liked))
            parts.append(candidates.popular(cols.quality, mask & liked, p.per_category))
        co_rows = [row_of[pid] for pid in bought if pid in row_of]
        parts.append(np.array([r for r in co_rows if mask[r]], dtype=np.int64))
        return np.unique(np.concatenate(parts))

    def _ordered(self, table: FeatureTable, weights: RankWeights, taste: Taste, engaged: Engagement,
                 k: int, diversity: float, window: SearchFilters, cols: CatalogColumns,
                 pairs_with: str | None = None) -> Ranking:
        contributions = table.values * weights.vector()
        scores = contributions.sum(axis=1)
        order = np.argsort(-scores, kind="stable")[: max(4 * k, 40)]
        picked = order[mmr(table.rows[order], scores[order], self.search.index.vectors.vectors(), k, diversity)]
        ranked = FeatureTable(table.rows[picked], table.values[picked], table.similar_to[picked],
                              [table.bought_with[i] for i in picked])
        ids = [cols.row_ids[r] or "" for r in ranked.rows]
        rank_mask = cols.filters.mask(SearchFilters(min_price=window.min_price, max_price=window.max_price)) & cols.available
        return Ranking(ids, scores[picked], ranked, contributions[picked], taste, engaged, rank_mask,
                       window.max_price, pairs_with)

    # -- explained results ---------------------------------------------------------------

    @_one_index
    def recommend(self, profile: ShopperProfile | None = None, *, query: str = "",
                  filters: SearchFilters | None = None, k: int = 10, diversity: float = DIVERSITY,
                  now: dt.datetime | None = None, exclude_seen: bool = True) -> list[Recommendation]:
        """The k best products for this shopper, each with the reasons that ranked it.

        No profile (or one with no history) is a cold start: the most popular products
        within the filters and budget, ordered by quality and diversified.
        """
        profile = profile or ShopperProfile()
        ranking = self.rank(profile, query=query, filters=filters, k=k, diversity=diversity, now=now,
                            exclude_seen=exclude_seen)
        return self.explain(ranking, profile, query)

    @_one_index
    def gifts(self, recipient: Recipient, profile: ShopperProfile | None = None, *, query: str = "",
              filters: SearchFilters | None = None, k: int = 10, diversity: float = DIVERSITY,
              now: dt.datetime | None = None) -> GiftIdeas:
        """Gift ideas for `recipient`: products that suit them (and the query: their interests),
        ranked by how well, then by the shopper's tastes and quality.

        When the shopper states no budget, only products priced like most of the store's
        are suggested; when nothing here is made for a child or a pet, `section` is False
        and the ideas (if any) are the nearest modestly priced things; when nothing answers
        the query, `interest_found` is False and the ideas suit the recipient alone.
        """
        profile = profile or ShopperProfile()
        ranking = self.rank(profile, query=query, filters=filters, k=k, diversity=diversity, now=now,
                            recipient=recipient)
        found = bool(ranking.ids) or not query.strip()
        if not found:
            query = ""
            ranking = self.rank(profile, filters=filters, k=k, diversity=diversity, now=now, recipient=recipient)
        fit = ranking.fit
        section, suitable = (fit.section, fit.suitable) if fit is not None else (True, 0)
        return GiftIdeas(self.explain(ranking, profile, query), section, suitable, found)

    @_one_index
    def complements(self, product_id: str, *, profile: ShopperProfile | None = None,
                    filters: SearchFilters | None = None, k: int = 5, diversity: float = 0.2,
                    now: dt.datetime | None = None) -> list[Recommendation]:
        """What goes with this product: bought-together first, then complementary categories.

        Never another product of the anchor's own leaf category (no second pair of boots).
        """
        row_of = self.search.index.vectors.row_of
        if product_id not in row_of:
            raise UnknownProductError(f"no product with id {product_id!r} in the catalog")
        cols = self.columns
        profile = profile or ShopperProfile()
        anchor = row_of[product_id]
        engaged = engagement(profile, self.signal_weights, now)
        taste = Taste.of(profile, engaged, cols, row_of)
        window = self._window(profile, filters)
        mask = cols.filters.mask(window) & cols.available
        if cols.leaf[anchor] >= 0:
            mask &= cols.leaf != cols.leaf[anchor]
        # Uncategorised products are not "the same kind" as each other; only the anchor goes.
        mask[anchor] = False
        mask[[row_of[p] for p in profile.ids("purchased", "dismissed") if p in row_of]] = False
        bought = self.cooccurrence.scores({product_id: 1.0}, self.pools.cooccurrence) if self.cooccurrence else {}
        leaf_names = complementary(cols.leaf_names[cols.leaf[anchor]]) if cols.leaf[anchor] >= 0 else frozenset()
        paired = np.isin(cols.leaf, [i for i, name in enumerate(cols.leaf_names) if name in leaf_names])
        parts = [np.array([row_of[p] for p in bought if p in row_of and mask[row_of[p]]], dtype=np.int64)]
        for code in np.unique(cols.leaf[paired]):
            parts.append(candidates.popular(cols.quality, mask & (cols.leaf == code), self.pools.per_category))
        rows = np.unique(np.concatenate(parts))
        table = compute(cols, self.search.index.vectors.vectors(), rows, taste,
                        cooccurrence=bought, pairing=paired[rows].astype(np.float64))
        ranking = self._ordered(table, COMPLEMENT_WEIGHTS, taste, engaged, k, diversity, window, cols, product_id)
        return self.explain(ranking, profile, "")

    @_one_index
    def explain(self, ranking: Ranking, profile: ShopperProfile, query: str = "") -> list[Recommendation]:
        """Load the ranked products and attach reasons backed by the catalog and the profile."""
        t = ranking.table
        taste = ranking.taste
        cited = {taste.engaged_ids[i] for i in t.similar_to if i >= 0}
        cited |= {pid for pid in t.bought_with if pid}
        if ranking.pairs_with:
            cited.add(ranking.pairs_with)
        products = self.search.store.get_many(list(dict.fromkeys([*ranking.ids, *cited])))
        cols = self.columns
        # -1 is "the catalog does not say": never evidence that two products share a value.
        engaged_brands = set(cols.brand[taste.engaged_rows].tolist()) - {-1}
        engaged_leaves = set(cols.leaf[taste.engaged_rows].tolist()) - {-1}
        engaged_departments = set(cols.department[taste.engaged_rows].tolist()) - {-1}
        usual = band_name(taste.band) if taste.band is not None else None
        out: list[Recommendation] = []
        for i, pid in enumerate(ranking.ids):
            product = products.get(pid)
            if product is None:  # deleted between ranking and loading
                continue
            row = int(t.rows[i])
            similar_id = taste.engaged_ids[t.similar_to[i]] if t.similar_to[i] >= 0 else None
            partner = t.bought_with[i]
            brand_code = int(cols.brand[row])
            brand_source = ("favourite" if brand_code >= 0 and taste.brand_liked[brand_code]
                            else "history" if brand_code >= 0 and brand_code in engaged_brands else None)
            category = ("leaf" if cols.leaf[row] in engaged_leaves
                        else "department" if cols.department[row] in engaged_departments else None)
            evidence = Evidence(
                product=product, profile=profile, query=query.strip(),
                similar=products.get(similar_id) if similar_id else None,
                similar_kind=ranking.engaged.kinds.get(similar_id) if similar_id else None,
                bought_with=products.get(partner) if partner else None,
                bought_together=self.cooccurrence.count(pid, partner) if partner and self.cooccurrence else 0,
                rating_rank=cols.rating_rank(row, ranking.rank_mask) if ranking.rank_mask[row] else None,
                max_price=ranking.max_price,
                orders=int(self.interactions.get(pid, 0)) if self.interactions else 0,
                brand_source=brand_source, category_level=category,
                band=usual if usual is not None and cols.band[row] >= 0 and BANDS[cols.band[row]] == usual else None,
                pairs_with=products.get(ranking.pairs_with) if ranking.pairs_with and t.values[i, FEATURES.index("pairing")] > 0 else None,
            )
            contributions = dict(zip(FEATURES, ranking.contributions[i].tolist(), strict=True))
            out.append(Recommendation(product, float(ranking.scores[i]), contributions, explain(contributions, evidence)))
        return out


def with_weights(recommender: Recommender, weights: RankWeights) -> Recommender:
    """A copy of a recommender scoring with other weights (sharing its catalog columns)."""
    twin = Recommender(recommender.search, cooccurrence=recommender.cooccurrence,
                       interactions=recommender.interactions, weights=weights,
                       signal_weights=recommender.signal_weights, pools=recommender.pools)
    twin._columns, twin._version = recommender._columns, recommender._version
    twin._audiences, twin._audiences_version = recommender._audiences, recommender._audiences_version
    return twin


__all__ = ["COMPLEMENT_WEIGHTS", "GiftIdeas", "Pools", "Ranking", "Recommendation", "Recommender",
           "UnknownProductError", "with_weights"]
