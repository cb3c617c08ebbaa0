"""How a reply is read against the catalog: which product it is about, which products a reference
means, the amounts and facts its text states."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

from bot.dialogue.expectations.registry import Context, Seen
from bot.dialogue.expectations.values import ById, FieldPattern, FocusOfTurn, SameAsCard, SuperlativeCard
from retrieval.catalog import Product
from retrieval.money import format_money, read_amount


@lru_cache(maxsize=1024)
def regex(pattern: str) -> re.Pattern[str]:
    """A conversation file's pattern, compiled once; patterns ignore case."""
    return re.compile(pattern, re.IGNORECASE)


def product_of(card: Mapping[str, Any], context: Context) -> Product | None:
    """The catalog product a card shows (None when the catalog has no such id)."""
    return context.catalog.get(str(card.get("id")))


def label(card: Mapping[str, Any]) -> str:
    """A card as a failure report names it: id and title."""
    return f"{card.get('id')} ({card.get('title')})"


def price_label(product: Product, amount: float | None = None) -> str:
    """A price of the product (default: its price) as its store writes it: "$34.99", "₹1,299"."""
    return format_money(product.price if amount is None else amount, product.currency)


def not_in_catalog(card: Mapping[str, Any]) -> str:
    """What is wrong with a card whose id the catalog does not have."""
    return f"card {label(card)} is not a product of the catalog"


def field_text(card: Mapping[str, Any], product: Product, name: str) -> str:
    """The text of one field of a card: the title as shown, else the product's catalog facts."""
    attributes = "; ".join(f"{k}: {', '.join(v) if isinstance(v, list) else v}" for k, v in product.attributes.items())
    if name == "title":
        return str(card.get("title") or product.title)
    if name == "brand":
        return product.brand or ""
    if name == "category":
        return product.category_path
    if name == "tags":
        return ", ".join(product.tags)
    if name == "attributes":
        return attributes
    if name.startswith("attributes."):
        value = product.attributes.get(name.removeprefix("attributes."), "")
        return ", ".join(value) if isinstance(value, list) else value
    return " | ".join((product.title, product.brand or "", product.category_path, attributes, ", ".join(product.tags)))


def matches(card: Mapping[str, Any], product: Product, pattern: str | FieldPattern) -> tuple[bool, str]:
    """Whether a card's field matches the pattern (a bare pattern is on the title), and the text it was matched on."""
    spec = pattern if isinstance(pattern, FieldPattern) else FieldPattern(pattern=pattern)
    text = field_text(card, product, spec.field)
    return regex(spec.pattern).search(text) is not None, f"{spec.field} {text!r}"


def every_card(seen: Seen, context: Context, test: Callable[[Product], str | None]) -> str | None:
    """The first card failing `test` (which returns why), or the first card missing from the catalog."""
    for card in seen.cards:
        product = product_of(card, context)
        if product is None:
            return not_in_catalog(card)
        if (why := test(product)) is not None:
            return f"card {label(card)} {why}"
    return None


def _names(text: str, product: Product, *, loosely: bool = False) -> bool:
    """True when the text names the product by its title (`loosely`: also without the brand in front)."""
    lowered = text.lower()
    title = product.title.lower()
    if title in lowered:
        return True
    brand = (product.brand or "").lower()
    return loosely and bool(brand) and title.startswith(brand + " ") and title[len(brand) + 1 :] in lowered


def named(text: str, products: Iterable[Product]) -> set[str]:
    """The products a text names: by whole title, else (when none is) by title without the brand."""
    products = list(products)
    return {p.id for p in products if _names(text, p)} or {p.id for p in products if _names(text, p, loosely=True)}


def focus_of(seen: Seen, context: Context) -> str | None:
    """The product a reply is about: the one it reports, its only card, the only card (or else the
    only catalog product) its text names; None when it is about no single product."""
    if seen.focus:
        return seen.focus
    if len(seen.cards) == 1:
        return str(seen.cards[0].get("id"))
    shown = [p for c in seen.cards if (p := product_of(c, context)) is not None]
    ids = named(seen.text, shown) or named(seen.text, context.catalog.values())
    return next(iter(ids)) if len(ids) == 1 else None


