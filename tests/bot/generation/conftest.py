"""Answer contexts over a small hand-written catalog, shared by the generation tests."""

from __future__ import annotations

import pytest

from bot.generation.facts import AnswerContext, Constraints, PolicyFacts, ProductFacts
from tests.conftest import make_product

BRANDS = ["TrailMax", "Stride", "Summit", "Nike", "Velmora"]


@pytest.fixture(scope="session")
def boots() -> ProductFacts:
    """On sale ($49.99, was $59.99), 3 left in size 9 brown, size 10 sold out, rated 4.6 from 12 reviews."""
    return ProductFacts.from_product(
        make_product(
            "boot-1", "TrailMax Waterproof Hiking Boots", brand="TrailMax", price=49.99, compare_at_price=59.99,
            category="Shoes > Men > Hiking Boots", rating=4.6, review_count=12,
            attributes={"material": "leather", "waterproof": "yes"},
            variants=[{"size": "9", "color": "brown", "stock": 3}, {"size": "10", "color": "brown", "stock": 0}],
        )
    )  # fmt: skip


@pytest.fixture(scope="session")
def shoes() -> ProductFacts:
    """$74.50, sold out, red, rated 4.3 from 7 reviews."""
    return ProductFacts.from_product(
        make_product(
            "run-1", "Stride Road Running Shoes", brand="Stride", price=74.5, rating=4.3, review_count=7,
            stock=0, attributes={"color": "red"}, category="Shoes > Men > Running Shoes",
        )
    )  # fmt: skip


@pytest.fixture(scope="session")
def search_context(boots: ProductFacts, shoes: ProductFacts) -> AnswerContext:
    """A search for shoes under $80 that found the boots and the running shoes."""
    return AnswerContext(
        "search", "shoes under $80", products=(boots, shoes), constraints=Constraints(query="shoes", price_max=80), total_results=2
    )


@pytest.fixture(scope="session")
def policy_context() -> AnswerContext:
    """A shipping question answered from the policy."""
    text = "Standard shipping takes 3 to 5 business days and costs $4.95. Orders over $50 ship free."
    return AnswerContext("policy", "how much is shipping?", policy=PolicyFacts("shipping", "Shipping", text))
