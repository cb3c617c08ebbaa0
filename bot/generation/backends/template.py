"""Answers rendered from the facts alone: deterministic, always grounded, readable on their own.

This is the fallback whenever a model fails, times out or states something unsupported,
so every skill has a complete answer here, and every sentence only restates facts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from bot.generation.backends.base import Generator
from bot.generation.facts import AnswerContext, Finding, ProductFacts, money, rating_text

MAX_LISTED = 5
# Yes/no attributes that are things a product has rather than something it is.
_THINGS = {"hood", "lid", "handle", "zipper", "strap", "warranty", "timer", "remote", "case", "cover"}


def price_text(p: ProductFacts) -> str:
    """"$49.99", or "$49.99 (was $59.99, 17% off)" on sale."""
    text = money(p.price, p.currency)
    if p.discount_percent and p.compare_at_price:
        text += f" (was {money(p.compare_at_price, p.currency)}, {p.discount_percent}% off)"
    return text


def stock_text(p: ProductFacts) -> str:
    """"in stock", "only 3 left", "out of stock", or "" when the catalog does not track stock."""
    if not p.in_stock:
        return "out of stock"
    if not p.stock_known:
        return ""  # unknown is not "in stock": say nothing rather than a guess
    if p.stock is not None and p.stock <= 5:
        return f"only {p.stock} left"
    return "in stock"


def product_summary(p: ProductFacts) -> str:
    """One product as a short line: name, price, rating, stock (when known)."""
    parts = [price_text(p)]
    if p.rating is not None and p.review_count:
        parts.append(f"rated {rating_text(p.rating)}/5 from {p.review_count} reviews")
    if stock := stock_text(p):
        parts.append(stock)
    return f"{p.title}: " + ", ".join(parts)


def _stock_note(c: AnswerContext) -> list[str]:
    """When the shopper asked for what is in stock and the catalog does not track stock
    for some listed products: they stay listed (they can be bought), and the answer says
    what it cannot see instead of letting "in stock" stand for them."""
    listed = c.products[:MAX_LISTED]
    if not c.constraints.in_stock or all(p.stock_known for p in listed):
        return []
    some = "these" if not any(p.stock_known for p in listed) else "some of these"
    return [f"I can't see stock for {some}, so I can't promise either way; I can connect you with our team to check. "]


def _numbered(products: tuple[ProductFacts, ...], line: Callable[[ProductFacts], str]) -> list[str]:
    return [f"{i}. {line(p)}.\n" for i, p in enumerate(products[:MAX_LISTED], 1)]


def _search(c: AnswerContext) -> list[str]:
    # Store facts come first: a note on the request itself ("prices here are in INR").
    notes = [f"{fact}\n" for fact in c.store_facts]
    return notes + _search_results(c)


def _search_results(c: AnswerContext) -> list[str]:
    asked = c.constraints.described()
    if not c.products:
        what = f" for {asked}" if asked else ""
        return [
            f"I couldn't find anything{what} right now. ",
            "Try different words, or tell me a category, brand or budget and I'll look again.",
        ]
    shown = min(len(c.products), MAX_LISTED)
    first, last = c.first_result, c.first_result + shown - 1
    # A total is said only when it is a real count; without one (and without more pages)
    # the products given are all there is.
    total = c.total_results
    if total is None and not c.more_results and first == 1:
        total = len(c.products)
    more = c.more_results if c.more_results is not None else total is not None and total > last
    of = f" of {total}" if total is not None else ""
    what = f" for {asked}" if asked else ""
    if first > 1:  # a later page: say which part of the list this is
        lead = f"Here are matches {first} to {last}{of}{what}:\n" if last > first else f"Here is match {first}{of}{what}:\n"
    elif more or (total is not None and total > shown):
        lead = f"Here are the top {shown}{of} matches{what}:\n"
    else:
        lead = f"Here {'is what' if shown == 1 else f'are the {shown} products'} I found{what}:\n"
    out = [lead, *_numbered(c.products, product_summary), *_stock_note(c)]
    if more:
        out.append("Say \"show more\" for more, or tell me a size, colour or budget to narrow it down.")
    return out


def _recommend(c: AnswerContext) -> list[str]:
    if not c.products:
        return ["I don't have a recommendation that fits yet. Tell me what it's for, or a budget, and I'll find something."]

    def line(p: ProductFacts) -> str:
        reasons = c.reasons.get(p.id)
        base = f"{p.title}, {price_text(p)}"
        return base + (f": {'; '.join(reasons)}" if reasons else "")

    lead = " ".join(c.store_facts) if c.store_facts else "Here's what I'd suggest:"
    return [f"{lead}\n", *_numbered(c.products, line), *_stock_note(c)]


def _finding_sentence(f: Finding, p: ProductFacts | None) -> str:
    name = f"the {p.title}" if p else "this product"
    if f.answer == "unknown" and f.topic == "stock":
        return (
            f"I can't see stock for {name}, so I can't say how many are left or promise either way. "
            "I can connect you with our team if you'd like them to check."
        )
    if f.answer == "unknown":
        return (
            f"The product details for {name} don't say anything about {f.topic}, so I can't promise either way. "
            "I can connect you with our team if you'd like to ask them."
        )
    where = {"attribute": "the product details", "catalog": "the catalog", "description": "the description",
             "review": "a customer review"}.get(f.source, "the product details")  # fmt: skip
    if f.answer in ("yes", "no"):
        if f.quote:
            return f"{'Yes' if f.answer == 'yes' else 'No'}, going by {where} of {name}: “{f.quote}”"
        if f.source == "catalog":
            return f"Yes, {name} has {f.topic}." if f.answer == "yes" else f"No, {name} doesn't have {f.topic}."
        has = f.topic.endswith("s") and not f.topic.endswith("ss") or f.topic in _THINGS
        if f.answer == "yes":
            return f"Yes, {where} for {name} say it {'has' if has else 'is'} {f.topic}."
        return f"No, {where} for {name} say it {'has no' if has else 'is not'} {f.topic}."
    verb = "are" if f.topic.endswith("s") and not f.topic.endswith("ss") else "is"
    text = f"The {f.topic} of {name} {verb} {f.answer}."
    if f.quote and f.source in ("description", "review"):
        text = f"About {f.topic}, {where} of {name} says: “{f.quote}”"
    return text


def _product_answer(c: AnswerContext) -> list[str]:
    p = c.focus
    if p is None:
        return ["Which product do you mean? Tell me its name, or pick one from the list."]
    if not c.findings:
        details = [f"{k}: {v}" for k, v in p.attributes[:5]]
        label = "sizes in stock" if p.stock_known else "sizes"
        sizes = [f"{label}: {', '.join(p.sizes_in_stock)}"] if p.sizes_in_stock else []
        colors = [f"colours: {', '.join(p.colors)}"] if p.colors else []
        extra = "; ".join(details + sizes + colors)
        return [f"{product_summary(p)}. ", *([f"{extra[0].upper()}{extra[1:]}."] if extra else [])]
    return [_finding_sentence(f, p) + " " for f in c.findings]


def _compare(c: AnswerContext) -> list[str]:
    products = c.products[:MAX_LISTED]
    if len(products) < 2:
        return ["Tell me which two products to compare, for example \"compare the first two\"."]
    shared = set(products[0].attributes)
    for p in products[1:]:
        shared &= set(p.attributes)
    same = {kv for kv in shared if all(kv in p.attributes for p in products)}
    out = ["Here's how they compare:\n"]
    for p in products:
        details = [price_text(p)]
        if p.rating is not None:
            details.append(f"rated {rating_text(p.rating)}/5")
        if stock := stock_text(p):
            details.append(stock)
        details.extend(f"{k}: {v}" for k, v in p.attributes if (k, v) not in same)
        out.append(f"- {p.title}: {', '.join(details)}.\n")
    if same:
        out.append("Both have " + ", ".join(f"{k}: {v}" for k, v in sorted(same)) + ".\n")
    cheapest = min(products, key=lambda p: p.price)
    if sum(p.price == cheapest.price for p in products) == 1:
        out.append(f"The {cheapest.title} is the least expensive. ")
    rated = [p for p in products if p.rating is not None]
    if rated:
        best = max(rated, key=lambda p: p.rating or 0)
        if sum(p.rating == best.rating for p in rated) == 1:
            out.append(f"The {best.title} has the best rating.")
    return out


def _policy(c: AnswerContext) -> list[str]:
    if c.policy is None:
        return ["I don't have that in our store policy. I can connect you with our team if you'd like."]
    return [c.policy.text]


def _facts_or(default: str) -> Callable[[AnswerContext], list[str]]:
    def render(c: AnswerContext) -> list[str]:
        return [f"{fact} " for fact in c.store_facts] if c.store_facts else [default]

    return render


def _redirect(c: AnswerContext) -> list[str]:
    if c.store_facts:
        return [f"{fact} " for fact in c.store_facts]
    return [
        f"I can only help with shopping at {c.store_name}: finding products, answering questions about them, "
        "and orders. What are you looking for today?"
    ]


RENDERERS: dict[str, Callable[[AnswerContext], list[str]]] = {
    "search": _search,
    "recommend": _recommend,
    "product_answer": _product_answer,
    "compare": _compare,
    "policy": _policy,
    "cart": _facts_or("Your cart is empty."),
    "reviews": _facts_or("I couldn't find reviews for that product."),
    "order": _facts_or("I couldn't find that order. Could you check the order number?"),
    "handoff": _facts_or(
        "I'm connecting you with a member of our team. They will see this conversation, so you won't need to repeat yourself."
    ),
    "clarify": _facts_or("Could you tell me a bit more about what you're looking for?"),
    "smalltalk": _facts_or("Hi! What can I help you find today?"),
    "fallback": _facts_or(
        "Sorry, I didn't quite get that. I can find products, answer questions about them, compare them, "
        "and check on orders. For example, try “waterproof hiking boots”."
    ),
    "redirect": _redirect,
}


def render(context: AnswerContext) -> str:
    """The template answer for a context, as one string."""
    return "".join(RENDERERS[context.skill](context)).strip()


class TemplateGenerator(Generator):
    """Renders answers from facts; never fails, never needs checking."""

    name = "template"
    writes_free_text = False

    async def stream(self, context: AnswerContext, *, strict: bool = False) -> AsyncIterator[str]:
        """Yield the rendered answer piece by piece (a line or sentence each)."""
        pieces = RENDERERS[context.skill](context)
        for i, piece in enumerate(pieces):
            yield piece.rstrip() if i == len(pieces) - 1 else piece
