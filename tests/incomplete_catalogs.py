"""A small complete catalog, and the same catalog with one optional column missing.

Real store exports lack columns (the Amazon India export has no brand and no stock):
every part of Shopbot must work, and stay truthful, on each of them.
"""

from __future__ import annotations

import pytest

from retrieval.catalog import Product
from retrieval.importer import read_catalog
from tests.conftest import SHARED_DATA, make_product

# Optional columns a catalog may lack, and what removing each clears.
OPTIONAL_COLUMNS: dict[str, dict[str, object]] = {
    "brand": {"brand": None},
    "stock": {"stock": None, "variants": []},
    "rating": {"rating": None},
    "reviews": {"review_count": 0, "reviews": []},
    "images": {"image_url": None},
    "category": {"category": []},
    "compare_at_price": {"compare_at_price": None},
}


def _p(pid: str, title: str, brand: str, category: str, price: float, **extra: object) -> Product:
    extra.setdefault("stock", 7)
    extra.setdefault("rating", 4.3)
    extra.setdefault("review_count", 25)
    return make_product(
        pid, title, brand=brand, category=category, price=price,
        image_url=f"https://img.example/{pid}.jpg", description=f"{title}, from {brand}.",
        reviews=[{"rating": 5, "text": f"Love my {title.split()[-1].lower()}."}], **extra,
    )  # fmt: skip


def full_catalog() -> list[Product]:
    """Every optional column filled. Titles start with the brand, as in most real exports."""
    return [
        _p("boot-1", "Acme Ridge Waterproof Hiking Boots", "Acme", "Shoes > Hiking Boots", 120.0,
           compare_at_price=150.0, rating=4.8, review_count=210, attributes={"size": "9, 10, 11", "color": "brown"}),
        _p("boot-2", "Acme Crest Leather Hiking Boots", "Acme", "Shoes > Hiking Boots", 140.0,
           attributes={"size": "10, 11", "color": "black"}),
        _p("boot-3", "Summit Trail Lightweight Hiking Boots", "Summit", "Shoes > Hiking Boots", 95.0,
           rating=4.1, attributes={"size": "8, 9, 10", "color": "grey"}),
        _p("boot-4", "Summit Alpine Insulated Hiking Boots", "Summit", "Shoes > Hiking Boots", 160.0, stock=0,
           attributes={"size": "10", "color": "black"}),
        _p("sock-1", "Woolly Merino Hiking Socks", "Woolly", "Shoes > Socks", 18.0, attributes={"color": "grey"}),
        _p("sock-2", "Woolly Cushioned Trail Socks", "Woolly", "Shoes > Socks", 15.0, stock=2),
        _p("lamp-1", "Beam 300 Lumen Headlamp", "Beam", "Outdoors > Headlamps", 35.0, compare_at_price=45.0),
        _p("lamp-2", "Beam Rechargeable Trail Headlamp", "Beam", "Outdoors > Headlamps", 49.0, rating=4.6),
        _p("watch-1", "Pulse Run GPS Smartwatch", "Pulse", "Electronics > Smartwatches", 199.0,
           rating=4.5, review_count=340, attributes={"color": "black"}),
        _p("watch-2", "Pulse Lite Fitness Smartwatch", "Pulse", "Electronics > Smartwatches", 89.0,
           compare_at_price=119.0, attributes={"color": "blue"}),
        _p("watch-3", "Acme Trek Outdoor Smartwatch", "Acme", "Electronics > Smartwatches", 249.0),
        _p("power-1", "Volt 10000 mAh Portable Charger", "Volt", "Electronics > Portable Chargers", 29.0),
        _p("power-2", "Volt Slim Power Bank", "Volt", "Electronics > Portable Chargers", 24.0, rating=3.9),
        _p("coat-1", "Summit Storm Rain Jacket", "Summit", "Apparel > Rain Jackets", 130.0,
           attributes={"size": "M, L", "color": "black"}),
    ]


def catalog_without(column: str) -> list[Product]:
    """The full catalog with one optional column missing from every product."""
    cleared = OPTIONAL_COLUMNS[column]
    return [p.model_copy(update=cleared) for p in full_catalog()]


# Baskets of a store's own orders: what "bought together" learns from.
BASKETS = [["boot-1", "sock-1"], ["boot-1", "lamp-1"], ["boot-3", "sock-2"], ["watch-1", "power-1"],
           ["watch-2", "power-2"], ["boot-2", "sock-1", "lamp-2"]]


# The Amazon India export (../shared/data): no brand column, no stock column.
AMAZON_MAPPING = {"id": "product_id", "title": "product_name", "price": "discounted_price",
                  "compare_at_price": "actual_price", "category": "category", "rating": "rating",
                  "review_count": "rating_count", "description": "about_product"}


def amazon_products() -> list[Product]:
    """The Amazon India products; the test is skipped when the file is not there."""
    path = SHARED_DATA / "amazon_in_products.csv"
    if not path.is_file():
        pytest.skip("amazon_in_products.csv is not available in ../shared/data")
    return read_catalog(path, "csv", mapping=AMAZON_MAPPING, currency="INR").products
