"""`shopbot eval coverage`: does the assistant know what a store sells, and show only that?

For one catalog, shopper requests name product types of two kinds:

* **the catalog's own types**, read off the catalog: the leaves of its category tree (glued
  names spelled apart: "smarttelevisions" -> "smart televisions") and the head nouns of its
  titles that at least `MIN_TITLES` products share ("tent" in "TrailMax Vale 4-Person Tent").
  These are carried, by construction.
* **common retail product types** (`COMMON_TYPES`): a fixed list across departments, the same
  for every catalog and not chosen from any store's failures. Whether a catalog carries one
  is read off the catalog's own words, independently of `Coverage`: it does when some product
  *names* it, i.e. the type's head noun (singular or plural) is a word of the product's
  category path or title, or ends a compound word of its category path or its title's head
  noun ("smartphones" names "phones"), and the type's other words ("golf" in "golf clubs")
  are words of the same product. Title words after "for" / "compatible with" say what a
  product fits, not what it is ("Cable for PlayStation" does not name a PlayStation), and do
  not count. Types no product names are not carried.

Each request is decided as the search skill decides it: `Coverage.carries` on the request's
head noun (its last word). "We carry it" is scored by precision and recall against the truth
above. For every request decided carried, the first page of search hits for the type is what
the shopper would see; a card is relevant when its title or category path names the type's
head noun by the same rule (synonyms count as misses: "Sofa" for "couch" is scored
irrelevant, so the share is a lower bound).
"""

from __future__ import annotations

import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from retrieval.catalog import split_category
from retrieval.coverage import category_types, fold, name_words, title_head, words
from retrieval.search import ProductSearch
from retrieval.store import FilterRow

# Common product types across a department store's departments, as shoppers ask for them.
COMMON_TYPES: tuple[str, ...] = (
    # electronics
    "laptops", "smartphones", "televisions", "headphones", "digital cameras", "printers", "drones",
    "smartwatches", "PlayStation",
    # appliances
    "refrigerators", "washing machines", "microwave ovens", "vacuum cleaners", "air conditioners",
    "toasters", "coffee makers",
    # home and furniture
    "sofas", "mattresses", "bookshelves", "curtains", "candles", "light bulbs",
    # kitchen
    "frying pans", "kitchen knives",
    # clothing, shoes and accessories
    "jeans", "dresses", "neckties", "socks", "sneakers", "handbags", "sunglasses", "wristwatches",
    "necklaces", "umbrellas", "suitcases",
    # beauty and health
    "shampoo", "lipstick", "perfume", "toothpaste", "razors", "vitamins",
    # grocery
    "wine", "beer", "breakfast cereal", "chocolate",
    # sports and outdoors
    "bicycles", "kayaks", "golf clubs", "tennis rackets", "tents", "yoga mats", "treadmills", "fishing rods",
    # toys, baby and pets
    "board games", "dolls", "strollers", "diapers", "dog food", "dog leash", "cat litter",
    # tools, garden, auto, office, music, books
    "power drills", "lawn mowers", "car tires", "office chairs", "books", "guitars",
)  # fmt: skip

# A title head noun shared by fewer products than this is too likely a model name to be a type.
MIN_TITLES = 3
# Cards a shopper sees on the first page of results.
PAGE = 5
# Letters before a compound's head for it to count as one ("ear"+"rings" yes, "s"+"tent" no).
_MIN_PREFIX = 3

Source = Literal["catalog", "common"]


@dataclass(frozen=True)
class Probe:
    """One request: the type asked for, the truth, the decision and the cards shown."""

    type: str
    source: Source
    carried: bool  # the truth: the catalog has this type
    decided: bool  # the coverage check said "we carry it"
    how: str | None = None  # how it matched: "word", "compound" or "meaning"
    cards: tuple[str, ...] = ()  # titles shown when decided carried
    relevant: int = 0  # how many of them name the type
    check_ms: float = 0.0  # how long the coverage check took

    @property
    def looked_up(self) -> bool:
        """Decided by set lookups alone; the other checks encoded the word."""
        return self.how in ("word", "compound")


