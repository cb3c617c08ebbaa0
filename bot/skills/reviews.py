"""Answering "what do people say about X?": the rating, counts and aspect summary of its reviews.

Every number comes from the catalog (rating, review count) or from counting the reviews
themselves, and every quote is a verbatim clause of a review, so the answer is written
here from facts, never by a generator.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.dialogue.plan import Plan, Request
from bot.dialogue.state import DialogueState
from bot.generation.facts import AnswerContext, ProductFacts, rating_text
from bot.generation.guardrails import safe_quote
from bot.generation.phrasing import facts_or
from bot.merchant.aspects import AspectSummary, ReviewSummary
from bot.skills.base import Skill
from retrieval.catalog import Product

if TYPE_CHECKING:
    from bot.dialogue.engine import Dialogue

# "what do people say about", "how are the reviews", "any complaints", "do customers like it"
REVIEWS_RE = re.compile(
    r"\b(?:what do(?:es)? (?:people|customers|reviewers|buyers|others|shoppers|reviews?|folks|users|owners)"
    r" (?:say|think|write|like|complain|mention)|what (?:are|were) (?:the )?reviews|how are (?:the )?reviews|"
    r"reviews? (?:say|like)|(?:any|common|main) complaints?|complain(?:ed|s)? about|"
    r"what (?:people|customers|reviewers) (?:say|think)|(?:summari[sz]e|summary of) (?:the )?reviews|"
    r"do (?:people|customers|reviewers) like|praise|feedback on)\b",
    re.IGNORECASE,
)


def asks_about_reviews(text: str) -> bool:
    """Whether the shopper asks what reviewers say, rather than for one fact."""
    return REVIEWS_RE.search(text) is not None


def _reviews(n: int) -> str:
    return f"{n} review{'' if n == 1 else 's'}"


def _quoted(side_quote: str | None) -> str:
    return f": “{side_quote}”" if side_quote and safe_quote(side_quote) else ""


def _praise(aspect: AspectSummary) -> str:
    return f"the {aspect.aspect} ({_reviews(aspect.praise.reviews)}{_quoted(aspect.praise.quote)})"


def _complaint(aspect: AspectSummary) -> str:
    return f"the {aspect.aspect} ({_reviews(aspect.complaints.reviews)}{_quoted(aspect.complaints.quote)})"


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def review_answer(product: Product, summary: ReviewSummary | None) -> list[str]:
    """The sentences of the answer; without a summary (no sentiment model, or no review
    text) only what the catalog itself says about the reviews."""
    name = product.title
    count = product.review_count or len(product.reviews)
    if product.rating is not None and count:
        lines = [f"The {name} is rated {rating_text(product.rating)} out of 5 from {_reviews(count)}."]
    elif count:
        lines = [f"The {name} has {_reviews(count)}."]
    else:
        return [f"The {name} has no reviews yet, so I can't tell you what people think of it."]
    if summary is None or not summary.reviews:
        return lines
    read = summary.reviews
    tally = [f"{summary.positive} positive", f"{summary.negative} negative"]
    if summary.neutral:
        tally.append(f"{summary.neutral} mixed or neutral")
    lines.append(f"Of the {_reviews(read)} I can read, {_listed(tally)}.")
    praised, criticised = summary.praised(), summary.criticised()
    if praised:
        lines.append(f"Reviewers praise {_listed([_praise(a) for a in praised])}.")
    if criticised:
        lead = "The main complaint is about" if len(criticised) == 1 else "Complaints are about"
        lines.append(f"{lead} {_listed([_complaint(a) for a in criticised])}.")
    elif praised:
        lines.append("None of them complain about anything in particular.")
    return lines


async def review_summary(d: Dialogue, state: DialogueState, req: Request, product: Product | None = None) -> Plan:
    """What reviewers say about the product meant or named."""
    # "What do people say about the TrailMax boots?" names a product (maybe never shown):
    # a name beats the focus. "...about the first one / it" refers to what was shown.
    if product is None:
        products = [] if req.frame.reference else await d.named(state, req)
        if not products:
            products = await d.referred(state, req)
        if not products:
            return d.which(req, state)
        product = products[0]
    state.remember_focus(product.id)
    analyzer = d.reviews
    chosen = product
    summary = await d.run(lambda: analyzer.summary(chosen)) if analyzer and product.reviews else None
    facts = ProductFacts.from_product(product)
    context = AnswerContext("reviews", req.text, products=(facts,), store_facts=tuple(review_answer(product, summary)))
    buttons = ("Add to cart", "Show similar") if facts.in_stock else ("Show similar",)
    return Plan(context, cards=(facts,), buttons=buttons, signals=[(product.id, "viewed")])


SKILL = Skill(
    name="reviews",
    render=facts_or("I couldn't find reviews for that product."),
    task="Tell the shopper what reviewers say, using the STORE FACTS.",
    handles={"reviews": review_summary},
)
