"""A catalog without a brand column still has brands shoppers can name: the ones its titles start with."""

from __future__ import annotations

from pathlib import Path

from bot.nlu.entities import EntityExtractor
from bot.nlu.vocabulary import CatalogVocabulary
from retrieval.store import CatalogStore
from tests.incomplete_catalogs import amazon_products, catalog_without


def _brands(extractor: EntityExtractor, text: str) -> list[str]:
    return [e.value for e in extractor.extract(text) if e.type == "brand"]


def test_brands_from_titles_are_in_the_vocabulary_both_ways(tmp_path: Path) -> None:
    products = catalog_without("brand")
    with CatalogStore(tmp_path / "catalog.db") as store:
        store.upsert_many(products)
        from_store = CatalogVocabulary.from_store(store)
    from_products = CatalogVocabulary.from_products(products)
    assert from_store.brands == from_products.brands == ["Acme", "Beam", "Pulse", "Summit", "Volt", "Woolly"]
    extractor = EntityExtractor(from_products)
    assert _brands(extractor, "acme hiking boots") == ["Acme"]
    assert _brands(extractor, "hiking boots") == []


def test_amazon_brands_are_understood_without_a_brand_column() -> None:
    products = amazon_products()
    extractor = EntityExtractor(CatalogVocabulary.from_products(products))
    assert _brands(extractor, "boAt earphones") == ["boAt"]
    assert _brands(extractor, "any Samsung TV under ₹30,000?") == ["Samsung"]
    assert _brands(extractor, "smartwatch for my runs, under ₹3,000?") == []
