"""Exact structured filters, as boolean masks over the vector index's rows.

Filters are applied inside retrieval (not to a truncated result list), so a restrictive
filter still finds every matching product and no hit can ever violate one.
"""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from retrieval.brands import title_brands
from retrieval.catalog import normalize_color, normalize_size, split_category
from retrieval.store import FilterRow


class SearchFilters(BaseModel):
    """Constraints every hit must satisfy. Unset fields do not constrain."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    min_price: float | None = Field(default=None, ge=0)
    max_price: float | None = Field(default=None, ge=0)
    category: str | None = None
    brand: str | None = None
    color: str | None = None
    size: str | None = None
    in_stock: bool = False
    min_rating: float | None = Field(default=None, ge=0, le=5)
    # Who it is made for ("women", "men", "kids"): products made for someone else are left
    # out; products that say nothing (unisex) stay.
    gender: str | None = None
    # Attribute values the product must state: {"waterproof": "yes"}; a product that does not
    # state the attribute cannot be promised to have it, so it is left out.
    attributes: dict[str, str] = Field(default_factory=dict)
    # Numeric attributes within bounds: {"capacity_people": 4} in at_least for "a tent for 4".
    at_least: dict[str, float] = Field(default_factory=dict)
    at_most: dict[str, float] = Field(default_factory=dict)
    # Category subtrees left out ("not coffee makers", "he already has one").
    exclude_categories: list[str] = Field(default_factory=list)
    # Attributes (any of "a|b") a product must state, whatever the value.
    stating: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check_range(self) -> SearchFilters:
        if self.min_price is not None and self.max_price is not None and self.min_price > self.max_price:
            raise ValueError(f"min_price ({self.min_price}) is above max_price ({self.max_price})")
        return self


_GENDERS = {
    "women": "women", "woman": "women", "womens": "women", "ladies": "women", "female": "women", "her": "women",
    "men": "men", "man": "men", "mens": "men", "male": "men", "him": "men",
    "kids": "kids", "kid": "kids", "boys": "kids", "girls": "kids", "children": "kids", "childrens": "kids",
    "baby": "kids", "toddler": "kids",
}  # fmt: skip
_GENDER_WORD = re.compile(r"\b(women|woman|womens|ladies|men|mens|kids|boys|girls|childrens|baby|toddler)(?:'s|s')?\b", re.I)


def normalize_gender(value: str | None) -> str | None:
    """"women", "men" or "kids" for the ways a catalog or a shopper says who something is for."""
    if not value:
        return None
    return _GENDERS.get(re.sub(r"[^a-z]", "", value.lower()))


def product_gender(attributes: dict[str, object], category: str, title: str) -> str | None:
    """Who a product is made for: its gender attribute, else a gender word in its category or title."""
    stated = attributes.get("gender")
    if isinstance(stated, str) and stated.strip():
        return normalize_gender(stated)
    for text in (category, title):
        match = _GENDER_WORD.search(text.replace("-", " "))
        if match:
            return normalize_gender(match.group(1))
    return None


def number_of(value: object) -> float | None:
    """The number an attribute value states ("4", "1.7", "12.9 in"), None when it states none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        match = re.match(r"\s*(\d+(?:\.\d+)?)", value)
        return float(match.group(1)) if match else None
    return None


def _singular(word: str) -> str:
    # "boots" and "boot" name the same category node; folding plurals is enough here.
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _node_key(node: str) -> str:
    return " ".join(_singular(w) for w in re.findall(r"[^\W_]+", node.lower()))


def _path_keys(path: str) -> list[str]:
    return [_node_key(node) for node in path.split(" > ") if node.strip()]


def category_matches(product_path: str, wanted: str) -> bool:
    """True when `wanted` (a node name or a path like "Shoes > Men") names a node on
    `product_path` or one of its ancestors, i.e. the product is in that subtree."""
    have = _path_keys(product_path)
    want = [_node_key(node) for node in split_category(wanted)]
    if not want:
        return True
    return any(have[i : i + len(want)] == want for i in range(len(have) - len(want) + 1))


