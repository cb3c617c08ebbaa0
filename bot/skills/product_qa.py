"""Answering a question about one product from its catalog facts, attributes, description and reviews.

The answer is decided here, never by a generator: catalog fields first (price, stock,
sizes, colours, rating), then attributes by name, synonym or value, then the description
or review sentence most similar to the question. When nothing matches, the finding says
"unknown" so the reply admits the catalog does not say.
"""

from __future__ import annotations

import re

import numpy as np

from bot.generation.checker import BASE_COLORS
from bot.generation.facts import Finding, money, rating_text
from bot.generation.guardrails import safe_quote
from retrieval.catalog import Product, normalize_color, normalize_size
from retrieval.embeddings import Encoder

# Question words that name an attribute without using its key.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "material": ("made of", "made from", "fabric", "material", "leather", "cotton", "wool"),
    "waterproof": ("waterproof", "water resistant", "water-resistant", "rain", "wet"),
    "weight": ("weigh", "weight", "heavy", "light"),
    "capacity": ("capacity", "hold", "litre", "liter", "how big", "volume"),
    "battery_life": ("battery", "charge", "hours"),
    "warranty": ("warranty", "guarantee"),
    "fit": ("fit", "fits", "run small", "run large", "true to size"),
    "dishwasher_safe": ("dishwasher",),
    "machine_washable": ("washable", "wash", "washing machine"),
}
_PRICE = re.compile(r"\b(how much|price|cost|costs|expensive|cheap)\b", re.I)
_STOCK = re.compile(r"\b(in stock|available|sold out|out of stock|have any left|left)\b", re.I)
_SIZES = re.compile(r"\b(sizes?|fit me)\b", re.I)
_COLORS = re.compile(r"\b(colou?rs?|comes? in)\b", re.I)
_RATING = re.compile(r"\b(rating|rated|reviews?|stars?|good|any good|worth it)\b", re.I)
_STOP = set(
    "is it the a an does do this that these those they them have has with of for in on to my me i you "
    "can could would will be are was what which how about any there its it's really please tell".split()
)
_MONEY_WORDS = set(
    "dollar dollars euro euros pound pounds cents pence percent off price usd eur gbp free coupon coupons code codes "
    "promo discount discounts sale voucher deal deals".split()
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
MIN_SIMILARITY = 0.45


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _topic(question: str) -> str:
    # Numbers and money words stay out: a topic is echoed in answers, an amount must not be.
    words = [w for w in _words(question) if w not in _STOP and not any(c.isdigit() for c in w) and w not in _MONEY_WORDS]
    return " ".join(words[:4]) or "that"


def _catalog_findings(product: Product, question: str) -> list[Finding]:
    found: list[Finding] = []
    if _PRICE.search(question):
        found.append(Finding("price", money(product.price, product.currency), "catalog"))
    # Without stock in the catalog a size or colour is only known to exist: the findings
    # say "it comes in size 10", never "size 10 is in stock".
    known = product.stock_known
    asked_size = next((normalize_size(m.group(1)) for m in re.finditer(r"\bsize\s+(\w+)", question, re.I)), None)
    if asked_size:
        if asked_size not in product.sizes:
            found.append(Finding(f"size {asked_size}", "no", "catalog"))
        elif not known:
            found.append(Finding(f"size {asked_size}", "yes", "catalog"))
        else:
            found.append(Finding(f"size {asked_size} in stock", "yes" if asked_size in product.sizes_in_stock() else "no", "catalog"))
    elif _SIZES.search(question) and product.sizes:
        in_stock = sorted(product.sizes_in_stock())
        found.append(Finding("sizes in stock" if known else "sizes", ", ".join(in_stock) if in_stock else "none", "catalog"))
    asked_color = next(
        (c for c in sorted({*BASE_COLORS, *product.colors}, key=len, reverse=True) if re.search(rf"\b{re.escape(c)}\b", question, re.I)),
        None,
    )
    if asked_color and normalize_color(asked_color) in product.colors and not known:
        found.append(Finding(f"{asked_color} as a colour option", "yes", "catalog"))
    elif asked_color and normalize_color(asked_color) in product.colors:
        in_stock = normalize_color(asked_color) in product.colors_in_stock()
        found.append(Finding(f"{asked_color} in stock", "yes" if in_stock else "no", "catalog"))
    elif asked_color:
        found.append(Finding(f"{asked_color} as a colour option", "no", "catalog"))
    if (asked_color or _COLORS.search(question)) and product.colors:
        found.append(Finding("colours", ", ".join(sorted(product.colors)), "catalog"))
    # "What colours are available?" asks about options, not stock.
    stock_words = {m.group(1).lower() for m in _STOCK.finditer(question)}
    options = asked_color or asked_size or _COLORS.search(question) or _SIZES.search(question)
    if stock_words and not known and not (stock_words == {"available"} and options):
        # "Are they in stock?", "how many are left?": the catalog does not say, and a
        # product it does not track is not thereby "in stock".
        found.append(Finding("stock", "unknown", "catalog"))
    elif stock_words and known and not asked_size:
        found.append(Finding("stock", "in stock" if product.in_stock else "out of stock", "catalog"))
    if _RATING.search(question) and product.rating is not None:
        count = product.review_count or len(product.reviews)
        found.append(Finding("rating", f"{rating_text(product.rating)} out of 5 from {count} reviews", "catalog"))
    return found


def _attribute_findings(product: Product, question: str) -> list[Finding]:
    lowered = question.lower()
    found: list[Finding] = []
    for key, value in product.attributes.items():
        if key in ("color", "size"):
            continue
        text = ", ".join(value) if isinstance(value, list) else value
        name = key.replace("_", " ")
        named = re.search(rf"\b{re.escape(name)}\b", lowered) or any(s in lowered for s in SYNONYMS.get(key, ()))
        valued = text.lower() not in ("yes", "no") and re.search(rf"\b{re.escape(text.lower())}\b", lowered)
        if named or valued:
            found.append(Finding(name, text, "attribute"))
    return found


def _sentences(product: Product) -> list[tuple[str, str]]:
    out = [("description", s.strip()) for s in _SENTENCE.split(product.description) if s.strip()]
    for review in product.reviews:
        out.extend(("review", s.strip()) for s in _SENTENCE.split(review.text) if s.strip())
    return [(source, s) for source, s in out if safe_quote(s)]


def _best_sentence(product: Product, question: str, encoder: Encoder | None) -> tuple[str, str] | None:
    candidates = _sentences(product)
    if not candidates:
        return None
    if encoder is not None:
        # The encoder keeps recent vectors by text: a product asked about again costs no forward pass.
        scores = encoder.encode_cached([s for _, s in candidates]) @ encoder.encode_query(question)
        best = int(np.argmax(scores))
        return candidates[best] if scores[best] >= MIN_SIMILARITY else None
    asked = {w for w in _words(question) if w not in _STOP and len(w) > 2}
    overlap = [len(asked & set(_words(s))) for _, s in candidates]
    best = int(np.argmax(overlap))
    return candidates[best] if overlap[best] >= max(1, min(2, len(asked))) else None


def answer_question(product: Product, question: str, encoder: Encoder | None = None) -> list[Finding]:
    """What the catalog says about `question` for `product`; one "unknown" finding if nothing."""
    found = _catalog_findings(product, question) + _attribute_findings(product, question)
    if found:
        return found
    sentence = _best_sentence(product, question, encoder)
    if sentence is not None:
        source, text = sentence
        return [Finding(_topic(question), "mentioned", source, text)]  # type: ignore[arg-type]
    return [Finding(_topic(question), "unknown", "none")]

