"""Aspect summaries: what reviewers praise and complain about, per product, with counts and quotes.

Each review is cut into clauses (bot/merchant/text.py: "great sound but the battery died"
is two), each clause is matched against a lexicon of aspects (comfort, fit, quality,
battery, delivery...), and the sentiment classifier labels the clause. An aspect's
summary counts the reviews that praise it and the reviews that complain about it (a review
counts once per aspect and side, however often it repeats itself), and quotes the clause
the classifier is surest of, verbatim, so a summary never says what no reviewer wrote.

The lexicon is the store-facing vocabulary of review topics; matching is by whole words
and phrases, so "cheap" (value) and "cheaply made" (quality) land where they belong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.merchant.sentiment import Classify
from bot.merchant.text import split_clauses, split_sentences

# Aspect -> phrases that put a clause on it. Order matters only for display ties.
LEXICON: dict[str, tuple[str, ...]] = {
    "value": ("price", "priced", "overpriced", "value", "money", "penny", "cheaper", "expensive", "worth",
              "cost", "bargain", "deal"),
    "delivery": ("delivery", "delivered", "shipping", "shipped", "arrived", "arrive", "arrival", "package",
                 "packaged", "packaging", "box", "courier", "came two days early"),
    "quality": ("quality", "build", "built", "well made", "cheaply made", "feels cheap", "looks cheap",
                "stitching", "durable", "durability", "held up", "holding up", "holds up", "wear", "wore out",
                "broke", "broken", "falling apart", "fell apart", "defect", "defective", "pilled", "sturdy",
                "flimsy", "didn't last", "did not last", "stopped working", "solid"),
    "comfort": ("comfortable", "comfort", "uncomfortable", "comfy", "hurt", "hurts", "sore", "soft", "softer",
                "scratchy", "support", "supportive", "cushioning", "cushioned", "itchy"),
    "fit": ("fit", "fits", "fitting", "size", "sizing", "runs small", "runs large", "too small", "too big",
            "smaller than", "larger than", "roomier", "bulkier", "too tight", "too loose"),
    "looks": ("color", "colour", "colors", "colours", "look", "looks", "looking", "stylish", "style",
              "photos", "pictures", "design", "pretty", "beautiful", "compliments"),
    "ease of use": ("setup", "set up", "easy", "intuitive", "instructions", "assembly", "assemble",
                    "went together", "figure out", "simple", "user friendly"),
    "battery": ("battery", "batteries", "charge", "charging", "charger"),
    "cleaning": ("clean", "cleans", "cleaning", "rinse", "stains", "washing", "wash"),
    "sound": ("sound", "audio", "bass", "noisy", "noise", "quiet", "quietly", "quieter", "loud", "tinny",
              "whine", "volume"),
    "smell and taste": ("smell", "smells", "scent", "taste", "tastes", "tasted", "flavor", "flavour",
                        "fresh", "stale", "bitter", "sweet", "bland"),
    "connectivity": ("connection", "connect", "disconnecting", "pairing", "pairs", "bluetooth", "wifi",
                     "wi-fi", "signal"),
    "warmth": ("warm", "warmer", "warmth", "cold", "insulated", "hot", "lukewarm", "heat"),
    "waterproofing": ("waterproof", "waterproofing", "leak", "leaks", "leaked", "leakproof", "stayed dry",
                      "kept me dry", "stays dry", "downpour", "rainy", "water out", "water got in", "drip",
                      "drips", "seams"),
    "performance": ("performance", "performs", "fast", "sluggish", "slow", "powerful", "works", "working",
                    "reliable", "unreliable", "accurate", "tracking"),
}  # fmt: skip

# Delivery words that describe a product being fast or slow are not about delivery.
_NOT_DELIVERY = re.compile(r"\b(?:performs|runs|works|charges|heats|dries|loads)\b", re.IGNORECASE)


def _pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)


_PATTERNS: dict[str, re.Pattern[str]] = {name: _pattern(words) for name, words in LEXICON.items()}


def aspects_of(clause: str) -> list[str]:
    """The aspects a clause talks about, in lexicon order."""
    found = [name for name, pattern in _PATTERNS.items() if pattern.search(clause)]
    if "delivery" in found and "performance" in found and _NOT_DELIVERY.search(clause):
        found.remove("delivery")
    return found


@dataclass(frozen=True)
class ReviewText:
    """One review as the summariser needs it: its text, its stars and its date, if known."""

    text: str
    rating: int | None = None
    date: date | None = None
    author: str | None = None


@dataclass(frozen=True)
class Mention:
    """One clause of one review about one aspect, with the classifier's verdict."""

    review: int  # index into the reviews summarised
    aspect: str
    clause: str
    label: str
    confidence: float


