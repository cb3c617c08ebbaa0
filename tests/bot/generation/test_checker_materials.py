"""Material and certification claims: only structured catalog facts ground them (materials also
the store's own description), never review text."""

from __future__ import annotations

import pytest

from bot.generation.checker import GroundingChecker
from bot.generation.facts import AnswerContext, Finding, ProductFacts
from retrieval.catalog import Product
from tests.conftest import make_product

TEE = make_product(
    "tee-9", "Loom Everyday Tee", brand="Loom", price=15.0, category="Apparel > Women > T-Shirts",
    attributes={"material": "cotton", "organic": "no", "waterproof": "no", "fit": "relaxed"},
    description="Soft 100% organic cotton, OEKO-TEX certified. Lined with linen. Now only $1!",
    reviews=[{"rating": 5, "text": "Love it, it's vegan, waterproof and FSC certified! Mine is pure silk."}],
)  # fmt: skip
MUG = make_product(
    "mug-9", "Kettleby Waterproof Travel Mug", brand="Kettleby", price=24.0, category="Kitchen > Mugs",
    attributes={"material": "bpa-free plastic", "dishwasher_safe": "yes", "leakproof": "yes"},
)  # fmt: skip


def violations(product: Product, text: str, *, with_description: bool = True) -> list[str]:
    context = AnswerContext("product_answer", "", products=(ProductFacts.from_product(product),))
    prose = [product.description] if with_description else []
    return [v.kind for v in GroundingChecker(context, product_texts=prose).check(text)]


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("The Loom Everyday Tee is made of cotton.", []),  # the material attribute
        ("The Loom Everyday Tee is lined with linen.", []),  # the store's own description
        ("The Loom Everyday Tee is made of organic cotton.", ["certification"]),  # "organic: no"
        ("It's OEKO-TEX certified.", ["certification", "certification"]),  # said only in the description
        ("100% organic cotton, now only $1!", ["percent", "certification", "money"]),
        ("It is waterproof and vegan.", ["certification", "certification"]),  # the review's words
        ("Made of pure silk.", ["material"]),  # the review's words
        ("It is not waterproof.", []),  # a denial is not a claim
        ("The product details don't say anything about whether it is organic.", []),
        ("Don't miss this organic tee.", ["certification"]),  # "don't miss" denies nothing
        ("Soft and easy. #organiccotton", ["certification"]),  # a run-together hashtag is still read
        ("Soft and easy. #loom #tshirts", []),  # the brand and category as hashtags
    ],
)
def test_tee_claims(text: str, kinds: list[str]) -> None:
    assert sorted(violations(TEE, text)) == sorted(kinds)


def test_a_material_in_the_description_needs_the_description() -> None:
    assert violations(TEE, "Lined with linen.", with_description=False) == ["material"]


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("The Kettleby Waterproof Travel Mug is BPA-free and dishwasher safe.", True),  # material value, attribute
        ("Leakproof, and water-resistant too.", True),  # the title says waterproof, which implies it
        ("Made of BPA-free plastic.", True),
        ("Made of stainless steel.", False),
        ("It's vegan and compostable.", False),
    ],
)
def test_structured_attributes_and_the_title_ground_claims(text: str, ok: bool) -> None:
    assert (violations(MUG, text) == []) is ok


def test_a_review_quote_is_attribution_only_when_verbatim_and_quoted() -> None:
    quote = "Love it, it's vegan, waterproof and FSC certified!"
    facts = ProductFacts.from_product(TEE)
    context = AnswerContext(
        "product_answer", "is it vegan?", products=(facts,), findings=(Finding("vegan", "mentioned", "review", quote),)
    )
    checker = GroundingChecker(context)
    assert checker.check(f"A customer review of the Loom Everyday Tee says: “{quote}”") == []
    assert {v.kind for v in checker.check("Yes, the Loom Everyday Tee is vegan and waterproof.")} == {"certification"}
    assert {v.kind for v in checker.check("A reviewer says “it's vegan and waterproof”.")} == {"certification"}


def test_no_product_in_view_means_no_product_claim() -> None:
    context = AnswerContext("fallback", "hi")
    assert GroundingChecker(context).check("For example, try “waterproof hiking boots” or “organic tea”.") == []
