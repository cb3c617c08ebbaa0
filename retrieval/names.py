"""Which catalog products a message names: "how much is the Hand Blender?", "the boAt Rockerz 450".

Shoppers name a product by some of its title words (often the brand and model, rarely the
whole of a long marketplace title), in any order, in the plural, with typos. Each product's
*name* is its title up to the first separator ("boAt Rockerz 450 Bluetooth
On Ear Headphones" of "…, with Mic, Upto 15 Hours Playback"), at most `NAME_WORDS` words.
The brand counts when it is said and is not needed when it is not. A message names a
product when it contains most of that name's weight, each word weighed by
how rare it is in the catalog's names (IDF): "Matebook" says much more than "Pro".

Resolution is decided with a margin: one product clearly ahead is *the* product; several
about as good are a question back to the shopper ("which one: …?"); nothing good enough is
no name at all, and the message is read as a request, not a reference.
"""

from __future__ import annotations

import math
import re
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

NAME_WORDS = 8
# A name counts as said when the score (see `matches`) reaches this...
NAMED = 0.5
# ...and one product is *the* product when no other comes within this much of it.
MARGIN = 0.15
# Words in more than this share of names (e.g. "black", "men") find no candidates on their
# own; they only add weight to products found by rarer words.
COMMON = 0.05
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SEPARATOR = re.compile(r"\s*(?:[,|(\[]|\s[-–—:]\s|\bwith\b|\bfor\b)\s*", re.I)
# Words that never name a product: they are how shoppers ask, not what they ask about.
_FUNCTION = frozenset(
    "a an the and or of for to in on at by with from is are was be it its it's this that these those there "
    "i me my you your we our do does did have has can could would will should how what which who much many "
    "any some please show tell about more less than not no yes get buy want need looking find price cost left "
    "stock available compare versus vs difference between good best great nice worth one ones them they "
    "come comes still really".split()
)


def fold(word: str) -> str:
    """A title word lower-cased and crudely singular ("helmets" -> "helmet")."""
    word = word.lower().removesuffix("'s")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")) and not word[-2].isdigit():
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """The folded words and numbers of a text, in order."""
    return [fold(t) for t in _TOKEN.findall(text.lower().replace("’", "'"))]


def name_of(title: str) -> list[str]:
    """A product's name words: its title up to the first separator, at most NAME_WORDS."""
    head = _SEPARATOR.split(title.strip(), maxsplit=1)[0] or title
    return list(dict.fromkeys(t for t in tokens(head) if t not in _FUNCTION))[:NAME_WORDS]


@dataclass(frozen=True)
class NameMatch:
    """A product a message may name: the share of its name's weight the message contains."""

    product_id: str
    score: float
    words: frozenset[str]  # the name words the message contains
    whole: bool = False  # the message contains the whole name


@dataclass(frozen=True)
class Naming:
    """How a message resolves to products: `clear` (one product), or `close` ones to ask about."""

    clear: tuple[str, ...] = ()  # the product(s) named, in the order the message names them
    close: tuple[str, ...] = ()  # several about equally named: ask which


