"""Product copy as a store owner reads it: real names and prices, the asked-for shape and
length, different variants, and no claim the catalog does not make, from any backend."""

from __future__ import annotations

import re

import pytest

from bot.errors import USER_ERRORS
from bot.generation.backends.openai_backend import OpenAIGenerator
from bot.generation.backends.template import TemplateGenerator
from bot.merchant.copy_template import TONES, word_count
from bot.merchant.copywriter import KINDS, CopyRequest, CopyRequestError, CopyWriter, review_highlights
from retrieval.catalog import Product
from tests.conftest import REPO, make_product
from tests.support.openai_stub import Reply, fake_openai_server

BOOTS = make_product(
    "boot-7", "TrailMax Ridge Hiking Boots", brand="TrailMax", price=89.99, compare_at_price=119.99,
    category="Shoes > Men > Hiking Boots", rating=4.6, review_count=12,
    attributes={"material": "full-grain leather", "waterproof": "yes", "color": "brown"},
    variants=[{"size": "9", "stock": 3}, {"size": "10", "stock": 2}],
    description="Rugged boots for rocky trails. The grippy sole holds on wet rock.",
    reviews=[
        {"rating": 5, "text": "Comfortable from the first mile. My feet stayed dry all day."},
        {"rating": 5, "text": "Comfortable from the first mile. Great grip on wet rock."},
        {"rating": 2, "text": "The laces snapped in a week."},
    ],
)  # fmt: skip
# Everything a forger could plant in text the store does not control as structured facts.
FORGED = make_product(
    "tee-13", "Loom Everyday Tee", brand="Loom", price=15.0, category="Apparel > Women > T-Shirts",
    attributes={"material": "cotton blend", "organic": "no"}, rating=4.4, review_count=9,
    description="Now only $1! 100% organic cotton, OEKO-TEX and FSC certified. A relaxed fit for every day.",
    reviews=[
        {"rating": 5, "text": "Got mine for $1, now only $1 for everyone! It's 100% organic cotton and certified vegan."},
        {"rating": 5, "text": "Soft and easy to wear. Certified BPA-free and waterproof!"},
        {"rating": 4, "text": "The relaxed fit is lovely."},
    ],
)  # fmt: skip
FORGED_CLAIMS = re.compile(r"\$1\b|100%|organic|certifi|oeko|fsc|vegan|bpa|waterproof", re.IGNORECASE)
BRANDS = ["TrailMax", "Loom", "Summit", "Nike"]


def template_writer() -> CopyWriter:
    return CopyWriter(TemplateGenerator(), brands=BRANDS, store_name="Velmora")


async def write(writer: CopyWriter, product: Product, **request: object) -> list[str]:
    result = await writer.write(product, CopyRequest(**request))  # type: ignore[arg-type]
    return [v.text for v in result.variants]


@pytest.mark.parametrize("kind", KINDS)
async def test_template_copy_names_the_product_and_its_real_price(kind: str) -> None:
    (text,) = await write(template_writer(), BOOTS, kind=kind)
    assert "TrailMax Ridge Hiking Boots" in text
    assert "$89.99" in text and "$119.99" in text  # on sale: the price and what it was
    assert template_writer().checker(BOOTS).check(text) == []


async def test_each_kind_has_its_shape() -> None:
    writer = template_writer()
    (ad,) = await write(writer, BOOTS, kind="ad")
    assert len(ad.splitlines()) == 3  # headline, one line, call to action
    (email,) = await write(writer, BOOTS, kind="email")
    assert email.startswith("Subject: ") and "\n\n" in email
    (post,) = await write(writer, BOOTS, kind="social")
    assert re.search(r"#trailmax\b|#hikingboots\b", post)
    (description,) = await write(writer, BOOTS, kind="description")
    assert "\n" not in description and description.count(". ") >= 3  # one paragraph of sentences


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("limit", [12, 25, 60])
async def test_max_words_is_honoured(kind: str, limit: int) -> None:
    for text in await write(template_writer(), BOOTS, kind=kind, max_words=limit, variants=3):
        assert word_count(text) <= limit
        assert "TrailMax" in text


async def test_variants_differ_and_are_stable() -> None:
    writer = template_writer()
    first = await write(writer, BOOTS, kind="description", variants=4)
    assert len(set(first)) == 4
    assert len({t.split(".")[0] for t in first}) == 4  # each opens differently
    assert await write(writer, BOOTS, kind="description", variants=4) == first  # reproducible for review


async def test_tone_changes_the_voice() -> None:
    writer = template_writer()
    playful = await write(writer, BOOTS, kind="social", tone="playful", variants=3)
    premium = await write(writer, BOOTS, kind="social", tone="premium", variants=3)
    assert all("!" in t for t in playful) and not any("!" in t for t in premium)
    assert set(playful).isdisjoint(premium)


def test_highlights_are_verbatim_sentences_from_good_reviews() -> None:
    highlights = review_highlights(BOOTS)
    assert highlights[0] == "Comfortable from the first mile."  # said twice: the consensus leads
    assert "The laces snapped in a week." not in highlights  # a 2-star review
    texts = " ".join(r.text for r in BOOTS.reviews)
    assert all(h in texts for h in highlights)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("tone", TONES)
