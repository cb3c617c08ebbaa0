"""The catalog vocabulary: the brand, category, colour and size names one store's shoppers can mention.

The entity extractor matches messages against this vocabulary, so a brand or category
is only recognised when the store actually sells it, and its value is the catalog's own
spelling ("TrailMax", "Hiking Boots") that filters can use as is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from dataclasses import dataclass, field

from retrieval.brands import title_brands
from retrieval.catalog import Product, normalize_color, normalize_size, split_category
from retrieval.money import store_currency
from retrieval.store import CatalogStore


@dataclass
class CatalogVocabulary:
    """Names a catalog uses: brands and category nodes in display case, colours and sizes normalised.

    `categories` holds every node of every category path (top level, middle and leaf:
    "Shoes", "Men", "Hiking Boots"), each once. Lists are sorted so two vocabularies of
    the same catalog compare equal.
    """

    brands: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    colors: set[str] = field(default_factory=set)
    sizes: set[str] = field(default_factory=set)
    # The store's currency (ISO code): a budget with no currency, or in "bucks", is in it.
    currency: str | None = None
    # Attribute names with yes/no values ("waterproof") and with numbers ("capacity_people").
    flags: set[str] = field(default_factory=set)
    measures: set[str] = field(default_factory=set)
    # Attributes with a few named values ({"material": ["cork", "natural rubber"], "life_stage": ["puppy", ...]}).
    values: dict[str, list[str]] = field(default_factory=dict)
    # Attributes stated mostly as numbers that shoppers name with the number ("SPF 50").
    numbered: set[str] = field(default_factory=set)
    # Category synonyms read from product titles ("hoodie" -> "Hooded Sweatshirts"), bot/nlu/synonyms.py.
    synonyms: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_products(cls, products: Iterable[Product]) -> CatalogVocabulary:
        """Collect the vocabulary of some products; the first spelling of a name wins.

        Brands include those read from titles of products without one (retrieval/brands.py),
        so "Samsung TV" is understood in a catalog with no brand column.
        """
        products = list(products)
        brands: dict[str, str] = {}
        categories: dict[str, str] = {}
        colors: set[str] = set()
        sizes: set[str] = set()
        currencies: list[str] = []
        kinds = _AttributeKinds()
        for product in products:
            kinds.add(product.attributes)
            if product.brand:
                brands.setdefault(_fold(product.brand), product.brand.strip())
            for node in product.category:
                categories.setdefault(_fold(node), node)
            colors.update(c for c in product.colors if c)
            sizes.update(s for s in product.sizes if s)
            currencies.append(product.currency)
        for name in _title_brands([(p.id, p.title, p.brand, p.category_path) for p in products]):
            brands.setdefault(_fold(name), name)
        titled = [(p.title, categories[_fold(p.category[-1])]) for p in products if p.category]
        return cls(
            brands=sorted(brands.values(), key=str.lower),
            categories=sorted(categories.values(), key=str.lower),
            colors=colors,
            sizes=sizes,
            currency=store_currency(currencies),
            flags=kinds.flags(),
            measures=kinds.measures(),
            values=kinds.named_values(),
            numbered=kinds.numbered(),
            synonyms=_synonyms(titled, brands.values(), categories.values(), colors),
        )

    @classmethod
    def from_store(cls, store: CatalogStore) -> CatalogVocabulary:
        """Collect the vocabulary of a catalog store without parsing every product.

        The store keeps brand and category columns lower-cased for filtering. To answer
        in the catalog's own spelling ("TrailMax", "TV & Video", "Chef's Knives", which
        no title-casing rule gets right), one product per distinct brand and per distinct
        category path is read back; a name whose product cannot be read falls back to a
        word-by-word capitalised form.
        """
        rows = store.filter_rows()
        brand_ids: dict[str, str] = {}
        path_ids: dict[str, str] = {}
        colors: set[str] = set()
        sizes: set[str] = set()
        kinds = _AttributeKinds()
        for row in rows:
            kinds.add(row.attributes)
            if row.brand:
                brand_ids.setdefault(row.brand, row.id)
            if row.category:
                path_ids.setdefault(row.category, row.id)
            colors.update(normalize_color(c) for c in row.colors if c)
            sizes.update(normalize_size(s) for s in row.sizes if s)
        wanted = sorted(set(brand_ids.values()) | set(path_ids.values()))
        products = store.get_many(wanted) if wanted else {}

        brands: dict[str, str] = {}
        for folded, pid in brand_ids.items():
            product = products.get(pid)
            original = product.brand if product is not None and product.brand else None
            name = original.strip() if original and _fold(original) == _fold(folded) else _display_case(folded)
            brands.setdefault(_fold(name), name)
        # Brands read from titles come already in the titles' own spelling ("boAt").
        for name in _title_brands([(r.id, r.title, r.brand, r.category) for r in rows]):
            brands.setdefault(_fold(name), name)

        categories: dict[str, str] = {}
        leaves: dict[str, str] = {}
        for path, pid in path_ids.items():
            product = products.get(pid)
            nodes = split_category(path)
            originals = product.category if product is not None else []
            same = [_fold(n) for n in originals] == [_fold(n) for n in nodes]
            for index, node in enumerate(nodes):
                name = originals[index] if same else _display_case(node)
                categories.setdefault(_fold(name), name)
                leaves[path] = categories[_fold(name)]
        titled = [(row.title, leaves[row.category]) for row in rows if row.category in leaves]
        return cls(
            brands=sorted(brands.values(), key=str.lower),
            categories=sorted(categories.values(), key=str.lower),
            colors=colors,
            sizes=sizes,
            currency=store.currency(),
            flags=kinds.flags(),
            measures=kinds.measures(),
            values=kinds.named_values(),
            numbered=kinds.numbered(),
            synonyms=_synonyms(titled, brands.values(), categories.values(), colors),
        )


def _synonyms(
    titled: list[tuple[str, str]], brands: Iterable[str], categories: Iterable[str], colors: Iterable[str]
) -> dict[str, str]:
    """Category synonyms from (title, leaf category) pairs; names the vocabulary already has keep their meaning."""
    # Imported here: the entity matchers import this module.
    from bot.nlu.entities.terms import phrase_keys
    from bot.nlu.synonyms import title_synonyms

    categories = list(categories)
    taken = {key for name in (*brands, *categories, *colors) for key in phrase_keys(name)}
    # A category name's last word ("jackets" of Puffer and Rain Jackets) is matched by the
    # entity matcher's own rule, which leaves it out when several categories share it.
    taken |= {key.rsplit(" ", 1)[-1] for name in categories for key in phrase_keys(name)}
    return title_synonyms(titled, taken)


class _AttributeKinds:
    """Which attribute names hold yes/no values and which hold numbers, over a catalog."""

    def __init__(self) -> None:
        self._values: dict[str, set[str]] = {}

    def add(self, attributes: dict[str, Any]) -> None:
        for key, value in attributes.items():
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                seen = self._values.setdefault(key, set())
                if len(seen) < 200:  # enough to tell names from free text; bounded for huge catalogs
                    seen.add(str(value).strip().lower())

    def flags(self) -> set[str]:
        return {k for k, v in self._values.items() if v and v <= {"yes", "no"}}

    def measures(self) -> set[str]:
        return {k for k, v in self._values.items() if v and all(_NUMBER.fullmatch(x) for x in v)}

    def numbered(self) -> set[str]:
        """Attributes whose values are mostly numbers ("spf": 15, 30, 50, none)."""
        return {k for k, v in self._values.items() if v and sum(bool(_NUMBER.fullmatch(x)) for x in v) * 2 >= len(v)}

    def named_values(self) -> dict[str, list[str]]:
        """Attributes that take one of a few named values (not yes/no, not numbers, not colour or size)."""
        out: dict[str, list[str]] = {}
        for key, seen in self._values.items():
            named = sorted(v for v in seen if not _NUMBER.fullmatch(v) and v not in _NOT_NAMES)
            named = [v for v in named if len(v.split()) <= 3 and len(v) <= 30]  # names, not sentences
            if key in _OWN_ENTITIES or not named or seen <= {"yes", "no"}:
                continue
            out[key] = named
        return out


_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# Attributes other extractors read (colour, size, gender), and values that name nothing.
_OWN_ENTITIES = frozenset({"color", "colour", "size", "gender"})
_NOT_NAMES = frozenset({"yes", "no", "none", "n/a", "na", "other", "all", "unknown", "standard", "regular"})



def _title_brands(rows: list[tuple[str, str, str | None, str]]) -> list[str]:
    """Distinct brands read from the titles of brandless products (none when all have one)."""
    if all(brand for _, _, brand, _ in rows):
        return []
    return sorted(set(title_brands(rows).values()), key=str.lower)


def _fold(name: str) -> str:
    """Case- and spacing-insensitive identity of a name, for de-duplication."""
    return " ".join(name.lower().split())


def _display_case(name: str) -> str:
    """Capitalise each word's first letter only ("chef's knives" -> "Chef's Knives").

    str.title() is not used because it capitalises after apostrophes ("Chef'S").
    """
    return re.sub(r"(^|[\s\-/(])([a-z])", lambda m: m.group(1) + m.group(2).upper(), " ".join(name.split()))
