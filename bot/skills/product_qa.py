"""Answering a question about one product from its catalog facts, attributes, description and reviews.

The answer is decided here, never by a generator: catalog fields first (price, stock,
sizes, colours, rating), then attributes, then the description or review sentence most
similar to the question. When nothing matches, the finding says "unknown" so the reply
admits the catalog does not say.

Attributes are found by what they are called, whatever the catalog: the question is matched
against each attribute's name and against a few general concepts shoppers ask about in many
words (shipping, returns, warranty, size, weight, capacity, minimum order, ...), which an
attribute carries when its name does ("return_policy", "capacity_oz"). Words first, then the
sentence encoder for the wordings no list foresees; an attribute named like no concept is
still found by its own name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import numpy as np
import Stemmer

from bot.generation.checker import BASE_COLORS
from bot.generation.facts import Finding, money, rating_text
from bot.generation.guardrails import safe_quote
from retrieval.catalog import Product, normalize_color, normalize_size
from retrieval.embeddings import Encoder


@dataclass(frozen=True)
class Concept:
    """Something shoppers ask about a product in many words, whatever the catalog calls it."""

    label: str
    # Word stems an attribute's name carries it by ("return" in return_policy, "capac" in capacity_oz).
    names: tuple[str, ...]
    # The shopper's words for it; a phrase matches when all its words are in the question.
    cues: tuple[str, ...]
    # How shoppers ask about it, for the sentence encoder.
    asks: tuple[str, ...]


CONCEPTS: tuple[Concept, ...] = (
    Concept("shipping", ("ship", "deliv", "deliveri", "dispatch", "postag"),
            ("ship", "shipping", "deliver", "delivery", "arrive", "arrival", "dispatch", "postage"),
            ("how long does shipping take", "when will it arrive", "how fast is delivery")),
    Concept("returns", ("return", "refund", "exchang"),
            ("return", "returns", "refund", "exchange", "send back", "money back"),
            ("can I return it", "can I send it back for a refund", "how long is the return window")),
    Concept("warranty", ("warranti", "guarante"), ("warranty", "guarantee", "guaranteed"),
            ("does it come with a warranty", "is it guaranteed", "how long is the warranty")),
    Concept("size", ("dimens", "measur", "size", "length", "width", "height", "depth", "diamet"),
            ("dimensions", "measurements", "how big", "how large", "how small", "how wide", "how tall", "how deep"),
            ("how big is it", "what are its dimensions", "how large is it")),
    Concept("weight", ("weight",), ("weigh", "weight", "heavy", "lightweight"),
            ("how heavy is it", "what does it weigh")),
    Concept("capacity", ("capac", "volum"), ("capacity", "hold", "volume", "litre", "liter", "how big", "how large"),
            ("how much does it hold", "what is its capacity")),
    Concept("minimum order", ("minimum", "moq"), ("minimum", "at least"),
            ("what is the minimum order quantity", "must I buy more than one")),
    Concept("discount", ("discount",), ("discount", "sale", "on offer"), ("is it on sale", "is there a discount")),
    Concept("material", ("materi", "fabric"),
            ("made of", "made from", "fabric", "material", "leather", "cotton", "wool"), ("what is it made of",)),
    Concept("waterproof", ("waterproof", "water"), ("waterproof", "water resistant", "rain", "wet"),
            ("is it waterproof",)),
    Concept("battery", ("batteri",), ("battery", "charge"), ("how long does the battery last",)),
    Concept("fit", ("fit",), ("fit", "run small", "run large", "true to size"), ("does it fit true to size",)),
    Concept("dishwasher", ("dishwash",), ("dishwasher",), ("can it go in the dishwasher",)),
    Concept("washing", ("wash",), ("wash", "washable", "washing machine"), ("can I wash it",)),
)  # fmt: skip
# Words of an attribute name that say its unit ("capacity_oz") or kind ("pack_count"), not what it is.
_MEASURES = set(
    "oz lb lbs kg g mg mm cm m in inch inches ft feet ml l liters litres quarts qt cups hz gb tb mah w f c mph sq "
    "pct percent hours hrs minutes mins days years months".split()
)
_UNITS = _MEASURES | {"count", "number", "type", "level", "amount", "quantity"}
_PRICE = re.compile(r"\b(price|priced|cost|costs|expensive|cheap)\b", re.I)
_HOW_MUCH = re.compile(r"\bhow much\b", re.I)
_STOCK = re.compile(
    r"\b(in stock|available|sold out|out of stock|have any left|left"
    r"|how many (?:do you have|have you got|are there|remain))\b",
    re.I,
)
_SIZES = re.compile(r"\b(sizes?|fit me)\b", re.I)
_COLORS = re.compile(r"\b(colou?rs?|comes? in)\b", re.I)
_RATING = re.compile(r"\b(rating|rated|reviews?|stars?|good|any good|worth it)\b", re.I)
_STOP = set(
    "is it the a an does do this that these those they them have has with of for in on to my me i you "
    "can could would will be are was what which how much many about any there its it's really please tell".split()
)
_MONEY_WORDS = set(
    "dollar dollars euro euros pound pounds cents pence percent off price usd eur gbp free coupon coupons code codes "
    "promo discount discounts sale voucher deal deals".split()
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
MIN_SIMILARITY = 0.45
# What a sentence's words add to its closeness: on the concept asked about, or sharing a word.
CONCEPT_BONUS = 0.3
WORD_BONUS = 0.15
# An attribute found by the encoder alone: this close to the question, and ahead of the next one.
ATTRIBUTE_SIMILARITY = 0.5
ATTRIBUTE_MARGIN = 0.04
_STEMMER = Stemmer.Stemmer("english")


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _stems(text: str) -> list[str]:
    return _STEMMER.stemWords(_words(text))


def _topic(question: str) -> str:
    # Numbers and money words stay out: a topic is echoed in answers, an amount must not be.
    words = [w for w in _words(question) if w not in _STOP and not any(c.isdigit() for c in w) and w not in _MONEY_WORDS]
    return " ".join(words[:4]) or "that"


def topic_of(product: Product, question: str) -> str:
    """What the question is about, in words an answer can echo: the concept asked about
    ("warranty"), else the question's first few words that say something."""
    asked = [c.label for c in CONCEPTS if c.label in concepts_asked(_title_masked(product, question))]
    return asked[0] if asked else _topic(question)