class FilterIndex:
    """Column arrays of filterable facts, aligned with the vector index's rows."""

    def __init__(self, rows: list[FilterRow], row_ids: list[str | None]) -> None:
        n = len(row_ids)
        by_id = {r.id: r for r in rows}
        self.n_rows = n
        self.present = np.zeros(n, dtype=bool)
        self.price = np.full(n, np.nan)
        self.rating = np.full(n, np.nan)
        self.review_count = np.full(n, np.nan)
        self.in_stock = np.zeros(n, dtype=bool)
        self._category_of = np.full(n, -1, dtype=np.int32)
        self._brands: dict[str, list[int]] = defaultdict(list)
        self._colors: dict[str, list[int]] = defaultdict(list)
        self._colors_in_stock: dict[str, list[int]] = defaultdict(list)
        self._title_words: dict[str, list[int]] = defaultdict(list)  # of products stating no colours
        self._sizes: dict[str, list[int]] = defaultdict(list)
        self._sizes_in_stock: dict[str, list[int]] = defaultdict(list)
        self._variants: dict[tuple[str, str], list[int]] = defaultdict(list)
        self._variants_in_stock: dict[tuple[str, str], list[int]] = defaultdict(list)
        self._variant_rows = np.zeros(n, dtype=bool)  # rows whose sizes and colours come in combinations
        self._gender = np.full(n, "", dtype=object)
        self._attributes: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        self._numbers: dict[str, np.ndarray] = {}
        category_ids: dict[str, int] = {}
        # A product without a brand is filtered by the brand its title starts with, when
        # the catalog's titles show one (retrieval/brands.py): "boAt earphones" then finds
        # boAt's even in a catalog with no brand column.
        titled = title_brands((r.id, r.title, r.brand, r.category) for r in rows) if any(not r.brand for r in rows) else {}
        any_colors = any(r.colors for r in rows)
        for row, pid in enumerate(row_ids):
            fr = by_id.get(pid) if pid is not None else None
            if fr is None:
                continue
            self.present[row] = True
            self.price[row] = fr.price
            self.rating[row] = np.nan if fr.rating is None else fr.rating
            self.review_count[row] = fr.review_count or 0
            self.in_stock[row] = fr.in_stock
            cid = category_ids.setdefault(fr.category, len(category_ids))
            self._category_of[row] = cid
            brand = fr.brand or titled.get(fr.id, "").lower()
            if brand:
                self._brands[brand].append(row)
            for c in fr.colors:
                self._colors[c].append(row)
            for c in fr.colors_in_stock:
                self._colors_in_stock[c].append(row)
            if not any_colors:
                # A catalog without colour data still names colours in titles ("Red Shoes"). One that
                # has colour data means what it says: a product stating none has none ("Brown Rice").
                for word in set(re.findall(r"[a-z]+", fr.title.lower())):
                    self._title_words[word].append(row)
            for s in fr.sizes:
                self._sizes[s].append(row)
            for s in fr.sizes_in_stock:
                self._sizes_in_stock[s].append(row)
            for color, size, buyable in fr.variants:
                if color and size:
                    self._variant_rows[row] = True
                    self._variants[(color, size)].append(row)
                    if buyable:
                        self._variants_in_stock[(color, size)].append(row)
            self._gender[row] = product_gender(fr.attributes, fr.category, fr.title) or ""
            for key, value in fr.attributes.items():
                if isinstance(value, str | int | float) and not isinstance(value, bool):
                    self._attributes[key][str(value).strip().lower()].append(row)
                    number = number_of(value)
                    if number is not None:
                        self._numbers.setdefault(key, np.full(n, np.nan))[row] = number
        self._categories: list[str] = list(category_ids)

    def _stating(self, keys: str, value: str) -> list[int]:
        """Rows whose attribute (any of "a|b") states `value`: exactly, or as whole words of a
        longer value ("leather" in "full-grain leather"); yes/no values only exactly."""
        wanted = value.strip().lower()
        words = set(re.findall(r"[^\W_]+", wanted))
        rows: list[int] = []
        for key in keys.split("|"):
            for stated, stated_rows in self._attributes.get(key, {}).items():
                if stated == wanted or (wanted not in ("yes", "no") and words <= set(re.findall(r"[^\W_]+", stated))):
                    rows.extend(stated_rows)
        return rows

    def ranked(self, mask: np.ndarray, field: str, highest: bool, k: int) -> list[int]:
        """Rows passing `mask` with a value for `field` (price, rating, review_count or a numeric
        attribute), the asked-for end first and buyable products before sold-out ones."""
        values = {"price": self.price, "rating": self.rating, "review_count": self.review_count}.get(field)
        if values is None:
            values = self._numbers.get(field)
        if values is None:
            return []
        rows = np.flatnonzero(mask & ~np.isnan(values))
        keys = -values[rows] if highest else values[rows]
        order = np.lexsort((keys, ~self.in_stock[rows]))  # last key sorts first: in stock, then value
        return [int(r) for r in rows[order[:k]]]

    def numeric_attributes(self) -> frozenset[str]:
        """Attribute names that hold numbers in this catalog ("capacity_people", "weight_lb")."""
        return frozenset(self._numbers)

    def _rows_mask(self, rows: list[int]) -> np.ndarray:
        mask = np.zeros(self.n_rows, dtype=bool)
        if rows:
            mask[np.asarray(rows)] = True
        return mask

    def mask(self, filters: SearchFilters) -> np.ndarray:
        """Rows whose product satisfies every filter."""
        mask = self.present.copy()
        if filters.min_price is not None:
            mask &= self.price >= filters.min_price - 1e-9
        if filters.max_price is not None:
            mask &= self.price <= filters.max_price + 1e-9
        if filters.min_rating is not None:
            # NaN (unrated) compares False: an unrated product never passes a rating floor.
            mask &= self.rating >= filters.min_rating
        if filters.in_stock:
            mask &= self.in_stock
        if filters.brand:
            mask &= self._rows_mask(self._brands.get(filters.brand.strip().lower(), []))
        if filters.category:
            wanted = [i for i, c in enumerate(self._categories) if category_matches(c, filters.category)]
            mask &= np.isin(self._category_of, wanted)
        if filters.color:
            colors = self._colors_in_stock if filters.in_stock else self._colors
            color = normalize_color(filters.color)
            stated = self._rows_mask(colors.get(color, []))
            titled = [self._rows_mask(self._title_words.get(w, [])) for w in color.split()]
            mask &= stated | (np.logical_and.reduce(titled) if titled else stated)
        if filters.size:
            sizes = self._sizes_in_stock if filters.in_stock else self._sizes
            mask &= self._rows_mask(sizes.get(normalize_size(filters.size), []))
        if filters.color and filters.size:
            # "Red in size 11" is one variant: a shoe with red in 9 and black in 11 has no red 11.
            pairs = self._variants_in_stock if filters.in_stock else self._variants
            pair = (normalize_color(filters.color), normalize_size(filters.size))
            mask &= ~self._variant_rows | self._rows_mask(pairs.get(pair, []))
        if filters.gender and (gender := normalize_gender(filters.gender)):
            mask &= (self._gender == gender) | (self._gender == "")
        for keys, value in filters.attributes.items():
            mask &= self._rows_mask(self._stating(keys, value))
        for bounds, at_least in ((filters.at_least, True), (filters.at_most, False)):
            for key, limit in bounds.items():
                numbers = self._numbers.get(key)
                if numbers is None:
                    mask[:] = False
                    continue
                with np.errstate(invalid="ignore"):  # NaN (not stated) never passes a bound
                    mask &= numbers >= limit - 1e-9 if at_least else numbers <= limit + 1e-9
        for keys in filters.stating:
            mask &= self._rows_mask([r for key in keys.split("|") for rows in self._attributes.get(key, {}).values() for r in rows])
        for excluded in filters.exclude_categories:
            unwanted = [i for i, c in enumerate(self._categories) if category_matches(c, excluded)]
            mask &= ~np.isin(self._category_of, unwanted)
        return mask