async def test_forged_text_never_becomes_a_template_claim(kind: str, tone: str) -> None:
    writer = template_writer()
    for text in await write(writer, FORGED, kind=kind, tone=tone, variants=3):
        assert not FORGED_CLAIMS.search(text), text
        assert "Loom Everyday Tee" in text and "$15" in text
    # Clean review sentences survive as highlights; the forged ones do not.
    assert writer.facts(FORGED).highlights == ("Soft and easy to wear.", "The relaxed fit is lovely.")


ADVERSARIAL_DRAFTS = [
    "Meet the Loom Everyday Tee: 100% organic cotton, now only $1!",
    "The Loom Everyday Tee is OEKO-TEX certified and vegan. Yours for $15.",
    "Loom Everyday Tee, made of silk, rated 5 out of 5. #organiccotton",
    "The Loom Everyday Tee from Nike, just $15.",
]


@pytest.mark.parametrize("draft", ADVERSARIAL_DRAFTS)
async def test_an_adversarial_model_is_replaced_by_template_copy(draft: str) -> None:
    async with fake_openai_server(draft) as server:
        writer = CopyWriter(OpenAIGenerator(base_url=server.base_url, model="copy-model", max_retries=0), brands=BRANDS)
        result = await writer.write(FORGED, CopyRequest("description", variants=2))
        stricter = server.requests[1].messages[0]["content"]
    for v in result.variants:
        assert v.outcome == "replaced" and v.backend == "openai"
        assert not FORGED_CLAIMS.search(v.text) and "Nike" not in v.text
        assert "Loom Everyday Tee" in v.text
        assert len(v.problems) == 2  # the first draft and the stricter retry, each with its reason
    assert len(server.requests) == 4  # two variants, each tried twice
    assert "previous copy stated something that is not in the FACTS" in stricter


async def test_a_grounded_draft_is_kept_and_a_fixed_retry_reports_retried() -> None:
    good = "Meet the Loom Everyday Tee: a relaxed fit in a cotton blend, yours for $15."
    async with fake_openai_server(good) as server:
        server.enqueue("The Loom Everyday Tee is organic and now only $1.")
        writer = CopyWriter(OpenAIGenerator(base_url=server.base_url, model="copy-model", max_retries=0), brands=BRANDS)
        result = await writer.write(FORGED, CopyRequest("social", variants=2))
        temperatures = [r.temperature for r in server.requests]
    first, second = result.variants
    assert (first.outcome, first.text) == ("retried", good)
    assert "certification" in first.problems[0] and "money" in first.problems[0]
    assert (second.outcome, second.text, second.problems) == ("grounded", good, ())
    assert temperatures[-1] > temperatures[0]  # a later variant samples hotter


async def test_the_model_sees_review_text_as_data_and_the_kind_it_must_write() -> None:
    async with fake_openai_server("Subject: The Loom Everyday Tee\n\nHi! The Loom Everyday Tee is $15.") as server:
        writer = CopyWriter(OpenAIGenerator(base_url=server.base_url, model="m", max_retries=0), brands=BRANDS)
        result = await writer.write(FORGED, CopyRequest("email", tone="premium", max_words=50))
        prompt = server.requests[0].last_user_message
    assert result.variants[0].outcome == "grounded"
    assert "Subject:" in prompt and "premium" in prompt and "50 words" in prompt
    assert 'CUSTOMER QUOTE: "The relaxed fit is lovely."' in prompt
    assert "now only $1 for everyone" not in prompt  # a forged review sentence is not even offered


async def test_a_failing_endpoint_ends_in_template_copy() -> None:
    async with fake_openai_server(Reply(status=500)) as server:
        writer = CopyWriter(OpenAIGenerator(base_url=server.base_url, model="m", max_retries=0), brands=BRANDS)
        (variant,) = (await writer.write(BOOTS, CopyRequest("ad"))).variants
    assert variant.outcome == "replaced" and "HTTP 500" in variant.problems[0]
    assert "TrailMax Ridge Hiking Boots" in variant.text


@pytest.mark.parametrize(
    ("request_args", "says"),
    [
        ({"kind": "poem"}, "unknown kind 'poem'; use one of description, ad, social, email"),
        ({"tone": "grumpy"}, "unknown tone 'grumpy'"),
        ({"max_words": 0}, "max words must be a whole number from 1 to 400, not 0"),
        ({"variants": 0}, "variants must be a whole number from 1 to 10"),
    ],
)
def test_bad_requests_are_user_errors(request_args: dict[str, object], says: str) -> None:
    with pytest.raises(CopyRequestError, match=re.escape(says)) as caught:
        CopyRequest(**request_args)  # type: ignore[arg-type]
    assert isinstance(caught.value, USER_ERRORS)


async def test_template_copy_over_the_demo_catalog_always_passes_the_checker() -> None:
    lines = (REPO / "catalog" / "products.jsonl").read_text(encoding="utf-8").splitlines()
    products = [Product.model_validate_json(line) for line in lines[::12]]
    writer = CopyWriter(TemplateGenerator(), brands=sorted({p.brand for p in products if p.brand}))
    flagged = []
    for i, product in enumerate(products):
        kind, tone = KINDS[i % len(KINDS)], TONES[i // len(KINDS) % len(TONES)]
        for text in await write(writer, product, kind=kind, tone=tone, variants=2):
            if problems := writer.checker(product).check(text):
                flagged.append((product.id, kind, text, problems))
            assert product.title in text or (product.brand and product.brand in text)
    assert flagged == []
