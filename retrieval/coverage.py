"""Whether a store carries what a shopper names, from the store's own catalog.

Search always returns *something*: ask a kitchen store for kayaks and the nearest vectors are
a shuttlecock and tongs. Before showing hits for a free-text request, the request's head noun
(its last content word: "mountain *bicycle*", "red *wine*") is looked up in the words the
catalog itself uses in titles, categories, brands and attribute values. A word the catalog
never uses is a thing the store does not sell; the nearest departments it does have are
found by embedding the word against the catalog's category names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import numpy as np

from retrieval.catalog import split_category
from retrieval.store import FilterRow

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


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


class Coverage:
    """The words a catalog uses, and its category names for "the nearest departments"."""

    def __init__(self, rows: Iterable[FilterRow]) -> None:
        known: set[str] = set()
        categories: dict[str, str] = {}
        for row in rows:
            known.update(words(row.title))
            if row.brand:
                known.update(words(row.brand))
            for node in split_category(row.category):
                known.update(words(node))
                categories.setdefault(node.lower(), _display(node))
            for value in row.attributes.values():
                if isinstance(value, str):
                    known.update(words(value))
        self.known = frozenset(known)
        self.categories = sorted(categories.values(), key=str.lower)
        self._vectors: np.ndarray | None = None

    def carries(self, word: str) -> bool:
        """True when the catalog uses this word (or its singular) anywhere in what it sells."""
        return fold(word) in self.known

    def nearest_categories(self, text: str, encode: Callable[[list[str]], np.ndarray], k: int = 3) -> list[str]:
        """The catalog's category names closest in meaning to `text`, best first."""
        if not self.categories:
            return []
        if self._vectors is None:
            self._vectors = _normalized(encode(self.categories))
        query = _normalized(encode([text]))[0]
        order = np.argsort(-(self._vectors @ query))[:k]
        return [self.categories[i] for i in order]


def _display(name: str) -> str:
    """A lower-cased category node as a name ("hiking boots" -> "Hiking Boots", "chef's knives" -> "Chef's Knives")."""
    return " ".join(w[:1].upper() + w[1:] for w in name.split())


def _normalized(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)
