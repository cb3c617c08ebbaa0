"""Vocabulary terms: brands, category nodes and colours found by phrase look-up, typos included.

A message is split into word tokens (offsets kept against the original text; tokens are
lower-cased one at a time because lower-casing a whole string can change its length).
Each token is folded to a crude singular ("boots" -> "boot", "Chef's" -> "chef", "&" ->
"and"), and runs of up to N tokens are looked up in a dict of the vocabulary folded the
same way, longest run first. So "hiking boot", "HIKING BOOTS" and "French press" all
find their catalog node, and "coffee and tea" finds "Coffee & Tea".

Typos: a phrase that contains a word we do not know is looked up in a deletion index
(every vocabulary key with zero or one character removed). Two strings within one edit
share such an entry, so the index is a cheap, exact prefilter; candidates are then
confirmed with rapidfuzz (optimal string alignment distance <= 1 and ratio >= 80, same
first letter, keys of at least 5 characters). Known words ("certain", "table") are never
treated as typos, which keeps "certain" from becoming "Curtains".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from bot.nlu.entities.model import TYPE_RANK, Candidate
from bot.nlu.entities.words import (
    AMBIGUOUS_CATEGORY_WORDS,
    AMBIGUOUS_COLORS,
    BUILTIN_COLORS,
    COMMON_WORDS,
    STOPWORDS,
)
from bot.nlu.vocabulary import CatalogVocabulary
from retrieval.catalog import normalize_color

# A word, optionally with inner apostrophes ("don't") or a trailing possessive ("kids'"),
# or a lone "&" so "Coffee & Tea" keeps its middle word.
TOKEN_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*['’]?|&")
# Tokens only form a phrase when separated by spaces or a hyphen, not by punctuation.
_JOINABLE_GAP = re.compile(r"[ \t-]{1,3}")
_POSSESSIVE = re.compile(r"['’](?:s)?$", re.IGNORECASE)

MIN_FUZZY_KEY = 5  # shorter names are too easy to hit by accident ("tent" vs "tend")
FUZZY_RATIO = 80.0
MAX_PHRASE_TOKENS = 6

_IRREGULAR = {
    "knives": "knife", "mice": "mouse", "men": "man", "women": "woman", "children": "child",
    "feet": "foot", "teeth": "tooth", "geese": "goose", "shelves": "shelf", "leaves": "leaf",
    "loaves": "loaf", "halves": "half", "wolves": "wolf", "people": "person",
}
_COLOR_CUE_BEFORE = frozenset({"in", "color", "colour", "colored", "coloured", "shade", "tone"})
_COLOR_CUE_AFTER = frozenset({"color", "colour", "colored", "coloured", "tone", "shade", "tones", "shades"})


@lru_cache(maxsize=16384)
def fold(token: str) -> str:
    """Fold a word for look-up: lower case, no possessive, crude singular, "&" -> "and".

    The singular only has to be consistent, not correct: both the vocabulary and the
    message go through it, so "beanie" and "beanies" both become "beany".
    """
    word = _POSSESSIVE.sub("", token.lower()) if len(token) > 1 else token.lower()
    if word == "&":
        return "and"
    word = word.replace("’", "'")
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("sses", "shes", "ches", "xes", "zzes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ie") and len(word) > 3:
        word = word[:-2] + "y"
    return word


@dataclass(frozen=True, slots=True)
class Token:
    """A word of the message: its span (possessive excluded from `end`) and folded form."""

    start: int
    end: int
    raw_end: int
    key: str


def tokenize(text: str) -> list[Token]:
    """Split text into word tokens with offsets into the original string."""
    tokens: list[Token] = []
    for match in TOKEN_RE.finditer(text):
        word = match.group()
        possessive = _POSSESSIVE.search(word) if len(word) > 1 else None
        end = match.end() - (len(possessive.group()) if possessive else 0)
        tokens.append(Token(match.start(), end if end > match.start() else match.end(), match.end(), fold(word)))
    return tokens


def phrase_keys(name: str) -> set[str]:
    """Look-up keys of a vocabulary name: folded words, plus hyphenated parts run together."""
    matches = list(TOKEN_RE.finditer(name))
    if not matches:
        return set()
    keys = {" ".join(fold(m.group()) for m in matches)}
    # "T-Shirts" is also written "tshirts"; "Over-Ear" as "overear".
    joined: list[str] = [matches[0].group()]
    for previous, current in zip(matches, matches[1:]):
        if name[previous.end() : current.start()] == "-":
            joined[-1] += current.group()
        else:
            joined.append(current.group())
    if len(joined) != len(matches):
        keys.add(" ".join(fold(w) for w in joined))
    return keys


@dataclass(frozen=True, slots=True)
class _Term:
    type: str
    value: str
    ambiguous: bool  # a colour that needs a colour cue next to it


class TermMatcher:
    """Finds vocabulary terms (brand, category, colour) in tokenised text."""

    def __init__(self, vocabulary: CatalogVocabulary | None) -> None:
        """Build the look-up tables once: exact keys, deletion index, known words."""
        self._exact: dict[str, list[_Term]] = {}
        colors: dict[str, str] = {}
        for name, canonical in BUILTIN_COLORS.items():
            colors[name] = normalize_color(canonical or name)
        if vocabulary is not None:
            for name in vocabulary.colors:
                colors.setdefault(name, normalize_color(name))
        for name, value in colors.items():
            ambiguous = name in AMBIGUOUS_COLORS
            for key in phrase_keys(name):
                self._add(key, _Term("color", value, ambiguous))
        fuzzy_terms: list[tuple[str, _Term]] = []
        if vocabulary is not None:
            for kind, names in (("brand", vocabulary.brands), ("category", vocabulary.categories)):
                for name in names:
                    for key in phrase_keys(name):
                        if kind == "category" and key in AMBIGUOUS_CATEGORY_WORDS:
                            continue
                        term = _Term(kind, name, False)
                        self._add(key, term)
                        if len(key) >= MIN_FUZZY_KEY:
                            fuzzy_terms.append((key, term))
        if vocabulary is not None:
            self._add_heads(vocabulary.categories)
            # Title nouns that name one category ("hoodie": Hooded Sweatshirts), where the
            # word has no meaning of its own in the vocabulary yet.
            for key, name in vocabulary.synonyms.items():
                if key not in self._exact and key not in AMBIGUOUS_CATEGORY_WORDS:
                    term = _Term("category", name, False)
                    self._add(key, term)
                    if len(key) >= MIN_FUZZY_KEY:
                        fuzzy_terms.append((key, term))
        for terms in self._exact.values():
            terms.sort(key=lambda t: -TYPE_RANK[t.type])
        self._max_tokens = min(MAX_PHRASE_TOKENS, max((k.count(" ") + 1 for k in self._exact), default=1))

        # Deletion index for one-edit typos (see module docstring).
        self._fuzzy_keys = [key for key, _ in fuzzy_terms]
        self._fuzzy_terms = [term for _, term in fuzzy_terms]
        self._deletions: dict[str, list[int]] = {}
        for index, key in enumerate(self._fuzzy_keys):
            for variant in _one_deletions(key):
                self._deletions.setdefault(variant, []).append(index)
        self._max_fuzzy_len = max((len(k) for k in self._fuzzy_keys), default=0) + 1
        self._known = {fold(w) for w in COMMON_WORDS} | {fold(w) for w in STOPWORDS}
        for key in self._exact:
            self._known.update(key.split())

    def _add_heads(self, categories: list[str]) -> None:
        """A category's head noun finds it when no other category shares that head:
        "speakers" is "Bluetooth Speakers", "earbuds" "Wireless Earbuds"; "backpacks" (hiking or
        laptop) stays a search word. The catalog's own names, no list of synonyms."""
        heads: dict[str, list[str]] = {}
        for name in categories:
            words = [fold(m.group()) for m in TOKEN_RE.finditer(name)]
            if len(words) >= 2 and words[-1] not in ("and", "&"):
                heads.setdefault(words[-1], []).append(name)
        common = {fold(w) for w in COMMON_WORDS}
        for head, names in heads.items():
            if head in common:
                continue  # "light" names Solar Path Lights only when said in full
            if len(names) == 1 and head not in self._exact and head not in AMBIGUOUS_CATEGORY_WORDS and len(head) >= 3:
                self._add(head, _Term("category", names[0], False))

    def _add(self, key: str, term: _Term) -> None:
        terms = self._exact.setdefault(key, [])
        if all((t.type, t.value) != (term.type, term.value) for t in terms):
            terms.append(term)

    def find(self, text: str, tokens: list[Token]) -> Iterator[Candidate]:
        """Yield the longest term starting at each token (exact first, then one-edit typos)."""
        count = len(tokens)
        if not count:
            return
        # run[i]: how many tokens from i form one phrase (no punctuation between them).
        run = [1] * count
        for i in range(count - 2, -1, -1):
            gap = text[tokens[i].raw_end : tokens[i + 1].start]
            if _JOINABLE_GAP.fullmatch(gap):
                run[i] = run[i + 1] + 1
        keys = [t.key for t in tokens]
        fuzzy = bool(self._fuzzy_keys)
        for i in range(count):
            # Longest phrase first; at each length an exact match, then a one-edit match,
            # so "hiking bots" finds "Hiking Boots" rather than the shorter exact "Hiking".
            for size in range(min(self._max_tokens, run[i]), 0, -1):
                found = self._exact_at(keys, tokens, i, size)
                if found is None and fuzzy:
                    found = self._fuzzy_at(keys, tokens, i, size)
                if found is not None:
                    yield found
                    break

    def _exact_at(self, keys: list[str], tokens: list[Token], i: int, size: int) -> Candidate | None:
        terms = self._exact.get(" ".join(keys[i : i + size]))
        for term in terms or ():
            if term.ambiguous and not self._color_cue(keys, i, i + size):
                continue
            return Candidate(term.type, term.value, tokens[i].start, tokens[i + size - 1].end)
        return None

    @staticmethod
    def _color_cue(keys: list[str], first: int, stop: int) -> bool:
        before = keys[first - 1] if first > 0 else ""
        after = keys[stop] if stop < len(keys) else ""
        return before in _COLOR_CUE_BEFORE or after in _COLOR_CUE_AFTER

    def _fuzzy_at(self, keys: list[str], tokens: list[Token], i: int, size: int) -> Candidate | None:
        words = keys[i : i + size]
        if words[0] in STOPWORDS or words[-1] in STOPWORDS or all(w in self._known for w in words):
            return None
        if not all(w.isalpha() for w in words):
            return None
        phrase = " ".join(words)
        # Both sides of a typo have five letters or more: one edit changes a quarter of a
        # four-letter word, and turns real words into names ("hood" into "hoody").
        if not MIN_FUZZY_KEY <= len(phrase) <= self._max_fuzzy_len:
            return None
        best = self._best_fuzzy(phrase)
        if best is None:
            return None
        return Candidate(best.type, best.value, tokens[i].start, tokens[i + size - 1].end, exact=False)

    def _best_fuzzy(self, phrase: str) -> _Term | None:
        seen: set[int] = set()
        for variant in _one_deletions(phrase):
            seen.update(self._deletions.get(variant, ()))
        best: tuple[float, int, str] | None = None
        chosen: _Term | None = None
        for index in seen:
            key = self._fuzzy_keys[index]
            if key[0] != phrase[0] or OSA.distance(phrase, key, score_cutoff=1) > 1:
                continue
            score = fuzz.ratio(phrase, key)
            if score < FUZZY_RATIO:
                continue
            term = self._fuzzy_terms[index]
            rank = (score, TYPE_RANK[term.type], term.value)
            if best is None or rank > best:
                best = rank
                chosen = term
        return chosen

    def color_words(self) -> frozenset[str]:
        """First words of every colour name ("light" of "light blue"), for size context checks."""
        return frozenset(k.split()[0] for k, terms in self._exact.items() if any(t.type == "color" for t in terms))


def _one_deletions(word: str) -> Iterable[str]:
    """The word itself and every string with one character removed."""
    yield word
    for index in range(len(word)):
        yield word[:index] + word[index + 1 :]
