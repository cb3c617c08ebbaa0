"""What a generator is given: the facts of one answer, decided by a skill, as plain data.

The skill decides what is true; the generator only phrases it. Everything the grounding
checker accepts in an answer is derived from an `AnswerContext`, so this module is the
single definition of "a fact Shopbot may state".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from retrieval.catalog import Product
from retrieval.money import format_money


# Attribute keys that are shown as product facts in prompts and answers.
_SKIP_ATTRIBUTES = {"color", "size"}


@dataclass(frozen=True)
class ProductFacts:
    """The facts of one product that an answer may state, taken from the catalog."""

    id: str
    title: str
    brand: str | None
    category: str
    price: float
    currency: str
    compare_at_price: float | None
    discount_percent: int | None
    in_stock: bool
    stock: int | None
    sizes: tuple[str, ...]
    sizes_in_stock: tuple[str, ...]
    colors: tuple[str, ...]
    colors_in_stock: tuple[str, ...]
    rating: float | None
    review_count: int
    attributes: tuple[tuple[str, str], ...]
    image_url: str | None = None
    product_url: str | None = None
    # False when the catalog does not track this product's stock: it can be bought
    # (`in_stock`), but no answer or card may say it is in stock or how many are left.
    stock_known: bool = True

    @classmethod
    def from_product(cls, product: Product) -> ProductFacts:
        """The stateable facts of a catalog product."""
        attributes = tuple(
            (key.replace("_", " "), ", ".join(value) if isinstance(value, list) else value)
            for key, value in product.attributes.items()
            if key not in _SKIP_ATTRIBUTES
        )
        return cls(
            id=product.id,
            title=product.title,
            brand=product.brand,
            category=product.category_path,
            price=product.price,
            currency=product.currency,
            compare_at_price=product.compare_at_price if product.discount_percent else None,
            discount_percent=product.discount_percent,
            in_stock=product.in_stock,
            stock=product.total_stock,
            sizes=_sorted_sizes(product.sizes),
            sizes_in_stock=_sorted_sizes(product.sizes_in_stock()),
            colors=tuple(sorted(product.colors)),
            colors_in_stock=tuple(sorted(product.colors_in_stock())),
            rating=product.rating,
            review_count=product.review_count or len(product.reviews),
            attributes=attributes,
            image_url=product.image_url,
            product_url=product.product_url,
            stock_known=product.stock_known,
        )

    def card(self) -> dict[str, Any]:
        """The product card every channel renders next to a reply.

        `in_stock` says whether it can be bought (an "Add to cart" button); `stock_known`
        whether a stock status may be shown at all: without it a channel shows none.
        """
        return {
            "id": self.id,
            "title": self.title,
            "price": self.price,
            "currency": self.currency,
            "compare_at_price": self.compare_at_price,
            "image_url": self.image_url,
            "url": self.product_url,
            "rating": self.rating,
            "review_count": self.review_count,
            "in_stock": self.in_stock,
            "stock_known": self.stock_known,
        }


_SIZE_ORDER = {s: i for i, s in enumerate(["XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL"])}


def _sorted_sizes(sizes: set[str]) -> tuple[str, ...]:
    def key(size: str) -> tuple[int, float, str]:
        if size in _SIZE_ORDER:
            return (0, _SIZE_ORDER[size], size)
        try:
            return (1, float(size), size)
        except ValueError:
            return (2, 0.0, size)

    return tuple(sorted(sizes, key=key))


@dataclass(frozen=True)
class Finding:
    """One answer to a product question: the topic asked, what the catalog says, and why.

    `answer` is a value ("recycled polyester"), "yes", "no", or "unknown" when the
    catalog does not say. `quote` is the description or review sentence it rests on.
    """

    topic: str
    answer: str
    source: Literal["attribute", "description", "review", "catalog", "none"]
    quote: str | None = None


@dataclass(frozen=True)
class PolicyFacts:
    """A section of the store policy that answers the shopper's question."""

    topic: str
    title: str
    text: str


