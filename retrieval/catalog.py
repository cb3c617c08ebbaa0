"""The product model every part of Shopbot speaks: one validated `Product` per catalog item.

Loaders (retrieval/loaders/) turn store files into `Product`s; the catalog store keeps
them; search, answers and recommendations read facts from them and nowhere else.
"""

from __future__ import annotations

import hashlib
import re
import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

# Attribute keys that mean the same thing, folded once so filters and answers agree.
_ATTRIBUTE_ALIASES = {"colour": "color", "colours": "color", "colors": "color", "sizes": "size"}
# Colour spellings folded so "gray" finds "grey" products.
_COLOR_ALIASES = {"gray": "grey", "navy blue": "navy"}
CATEGORY_SEPARATOR = " > "


def normalize_color(value: str) -> str:
    """Fold a colour name to the catalog's canonical lower-case spelling."""
    folded = " ".join(value.strip().lower().split())
    return _COLOR_ALIASES.get(folded, folded)


def normalize_size(value: str) -> str:
    """Fold a size label ("m ", "10.0", "Xl") to a canonical form for exact matching."""
    folded = " ".join(value.strip().split()).upper()
    if re.fullmatch(r"\d+\.0", folded):
        folded = folded[:-2]
    return folded


def split_category(value: str | list[str] | None) -> list[str]:
    """Split a category path written as "A > B", "A/B", "A|B" or a list into its nodes."""
    if value is None:
        return []
    if isinstance(value, str):
        # A bare "/" is part of names like "Bags/Cases"; only a spaced " / " separates levels.
        parts = re.split(r"\s*[>|]\s*|\s+/\s+", value)
    else:
        parts = [str(p) for p in value]
    return [p.strip() for p in parts if p and p.strip()]


class _Model(BaseModel):
    # Catalog files are user input: an unknown field is a typo worth reporting.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Review(_Model):
    """One customer review of a product."""

    rating: int | None = Field(default=None, ge=1, le=5)
    text: str = ""
    title: str | None = None
    date: dt.date | None = None
    author: str | None = None


class Variant(_Model):
    """A purchasable variant (a size and/or colour) with its own stock."""

    sku: str | None = None
    color: str | None = None
    size: str | None = None
    stock: int = Field(default=0, ge=0)
    price: float | None = Field(default=None, ge=0)

    @field_validator("color")
    @classmethod
    def _fold_color(cls, v: str | None) -> str | None:
        return normalize_color(v) if v else None

    @field_validator("size")
    @classmethod
    def _fold_size(cls, v: str | None) -> str | None:
        return normalize_size(v) if v else None


