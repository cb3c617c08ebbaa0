"""Entity extraction: the facts in a shopper's message, with where they are.

    extractor = EntityExtractor(CatalogVocabulary.from_store(store))
    extractor.extract("waterproof hiking boots under $120 in brown")
    # [Entity(type="category", value="Hiking Boots", ...), Entity(type="price",
    #  value={"min": None, "max": 120.0, "currency": "USD", "qualifier": None}, ...),
    #  Entity(type="color", value="brown", ...)]

Modules: prices.py (price constraints), sizes.py, terms.py (brands, categories and
colours from the vocabulary, typo-tolerant), orders.py (quantities, order numbers,
emails), references.py (references to earlier results, recipients), extractor.py (the
merge). Each module's docstring states the values it produces.
"""

from bot.nlu.entities.extractor import EntityExtractor
from bot.nlu.entities.model import ENTITY_TYPES, Entity
from bot.nlu.vocabulary import CatalogVocabulary

__all__ = ["ENTITY_TYPES", "CatalogVocabulary", "Entity", "EntityExtractor"]
