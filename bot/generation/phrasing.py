"""Phrasing shared by the skills' templates: prices, stock, one-line product summaries, lists.

Every sentence restates facts of an AnswerContext; nothing here adds one.
"""

from __future__ import annotations

from collections.abc import Callable

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


def stock_note(c: AnswerContext) -> list[str]:
    """When the shopper asked for what is in stock and the catalog does not track stock
    for some listed products: they stay listed (they can be bought), and the answer says
    what it cannot see instead of letting "in stock" stand for them."""
    listed = c.products[:MAX_LISTED]
    if not c.constraints.in_stock or all(p.stock_known for p in listed):
        return []
    some = "these" if not any(p.stock_known for p in listed) else "some of these"
    return [f"I can't see stock for {some}, so I can't promise either way; I can connect you with our team to check. "]


def numbered(products: tuple[ProductFacts, ...], line: Callable[[ProductFacts], str]) -> list[str]:
    """Up to MAX_LISTED products as a numbered list, one line each."""
    return [f"{i}. {line(p)}.\n" for i, p in enumerate(products[:MAX_LISTED], 1)]


def finding_sentence(f: Finding, p: ProductFacts | None) -> str:
    """One answer to a product question, in words, saying where the answer comes from."""
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
    if f.topic == "stock" and f.source == "catalog" and p is not None:
        return _stock_sentence(f.answer, p)
    where = {"attribute": "the product details", "catalog": "the catalog", "description": "the description",
             "review": "a customer review"}.get(f.source, "the product details")  # fmt: skip
    several = p is not None and plural_title(p.title)  # "the Hiking Boots": they, their
    if f.answer in ("yes", "no"):
        if f.quote:
            return f"{'Yes' if f.answer == 'yes' else 'No'}, going by {where} of {name}: “{f.quote}”"
        if f.source == "catalog":
            if f.answer == "yes":
                return f"Yes, {name} {'have' if several else 'has'} {f.topic}."
            return f"No, {name} {'don' if several else 'doesn'}'t have {f.topic}."
        has = f.topic.endswith("s") and not f.topic.endswith("ss") or f.topic in _THINGS
        it, have, be = ("they", "have", "are") if several else ("it", "has", "is")
        if f.answer == "yes":
            return f"Yes, {where} for {name} say {it} {have if has else be} {f.topic}."
        return f"No, {where} for {name} say {it} {f'{have} no' if has else f'{be} not'} {f.topic}."
    head = f.topic.split()[0] if f.topic.split() else ""  # "sizes in stock" are
    verb = "are" if head.endswith("s") and not head.endswith("ss") else "is"
    text = f"The {f.topic} of {name} {verb} {f.answer}."
    if f.source == "attribute":
        # Quoted as the catalog states it: "No warranty" read into a sentence would not fit.
        text = f"The product details of {name} give {'their' if several else 'its'} {f.topic} as “{f.answer}”."
    if f.quote and f.source in ("description", "review"):
        text = f"About {f.topic}, {where} of {name} says: “{f.quote}”"
    return text


def plural_title(title: str) -> bool:
    """Whether a product's name names several things ("Red Shoes", "Hiking Boots"): "are", not "is"."""
    last = title.split()[-1].lower() if title.split() else ""
    return last.endswith("s") and not last.endswith("ss")


def _stock_sentence(answer: str, p: ProductFacts) -> str:
    """"The Red Shoes are in stock (7 left).", "The Kettle is out of stock right now."."""
    verb = "are" if plural_title(p.title) else "is"
    if answer == "in stock":
        left = f" ({p.stock} left)" if p.stock is not None else ""
        return f"The {p.title} {verb} in stock{left}."
    return f"The {p.title} {verb} {answer} right now."


def facts_or(default: str) -> Callable[[AnswerContext], list[str]]:
    """A renderer that says the store facts, or `default` when there are none."""

    def render(c: AnswerContext) -> list[str]:
        return [f"{fact} " for fact in c.store_facts] if c.store_facts else [default]

    return render