class Product(_Model):
    """A catalog item. Every fact Shopbot states about a product comes from here."""

    id: str = Field(min_length=1, max_length=200)
    title: str = Field(min_length=1, max_length=500)
    description: str = ""
    brand: str | None = None
    category: list[str] = Field(default_factory=list)
    price: float = Field(ge=0)
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    compare_at_price: float | None = Field(default=None, ge=0)
    attributes: dict[str, str | list[str]] = Field(default_factory=dict)
    variants: list[Variant] = Field(default_factory=list)
    # None means the catalog does not say (stock is not tracked): the product can be
    # bought, but nobody may tell a shopper it is "in stock" (see `stock_known`).
    stock: int | None = Field(default=None, ge=0)
    rating: float | None = Field(default=None, ge=0, le=5)
    review_count: int = Field(default=0, ge=0)
    reviews: list[Review] = Field(default_factory=list)
    image_url: str | None = None
    product_url: str | None = None
    tags: list[str] = Field(default_factory=list)

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, v: Any) -> Any:
        return str(v).strip() if isinstance(v, (int, str)) else v

    @field_validator("category", mode="before")
    @classmethod
    def _split_category(cls, v: Any) -> Any:
        return split_category(v) if isinstance(v, (str, list)) else v

    @field_validator("currency", mode="before")
    @classmethod
    def _upper_currency(cls, v: Any) -> Any:
        return v.strip().upper() if isinstance(v, str) else v

    @field_validator("price", "compare_at_price")
    @classmethod
    def _round_money(cls, v: float | None) -> float | None:
        return None if v is None else round(v, 2)

    @field_validator("image_url", "product_url")
    @classmethod
    def _http_url(cls, v: str | None) -> str | None:
        if v and not re.match(r"^https?://\S+$", v):
            raise ValueError("must be an http(s) URL")
        return v or None

    @field_validator("attributes", mode="before")
    @classmethod
    def _fold_attributes(cls, v: Any) -> Any:
        if not isinstance(v, dict):
            return v
        folded: dict[str, Any] = {}
        for key, value in v.items():
            name = str(key).strip().lower().replace(" ", "_")
            name = _ATTRIBUTE_ALIASES.get(name, name)
            if value is None or value == "" or value == []:
                continue
            if isinstance(value, (int, float, bool)):
                value = str(value).lower() if isinstance(value, bool) else str(value)
            folded[name] = value
        return folded

    @field_validator("tags")
    @classmethod
    def _clean_tags(cls, v: list[str]) -> list[str]:
        return [t.strip() for t in v if t and t.strip()]

    @field_validator("compare_at_price")
    @classmethod
    def _compare_at_not_below_price(cls, v: float | None, info: ValidationInfo) -> float | None:
        price = info.data.get("price")
        if v is not None and price is not None and v < price:
            raise ValueError(f"({v}) is below price ({price}); it must be the original, higher price")
        return v

    # -- derived facts -----------------------------------------------------------------

    @property
    def in_stock(self) -> bool:
        """True when the product can be bought: not known to be sold out.

        A product whose stock the catalog does not track is buyable, so an in-stock filter
        keeps it (a store that tracks no stock is not emptied by one); whether it may be
        *said* to be in stock is `stock_known`.
        """
        if self.variants:
            return any(v.stock > 0 for v in self.variants)
        return self.stock is None or self.stock > 0

    @property
    def stock_known(self) -> bool:
        """True when the catalog states stock (per product or per variant).

        Only then may an answer, a card or a reason say "in stock" or how many are left.
        """
        return bool(self.variants) or self.stock is not None

    @property
    def total_stock(self) -> int | None:
        """Units on hand across variants; None when stock is not tracked."""
        if self.variants:
            return sum(v.stock for v in self.variants)
        return self.stock

    @property
    def discount_percent(self) -> int | None:
        """Whole-percent saving against the compare-at price, if there is one."""
        if not self.compare_at_price or self.compare_at_price <= self.price:
            return None
        return round(100 * (1 - self.price / self.compare_at_price))

    @property
    def category_path(self) -> str:
        """The category path as one human-readable string."""
        return CATEGORY_SEPARATOR.join(self.category)

    def _attribute_values(self, key: str) -> list[str]:
        value = self.attributes.get(key)
        if value is None:
            return []
        values = value if isinstance(value, list) else re.split(r"\s*[,/]\s*", value)
        return [x for x in values if x]

    @property
    def colors(self) -> set[str]:
        """Every colour the product comes in (attributes and variants), normalised."""
        found = {normalize_color(c) for c in self._attribute_values("color")}
        found.update(v.color for v in self.variants if v.color)
        return found

    @property
    def sizes(self) -> set[str]:
        """Every size the product comes in (attributes and variants), normalised."""
        found = {normalize_size(s) for s in self._attribute_values("size")}
        found.update(v.size for v in self.variants if v.size)
        return found

    def sizes_in_stock(self) -> set[str]:
        """Sizes that can be bought now; all sizes when stock is tracked per product."""
        if self.variants:
            return {v.size for v in self.variants if v.size and v.stock > 0}
        return self.sizes if self.in_stock else set()

    def colors_in_stock(self) -> set[str]:
        """Colours that can be bought now."""
        if self.variants:
            return {v.color for v in self.variants if v.color and v.stock > 0}
        return self.colors if self.in_stock else set()

    def search_text(self, max_description_chars: int = 300) -> str:
        """The text a product is found by: title, brand, category, key attributes, description.

        The description is cut at a sentence boundary so encoding stays fast and the
        title and attributes dominate the embedding.
        """
        parts = [self.title]
        if self.brand:
            parts.append(f"Brand: {self.brand}")
        if self.category:
            parts.append(f"Category: {self.category_path}")
        attrs = [
            f"{k.replace('_', ' ')}: {', '.join(v) if isinstance(v, list) else v}"
            for k, v in self.attributes.items()
        ]
        if attrs:
            parts.append("; ".join(attrs))
        if self.tags:
            parts.append("Tags: " + ", ".join(self.tags))
        description = self.description
        if len(description) > max_description_chars:
            cut = description.rfind(". ", 0, max_description_chars)
            description = description[: cut + 1] if cut > 0 else description[:max_description_chars]
        if description:
            parts.append(description)
        return ". ".join(parts)

    def fingerprint(self) -> str:
        """A stable hash of everything search reads: the index redoes a product when it changes."""
        text = "\x1f".join(
            [self.search_text(len(self.description)), ",".join(sorted(self.colors)), ",".join(sorted(self.sizes))]
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
