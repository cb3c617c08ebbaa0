"""The entity extractor: exact values and spans per entity type, tolerance, non-overlap, bad input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.nlu.entities import ENTITY_TYPES, CatalogVocabulary, Entity, EntityExtractor
from retrieval.catalog import Product
from retrieval.importer import read_catalog
from retrieval.store import CatalogStore
from tests.conftest import REPO, make_product


def _products() -> list[Product]:
    """A hand-made catalog: a few brands, nested categories, colours and sizes."""
    return [
        make_product(
            "p1", "TrailMax Ridge Hiking Boots", brand="TrailMax", category="Shoes > Men > Hiking Boots",
            attributes={"waterproof": "yes", "material": "full-grain leather"}, variants=[{"size": "9", "color": "brown"}, {"size": "10", "color": "brown"}, {"size": "10.5", "color": "black"}],
        ),
        make_product(
            "p2", "Peakform Tempo Running Shoes", brand="Peakform", category="Shoes > Women > Running Shoes",
            attributes={"color": ["sage green", "white"]}, variants=[{"size": "8"}, {"size": "8.5"}],
        ),
        make_product(
            "p3", "Barkley & Bean Glass French Press", brand="Barkley & Bean",
            category="Kitchen > Coffee & Tea > French Presses",
        ),
        make_product("p4", "Brewsmith Chef's Knife", brand="Brewsmith", category="Kitchen > Cutlery > Chef's Knives"),
        make_product(
            "p5", "Threadhaven Crew T-Shirt", brand="Threadhaven", category="Apparel > Men > T-Shirts",
            variants=[{"size": s, "color": "navy"} for s in ("S", "M", "L", "XL")],
        ),
        make_product("p6", "Pawfield Orthopedic Dog Bed", brand="Pawfield", category="Pet Supplies > Dogs > Dog Beds"),
        make_product("p7", "Linnwood Home Linen Curtains", brand="Linnwood Home", category="Home > Window > Curtains"),
        make_product("p8", "Pixora 10-inch Tablet", brand="Pixora", category="Electronics > Computers > Tablets",
                     attributes={"battery_life_hours": "10", "waterproof": "no"}),
        make_product("p9", "Olivetta Farms Olive Oil", brand="Olivetta Farms", category="Grocery > Pantry > Olive Oil"),
    ]


@pytest.fixture(scope="module")
def hand_vocab() -> CatalogVocabulary:
    return CatalogVocabulary.from_products(_products())


@pytest.fixture(scope="module")
def extractor(hand_vocab: CatalogVocabulary) -> EntityExtractor:
    return EntityExtractor(hand_vocab)


@pytest.fixture(scope="module")
def demo_vocab() -> CatalogVocabulary:
    parsed = read_catalog(REPO / "catalog" / "products.jsonl")
    assert not parsed.issues
    return CatalogVocabulary.from_products(parsed.products)


@pytest.fixture(scope="module")
def demo_extractor(demo_vocab: CatalogVocabulary) -> EntityExtractor:
    return EntityExtractor(demo_vocab)


def _found(extractor: EntityExtractor, text: str) -> list[tuple[str, Any, str, int]]:
    entities = extractor.extract(text)
    for entity in entities:
        assert text[entity.start : entity.end] == entity.text
    return [(e.type, e.value, e.text, e.start) for e in entities]


def _expected(text: str, items: list[tuple[str, Any, str]]) -> list[tuple[str, Any, str, int]]:
    # Every phrase in the table occurs once in its message, so its position is unambiguous.
    for _, _, phrase in items:
        assert text.count(phrase) == 1, f"ambiguous phrase {phrase!r} in {text!r}"
    return [(kind, value, phrase, text.index(phrase)) for kind, value, phrase in items]


def price(low: float | None, high: float | None, currency: str | None = None, qualifier: str | None = None) -> dict:
    return {"min": low, "max": high, "currency": currency, "qualifier": qualifier}


# (message, [(type, value, exact matched phrase), ...]): the complete list, in order.
CASES: list[tuple[str, list[tuple[str, Any, str]]]] = [
    # -- price: ceilings, floors, ranges, targets, qualifiers
    # "boots" is the catalog's only boots category (Hiking Boots), found by its head noun.
    ("boots under $50", [("category", "Hiking Boots", "boots"), ("price", price(None, 50.0, "USD"), "under $50")]),
    ("less than 50 please", [("price", price(None, 50.0), "less than 50")]),
    ("something below 50 dollars", [("price", price(None, 50.0, "USD"), "below 50 dollars")]),
    ("max 50", [("price", price(None, 50.0), "max 50")]),
    ("up to £50 is fine", [("price", price(None, 50.0, "GBP"), "up to £50")]),
    ("50 or less", [("price", price(None, 50.0), "50 or less")]),
    ("no more than 50 euros", [("price", price(None, 50.0, "EUR"), "no more than 50 euros")]),
    ("over 100", [("price", price(100.0, None), "over 100")]),
    ("more than 100 bucks", [("price", price(100.0, None, "USD"), "more than 100 bucks")]),
    ("at least 100", [("price", price(100.0, None), "at least 100")]),
    ("100+ only", [("price", price(100.0, None), "100+")]),
    ("between 20 and 40", [("price", price(20.0, 40.0), "between 20 and 40")]),
    ("$20-$40 range", [("price", price(20.0, 40.0, "USD"), "$20-$40")]),
    ("20 to 40 euros", [("price", price(20.0, 40.0, "EUR"), "20 to 40 euros")]),
    ("from 20 to 40", [("price", price(20.0, 40.0), "from 20 to 40")]),
    ("around 30", [("price", price(24.0, 36.0), "around 30")]),
    ("about $30", [("price", price(24.0, 36.0, "USD"), "about $30")]),
    ("~30", [("price", price(24.0, 36.0), "~30")]),
    ("I have $45", [("price", price(36.0, 54.0, "USD"), "$45")]),
    ("45 bucks tops", [("price", price(None, 45.0, "USD"), "45 bucks tops")]),
    ("it's 45 bucks", [("price", price(36.0, 54.0, "USD"), "45 bucks")]),
    ("under 1,299.99", [("price", price(None, 1299.99), "under 1,299.99")]),
    ("under 1.2k", [("price", price(None, 1200.0), "under 1.2k")]),
    ("over 50k rupees", [("price", price(50000.0, None, "INR"), "over 50k rupees")]),
    ("a cheap one", [("price", price(None, None, None, "cheap"), "cheap")]),
    ("affordable", [("price", price(None, None, None, "cheap"), "affordable")]),
    ("budget options", [("price", price(None, None, None, "cheap"), "budget")]),
    ("inexpensive", [("price", price(None, None, None, "cheap"), "inexpensive")]),
    ("premium quality", [("price", price(None, None, None, "premium"), "premium")]),
    ("high-end", [("price", price(None, None, None, "premium"), "high-end")]),
    ("luxury stuff", [("price", price(None, None, None, "premium"), "luxury")]),
    ("my budget is $80", [("price", price(None, 80.0, "USD"), "budget is $80")]),
    ("over $50 but under $100", [("price", price(50.0, 100.0, "USD"), "over $50 but under $100")]),
    ("50€ max", [("price", price(None, 50.0, "EUR"), "50€ max")]),
    ("Rs. 500", [("price", price(400.0, 600.0, "INR"), "Rs. 500")]),
    ("over 20% off", []),
    ("budget around £150", [("price", price(120.0, 180.0, "GBP"), "around £150")]),
    # -- price negatives: sizes, quantities, order numbers, years, ages, capacities, ratings
    ("size 10", [("size", "10", "size 10")]),
    ("2 pairs", [("quantity", 2, "2 pairs")]),
    ("order 1209933", [("order_number", "1209933", "order 1209933")]),
    ("the 2024 model", []),
    ("between 2020 and 2024", []),
    ("under 5 year old", []),
    ("16 oz", []),
    ("1 L", []),
    ("65 inch", []),
    ("up to 65 inch", []),
    ("at least 4 stars", []),
    ("rated over 4", []),
    ("call 5551234567", []),
    # -- colour
    ("light blue", [("color", "light blue", "light blue")]),
    ("navy blue", [("color", "navy", "navy blue")]),
    ("rose gold", [("color", "rose gold", "rose gold")]),
    ("Gray or GREEN", [("color", "grey", "Gray"), ("color", "green", "GREEN")]),
    ("light gray", [("color", "light grey", "light gray")]),
    ("sage green", [("color", "sage green", "sage green")]),
    ("in cream", [("color", "cream", "cream")]),
    ("face cream", []),
    ("natural ingredients", []),
    # -- size
    ("XL", [("size", "XL", "XL")]),
    ("x-large", [("size", "XL", "x-large")]),
    ("extra large", [("size", "XL", "extra large")]),
    ("xs or xxl", [("size", "XS", "xs"), ("size", "XXL", "xxl")]),
    ("size 10.5", [("size", "10.5", "size 10.5")]),
    ("sz 9", [("size", "9", "sz 9")]),
    ("EU 42", [("size", "EU 42", "EU 42")]),
    ("UK 8", [("size", "UK 8", "UK 8")]),
    ("10.5 wide", [("size", "10.5", "10.5")]),
    ("size medium", [("size", "M", "size medium")]),
    ("in a medium", [("size", "M", "medium")]),
    ("a large in black", [("size", "L", "large"), ("color", "black", "black")]),
    ("large dog bed", [("category", "Dog Beds", "dog bed")]),
    ("medium roast", []),
    ("do you have it in 10?", [("reference", {"focus": True}, "it"), ("size", "10", "10")]),
    ("in 10 minutes", []),
    ("size 3-6M", [("size", "3-6M", "size 3-6M")]),
    ("give us 9 minutes", []),
    ("US 9", [("size", "US 9", "US 9")]),
    # -- brand and category
    ("TrailMax's boots", [("brand", "TrailMax", "TrailMax"), ("category", "Hiking Boots", "boots")]),
    # The catalog's own features: yes/no attributes, named values, measures; who it is for.
    ("waterproof boots", [("feature", {"key": "waterproof", "value": "yes"}, "waterproof"), ("category", "Hiking Boots", "boots")]),
    ("a tablet that is not waterproof", [("category", "Tablets", "tablet"), ("feature", {"key": "waterproof", "value": "no"}, "waterproof")]),
    ("leather hiking boots", [("feature", {"key": "material", "value": "leather"}, "leather"), ("category", "Hiking Boots", "hiking boots")]),
    ("a battery of at least 8 hours", [("measure", {"key": "battery_life_hours", "min": 8.0}, "at least 8 hours")]),
    ("women's running shoes", [("gender", "women", "women's"), ("category", "Running Shoes", "running shoes")]),
    ("a t-shirt for him", [("category", "T-Shirts", "t-shirt"), ("gender", "men", "for him")]),
    ("trailmx hiking boots", [("brand", "TrailMax", "trailmx"), ("category", "Hiking Boots", "hiking boots")]),
    ("hikng boot", [("category", "Hiking Boots", "hikng boot")]),
    ("running shoes", [("category", "Running Shoes", "running shoes")]),
    ("shoes", [("category", "Shoes", "shoes")]),
    ("coffee and tea", [("category", "Coffee & Tea", "coffee and tea")]),
    ("barkley & bean french press", [("brand", "Barkley & Bean", "barkley & bean"), ("category", "French Presses", "french press")]),
    ("a chefs knife", [("category", "Chef's Knives", "chefs knife")]),
    ("tshirts", [("category", "T-Shirts", "tshirts")]),
    ("olive oil", [("category", "Olive Oil", "olive oil")]),
    ("I'm certain", []),
    ("ship it home", [("reference", {"focus": True}, "it")]),
    # -- quantity
    ("2 of them", [("quantity", 2, "2 of them")]),
    ("three pairs", [("quantity", 3, "three pairs")]),
    ("x2", [("quantity", 2, "x2")]),
    ("add 3", [("quantity", 3, "3")]),
    ("a dozen", [("quantity", 12, "a dozen")]),
    ("add two", [("quantity", 2, "two")]),
    ("3 of those", [("quantity", 3, "3 of those")]),
    ("two", []),
    ("I want one that folds", []),
    ("3 t-shirts", [("quantity", 3, "3"), ("category", "T-Shirts", "t-shirts")]),
    ("get 2 day shipping", []),
    # -- order number and email
    ("#48213", [("order_number", "48213", "#48213")]),
    ("order number 1209933", [("order_number", "1209933", "order number 1209933")]),
    ("ORD-55821", [("order_number", "ORD-55821", "ORD-55821")]),
    ("order no. 55821", [("order_number", "55821", "order no. 55821")]),
    ("#123", []),
    ("mail Jane.Doe+x@Example.co.uk now", [("email", "jane.doe+x@example.co.uk", "Jane.Doe+x@Example.co.uk")]),
    ("user@localhost", []),
    # -- reference
    ("the first one", [("reference", {"index": 1}, "the first one")]),
    ("the second one", [("reference", {"index": 2}, "the second one")]),
    ("#2", [("reference", {"index": 2}, "#2")]),
    ("number 2", [("reference", {"index": 2}, "number 2")]),
    ("option 2", [("reference", {"index": 2}, "option 2")]),
    ("the 2nd", [("reference", {"index": 2}, "the 2nd")]),
    ("the last one", [("reference", {"index": -1}, "the last one")]),
    ("that one", [("reference", {"focus": True}, "that one")]),
    ("this one", [("reference", {"focus": True}, "this one")]),
    ("add it", [("reference", {"focus": True}, "it")]),
    ("buy it", [("reference", {"focus": True}, "it")]),
    ("is it waterproof?", [("reference", {"focus": True}, "it"), ("feature", {"key": "waterproof", "value": "yes"}, "waterproof")]),
    ("is it raining", []),
    ("what time is it?", []),
    ("both", [("reference", {"indices": [1, 2]}, "both")]),
    ("the first two", [("reference", {"indices": [1, 2]}, "the first two")]),
    ("the first 3", [("reference", {"indices": [1, 2, 3]}, "the first 3")]),
    ("all of them", [("reference", {"all": True}, "all of them")]),
    ("the cheaper one", [("reference", {"superlative": "cheapest"}, "the cheaper one")]),
    ("the cheapest one", [("reference", {"superlative": "cheapest"}, "the cheapest one")]),
    ("the best rated", [("reference", {"superlative": "top_rated"}, "the best rated")]),
    ("the first time", []),
    ("order number 12", []),
    # -- recipient
    ("for my dad", [("recipient", "dad", "for my dad")]),
    ("a gift for my wife", [("recipient", "wife", "for my wife")]),
    ("for my mother-in-law", [("recipient", "mother-in-law", "for my mother-in-law")]),
    ("for my son's birthday", [("recipient", "son", "for my son")]),
    ("for my best friend", [("recipient", "friend", "for my best friend")]),
    ("gift for a 5 year old", [("recipient", {"who": "child", "age": 5}, "for a 5 year old")]),
    ("for my 8 year old daughter", [("recipient", {"who": "daughter", "age": 8}, "for my 8 year old daughter")]),
    ("for a fifteen-year-old", [("recipient", {"who": "teen", "age": 15}, "for a fifteen-year-old")]),
    # -- several at once
    (
        "TrailMax hiking boots in brown, size 10, under $120 for my dad",
        [
            ("brand", "TrailMax", "TrailMax"),
            ("category", "Hiking Boots", "hiking boots"),
            ("color", "brown", "brown"),
            ("size", "10", "size 10"),
            ("price", price(None, 120.0, "USD"), "under $120"),
            ("recipient", "dad", "for my dad"),
        ],
    ),
    (
        "add 2 of the first one and email me at bob@shop.io",
        [
            ("quantity", 2, "2"),
            ("reference", {"index": 1}, "the first one"),
            ("email", "bob@shop.io", "bob@shop.io"),
        ],
    ),
]


@pytest.mark.parametrize(("text", "items"), CASES, ids=[c[0] for c in CASES])
def test_entities_values_and_spans(extractor: EntityExtractor, text: str, items: list[tuple[str, Any, str]]) -> None:
    assert _found(extractor, text) == _expected(text, items)


def test_table_covers_every_entity_type() -> None:
    covered = {kind for _, items in CASES for kind, _, _ in items}
    assert covered == set(ENTITY_TYPES)
    assert len(CASES) >= 60


# -- brand and category tolerance, on the hand-made and the demo catalog --------------------

TOLERANCE = [
    ("trailmax", "brand", "TrailMax"),
    ("TRAILMAX", "brand", "TrailMax"),
    ("TrailMax's", "brand", "TrailMax"),  # the span leaves the possessive out: "TrailMax"
    ("Trailmx", "brand", "TrailMax"),
    ("Trialmax", "brand", "TrailMax"),  # a transposition is one edit
    ("barkley and bean", "brand", "Barkley & Bean"),
    ("Hiking Boots", "category", "Hiking Boots"),
    ("hiking boot", "category", "Hiking Boots"),
    ("HIKING BOOTS", "category", "Hiking Boots"),
    ("hikng boots", "category", "Hiking Boots"),
    ("hiking bots", "category", "Hiking Boots"),
    ("french press", "category", "French Presses"),
    ("coffee and tea", "category", "Coffee & Tea"),
    ("Coffee & Tea", "category", "Coffee & Tea"),
    ("chef's knife", "category", "Chef's Knives"),
    ("t-shirt", "category", "T-Shirts"),
    ("running shoe", "category", "Running Shoes"),
]


@pytest.mark.parametrize(("text", "kind", "value"), TOLERANCE, ids=[t[0] for t in TOLERANCE])
@pytest.mark.parametrize("catalog", ["hand", "demo"])
def test_brand_and_category_tolerance(
    request: pytest.FixtureRequest, catalog: str, text: str, kind: str, value: str
) -> None:
    extractor = request.getfixturevalue("extractor" if catalog == "hand" else "demo_extractor")
    message = f"show me {text} please"
    phrase = text.removesuffix("'s")
    assert _found(extractor, message) == [(kind, value, phrase, message.index(phrase))]


@pytest.mark.parametrize(
    ("text", "value", "phrase"),
    [
        ("trail running shoes", "Trail Running Shoes", "trail running shoes"),
        ("kids scooter", "Kids' Scooters", "kids scooter"),
        ("over-ear headphones", "Over-Ear Headphones", "over-ear headphones"),
        ("tv and video", "TV & Video", "tv and video"),
        ("dry dog food", "Dry Dog Food", "dry dog food"),
        ("beanie", "Beanies", "beanie"),
        ("wireless mouse", "Wireless Mice", "wireless mouse"),
        ("sunglases", "Sunglasses", "sunglases"),
    ],
)
def test_demo_catalog_categories(demo_extractor: EntityExtractor, text: str, value: str, phrase: str) -> None:
    assert _found(demo_extractor, text) == [("category", value, phrase, 0)]


@pytest.mark.parametrize("text", ["Tidewick", "tidewik", "Silverbirch Studio", "silverbirch studios", "Tiny Wren's"])
def test_demo_catalog_brands(demo_extractor: EntityExtractor, demo_vocab: CatalogVocabulary, text: str) -> None:
    (entity,) = demo_extractor.extract(text)
    assert entity.type == "brand" and entity.value in demo_vocab.brands
    assert entity.value.lower().startswith(text[:4].lower())


@pytest.mark.parametrize("text", ["certain", "table", "press the button", "a scandal", "cable"])
def test_common_words_are_not_typos(demo_extractor: EntityExtractor, text: str) -> None:
    assert [e for e in demo_extractor.extract(text) if e.type in ("brand", "category")] == []


def test_without_vocabulary_only_catalog_independent_entities() -> None:
    plain = EntityExtractor()
    found = _found(plain, "TrailMax hiking boots in navy, size 9, under $80")
    assert [(kind, value) for kind, value, _, _ in found] == [
        ("color", "navy"),
        ("size", "9"),
        ("price", price(None, 80.0, "USD")),
    ]


def test_catalog_sizes_gate_weak_numeric_sizes(extractor: EntityExtractor) -> None:
    # "in a 9" is a size the hand catalog sells; "in a 13" is not.
    assert _found(extractor, "in a 9") == [("size", "9", "9", 5)]
    assert _found(extractor, "in a 13") == []
    assert _found(extractor, "size 13") == [("size", "13", "size 13", 0)]  # explicit: always


# -- vocabulary ------------------------------------------------------------------------------


def test_vocabulary_from_products(hand_vocab: CatalogVocabulary) -> None:
    assert "Barkley & Bean" in hand_vocab.brands and "TrailMax" in hand_vocab.brands
    assert {"Shoes", "Men", "Hiking Boots", "Coffee & Tea", "Chef's Knives", "T-Shirts"} <= set(hand_vocab.categories)
    assert hand_vocab.categories.count("Men") == 1
    assert {"brown", "sage green", "navy", "white"} <= hand_vocab.colors
    assert {"9", "10.5", "XL"} <= hand_vocab.sizes


def test_vocabulary_from_store_keeps_catalog_spelling(tmp_path: Path, hand_vocab: CatalogVocabulary) -> None:
    # The store lower-cases brand and category columns; the vocabulary must not.
    with CatalogStore(tmp_path / "catalog.db") as store:
        store.upsert_many(_products())
        from_store = CatalogVocabulary.from_store(store)
    assert from_store == hand_vocab


def test_vocabulary_from_empty_store(tmp_path: Path) -> None:
    with CatalogStore(tmp_path / "catalog.db") as store:
        assert CatalogVocabulary.from_store(store) == CatalogVocabulary()


def test_demo_vocabulary(demo_vocab: CatalogVocabulary) -> None:
    assert len(demo_vocab.brands) == 59
    assert {"Hiking Boots", "Shoes", "Coffee & Tea", "TV & Video"} <= set(demo_vocab.categories)
    assert {"rose gold", "sage green", "navy"} <= demo_vocab.colors


# -- entity record and merging ------------------------------------------------------------------


def test_entity_to_dict_is_plain_data(extractor: EntityExtractor) -> None:
    (entity,) = extractor.extract("under $50")
    data = entity.to_dict()
    assert data == {"type": "price", "value": price(None, 50.0, "USD"), "start": 0, "end": 9}
    data["value"]["max"] = 1.0
    assert entity.value["max"] == 50.0  # a copy, not the entity's own value
    assert json.loads(json.dumps(data))["value"]["currency"] == "USD"


def test_longest_match_wins(extractor: EntityExtractor) -> None:
    # "Running Shoes" hides "Shoes"; "the first one" hides the count "one".
    assert [e.value for e in extractor.extract("running shoes")] == ["Running Shoes"]
    assert [e.type for e in extractor.extract("buy the first one")] == ["reference"]


def test_a_failing_extractor_is_contained(extractor: EntityExtractor, monkeypatch: pytest.MonkeyPatch,
                                          caplog: pytest.LogCaptureFixture) -> None:
    def broken(*_: object) -> Iterator[object]:
        raise RuntimeError("boom")

    monkeypatch.setattr(extractor._sizes, "find", broken)
    assert extractor.extract("size 10") == []
    assert "entity extraction failed" in caplog.text


BAD_INPUT = ["", "   ", "x" * 10000, "🙂🙂🙂", "¿Dónde está mi pedido?", "\x00\xff\xfe", "1" * 10000, "a@" * 3000,
             "İ" * 50 + " hiking boots", "\ud800 lone surrogate", "$" * 5000, "size " * 2000]


@pytest.mark.parametrize("text", BAD_INPUT, ids=range(len(BAD_INPUT)))
def test_bad_input_never_raises(demo_extractor: EntityExtractor, text: str) -> None:
    # _extract has no safety net, so a bug would show here rather than as a silent [].
    entities = demo_extractor._extract(text) if text.strip() else demo_extractor.extract(text)
    assert isinstance(entities, list)
    for entity in entities:
        assert text[entity.start : entity.end] == entity.text


# -- property: any text gives sorted, non-overlapping, in-bounds entities ------------------------

_WORDS = [
    "under", "over", "between", "and", "to", "around", "$", "£", "€", "size", "sz", "EU", "in", "a", "the",
    "first", "last", "one", "two", "it", "add", "is", "for", "my", "dad", "5", "year", "old", "order", "#",
    "number", "pairs", "of", "them", "both", "all", "XL", "large", "medium", "navy", "blue", "light", "rose",
    "gold", "cream", "TrailMax", "Tidewick", "hiking", "boots", "shoes", "running", "coffee", "&", "tea",
    "x2", "dozen", "bob@shop.io", "cheap", "premium", "k", "+", "-", "~", "1,299.99", "1.2k", "2024", "ORD-55821",
]
_PIECES = st.one_of(
    st.sampled_from(_WORDS),
    st.integers(min_value=0, max_value=10**7).map(str),
    st.sampled_from(list(".,!?;:'’\"()-/@#$%+~")),
    st.text(max_size=6),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(st.tuples(_PIECES, st.sampled_from(["", " ", "  ", "-", "\n"])), max_size=25))
def test_any_text_gives_sorted_non_overlapping_entities(
    demo_extractor: EntityExtractor, pieces: list[tuple[str, str]]
) -> None:
    text = "".join(piece + sep for piece, sep in pieces)
    entities = demo_extractor._extract(text)  # no safety net: exceptions fail the test
    assert entities == demo_extractor.extract(text)
    previous_end = 0
    for entity in entities:
        assert isinstance(entity, Entity) and entity.type in ENTITY_TYPES
        assert previous_end <= entity.start < entity.end <= len(text)
        assert text[entity.start : entity.end] == entity.text
        json.dumps(entity.to_dict())
        previous_end = entity.end