@dataclass
class CoverageReport:
    """The coverage evaluation of one catalog."""

    store: str
    products: int
    probes: list[Probe] = field(default_factory=list)

    def check_ms(self, looked_up: bool | None = None) -> float:
        """The median time of one coverage check: of all requests, or of those decided by lookups alone (True) or not (False)."""
        times = [p.check_ms for p in self.probes if looked_up is None or p.looked_up == looked_up]
        return statistics.median(times) if times else 0.0

    def _count(self, carried: bool, decided: bool) -> int:
        return sum(p.carried == carried and p.decided == decided for p in self.probes)

    @property
    def precision(self) -> float:
        """Of the requests answered "we carry it", the share the catalog does carry."""
        said = self._count(True, True) + self._count(False, True)
        return self._count(True, True) / said if said else 1.0

    @property
    def recall(self) -> float:
        """Of the requests for types the catalog carries, the share answered "we carry it"."""
        carried = self._count(True, True) + self._count(True, False)
        return self._count(True, True) / carried if carried else 1.0

    @property
    def relevant_share(self) -> float:
        """Of all cards shown, the share that name the type asked for."""
        shown = sum(len(p.cards) for p in self.probes)
        return sum(p.relevant for p in self.probes) / shown if shown else 1.0

    def errors(self) -> tuple[list[Probe], list[Probe]]:
        """(said carried but not, said not carried but is)."""
        return ([p for p in self.probes if p.decided and not p.carried],
                [p for p in self.probes if p.carried and not p.decided])  # fmt: skip

    def to_dict(self) -> dict[str, object]:
        """Plain data for `--json`."""
        false_yes, false_no = self.errors()
        return {
            "store": self.store,
            "products": self.products,
            "requests": {"catalog": sum(p.source == "catalog" for p in self.probes),
                         "common": sum(p.source == "common" for p in self.probes),
                         "common_carried": sum(p.source == "common" and p.carried for p in self.probes)},
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "relevant_card_share": round(self.relevant_share, 4),
            "cards": sum(len(p.cards) for p in self.probes),
            "check_ms_p50": {"all": round(self.check_ms(), 4), "lookup": round(self.check_ms(True), 4),
                             "encoded": round(self.check_ms(False), 4)},
            "said_carried_but_not": [p.type for p in false_yes],
            "said_not_carried_but_is": [p.type for p in false_no],
        }  # fmt: skip


class _Names:
    """Which products name which words, for the ground truth and for judging cards."""

    def __init__(self, rows: Iterable[FilterRow]) -> None:
        self.words: dict[str, set[str]] = {}  # product id -> folded words its title and category name
        self.by_word: dict[str, set[str]] = defaultdict(set)  # folded word -> product ids
        self.by_tail: dict[str, set[str]] = defaultdict(set)  # folded compound head -> product ids
        for row in rows:
            found = set(_named_words(row.title, row.category))
            self.words[row.id] = found
            for word in found:
                self.by_word[word].add(row.id)
            for word in _type_words(row.title, row.category):
                for tail in _compound_heads(word):
                    self.by_tail[tail].add(row.id)

    def naming(self, phrase: str) -> set[str]:
        """Products that name this type: its head noun (or a compound ending in it) and its other words."""
        folded = words(phrase)
        if not folded:
            return set()
        *others, head = folded
        found: set[str] = set()
        for form in _forms(head):
            found |= self.by_word.get(form, set()) | self.by_tail.get(form, set())
        return {pid for pid in found if all(w in self.words[pid] for w in others)}


def evaluate_coverage(search: ProductSearch, store: str, common: Iterable[str] = COMMON_TYPES) -> CoverageReport:
    """Score the coverage check and the cards shown on one catalog (see the module docstring)."""
    rows = search.store.filter_rows()
    names = _Names(rows)
    coverage = search.coverage
    coverage.threshold  # noqa: B018 - embed the catalog's types now, not inside the first timed check
    report = CoverageReport(store, len(rows))
    requests: list[tuple[str, Source, bool]] = [(t, "catalog", True) for t in catalog_types(rows, search)]
    requests += [(t, "common", bool(names.naming(t))) for t in common]
    search.encoder.forget()  # time each word's first encoding, not one kept from another store's run
    for phrase, source, carried in requests:
        head = phrase.split()[-1]
        start = time.perf_counter()
        match = coverage.match(head)
        took = (time.perf_counter() - start) * 1000
        cards: tuple[str, ...] = ()
        relevant = 0
        if match is not None:
            hits = search.search(phrase, k=PAGE)
            cards = tuple(h.product.title for h in hits)
            shown = names.naming(head)
            relevant = sum(h.product.id in shown for h in hits)
        report.probes.append(
            Probe(phrase, source, carried, match is not None, match.how if match else None, cards, relevant, took)
        )
    return report


