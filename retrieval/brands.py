"""Brands read from product titles, for catalogs (or products) without a brand column.

Many store exports have no brand field, yet most titles start with the brand: "boAt
Rockerz 255 Pro+ ...", "Samsung Galaxy M13 ...". A title's leading word is taken as its
brand when the catalog's own statistics say it names a maker rather than a kind of thing:

- it starts at least MIN_TITLES titles (a brand recurs; a one-off first word says nothing);
- it mostly stands at the start: at least MIN_LEADING_SHARE of the titles holding it begin
  with it ("Remote" starts two titles but sits inside sixty others: a generic word);
- it is not a word of the catalog's category names ("Smartwatches", "Kitchen", "Men");
- it starts no title of a product whose stated brand is another ("Red Shoes" by Fashion
  Express: "Red Onions" and "Red Tongs" are not by a maker called Red).

A brandless title that starts with a brand the catalog does state gets that brand too.

A derived brand is for understanding and filtering only ("boAt earphones" finds only boAt
products); it is never stated to a shopper as a catalog fact: `Product.brand` stays None,
so answers, cards and recommendation reasons never cite it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

MIN_TITLES = 2
MIN_LEADING_SHARE = 0.3

_WORD_RE = re.compile(r"[^\s,;:|()\[\]{}/]+")
# Trademark signs and stray punctuation around a word ("7seven®", "Digitek®,").
_TRIM = "®™©.:;,!?*\"'`-–—+&"
# Words of a category name, read lower-cased: the catalog store keeps paths lower-cased,
# and the vocabulary and the filters must derive the same brands from the same rows.
_CATEGORY_WORD_RE = re.compile(r"[^\W\d_]+")


def _fold(word: str) -> str:
    """A word's identity for counting: lower case, no possessive, crude singular."""
    word = word.lower().replace("’", "'")
    word = re.sub(r"'s?$", "", word)
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word


def _clean(word: str) -> str:
    return word.strip(_TRIM)


def _leading(title: str) -> str | None:
    """The title's first word as written, when it could be a name (has a letter, 2+ chars)."""
    match = _WORD_RE.search(title)
    if match is None:
        return None
    word = _clean(match.group())
    return word if len(word) >= 2 and any(c.isalpha() for c in word) else None


def _category_words(paths: Iterable[str]) -> set[str]:
    words: set[str] = set()
    for path in paths:
        words.update(_fold(w) for w in _CATEGORY_WORD_RE.findall(path.lower()))
    return words


def title_brands(products: Iterable[tuple[str, str, str | None, str]]) -> dict[str, str]:
    """Product id -> the brand its title starts with, for products without a catalog brand.

    `products` are (id, title, catalog brand or None, category path). The brand is given
    in the catalog's most common spelling of it ("boAt"); products whose title starts
    with no recognisable brand are left out.
    """
    items = list(products)
    known = {b.strip().lower(): b.strip() for _, _, b, _ in items if b and b.strip()}
    generic = _category_words(path for _, _, _, path in items if path)
    leading: Counter[str] = Counter()
    anywhere: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    firsts: dict[str, str] = {}
    # Words that start titles of products whose stated brand is another: "Red Shoes" by
    # Fashion Express says "Red" starts titles without being a maker.
    not_makers: set[str] = set()
    for pid, title, brand, _ in items:
        anywhere.update({_fold(_clean(w)) for w in _WORD_RE.findall(title)})
        word = _leading(title)
        if word is None:
            continue
        key = _fold(word)
        leading[key] += 1
        spellings.setdefault(key, Counter())[word] += 1
        if not brand:
            firsts[pid] = key
        elif not brand.strip().lower().startswith(word.lower()):
            not_makers.add(key)
    out: dict[str, str] = {}
    # Longest stated brand first, so "Loom & Co" wins over a shorter stated "Loom".
    stated = sorted(known, key=len, reverse=True)
    for pid, title, brand, _ in items:
        if brand or pid not in firsts:
            continue
        lowered = title.strip().lower()
        match = next((b for b in stated if lowered == b or lowered.startswith(b + " ")), None)
        if match is not None:
            out[pid] = known[match]
            continue
        key = firsts[pid]
        if (leading[key] >= MIN_TITLES and leading[key] >= MIN_LEADING_SHARE * anywhere[key]
                and key not in generic and key not in not_makers):
            out[pid] = spellings[key].most_common(1)[0][0]
    return out