def _earlier_with_cards(context: Context, turn: int | None) -> tuple[Seen | None, str]:
    if turn is not None:
        if turn > len(context.earlier):
            return None, f"turn {turn} has not happened yet"
        return context.earlier[turn - 1], f"turn {turn}"
    for number in range(len(context.earlier), 0, -1):
        if context.earlier[number - 1].cards:
            return context.earlier[number - 1], f"turn {number}"
    return None, "no earlier turn showed cards"


def resolve(ref: BaseModel, context: Context) -> tuple[set[str], str]:
    """The ids a reference may mean (several when products tie), and how it was resolved; no ids when it
    cannot be resolved (the text says why)."""
    if isinstance(ref, ById):
        return {ref.id}, ref.id
    if isinstance(ref, FocusOfTurn):
        if ref.focus_of_turn > len(context.earlier):
            return set(), f"turn {ref.focus_of_turn} has not happened yet"
        focus = focus_of(context.earlier[ref.focus_of_turn - 1], context)
        return ({focus}, f"{focus} (the focus of turn {ref.focus_of_turn})") if focus else (
            set(), f"turn {ref.focus_of_turn} was about no single product")
    assert isinstance(ref, (SameAsCard, SuperlativeCard))
    seen, where = _earlier_with_cards(context, ref.turn)
    if seen is None or not seen.cards:
        return set(), f"{where} showed no cards" if seen is not None else where
    if isinstance(ref, SameAsCard):
        if ref.same_as_card > len(seen.cards):
            return set(), f"{where} showed only {len(seen.cards)} cards"
        pid = str(seen.cards[ref.same_as_card - 1].get("id"))
        return {pid}, f"{pid} (card {ref.same_as_card} of {where})"
    products = [p for c in seen.cards if (p := product_of(c, context)) is not None]
    if not products:
        return set(), f"no card of {where} is in the catalog"
    key: Callable[[Product], float] = {
        "cheapest": lambda p: -p.price,
        "most_expensive": lambda p: p.price,
        "best_rated": lambda p: p.rating if p.rating is not None else -1.0,
    }[ref.superlative_card]
    best = max(key(p) for p in products)
    ids = {p.id for p in products if key(p) == best}
    return ids, f"{' or '.join(sorted(ids))} (the {ref.superlative_card.replace('_', ' ')} card of {where})"


# An amount after a currency symbol or code: "$1,299.99", "₹1,29,999", "€12,50", "Rs. 499", "INR 499".
_MONEY = re.compile(r"(?:[$₹€£]|\bRs\.?|\b(?:USD|INR|EUR|GBP)\b)\s?(\d+(?:[.,]\d+)*)")
_SEGMENT = re.compile(r"(?<=[.!?;])\s+|\n")


def segments(text: str) -> list[str]:
    """The sentences and lines of a text."""
    return _SEGMENT.split(text)


# Words that make the amount after them a bound the shopper set ("under $50", "between $20 and $40"),
# not a price the reply gives.
_BOUND = re.compile(
    r"(?:\b(?:under|below|over|above|less than|more than|up to|at most|at least|within|budget(?: of)?|between)"
    r"|\bbetween\s+\S+\s+and)\s*$",
    re.IGNORECASE,
)


def money_amounts(text: str, *, prices_only: bool = False) -> list[float]:
    """The amounts of money written in a text ("$49.99", "$1,299", "$50", "₹1,29,999", "€12,50");
    `prices_only`: leaving out bounds ("under $50")."""
    amounts = []
    for match in _MONEY.finditer(text):
        if prices_only and _BOUND.search(text[max(0, match.start() - 40) : match.start()]):
            continue
        currency = "EUR" if match.group().startswith("€") else None
        if (amount := read_amount(match.group(1), currency)) is not None:
            amounts.append(amount)
    return amounts


def number_in(value: str) -> float | None:
    """The first number written in a value ("6", "1.7 l"), or None."""
    found = re.search(r"-?\d+(?:\.\d+)?", value)
    return float(found.group()) if found else None


_NEGATION = re.compile(r"\b(?:not|no|without|isn't|aren't|doesn't|don't|lacks?)\b|n't\b", re.IGNORECASE)
_CLAUSE = re.compile(r"[,;.!?:]\s|\bbut\b|\band\b|\n", re.IGNORECASE)


