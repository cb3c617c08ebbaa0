"""The values checks take, as a conversation file writes them: patterns, counts, ranges, product references."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, PositiveInt, model_validator


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression ({exc})") from None
    return pattern


Regex = Annotated[str, AfterValidator(_compiles)]

_FIELDS = ("title", "brand", "category", "tags", "attributes", "text")


def _field_name(name: str) -> str:
    if name in _FIELDS or (name.startswith("attributes.") and len(name) > len("attributes.")):
        return name
    raise ValueError(f"unknown field {name!r}; use one of {', '.join(_FIELDS)} or attributes.<key>")


class FieldPattern(_Spec):
    """A pattern on one field of a card's product: {"field": "category", "pattern": "Hiking Boots"}."""

    field: Annotated[str, AfterValidator(_field_name)] = "title"
    pattern: Regex


class Count(_Spec):
    """How many cards: {"min": 1}, {"max": 5}, or both."""

    min: int | None = None
    max: int | None = None


class ById(_Spec):
    """A product named by its catalog id."""

    id: str


class SameAsCard(_Spec):
    """Card N of an earlier turn (default: the latest earlier turn that showed cards)."""

    same_as_card: PositiveInt
    turn: PositiveInt | None = None


class SuperlativeCard(_Spec):
    """The cheapest, most expensive or best-rated card of an earlier turn, by the catalog's facts."""

    superlative_card: Literal["cheapest", "most_expensive", "best_rated"]
    turn: PositiveInt | None = None


class FocusOfTurn(_Spec):
    """The product an earlier turn's reply was about."""

    focus_of_turn: PositiveInt


def _bare_id(value: Any) -> Any:
    return {"id": value} if isinstance(value, str) else value


ProductRef = Annotated[ById | SameAsCard | SuperlativeCard | FocusOfTurn, BeforeValidator(_bare_id)]


class PriceRange(_Spec):
    """Prices a card may have, inclusive."""

    min: float | None = None
    max: float | None = None


class VariantSpec(_Spec):
    """A variant a card's product must come in (colour and/or size), buyable now unless in_stock is false."""

    color: str | None = None
    size: str | None = None
    in_stock: bool = True


class AttributeSpec(_Spec):
    """A catalog attribute every card's product must have: a number range, an exact value or a pattern."""

    key: str
    min: float | None = None
    max: float | None = None
    equals: str | None = None
    pattern: Regex | None = None

    @model_validator(mode="after")
    def _something(self) -> AttributeSpec:
        if self.min is None and self.max is None and self.equals is None and self.pattern is None:
            raise ValueError("give min, max, equals or pattern")
        return self


class Statement(_Spec):
    """A fact of a product the reply text must state: an attribute (or price, rating, stock, colors,
    sizes_in_stock), or a fact the catalog gives only in words (its description), as a pattern."""

    product: ProductRef
    attribute: str | None = None
    fact: Regex | None = None

    @model_validator(mode="after")
    def _one(self) -> Statement:
        if (self.attribute is None) == (self.fact is None):
            raise ValueError("give attribute or fact (a pattern), not both")
        return self


def references(value: Any) -> Iterable[BaseModel]:
    """Every product reference inside a validated check value."""
    if isinstance(value, (ById, SameAsCard, SuperlativeCard, FocusOfTurn)):
        yield value
    elif isinstance(value, BaseModel):
        for item in vars(value).values():
            yield from references(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from references(item)
