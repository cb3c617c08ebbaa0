"""Category synonyms read from a store's own product titles.

Titles name a product by its head noun ("Lunelle Women's Kite Full Zip Hoodie"), which is
often not the word the store's category uses ("Hooded Sweatshirts"). When nearly every
product whose title ends in a noun sits in one category, that noun names the category:
"hoodie" finds Hooded Sweatshirts, "tee" T-Shirts. Nothing here is a list of synonyms; each
catalog yields its own, and a noun shared by several categories ("set", "bed" in a store
with dog beds and beds) names none of them.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from bot.nlu.entities.terms import TOKEN_RE, fold
from bot.nlu.entities.words import COMMON_WORDS, STOPWORDS

# A title's name part ends where details begin: "Kettle, 1.7 L", "Earphones with Mic (Black)".
_DETAILS = re.compile(r"\s+[-–—|]\s+|[,(\[|:]|\s+(?:with|for|by|in|from|featuring|incl\.?|including)\s+", re.IGNORECASE)
# Words that end a title without naming the product: units, pack sizes, measures.
_NOT_HEADS = frozenset(
    "oz fl ml l ltr liter litre liters litres qt quart quarts gal gallon gallons lb lbs kg g mg inch inches in cm mm m"
    " ft feet pack pk pcs piece pieces count ct set sets pair pairs lumens watt watts w v mah gb tb mb hz mp cup cups"
    " size xl xxl xs sm med lg small medium large single double twin queen king edition version model series"
    " new black white grey gray blue red green".split()
)
# A noun names a category when at least this share of the products it heads sit there,
MIN_SHARE = 0.8
# it heads at least this many of them (one product's odd title names nothing),
MIN_PRODUCTS = 3
# and it heads at least this share of the category's products: the category's usual name
# for its products, not a product line's or one maker's word ("Bassheads", "unbreakable").
MIN_COVERAGE = 0.25


def title_head(title: str) -> tuple[str, str | None] | None:
    """The folded head noun of a product title and the word before it, ("hoody", "pullover"),
    or None when it has no head we trust (a word of two letters only counts in capitals: "TV")."""
    name = _DETAILS.split(title, maxsplit=1)[0]
    words = list(TOKEN_RE.finditer(name))
    for i in range(len(words) - 1, -1, -1):
        word = words[i].group()
        key = fold(word)
        if not word.isalpha() or key in _NOT_HEADS:
            continue  # a number or unit after the name: the noun comes before it
        if len(key) < 3 and not (len(key) == 2 and word.isupper()):
            return None
        before = fold(words[i - 1].group()) if i > 0 and words[i - 1].group().isalpha() else None
        return key, before
    return None


def title_synonyms(products: Iterable[tuple[str, str]], taken: Iterable[str] = ()) -> dict[str, str]:
    """Head noun -> category name, from (title, leaf category name) pairs.

    `taken` are look-up keys the vocabulary already has (category, brand and colour names):
    a head noun that is one of them keeps its own meaning.
    """
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    compounds: dict[str, Counter[str | None]] = defaultdict(Counter)
    sizes: Counter[str] = Counter()
    for title, leaf in products:
        sizes[leaf] += 1
        found = title_head(title) if title and leaf else None
        if found is not None:
            counts[found[0]][leaf] += 1
            compounds[found[0]][found[1]] += 1
    skip = set(taken) | {fold(w) for w in COMMON_WORDS} | {fold(w) for w in STOPWORDS}
    out: dict[str, str] = {}
    for head, leaves in counts.items():
        if head in skip:
            continue
        leaf, n = leaves.most_common(1)[0]
        if n >= MIN_PRODUCTS and n >= MIN_SHARE * sum(leaves.values()) and n >= MIN_COVERAGE * sizes[leaf]:
            # "Power Bank" nearly every time: the compound names the product, "bank" alone does not.
            before, times = compounds[head].most_common(1)[0]
            key = f"{before} {head}" if before is not None and times >= MIN_SHARE * sum(leaves.values()) else head
            if key not in skip:
                out[key] = leaf
    return out
