"""Whether a store carries what a shopper names, from the store's own catalog.

Search always returns *something*: ask a kitchen store for kayaks and the nearest vectors are
a shuttlecock and tongs. Before showing hits for a free-text request, the request's head noun
(its last content word: "mountain *bicycle*", "red *wine*") is checked against what the catalog
itself says it sells, in three ways, cheapest first:

1. **A word the catalog names things with**: in titles, categories, brands and attribute
   values, in any number ("boots" for "Hiking Boots"). Words a title only uses for what a
   product fits ("Cable *for Xbox, PlayStation*") name other things, not what the store sells;
   and a plural the catalog never writes, of a word it only uses as a modifier ("glasses" when
   it has "Glass French Press"), names something else too.
2. **The head of a compound product type**: "phones" in "smartphones", "watch" in
   "wristwatches", "glasses" in "sunglasses", "cables" in "usbcables": a type word that is
   other catalog words followed by the word asked for.
3. **Close in meaning to a product type the catalog has**: "couch" for "Sofa", "perfume" for
   "Fragrances", within a threshold calibrated on the catalog's own types (see `threshold`).

A word none of these finds is a thing the store does not sell; the nearest departments it does
have are found by embedding the request against the catalog's category names. The first two are
set lookups (microseconds, whatever the catalog's size); only a word neither knows is encoded
(one encoder pass, kept for the next time it is asked). The catalog's types are embedded and
the threshold calibrated once, when the first such word comes.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from retrieval.catalog import split_category
from retrieval.store import FilterRow

Encode = Callable[[list[str]], np.ndarray]

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# What a product is for or fits, to the end of its clause: "Charger for iPhone, iPad", "(for Xbox)".
_PURPOSE = re.compile(r"\b(?:for|compatible\s+with|compatible|fits|works\s+with)\b[^)\]|]*", re.I)
# Where a title stops naming the product: its head noun is the last word before this.
_NAME_END = re.compile(r",|\s[-–—|:/]\s|[(\[|]|\s(?:for|with|by|from|compatible|featuring)\s", re.I)
# Category node parts glued with "&", "," or "+": "smartphones&basicmobiles".
_JOINED = re.compile(r"\s*[&,+]\s*")
# Pieces of a glued compound ("smart"+"phones") are catalog words of at least this many letters:
# shorter ones ("in", "on") would split every word somewhere.
_MIN_PIECE = 3
# Attribute values longer than this are sentences ("Ships in 1-2 business days"), not names.
_MAX_VALUE_WORDS = 4
# Product types embedded for the meaning check, most used first (with their glued names spelled
# apart, up to twice as many texts); a cap keeps a 100k catalog's first check to seconds.
_MAX_TYPES = 1000
# The meaning threshold: a high quantile of how close the catalog's distinct types come to each
# other, kept within bounds for catalogs with too few types to measure.
_QUANTILE = 0.9
_BOUNDS = (0.75, 0.85)
_DEFAULT_THRESHOLD = 0.8
_MIN_TYPES_TO_CALIBRATE = 20


def fold(word: str) -> str:
    """A word lower-cased and crudely singular ("boots" -> "boot", "batteries" -> "battery")."""
    word = word.lower().replace("’", "'").removesuffix("'s")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """The folded words of a text."""
    return [fold(w) for w in _WORD.findall(text)]


def name_words(title: str) -> list[str]:
    """The lower-cased words a title names its product with: all but what it is for ("Cable for Xbox" -> ["cable"])."""
    return [w.lower() for w in _WORD.findall(_PURPOSE.sub(" ", title))]


def title_head(title: str) -> str | None:
    """The head noun of a product title: the last word of its name ("Glass French Press Coffee Maker, 51 oz" -> "maker")."""
    name = _NAME_END.split(title, maxsplit=1)[0]
    found = [w.lower() for w in _WORD.findall(name) if len(w) >= _MIN_PIECE]
    return found[-1] if found else None


def category_types(category: str) -> list[str]:
    """The product types a category path names, lower-cased: "Audio > Headphones&Earbuds" -> ["audio", "headphones", "earbuds"]."""
    types = []
    for node in split_category(category):
        for part in _JOINED.split(node):
            found = _WORD.findall(part.lower())
            if found:
                types.append(" ".join(found))
    return types


@dataclass(frozen=True)
class Match:
    """How a catalog carries a word: the word itself, as the head of a compound, or by meaning."""

    how: Literal["word", "compound", "meaning"]
    term: str  # the catalog's word, compound or product type that matched


class Coverage:
    """What a catalog sells in its own words, and its category names for "the nearest departments"."""

    def __init__(self, rows: Iterable[FilterRow], encode: Encode | None = None) -> None:
        surface: set[str] = set()  # lower-cased words as written, plural or not
        titled: set[str] = set()  # the words titles use: written apart, not glued like "smarttelevisions"
        types: Counter[str] = Counter()  # product-type phrases: category node parts and title heads
        categories: dict[str, str] = {}
        for row in rows:
            named = name_words(row.title)
            surface.update(named)
            titled.update(named)
            if row.brand:
                surface.update(w.lower() for w in _WORD.findall(row.brand))
            for value in row.attributes.values():
                if isinstance(value, str) and not any(c.isdigit() for c in value) and len(value.split()) <= _MAX_VALUE_WORDS:
                    surface.update(w.lower() for w in _WORD.findall(value))
            for node in split_category(row.category):
                categories.setdefault(node.lower(), _display(node))
            for phrase in category_types(row.category):
                types[phrase] += 1
                surface.update(phrase.split())
            if head := title_head(row.title):
                types[head] += 1
        self.known = frozenset(fold(w) for w in surface)
        self.categories = sorted(categories.values(), key=str.lower)
        self._surface = frozenset(surface)
        self._titled = frozenset(titled)
        self._heads = frozenset(fold(t.split()[-1]) for t in types)
        self._pieces = pieces = frozenset(w for w in surface | self.known if len(w) >= _MIN_PIECE)
        self._tails = _compound_tails({t.split()[-1] for t in types}, pieces)
        # The product types embedded for the meaning check, and the head noun each names. A glued
        # name embeds badly ("smarttelevisions"), so its pieces are embedded too ("smart televisions").
        self._types: list[str] = []
        self._type_heads: list[str] = []
        for phrase, _ in types.most_common(_MAX_TYPES):
            head = fold(phrase.split()[-1])
            split = self.spelled(phrase)
            for form in dict.fromkeys((phrase, split)):
                self._types.append(form)
                self._type_heads.append(head)
        self._encode = encode
        self._lock = threading.Lock()
        self._type_vectors: np.ndarray | None = None
        self._threshold: float | None = None
        self._vectors: np.ndarray | None = None

    def carries(self, word: str) -> bool:
        """True when the catalog sells what this word names (see the module docstring)."""
        return self.match(word) is not None

    def match(self, word: str) -> Match | None:
        """How the catalog carries what `word` names, or None when it does not."""
        lower = word.lower().replace("’", "'")
        parts = _WORD.findall(lower)
        if len(parts) > 1:  # a hyphenated compound is named by its last part: "t-shirts" by "shirts"
            return self.match(parts[-1])
        folded = fold(lower)
        if folded in self._heads:
            return Match("word", folded)
        if folded in self._tails:
            return Match("compound", self._tails[folded])
        # A plural of a word used only as a modifier names something else: "glasses" is not
        # "Glass French Press", "phones" is not "Phone Accessories".
        if folded in self.known and (lower == folded or lower in self._surface):
            return Match("word", folded)
        if self._encode is None or not folded:
            return None
        return self._by_meaning(lower)

    def spelled(self, phrase: str) -> str:
        """A phrase with its glued words split into the catalog's words: "smarttelevisions" -> "smart televisions".

        Only words no title writes are split: "notebooks" is a word, not "note" + "books".
        """
        return " ".join(w if w in self._titled else " ".join(_pieces(w, self._pieces) or [w]) for w in phrase.split())

    @property
    def threshold(self) -> float:
        """The similarity at which a word names one of the catalog's product types.

        Calibrated on the catalog itself: each product type's similarity to its nearest
        *different* type (another head noun) says how close two things this store tells apart
        come; a word closer to a type than nine in ten of those pairs names that type. Bounded,
        and a default for catalogs with too few types to measure.
        """
        return self._embedded()[1]

    def nearest_categories(self, text: str, encode: Encode, k: int = 3) -> list[str]:
        """The catalog's category names closest in meaning to `text`, best first."""
        if not self.categories:
            return []
        if self._vectors is None:
            self._vectors = _normalized(encode(self.categories))
        query = _normalized(encode([text]))[0]
        order = np.argsort(-(self._vectors @ query))[:k]
        return [self.categories[i] for i in order]

    def _by_meaning(self, word: str) -> Match | None:
        vectors, threshold = self._embedded()
        if self._encode is None or not len(vectors):
            return None
        query = _normalized(self._encode([word]))[0]
        # einsum, not BLAS: see retrieval/recommend/candidates.py (threaded BLAS slows the encoder).
        sims = np.einsum("td,d->t", vectors, query)
        best = int(np.argmax(sims))
        return Match("meaning", self._types[best]) if sims[best] >= threshold else None

    def _embedded(self) -> tuple[np.ndarray, float]:
        """The product types' vectors and the calibrated threshold, computed on first use."""
        with self._lock:
            if self._type_vectors is None or self._threshold is None:
                vectors = np.zeros((0, 0), np.float32)
                if self._encode is not None and self._types:
                    vectors = _normalized(self._encode(self._types))
                self._threshold = _calibrated(vectors, self._type_heads)
                self._type_vectors = vectors
            return self._type_vectors, self._threshold


