"""Products named by title: the words shoppers use, typos, long marketplace titles, and a margin."""

from __future__ import annotations

import pytest

from catalog import DEMO_PRODUCTS
from retrieval.importer import read_catalog
from retrieval.names import ProductNames, name_of

# Titles as DummyJSON and Amazon.in write them.
ROWS = [
    ("hand-blender", "Hand Blender", None, "kitchen-accessories"),
    ("boxed-blender", "Boxed Blender", None, "kitchen-accessories"),
    ("matebook", "Huawei Matebook X Pro", "Huawei", "laptops"),
    ("iphone-6", "iPhone 6", "Apple", "smartphones"),
    ("iphone-x", "iPhone X", "Apple", "smartphones"),
    ("iphone-5s", "iPhone 5s", "Apple", "smartphones"),
    ("tab-white", "Samsung Galaxy Tab White", "Samsung", "tablets"),
    ("tab-s8", "Samsung Galaxy Tab S8 Plus Grey", "Samsung", "tablets"),
    ("helmet", "Cricket Helmet", None, "sports-accessories"),
    ("ball", "Cricket Ball", None, "sports-accessories"),
    ("bat", "Cricket Bat", None, "sports-accessories"),
    ("datejust", "Rolex Datejust", "Rolex", "mens-watches"),
    ("datejust-women", "Rolex Datejust Women", "Rolex", "womens-watches"),
    ("red-shoes", "Red Shoes", "Fashion Express", "womens-shoes"),
    ("rockerz-450", "boAt Rockerz 450 Bluetooth On Ear Headphones with Mic, Upto 15 Hours Playback, 40MM Drivers", None, "electronics > headphones"),
    ("rockerz-400", "boAt Rockerz 400 Bluetooth On Ear Headphones With Mic with Upto 8 Hours Playback", None, "electronics > headphones"),
    ("cable-a", "Wayona Usb Type C Fast Charger Cable Fast Charging Usb C Cable, 3A", None, "electronics > cables"),
    ("cable-b", "Wayona USB Type C Fast Charging Cable Charger Cord, 1M", None, "electronics > cables"),
]


@pytest.fixture(scope="module")
def names() -> ProductNames:
    return ProductNames(ROWS)


@pytest.mark.parametrize(
    ("text", "product"),
    [
        ("how much is the Hand Blender?", "hand-blender"),
        ("does the Huawei Matebook X Pro come with a warranty?", "matebook"),
        ("does the matebook x pro have a warranty", "matebook"),  # no brand
        ("is the matebok x pro any good", "matebook"),  # a typo
        ("how many Cricket Helmets do you have left?", "helmet"),  # plural
        ("are the Red Shoes in stock?", "red-shoes"),
        ("is the iPhone 6 waterproof", "iphone-6"),
        ("is the Rolex Datejust waterproof", "datejust"),  # not the Datejust Women, whose name says more
        ("is the boAt Rockerz 450 good?", "rockerz-450"),  # a long title named by brand and model
    ],
)
def test_one_product_named_clearly(names: ProductNames, text: str, product: str) -> None:
    naming = names.resolve(text)
    assert naming.clear == (product,) and not naming.close


@pytest.mark.parametrize("text", ["show me laptops", "do you sell kayaks", "a blender", "cricket gear"])
def test_a_kind_of_product_or_a_shared_word_names_none(names: ProductNames, text: str) -> None:
    assert names.resolve(text).clear == ()


def test_several_named_about_equally_are_asked_about(names: ProductNames) -> None:
    naming = names.resolve("how much is the Wayona usb c cable")
    assert not naming.clear and set(naming.close) == {"cable-a", "cable-b"}


def test_a_comparison_names_each_product_in_order(names: ProductNames) -> None:
    assert names.several("compare the Samsung Galaxy Tab White with the iPhone 6") == ("tab-white", "iphone-6")
    assert names.several("iPhone 6 or the Hand Blender?") == ("iphone-6", "hand-blender")


def test_a_name_stops_at_the_first_separator() -> None:
    assert name_of("boAt Rockerz 450 Bluetooth On Ear Headphones with Mic, Upto 15 Hours") == [
        "boat", "rockerz", "450", "bluetooth", "ear", "headphone",
    ]  # fmt: skip


def test_demo_products_by_their_line_names() -> None:
    products = read_catalog(DEMO_PRODUCTS, "jsonl").products
    names = ProductNames((p.id, p.title, p.brand, p.category_path) for p in products)
    title = {p.id: p.title for p in products}
    (breeze,) = names.resolve("how much are the Northfen Breeze hiking boots?").clear
    assert "Breeze" in title[breeze] and "Northfen" in title[breeze]
    assert names.resolve("show me hiking boots").clear == ()
    # "TrailMax Orbit" is a boot, a dress and a ball: next to the Breeze boots, the boot.
    assert len(names.resolve("the TrailMax Orbit").close) >= 2
    breeze_, orbit = names.several("compare the Northfen Breeze with the TrailMax Orbit")
    assert breeze_ == breeze and "Orbit" in title[orbit] and "Hiking Boots" in title[orbit]
    boots = names.category[breeze]
    (alone,) = names.resolve("is the TrailMax Orbit waterproof", prefer={boots}).clear
    assert alone == orbit