def catalog_types(rows: list[FilterRow], search: ProductSearch) -> list[str]:
    """The product types a catalog has, as a shopper would name them: its category leaves and
    its titles' frequent head nouns, one request per head noun."""
    coverage = search.coverage
    leaves: dict[str, None] = {}
    heads: Counter[str] = Counter()
    brands = {w for r in rows if r.brand for w in words(r.brand)}
    for row in rows:
        nodes = split_category(row.category)
        if nodes:
            for phrase in category_types(nodes[-1]):
                leaves[coverage.spelled(phrase)] = None
        if head := title_head(row.title):
            heads[head] += 1
    types: dict[str, str] = {}  # folded head noun -> the phrase asked for it
    for phrase in leaves:
        types.setdefault(fold(phrase.split()[-1]), phrase)
    for head, count in heads.most_common():
        if count >= MIN_TITLES and fold(head) not in brands:
            types.setdefault(fold(head), head)
    return list(types.values())


def report_lines(reports: list[CoverageReport]) -> list[str]:
    """The reports as a table for the terminal, then each store's mistakes."""
    lines = [f"  {'store':<12} {'products':>8} {'requests':>9} {'precision':>10} {'recall':>7} {'relevant cards':>16}"
             f"   check p50: lookup / encoded"]  # fmt: skip
    for r in reports:
        lines.append(
            f"  {r.store:<12} {r.products:>8,} {len(r.probes):>9} {r.precision:>10.1%} {r.recall:>7.1%} "
            f"{r.relevant_share:>8.1%} of {sum(len(p.cards) for p in r.probes):<5}"
            f"  {r.check_ms(True) * 1000:>8.0f} µs / {r.check_ms(False):.1f} ms"
        )
    for r in reports:
        false_yes, false_no = r.errors()
        carried = sum(p.source == "common" and p.carried for p in r.probes)
        lines.append(f"\n{r.store}: {sum(p.source == 'catalog' for p in r.probes)} catalog types, "
                     f"{sum(p.source == 'common' for p in r.probes)} common types ({carried} of them carried)")  # fmt: skip
        lines.append("  said carried, but not: " + (", ".join(f"{p.type} ({p.how})" for p in false_yes) or "none"))
        lines.append("  said not carried, but is: " + (", ".join(p.type for p in false_no) or "none"))
    return lines


def _named_words(title: str, category: str) -> list[str]:
    """The folded words a product is named with: its category path and its title, without what it is for."""
    return [fold(w) for w in name_words(title)] + [w for node in split_category(category) for w in words(node)]


def _type_words(title: str, category: str) -> list[str]:
    """The lower-cased words that say what type a product is: its category path's and its title's head noun."""
    found = [w for phrase in category_types(category) for w in phrase.split()]
    if head := title_head(title):
        found.append(head)
    return found


def _forms(folded: str) -> set[str]:
    """A folded word and, for a "-ves" plural fold() leaves as "-ve", its "-f" and "-fe" singulars ("knive" -> "knife")."""
    if folded.endswith("ve") and len(folded) > 4:
        return {folded, folded[:-2] + "f", folded[:-2] + "fe"}
    return {folded}


def _compound_heads(word: str) -> list[str]:
    """The folded heads a compound word ends with: "smartphones" -> ["rtphone", "tphone", "phone", ...]."""
    return [fold(word[i:]) for i in range(_MIN_PREFIX, len(word) - 2)]



def probe_lines(report: CoverageReport) -> list[str]:
    """Every request of a report: the truth, the decision, and the cards shown (for `--verbose`)."""
    lines = [f"{report.store}:"]
    for p in report.probes:
        truth = "carried" if p.carried else "not carried"
        said = f"said carried ({p.how})" if p.decided else "said not carried"
        mark = "" if p.carried == p.decided else "  <-- wrong"
        lines.append(f"  [{p.source}] {p.type}: {truth}, {said}{mark}")
        if p.cards:
            lines.append(f"      {p.relevant}/{len(p.cards)} relevant: " + " | ".join(t[:40] for t in p.cards))
    return lines