@cache
def _cue_stems(concept: Concept) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(_stems(cue)) for cue in concept.cues)


def concepts_asked(question: str) -> set[str]:
    """The concepts a question asks about in the shopper's words ("send it back" -> returns)."""
    stems = set(_stems(question))
    return {c.label for c in CONCEPTS if any(cue <= stems for cue in _cue_stems(c))}


@cache
def _name_stems(key: str) -> tuple[str, ...]:
    """The stems of what an attribute name says, without its unit ("capacity_oz" -> capac)."""
    words = _words(key.replace("_", " "))
    meaning = [w for w in words if w not in _UNITS and not w.isdigit()] or words
    return tuple(_STEMMER.stemWords(meaning))


@cache
def _concepts_of(key: str) -> tuple[Concept, ...]:
    """The concepts an attribute carries by its name."""
    stems = _name_stems(key)
    return tuple(c for c in CONCEPTS if any(s.startswith(n) for s in stems for n in c.names))


def _title_masked(product: Product, question: str) -> str:
    """The question without the product's own name in it: the Red Shoes asked about by name
    are not a question about the colour red."""
    title = set(_words(product.title))
    tokens = re.findall(r"[A-Za-z0-9]+|[^A-Za-z0-9]+", question)
    words = [i for i, t in enumerate(tokens) if t[0].isalnum()]
    masked = list(tokens)
    run: list[int] = []
    for i in [*words, -1]:
        if i >= 0 and tokens[i].lower() in title:
            run.append(i)
            continue
        # Two title words in a row ("the" and "with" aside), or a one-word title, name the product.
        named = sum(1 for j in run if tokens[j].lower() not in _STOP)
        if named >= 2 or (named and len(title) == 1):
            for j in run:
                masked[j] = " " * len(tokens[j])
        run = []
    return "".join(masked)