@dataclass(frozen=True)
class Turn:
    """One earlier message in the conversation, for context."""

    role: Literal["user", "assistant"]
    text: str


@dataclass(frozen=True)
class Constraints:
    """What the shopper asked for; amounts they said may be repeated back ("under $50").

    `currency` is the store's: the shopper's amounts were read in it, so they are repeated
    in it ("under ₹300"), never relabelled.
    """

    category: str | None = None
    brand: str | None = None
    color: str | None = None
    size: str | None = None
    price_min: float | None = None
    price_max: float | None = None
    query: str | None = None
    currency: str = "USD"
    # "Only the ones in stock": kept out of `described()`, which would otherwise call
    # products in stock whose stock the catalog does not track.
    in_stock: bool = False
    gender: str | None = None  # "women", "men", "kids"
    features: tuple[str, ...] = ()  # attribute constraints in words ("waterproof")

    def described(self) -> str:
        """The constraints as a short phrase: "black women's boots in size 10 under $50"."""
        parts: list[str] = []
        gender = {"women": "women's", "men": "men's", "kids": "kids'"}.get(self.gender or "")
        flags = [f for f in self.features if " of " not in f]
        head = " ".join(x for x in (*flags, self.color, self.brand, gender, self.category or self.query) if x)
        if head:
            parts.append(head)
        elif self.size or self.price_min is not None or self.price_max is not None:
            parts.append("products")
        if measured := [f for f in self.features if " of " in f]:
            parts.append("with " + " and ".join(measured))
        if self.size:
            parts.append(f"in size {self.size}")
        if self.price_min is not None and self.price_max is not None:
            parts.append(f"between {money(self.price_min, self.currency)} and {money(self.price_max, self.currency)}")
        elif self.price_max is not None:
            parts.append(f"under {money(self.price_max, self.currency)}")
        elif self.price_min is not None:
            parts.append(f"over {money(self.price_min, self.currency)}")
        return " ".join(parts)

    def amounts(self) -> list[float]:
        """Money amounts the shopper stated."""
        return [x for x in (self.price_min, self.price_max) if x is not None]


@dataclass(frozen=True)
class AnswerContext:
    """Everything one answer may draw on; nothing else is a fact.

    `message` is the shopper's text (already redacted of personal data): data to answer,
    never instructions. `store_facts` are further statements from the store (an order's
    status, a cart total) that the answer may repeat.
    """

    skill: str  # the skill whose answer this is (bot/skills/registry.py)
    message: str
    products: tuple[ProductFacts, ...] = ()
    findings: tuple[Finding, ...] = ()
    reasons: dict[str, tuple[str, ...]] = field(default_factory=dict)
    policy: PolicyFacts | None = None
    constraints: Constraints = field(default_factory=Constraints)
    store_facts: tuple[str, ...] = ()
    history: tuple[Turn, ...] = ()
    # How many products match, only when that is a real count (the products passing the
    # shopper's filters), never a retrieval cap; None when unknown. `more_results` says
    # whether further pages exist (even when their number is unknown); None derives it
    # from the total.
    total_results: int | None = None
    more_results: bool | None = None
    first_result: int = 1  # rank of the first listed product: 6 on the second page of five
    store_name: str = "our store"

    def __post_init__(self) -> None:
        from bot.skills import registry  # skills import this module: look them up late

        if self.skill not in registry.names():
            raise ValueError(f"unknown skill {self.skill!r}; known: {', '.join(registry.names())}")

    @property
    def focus(self) -> ProductFacts | None:
        """The product a product answer is about."""
        return self.products[0] if self.products else None


def money(amount: float, currency: str = "USD") -> str:
    """A price as shoppers read it: "$49.99", "$50", "₹1,29,999", "€12,50", "1,299.50 CHF"."""
    return format_money(amount, currency)


def rating_text(rating: float) -> str:
    """A rating as "4.5" or "4"."""
    return f"{rating:.1f}".rstrip("0").rstrip(".")
