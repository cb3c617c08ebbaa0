"""Recommendations in conversation: what to ask the recommender for, given a message and a profile.

Four requests, all ranked by `retrieval.recommend.Recommender` with the shopper's profile:
- "recommend something": candidates from what the message asks for (or, with nothing
  asked, from the shopper's history and popularity), re-ranked by the profile;
- "a gift for my dad who likes cooking, under $50": the same, among what suits the
  recipient (see bot/skills/gifts.py and retrieval/recommend/recipients.py), with what they
  are into as the query and the occasion left out of it;
- "more like this": neighbours of the product in focus;
- "what goes with this?": complements of the product in focus (bought together, then
  categories that pair with it).
The reasons shown are the recommender's own, built from the features that ranked each item.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from bot.nlu.parser import Parse
from bot.skills import gifts as gift_requests
from retrieval.catalog import Product
from retrieval.filters import SearchFilters
from retrieval.recommend import Recipient, Recommendation, Recommender, ShopperProfile, Signal

SIMILAR_RE = re.compile(
    r"\b(?:more like (?:this|that|it|these|the (?:first|second|third|last) one)|(?:something|anything|others?|ones?)"
    r" (?:similar|like (?:this|that|it))|similar (?:ones?|products?|items?|to (?:this|that|it|the))|show (?:me )?similar|like this one)\b",
    re.IGNORECASE,
)
GOES_WITH_RE = re.compile(
    r"\b(?:go(?:es)? (?:well )?with|goes? together with|pairs? (?:well )?with|match(?:es)? (?:with )?(?:this|that|it)"
    r"|to wear with|complete the look|accessor(?:y|ies) for (?:this|that|it)|what else (?:do i|should i|would i) need)\b",
    re.IGNORECASE,
)
# Words that say "suggest something" without saying what: dropped from the query, so a
# request made only of them browses the shopper's tastes instead of searching for "gift".
_FILLER = set(
    "i i'm im me my want need looking look for some something anything a an the to buy get find show please "
    "recommend recommendation recommendations suggest suggestion suggestions ideas idea gift gifts present presents "
    "good nice best great what should can you could would do any give us our who which likes like loves love enjoys "
    "enjoy is into a fan of that and or with under below over above around about budget cheap "
    "she he they her his him them their she's he's they're someone somebody special occasion".split()
)
_ENTITY_SPANS = {"price", "recipient", "reference", "quantity", "size", "color"}


@dataclass(frozen=True)
class Suggestions:
    """Ranked products, their reasons as phrases, and the product they answer to (if any)."""

    products: list[Product]
    reasons: dict[str, tuple[str, ...]]
    anchor: Product | None = None
    personalized: bool = False
    # For a gift: False when nothing in the catalog is made for the recipient (a child in a
    # gadget store), or when nothing answers what they are into; the list is then the nearest.
    section: bool = True
    interest_found: bool = True


def request_query(parse: Parse) -> str:
    """What the message asks for, without prices, recipients and suggestion boilerplate.

    "a gift for my dad who likes cooking, under $50" -> "cooking"; "something for my wife's
    birthday" -> "" (an occasion is not a product); "recommend something" -> "".
    """
    text = gift_requests.without_occasion(parse).text
    for e in sorted((e for e in parse.entities if e.type in _ENTITY_SPANS), key=lambda e: -e.start):
        text = text[: e.start] + " " + text[e.end :]
    words = re.findall(r"[\w'&-]+", text.lower())
    # "'s" is what is left of "my wife's" once the recipient is taken out.
    kept = [w for w in words if w not in _FILLER and w.strip("'") not in ("", "s")]
    return " ".join(kept)


def _keep(recs: list[Recommendation], exclude_brands: list[str], k: int) -> list[Recommendation]:
    out = [r for r in recs if not (r.product.brand and r.product.brand in exclude_brands)]
    return out[:k]


def _suggestions(recs: list[Recommendation], profile: ShopperProfile, anchor: Product | None = None) -> Suggestions:
    return Suggestions(
        products=[r.product for r in recs],
        reasons={r.product.id: tuple(reason.text for reason in r.reasons) for r in recs},
        anchor=anchor, personalized=_personal(profile),
    )  # fmt: skip


def _personal(profile: ShopperProfile) -> bool:
    # Who a gift is for does not rank anything, so it does not make a list "for you".
    return not profile.is_cold or bool(profile.sizes or profile.brands or profile.colors
                                       or profile.budget_min is not None or profile.budget_max is not None)


def recommend(recommender: Recommender, profile: ShopperProfile, query: str, filters: SearchFilters,
              exclude_brands: list[str], k: int) -> Suggestions:
    """The best products for this request and shopper (cold start: popular within the filters)."""
    recs = recommender.recommend(profile, query=query, filters=filters, k=k + 3 * len(exclude_brands) + 3)
    return _suggestions(_keep(recs, exclude_brands, k), profile)


def gifts(recommender: Recommender, profile: ShopperProfile, recipient: Recipient, query: str,
          filters: SearchFilters, exclude_brands: list[str], k: int) -> Suggestions:
    """Gift ideas for `recipient` (and what they are into, the query), for this shopper."""
    ideas = recommender.gifts(recipient, profile, query=query, filters=filters, k=k + 3 * len(exclude_brands) + 3)
    found = _suggestions(_keep(ideas.recommendations, exclude_brands, k), profile)
    return replace(found, section=ideas.section, interest_found=ideas.interest_found)


def similar(recommender: Recommender, profile: ShopperProfile, anchor: Product, filters: SearchFilters,
            exclude_brands: list[str], k: int) -> Suggestions:
    """Products like `anchor`, for this shopper: the anchor is the only taste that counts.

    The rest of the history stays out of the ranking (the shopper asked about this product),
    but what they bought or dismissed is still never suggested.
    """
    now = dt.datetime.now(dt.UTC)
    focused = profile.model_copy(update={"signals": [
        *[s for s in profile.signals if s.kind == "dismissed"],
        Signal(product_id=anchor.id, kind="clicked", at=now),
    ]})
    bought = profile.ids("purchased")
    recs = recommender.recommend(focused, filters=filters, k=k + len(bought) + 3 * len(exclude_brands) + 3, now=now)
    recs = [r for r in recs if r.product.id not in bought]
    return _suggestions(_keep(recs, exclude_brands, k), profile, anchor)


def complements(recommender: Recommender, profile: ShopperProfile, anchor: Product, filters: SearchFilters,
                exclude_brands: list[str], k: int) -> Suggestions:
    """What goes with `anchor`: bought together, then categories that pair with it."""
    recs = recommender.complements(anchor.id, profile=profile, filters=filters, k=k + 3 * len(exclude_brands))
    return _suggestions(_keep(recs, exclude_brands, k), profile, anchor)