def _catalog_findings(product: Product, question: str) -> list[Finding]:
    found: list[Finding] = []
    # Words of the product's own name are not what is asked ("are the Red Shoes in stock?").
    asked = _title_masked(product, question)
    # "How much does it weigh?" asks a weight, not a price: "how much" alone is a price
    # question only when no other thing shoppers measure is named.
    if _PRICE.search(asked) or (_HOW_MUCH.search(asked) and not concepts_asked(asked)):
        found.append(Finding("price", money(product.price, product.currency), "catalog"))
    # Without stock in the catalog a size or colour is only known to exist: the findings
    # say "it comes in size 10", never "size 10 is in stock".
    known = product.stock_known
    asked_size = next((normalize_size(m.group(1)) for m in re.finditer(r"\bsize\s+(\w+)", asked, re.I)), None)
    if asked_size:
        if asked_size not in product.sizes:
            found.append(Finding(f"size {asked_size}", "no", "catalog"))
        elif not known:
            found.append(Finding(f"size {asked_size}", "yes", "catalog"))
        else:
            found.append(Finding(f"size {asked_size} in stock", "yes" if asked_size in product.sizes_in_stock() else "no", "catalog"))
    elif _SIZES.search(asked) and product.sizes:
        in_stock = sorted(product.sizes_in_stock())
        found.append(Finding("sizes in stock" if known else "sizes", ", ".join(in_stock) if in_stock else "none", "catalog"))
    title = set(_words(product.title))
    asked_color = next(
        (c for c in sorted({*BASE_COLORS, *product.colors}, key=len, reverse=True)
         if re.search(rf"\b{re.escape(c)}\b", asked, re.I)
         # A product with no colour options is the colour its name says ("is the red one in stock?").
         and (product.colors or not set(_words(c)) <= title)),
        None,
    )  # fmt: skip
    if asked_color and normalize_color(asked_color) in product.colors and not known:
        found.append(Finding(f"{asked_color} as a colour option", "yes", "catalog"))
    elif asked_color and normalize_color(asked_color) in product.colors:
        in_stock = normalize_color(asked_color) in product.colors_in_stock()
        found.append(Finding(f"{asked_color} in stock", "yes" if in_stock else "no", "catalog"))
    elif asked_color:
        found.append(Finding(f"{asked_color} as a colour option", "no", "catalog"))
    if (asked_color or _COLORS.search(asked)) and product.colors:
        found.append(Finding("colours", ", ".join(sorted(product.colors)), "catalog"))
    # "What colours are available?" asks about options, not stock.
    stock_words = {m.group(1).lower() for m in _STOCK.finditer(asked)}
    options = asked_color or asked_size or _COLORS.search(asked) or _SIZES.search(asked)
    if stock_words and not known and not (stock_words == {"available"} and options):
        # "Are they in stock?", "how many are left?": the catalog does not say, and a
        # product it does not track is not thereby "in stock".
        found.append(Finding("stock", "unknown", "catalog"))
    elif stock_words and known and not asked_size:
        found.append(Finding("stock", "in stock" if product.in_stock else "out of stock", "catalog"))
    if _RATING.search(asked) and product.rating is not None:
        count = product.review_count or len(product.reviews)
        found.append(Finding("rating", f"{rating_text(product.rating)} out of 5 from {count} reviews", "catalog"))
    return found


def _attribute_text(value: str | list[str]) -> str:
    return ", ".join(value) if isinstance(value, list) else value


def _lexical_attributes(product: Product, question: str) -> list[str]:
    """Attributes the question names: by all the words of the name, by a concept the name
    carries ("can I send it back?" -> return_policy), or by the value itself.

    Of several attributes carrying one concept, the one whose name says least beyond it
    answers ("how heavy?" -> weight_lb, not max_weight_lb).
    """
    stems = set(_stems(question))
    lowered = question.lower()
    asked = concepts_asked(question)
    named: list[str] = []
    by_concept: dict[str, list[tuple[tuple[int, int], str]]] = {}
    for key, value in product.attributes.items():
        if key in ("color", "size"):
            continue
        name = _name_stems(key)
        hits = sum(1 for s in name if s in stems)
        text = _attribute_text(value)
        valued = text.lower() not in ("yes", "no") and re.search(rf"\b{re.escape(text.lower())}\b", lowered)
        if (name and hits == len(name)) or valued:
            named.append(key)
        for concept in _concepts_of(key):
            if concept.label in asked:
                by_concept.setdefault(concept.label, []).append(((len(name) - hits, -hits), key))
    best = [min(options)[1] for options in by_concept.values()]
    return [k for k in product.attributes if k in named or k in best]


def _encoded_attribute(product: Product, question: str, encoder: Encoder) -> str | None:
    """The attribute the encoder reads the question as asking for, when it is clearly one."""
    keys = [k for k in product.attributes if k not in ("color", "size")]
    if not keys:
        return None
    texts: list[tuple[str, str]] = []
    for key in keys:
        texts.append((key, key.replace("_", " ")))
        texts.extend((key, ask) for c in _concepts_of(key) for ask in c.asks)
    scores = encoder.encode_cached([t for _, t in texts]) @ encoder.encode_query(question)
    best: dict[str, float] = {}
    for (key, _), score in zip(texts, scores, strict=True):
        best[key] = max(best.get(key, -1.0), float(score))
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    top_key, top = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else -1.0
    return top_key if top >= ATTRIBUTE_SIMILARITY and top - runner_up >= ATTRIBUTE_MARGIN else None


