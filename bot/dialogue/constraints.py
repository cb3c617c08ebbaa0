"""The search a conversation is on: every constraint the shopper stated, in one typed model.

The same model gives the exact search filters, the constraints an answer may repeat back
("women's hiking boots under $120") and the clearing rules, so a constraint is spelled
once: adding one is adding a field here and its filter in retrieval/filters.py.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from bot.generation.facts import Constraints
from retrieval.catalog import split_category
from retrieval.filters import SearchFilters

# The fields a narrowing message may set; the query and the exclusions accumulate instead.
NARROWING = ("category", "brand", "color", "size", "gender", "price_min", "price_max")


class SearchConstraints(BaseModel):
    """What the shopper is looking for, carried over turns until changed or a new topic starts."""

    query: str | None = None
    category: str | None = None
    brand: str | None = None
    color: str | None = None
    size: str | None = None
    gender: str | None = None
    price_min: float | None = None
    price_max: float | None = None
    in_stock: bool = False  # "only the ones in stock": keeps products whose stock is untracked
    attributes: dict[str, str] = Field(default_factory=dict)  # {"waterproof": "yes"}
    at_least: dict[str, float] = Field(default_factory=dict)  # {"capacity_people": 4}
    at_most: dict[str, float] = Field(default_factory=dict)
    exclude_brands: list[str] = Field(default_factory=list)
    exclude_categories: list[str] = Field(default_factory=list)

    def is_empty(self) -> bool:
        """True when nothing narrows a search."""
        return self == SearchConstraints()

    def narrows(self) -> bool:
        """True when a filter (not only free text) applies: then a match count is exact."""
        return any(getattr(self, name) is not None for name in NARROWING) or bool(
            self.in_stock or self.attributes or self.at_least or self.at_most or self.exclude_categories
        )

    def filters(self) -> SearchFilters:
        """The exact filters every hit must pass."""
        low, high = self.price_min, self.price_max
        if low is not None and high is not None and low > high:
            low, high = high, low
        return SearchFilters(
            category=self.category, brand=self.brand, color=self.color, size=self.size, gender=self.gender,
            min_price=low, max_price=high, in_stock=self.in_stock, attributes=dict(self.attributes),
            at_least=dict(self.at_least), at_most=dict(self.at_most), exclude_categories=list(self.exclude_categories),
        )  # fmt: skip

    def stated(self, currency: str) -> Constraints:
        """The constraints an answer may repeat to the shopper."""
        # A category path ("electronics > televisions > smart televisions") is said by its last node.
        category = split_category(self.category)[-1] if self.category and split_category(self.category) else self.category
        return Constraints(
            category=category, brand=self.brand, color=self.color, size=self.size,
            price_min=self.price_min, price_max=self.price_max, currency=currency, in_stock=self.in_stock,
            query=self.query, gender=self.gender, features=tuple(_features(self)),
        )  # fmt: skip

    def merged(self, change: SearchConstraints) -> SearchConstraints:
        """These constraints narrowed by a message's: what it states replaces, the rest stays."""
        update: dict[str, Any] = {name: getattr(change, name) for name in NARROWING if getattr(change, name) is not None}
        if change.price_min is not None and change.price_max is None and self.price_max is not None:
            if change.price_min > self.price_max:
                update["price_max"] = None  # "over $100" after "under $50" replaces the range
        if change.price_max is not None and change.price_min is None and self.price_min is not None:
            if change.price_max < self.price_min:
                update["price_min"] = None
        if change.brand:
            update["exclude_brands"] = [b for b in self.exclude_brands if b.lower() != change.brand.lower()]
        if change.in_stock:
            update["in_stock"] = True
        update["attributes"] = {**self.attributes, **change.attributes}
        update["at_least"] = {**self.at_least, **change.at_least}
        update["at_most"] = {**self.at_most, **change.at_most}
        excluded = [c for c in change.exclude_categories if c not in self.exclude_categories]
        update["exclude_categories"] = [*self.exclude_categories, *excluded]
        if change.category and change.category in update["exclude_categories"]:
            update["exclude_categories"].remove(change.category)
        if change.query:
            update["query"] = change.query
        return self.model_copy(update=update, deep=True)

    def without(self, name: str) -> SearchConstraints:
        """These constraints with one field cleared (to find the nearest match when nothing fits)."""
        default = SearchConstraints.model_fields[name].get_default(call_default_factory=True)
        return self.model_copy(update={name: default}, deep=True)

    def added_by(self, change: SearchConstraints) -> list[str]:
        """The fields a message set (to say which constraint found nothing)."""
        names = [n for n in NARROWING if getattr(change, n) is not None]
        names += [n for n in ("attributes", "at_least", "at_most", "exclude_categories") if getattr(change, n)]
        if change.in_stock:
            names.append("in_stock")
        return names


def _features(constraints: SearchConstraints) -> list[str]:
    """Attribute constraints in words: "waterproof", "for at least 4 people"."""
    out = []
    for key, value in constraints.attributes.items():
        name = key.split("|")[0].replace("_", " ")
        if value == "yes":
            out.append(name)  # "waterproof"
        elif value == "no":
            out.append(f"not {name}")
        elif value.replace(".", "", 1).isdigit():
            out.append(f"{name} {value}")  # "spf 50"
        else:
            out.append(value)  # "cork", "high rise"
    for key, limit in constraints.at_least.items():
        out.append(f"{_measure(key)} of at least {limit:g}")
    for key, limit in constraints.at_most.items():
        out.append(f"{_measure(key)} of at most {limit:g}")
    return out


def _measure(key: str) -> str:
    """"capacity_people" -> "capacity (people)"."""
    head, _, unit = key.rpartition("_")
    return f"{head.replace('_', ' ')} ({unit})" if head else key