@dataclass(frozen=True)
class Side:
    """Praise or complaints about one aspect: how many reviews, and the clearest quote."""

    reviews: int
    quote: str | None


@dataclass(frozen=True)
class AspectSummary:
    """What reviewers say about one aspect."""

    aspect: str
    praise: Side
    complaints: Side

    @property
    def mentions(self) -> int:
        """Reviews with an opinion on this aspect, either way."""
        return self.praise.reviews + self.complaints.reviews

    @property
    def verdict(self) -> str:
        """'praised', 'criticised' or 'mixed': the side with clearly more reviews, else mixed."""
        if self.praise.reviews > 2 * self.complaints.reviews:
            return "praised"
        if self.complaints.reviews > 2 * self.praise.reviews:
            return "criticised"
        return "mixed"


@dataclass
class ReviewSummary:
    """A product's reviews summarised: counts by sentiment and one AspectSummary per aspect."""

    reviews: int
    positive: int
    negative: int
    neutral: int
    aspects: list[AspectSummary] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)

    def praised(self, limit: int = 3) -> list[AspectSummary]:
        """Aspects more reviews praise than criticise, most praised first."""
        ranked = [a for a in self.aspects if a.praise.reviews > a.complaints.reviews]
        return sorted(ranked, key=lambda a: (-a.praise.reviews, a.aspect))[:limit]

    def criticised(self, limit: int = 3) -> list[AspectSummary]:
        """Aspects at least one review complains about, most complained about first."""
        ranked = [a for a in self.aspects if a.complaints.reviews and a.complaints.reviews >= a.praise.reviews]
        return sorted(ranked, key=lambda a: (-a.complaints.reviews, a.aspect))[:limit]


def review_label(labels: Sequence[str]) -> str:
    """A review's overall sentiment from its clauses: positive or negative when every opinion
    points one way, neutral when it has none or both (a mixed review)."""
    sides = set(labels) - {"neutral"}
    return sides.pop() if len(sides) == 1 else "neutral"


def clauses(text: str) -> list[str]:
    """The clauses of a review, sentence by sentence, each verbatim."""
    return [clause for sentence in split_sentences(text) for clause in split_clauses(sentence)]


def review_sentiments(texts: Sequence[str], classify: Classify) -> list[tuple[str, float]]:
    """(label, confidence) per whole review: its clauses are classified in one batch and
    combined by `review_label`, so "great sound, but the battery died" is mixed (neutral)
    where a single pass over the sentence would call it positive. The confidence is the
    least sure clause's when they agree, and the surest clause's when mixed."""
    pieces = [clauses(text) or [text] for text in texts]
    verdicts = iter(classify([clause for parts in pieces for clause in parts]))
    out: list[tuple[str, float]] = []
    for parts in pieces:
        mine = [next(verdicts) for _ in parts]
        label = review_label([lab for lab, _ in mine])
        sided = [conf for lab, conf in mine if lab == label] or [conf for _, conf in mine]
        out.append((label, min(sided) if label != "neutral" or len(mine) == 1 else max(c for _, c in mine)))
    return out


def summarize(reviews: Sequence[ReviewText], classify: Classify) -> ReviewSummary:
    """Summarise `reviews` with one batched `classify` call over all their clauses."""
    pieces = [(index, clause) for index, review in enumerate(reviews) for clause in clauses(review.text)]
    verdicts = classify([clause for _, clause in pieces]) if pieces else []

    by_review: dict[int, list[str]] = {}
    mentions: list[Mention] = []
    for (index, clause), (label, confidence) in zip(pieces, verdicts, strict=True):
        by_review.setdefault(index, []).append(label)
        mentions.extend(Mention(index, aspect, clause, label, confidence) for aspect in aspects_of(clause))
    overall = [review_label(by_review.get(i, [])) for i in range(len(reviews))]

    aspects = [
        AspectSummary(name, _side(mentions, name, "positive"), _side(mentions, name, "negative"))
        for name in LEXICON
    ]
    return ReviewSummary(
        reviews=len(reviews),
        positive=overall.count("positive"),
        negative=overall.count("negative"),
        neutral=overall.count("neutral"),
        aspects=[a for a in aspects if a.mentions],
        mentions=mentions,
    )


def _side(mentions: Sequence[Mention], aspect: str, label: str) -> Side:
    mine = [m for m in mentions if m.aspect == aspect and m.label == label]
    if not mine:
        return Side(0, None)
    # The clearest quote; among equals the shorter one reads better in a summary.
    best = max(mine, key=lambda m: (round(m.confidence, 2), -len(m.clause)))
    return Side(len({m.review for m in mine}), best.clause)