def _attribute_findings(product: Product, question: str, encoder: Encoder | None) -> list[Finding]:
    asked = _title_masked(product, question)  # "the Water Bottle" does not ask about water_resistance
    keys = _lexical_attributes(product, asked)
    if not keys and encoder is not None:
        keys = [k for k in [_encoded_attribute(product, asked, encoder)] if k]
    return [Finding(attribute_name(k), _attribute_text(product.attributes[k]), "attribute") for k in keys]


def attribute_name(key: str) -> str:
    """An attribute's name in words, its unit apart: "capacity_oz" -> "capacity (oz)"."""
    words = key.replace("_", " ").split()
    if len(words) > 1 and words[-1].lower() in _MEASURES:
        return f"{' '.join(words[:-1])} ({words[-1]})"
    return " ".join(words)


def _sentences(product: Product) -> list[tuple[str, str]]:
    out = [("description", s.strip()) for s in _SENTENCE.split(product.description) if s.strip()]
    for review in product.reviews:
        out.extend(("review", s.strip()) for s in _SENTENCE.split(review.text) if s.strip())
    return [(source, s) for source, s in out if safe_quote(s)]


def _best_sentence(
    product: Product, question: str, encoder: Encoder | None, candidates: list[tuple[str, str]] | None = None
) -> tuple[str, str] | None:
    """The description or review sentence that answers the question, if one clearly does.

    With the encoder, closeness counts, and words count on top: a sentence on the concept
    asked about ("lightweight design" for "how heavy is it?") or sharing a word with the
    question ("Screen Size- ..." for "how big is the screen?") needs less of it.
    """
    candidates = _sentences(product) if candidates is None else candidates
    if not candidates:
        return None
    if encoder is not None:
        # The encoder keeps recent vectors by text: a product asked about again costs no forward pass.
        scores = encoder.encode_cached([s for _, s in candidates]) @ encoder.encode_query(question)
        masked = _title_masked(product, question)  # the product's name is in every sentence about it
        concepts = concepts_asked(masked)
        asked = {w for w in _stems(masked) if w not in _STOP and len(w) > 2}
        for i, (_, text) in enumerate(candidates):
            if concepts & concepts_asked(text):
                scores[i] += CONCEPT_BONUS
            elif asked & set(_stems(text)):
                scores[i] += WORD_BONUS
        best = int(np.argmax(scores))
        return candidates[best] if scores[best] >= MIN_SIMILARITY else None
    asked = {w for w in _words(question) if w not in _STOP and len(w) > 2}
    overlap = [len(asked & set(_words(s))) for _, s in candidates]
    best = int(np.argmax(overlap))
    return candidates[best] if overlap[best] >= max(1, min(2, len(asked))) else None


def answer_question(product: Product, question: str, encoder: Encoder | None = None) -> list[Finding]:
    """What the catalog says about `question` for `product`; one "unknown" finding if nothing."""
    found = _catalog_findings(product, question)
    found += _attribute_findings(product, question, encoder if not found else None)
    if found:
        return found
    sentence = _best_sentence(product, question, encoder)
    if sentence is not None:
        source, text = sentence
        return [Finding(topic_of(product, question), "mentioned", source, text)]  # type: ignore[arg-type]
    return [Finding(topic_of(product, question), "unknown", "none")]


def product_terms(product: Product, question: str, encoder: Encoder | None = None) -> list[Finding]:
    """The product's own terms on a store-policy question ("can I return it?"): its attributes
    that answer it, else a sentence of its description on the same concept; empty when none."""
    found = _attribute_findings(product, question, encoder)
    if found:
        return found
    # Only a description sentence on the concept asked about ("WARRANTY: 12 months" for "is it
    # guaranteed?"): the store's policy, not a sentence on something else, answers otherwise.
    asked = concepts_asked(question)
    on_topic = [(src, s) for src, s in _sentences(product) if src == "description" and asked & concepts_asked(s)]
    sentence = _best_sentence(product, question, encoder, on_topic) if on_topic else None
    return [Finding(topic_of(product, question), "mentioned", "description", sentence[1])] if sentence else []