def _states_yes_no(text: str, attribute: str, value: str) -> str | None:
    """Whether the text says yes or no about a yes/no attribute where it names it.

    A mention is negated when a negation stands in its own clause just before it ("is not
    waterproof", "doesn't have a rain cover") or right after it ("waterproof: no").
    """
    name = attribute.replace("_", " ")
    words = r"[\s_-]*".join(re.escape(w) for w in re.split(r"[_\s-]+", attribute) if w)
    mentions = list(re.finditer(words, text, re.IGNORECASE))
    if not mentions:
        return f"the text does not mention {name}"
    negated = []
    for m in mentions:
        before = _CLAUSE.split(text[max(0, m.start() - 40) : m.start()])[-1]
        after = _CLAUSE.split(text[m.end() : m.end() + 12])[0]
        negated.append(bool(_NEGATION.search(before) or re.match(r"\W*(?:no|none)\b", after, re.IGNORECASE)))
    if value == "yes" and all(negated):
        return f"the text says it is not {name}; the catalog says yes"
    if value == "no" and not any(negated):
        return f"the text does not say it is not {name}; the catalog says no"
    return None


def without_names(text: str, titles: Iterable[str]) -> str:
    """The text with these product titles (and the titles without their brand) blanked out."""
    names = {t for title in titles if title for t in (title, title.split(" ", 1)[-1])}
    for name in sorted(names, key=len, reverse=True):
        text = re.sub(re.escape(name), " ", text, flags=re.IGNORECASE)
    return text


def states(product: Product, attribute: str, text: str) -> str | None:
    """Why the text fails to state the product's fact, or None."""
    from bot.generation.facts import rating_text

    lowered = text.lower()
    if attribute == "price":
        return None if product.price in money_amounts(text) else f"the text does not give its price {price_label(product)}"
    if attribute == "stock":
        if not product.stock_known:
            return f"{product.id} has no stock count in the catalog"
        count = product.total_stock
        said = [float(n) for n in re.findall(r"(?<![\d.,$₹€£])\d+(?![\d,]|\.\d)", text)]
        return None if count in said else f"the text does not give its stock, {count} left"
    if attribute == "rating":
        if product.rating is None:
            return None
        shown = rating_text(product.rating)
        return None if re.search(rf"(?<![\d.]){re.escape(shown)}(?![\d])", text) else f"the text does not give its rating {shown}"
    if attribute in ("colors", "sizes_in_stock"):
        wanted = sorted(product.colors if attribute == "colors" else product.sizes_in_stock())
        missing = [w for w in wanted if not re.search(rf"(?<![\w.]){re.escape(w.lower())}(?![\w]|\.\d)", lowered)]
        return f"the text leaves out {', '.join(missing)} (the catalog's {attribute.replace('_', ' ')})" if missing else None
    value = product.attributes.get(attribute)
    if value is None:
        return f"{product.id} has no {attribute} in the catalog"
    values = value if isinstance(value, list) else [value]
    if len(values) == 1 and values[0].lower() in ("yes", "no"):
        return _states_yes_no(text, attribute, values[0].lower())
    for v in values:
        number = number_in(v) if re.fullmatch(r"\s*-?\d+(?:\.\d+)?\s*", v) else None
        if number is not None:
            if number not in [float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)]:
                return f"the text does not give its {attribute} {v}"
        elif v.lower() not in lowered:
            return f"the text does not give its {attribute} {v!r}"
    return None


def suits_age(product: Product, age: int) -> bool:
    """True when the product's age range includes `age`, or (without one) it is a kids' product."""
    value = product.attributes.get("age_range")
    text = ", ".join(value) if isinstance(value, list) else value
    if text:
        if span := re.search(r"(\d+)\s*(?:-|to)\s*(\d+)", text):
            return int(span.group(1)) <= age <= int(span.group(2))
        if floor := re.search(r"(\d+)\s*\+", text):
            return int(floor.group(1)) <= age
        return False
    gender = product.attributes.get("gender")
    return "kids" in product.category_path.lower().split(" > ") or gender == "kids"