def _calibrated(vectors: np.ndarray, heads: list[str]) -> float:
    """The meaning threshold for these type vectors (see `Coverage.threshold`)."""
    if len(vectors) < _MIN_TYPES_TO_CALIBRATE:
        return _DEFAULT_THRESHOLD
    codes = np.unique(np.array(heads), return_inverse=True)[1]
    nearest = np.empty(len(vectors), dtype=np.float32)
    for start in range(0, len(vectors), 512):  # blocks keep a 2,000-type matrix small
        sims = np.einsum("id,jd->ij", vectors[start : start + 512], vectors)
        sims[codes[start : start + 512, None] == codes[None, :]] = -1.0  # the same head noun is the same thing
        nearest[start : start + 512] = sims.max(axis=1)
    low, high = _BOUNDS
    return float(np.clip(np.quantile(nearest, _QUANTILE), low, high))


def _pieces(word: str, pieces: frozenset[str]) -> list[str] | None:
    """`word` as two or more catalog words glued together ("usbcables" -> ["usb", "cables"]), or None."""
    n = len(word)
    # best[i]: the fewest pieces that make word[:i], with the split that got there
    best: list[tuple[int, int] | None] = [(0, 0)] + [None] * n
    for end in range(_MIN_PIECE, n + 1):
        for start in range(0, end - _MIN_PIECE + 1):
            piece = word[start:end]
            if best[start] is not None and (start, end) != (0, n) and (piece in pieces or fold(piece) in pieces):
                count = best[start][0] + 1  # type: ignore[index]
                if best[end] is None or count < best[end][0]:  # type: ignore[index]
                    best[end] = (count, start)
    if best[n] is None:
        return None
    found, end = [], n
    while end:
        start = best[end][1]  # type: ignore[index]
        found.append(word[start:end])
        end = start
    return found[::-1]


def _compound_tails(heads: Iterable[str], pieces: frozenset[str]) -> dict[str, str]:
    """Folded word -> a compound type word it is the head of ("phone" -> "smartphones").

    A compound is catalog words followed by a tail of at least three letters: "smart"+"phones",
    "sun"+"glasses", "usb"+"cables".
    """
    tails: dict[str, str] = {}
    for word in heads:
        n = len(word)
        # made[i]: word[:i] is one or more catalog words
        made = [True] + [False] * n
        for end in range(_MIN_PIECE, n - _MIN_PIECE + 1):
            made[end] = any(made[start] and word[start:end] in pieces for start in range(0, end - _MIN_PIECE + 1))
            if made[end]:
                tails.setdefault(fold(word[end:]), word)
    return tails


def _display(name: str) -> str:
    """A lower-cased category node as a name ("hiking boots" -> "Hiking Boots", "chef's knives" -> "Chef's Knives")."""
    return " ".join(w[:1].upper() + w[1:] for w in name.split())


def _normalized(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)