class ProductNames:
    """An index of every product's name words, built once per catalog version."""

    def __init__(self, rows: Iterable[tuple[str, str, str | None, str]]) -> None:
        """`rows`: (product id, title, brand, category) for every product."""
        self.ids: list[str] = []
        self.category: dict[str, str] = {}
        self.names: list[tuple[str, ...]] = []
        self.brands: list[tuple[str, ...]] = []
        self._generic: list[frozenset[str]] = []
        postings: dict[str, list[int]] = defaultdict(list)
        for pid, title, brand, category in rows:
            words = name_of(title or "")
            if not words:
                continue
            self.category[pid] = category or ""
            maker = {t for t in tokens(brand or "") if t not in _FUNCTION}
            brand_words = tuple(t for t in maker if t not in words)
            # Words that say who made it or what kind of thing it is: "the TrailMax hiking boots"
            # names a brand's kind of product, not one product.
            self._generic.append(frozenset(maker | set(tokens(category or ""))))
            row = len(self.ids)
            self.ids.append(pid)
            self.names.append(tuple(words))
            self.brands.append(brand_words)
            for w in (*words, *brand_words):
                postings[w].append(row)
        n = max(1, len(self.ids))
        self.postings = {w: np.asarray(r, dtype=np.int64) for w, r in postings.items()}
        self.idf = {w: math.log(1 + n / len(r)) for w, r in self.postings.items()}
        in_brand: dict[str, list[int]] = defaultdict(list)
        for row, brand_words in enumerate(self.brands):
            for w in brand_words:
                in_brand[w].append(row)
        self._in_brand = {w: np.asarray(r, dtype=np.int64) for w, r in in_brand.items()}
        self._name_total = np.array([sum(self.idf[w] for w in name) for name in self.names])
        self._common = max(3, int(COMMON * n))
        self._unique = max(1, int(0.002 * n))
        self._distinct = max(2, int(0.005 * n))
        # Vocabulary by first letter, for typo correction of words the catalog never uses.
        self._recent: dict[tuple[str, int], list[NameMatch]] = {}
        self._lock = threading.Lock()
        self._by_letter: dict[str, list[str]] = defaultdict(list)
        for w in self.postings:
            if len(w) >= 4 and not w.isdigit():
                self._by_letter[w[0]].append(w)

    def __len__(self) -> int:
        return len(self.ids)

    def _words(self, text: str) -> set[str]:
        """The message's words as the catalog spells them (a typo is corrected to a catalog word)."""
        out: set[str] = set()
        for t in tokens(text):
            if t in _FUNCTION:
                continue
            if t in self.postings or len(t) < 5 or t.isdigit():
                out.add(t)
                continue
            # "matebok" -> "matebook": the closest catalog word of the same initial, if close.
            found = process.extractOne(t, self._by_letter.get(t[0], ()), scorer=fuzz.ratio, score_cutoff=85)
            out.add(found[0] if found else t)
        return out

    def matches(self, text: str, k: int = 5) -> list[NameMatch]:
        """The products whose names the message most contains, best first (see `_matches`);
        the last few messages' answers are kept, as a turn asks about the same text twice."""
        key = (text, k)
        found = self._recent.get(key)
        if found is None:
            found = self._matches(text, k)
            with self._lock:  # turns run in worker threads
                self._recent[key] = found
                while len(self._recent) > 32:
                    self._recent.pop(next(iter(self._recent)))
        return found

    def _matches(self, text: str, k: int) -> list[NameMatch]:
        """The products whose names the message most contains, best first.

        A product's score weighs two shares of name weight (IDF): how much of what the message
        says in the catalog's words is in this name (a product the shopper described other
        words of is not the one meant), and how much of the name was said (the shopper need
        not say all of a long title; its most telling words suffice).
        """
        said = self._words(text)
        known = [w for w in said if w in self.postings]
        said_weight = sum(self.idf[w] for w in known)
        rare = [w for w in known if len(self.postings[w]) <= self._common]
        if not rare:
            return []
        rows = np.unique(np.concatenate([self.postings[w] for w in rare]))
        # Said weight per product, from each said word's postings (a word is in a product's
        # name or in its brand, never both). The brand may be said or not ("the Matebook X Pro",
        # "the Huawei Matebook X Pro"): it counts in the name only when said.
        got_all = np.zeros(len(self.ids))
        got_brands = np.zeros(len(self.ids))
        for w in known:
            got_all[self.postings[w]] += self.idf[w]
            if (branded := self._in_brand.get(w)) is not None:
                got_brands[branded] += self.idf[w]
        got, got_brand = got_all[rows], got_brands[rows]
        precision = got / said_weight
        recall = got / (self._name_total[rows] + got_brand)
        score = precision * np.sqrt(recall)
        scored: list[NameMatch] = []
        shared: dict[frozenset[str], int] = {}
        # The best few by score, each checked for what makes a name (a handful, however large the catalog).
        for i in np.argsort(-score, kind="stable")[: 4 * k + 8]:
            row = int(rows[i])
            hit = frozenset(w for w in (*self.names[row], *self.brands[row]) if w in said)
            if hit <= self._generic[row]:
                continue  # only the brand and the kind ("TrailMax hiking boots"): no product's name
            if len(hit) == 1 and len(self.postings[next(iter(hit))]) > self._unique:
                continue  # one word several products share ("red") names none of them
            if recall[i] < 0.6 and self._sharing(hit, shared) > self._distinct:
                continue  # "hiking boots": words of many names, together telling none apart
            scored.append(NameMatch(self.ids[row], float(score[i]), hit, bool(recall[i] > 0.99)))
        scored.sort(key=lambda m: (-m.score, -len(m.words), m.product_id))
        return scored[:k]

    def _sharing(self, words: frozenset[str], seen: dict[frozenset[str], int]) -> int:
        """How many products' names hold all these words."""
        if words not in seen:
            rows = sorted((self.postings[w] for w in words), key=len)
            common = rows[0] if rows else np.empty(0, dtype=np.int64)
            for other in rows[1:]:
                common = np.intersect1d(common, other, assume_unique=True)
            seen[words] = len(common)
        return seen[words]

    def resolve(self, text: str, prefer: Iterable[str] = ()) -> Naming:
        """The product the message names, or the close ones to ask about, or neither.

        `prefer`: categories the conversation is about (the products on screen, the other
        product of a comparison); among close candidates, the one alone in them is meant:
        "the TrailMax Orbit" next to hiking boots is the Orbit boot, not the Orbit dress.
        """
        found = self.matches(text, k=6)
        if not found or found[0].score < NAMED:
            return Naming()
        best = found[0]
        # When the whole of the best's name was said, a product matched by no other word, whose
        # name says more, is not a rival: "iPhone 6" names the iPhone 6, not the iPhone 6 Plus.
        rivals = [
            m for m in found[1:]
            if best.score - m.score < MARGIN and not (best.whole and not m.whole and m.words <= best.words)
        ]  # fmt: skip
        if not rivals:
            return Naming(clear=(best.product_id,))
        close = [m.product_id for m in [best, *rivals]]
        preferred = set(prefer)
        fitting = [pid for pid in close if self.category.get(pid) in preferred]
        if len(fitting) == 1:
            return Naming(clear=(fitting[0],))
        return Naming(close=tuple(close[:3]))

    def several(self, text: str, most: int = 3, prefer: Iterable[str] = ()) -> tuple[str, ...]:
        """Each product a message names clearly ("compare the Galaxy Tab White with the iPhone 6"),
        in the order the message names them. A part naming several products equally is read in
        the category of the others named ("the Northfen Breeze with the TrailMax Orbit": boots)."""
        parts = [p for p in re.split(r"\b(?:with|and|vs\.?|versus|or|to|against)\b|[,;/&]", text, flags=re.I) if p.strip()]
        preferred = set(prefer)
        if len(parts) < 2:
            return self.resolve(text, preferred).clear
        found: list[tuple[int, Naming]] = [(text.lower().find(p.strip().lower()), self.resolve(p, preferred)) for p in parts]
        found = [(at, n) for at, n in found if n.clear or n.close]
        clear = {n.clear[0] for _, n in found if n.clear}
        categories = preferred | {self.category[pid] for pid in clear}
        if not clear and len(found) >= 2:
            # No part is clear alone: the category all parts have a candidate in, if just one.
            shared = set.intersection(*({self.category[pid] for pid in n.close} for _, n in found))
            categories = shared if len(shared) == 1 else categories
        named: list[tuple[int, str]] = []
        for at, naming in found:
            if naming.clear:
                pick = naming.clear[0]
            else:
                fitting = [pid for pid in naming.close if self.category.get(pid) in categories]
                if len(fitting) != 1:
                    continue
                pick = fitting[0]
            if pick not in [pid for _, pid in named]:
                named.append((at, pick))
        if len(named) < 2:
            return self.resolve(text, preferred).clear
        return tuple(pid for _, pid in sorted(named))[:most]
