"""The judged query set for the demo catalog: shopper queries graded by rules, not models.

    python -m catalog.queries        # rewrites catalog/queries.jsonl from catalog/products.jsonl

Each query names the product types it asks for and the constraints it states. A product
earns 2 when it is one of those types and meets every stated constraint, 1 when it is one
of those types but misses a constraint, or is a closely related type (RELATED, or listed
as partial) that breaks no constraint; everything else is 0 and left out. Constraints are
checked against the generator's own labels: category leaf, attributes, variant sizes and
colours, brand and price. Judgments are complete: every catalog product is graded.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from catalog.vocabulary import TYPES, TYPES_BY_NAME
from retrieval.catalog import Product

CATALOG_PATH = Path(__file__).with_name("products.jsonl")
QUERIES_PATH = Path(__file__).with_name("queries.jsonl")
KINDS = ("type", "type+attribute", "brand", "use_case", "synonym", "price")

# Closely related types: asked for the key, a shopper would accept these as a partial match.
RELATED: dict[str, tuple[str, ...]] = {
    "Running Shoes": ("Trail Running Shoes",),
    "Trail Running Shoes": ("Running Shoes", "Hiking Boots"),
    "Hiking Boots": ("Trail Running Shoes",),
    "Casual Sneakers": ("Running Shoes",),
    "Rain Boots": ("Hiking Boots",),
    "Ankle Boots": ("Rain Boots",),
    "Wireless Earbuds": ("Over-Ear Headphones",),
    "Over-Ear Headphones": ("Wireless Earbuds",),
    "Smartwatches": ("Fitness Trackers", "Wristwatches"),
    "Fitness Trackers": ("Smartwatches",),
    "Wristwatches": ("Smartwatches",),
    "Televisions": ("Computer Monitors",),
    "Computer Monitors": ("Televisions",),
    "Laptops": ("Tablets",),
    "Tablets": ("Laptops",),
    "Travel Mugs": ("Vacuum Flasks",),
    "Vacuum Flasks": ("Travel Mugs", "Water Bottles"),
    "Water Bottles": ("Vacuum Flasks",),
    "Whole Bean Coffee": ("Ground Coffee",),
    "Ground Coffee": ("Whole Bean Coffee",),
    "Coffee Makers": ("French Presses",),
    "French Presses": ("Coffee Makers",),
    "Frying Pans": ("Dutch Ovens",),
    "Dutch Ovens": ("Frying Pans",),
    "Puffer Jackets": ("Rain Jackets",),
    "Rain Jackets": ("Puffer Jackets",),
    "Hooded Sweatshirts": ("Sweaters",),
    "Sweaters": ("Hooded Sweatshirts",),
    "Comforters": ("Throw Blankets",),
    "Throw Blankets": ("Comforters",),
    "Table Lamps": ("Desk Lamps",),
    "Desk Lamps": ("Table Lamps",),
    "Hiking Backpacks": ("Laptop Backpacks",),
    "Laptop Backpacks": ("Hiking Backpacks",),
    "Jigsaw Puzzles": ("Board Games",),
    "Board Games": ("Jigsaw Puzzles",),
    "Face Moisturizers": ("Sunscreen",),
    "Dry Dog Food": (),
    "Dry Cat Food": (),
}

# Words shoppers use for a type that the type's own name does not contain.
SYNONYMS: dict[str, dict[str, int]] = {
    "sneakers": {"Running Shoes": 2, "Casual Sneakers": 2, "Trail Running Shoes": 1},
    "trainers": {"Running Shoes": 2, "Casual Sneakers": 2, "Trail Running Shoes": 1},
    "couch": {"Sofas": 2},
    "earbuds": {"Wireless Earbuds": 2, "Over-Ear Headphones": 1},
    "hoodie": {"Hooded Sweatshirts": 2, "Sweaters": 1},
    "power bank": {"Portable Chargers": 2},
    "stuffed animal": {"Plush Toys": 2},
    "kitty litter": {"Cat Litter": 2},
    "skillet": {"Frying Pans": 2, "Dutch Ovens": 1},
    "duvet": {"Comforters": 2},
    "thermos": {"Vacuum Flasks": 2, "Travel Mugs": 1, "Water Bottles": 1},
    "wellies": {"Rain Boots": 2},
    "jumper": {"Sweaters": 2, "Hooded Sweatshirts": 1},
    "pjs": {"Pajama Sets": 2},
    "tv": {"Televisions": 2, "Computer Monitors": 1},
    "onesies": {"Bodysuits": 2},
    "pram": {"Strollers": 2},
    "nappies": {"Diapers": 2},
    "shades": {"Sunglasses": 2},
    "kibble": {"Dry Dog Food": 2, "Dry Cat Food": 2},
    "secateurs": {"Pruning Shears": 2},
    "bbq": {"Grills": 2},
    "step counter": {"Fitness Trackers": 2, "Smartwatches": 1},
    "bathing suit": {"Swimsuits": 2},
    "yoga pants": {"Leggings": 2},
    "moisturiser": {"Face Moisturizers": 2},
    "flip flops": {"Sandals": 2},
    "cologne": {"Perfume": 2},
    "rucksack": {"Hiking Backpacks": 2, "Laptop Backpacks": 1},
    "blow dryer": {"Hair Dryers": 2},
    "razor": {"Electric Shavers": 2},
    "flower pot": {"Plant Pots": 2},
    "toque": {"Beanies": 2},
    "sit stand desk": {"Standing Desks": 2},
    "wooly hat": {"Beanies": 2},
    "comfy house shoes": {"Slippers": 2},
    "teddy bear": {"Plush Toys": 2},
    "puppy chow": {"Dry Dog Food": 2},
    "bricks set": {"Building Block Sets": 2},
}


@dataclass(frozen=True)
class Num:
    """A numeric constraint on an attribute: ">=" or "<=" a value."""

    op: str
    value: float

    def ok(self, raw: str) -> bool:
        """Whether an attribute value (a number written as text) satisfies the constraint."""
        try:
            x = float(raw)
        except ValueError:
            return False
        return x >= self.value if self.op == ">=" else x <= self.value


def at_least(v: float) -> Num:
    """At least `v` (battery hours, capacity, ...)."""
    return Num(">=", v)


def at_most(v: float) -> Num:
    """At most `v` (temperature rating, ...)."""
    return Num("<=", v)


Constraint = str | tuple[str, ...] | Num


@dataclass(frozen=True)
class QuerySpec:
    """One shopper query and the rule that judges it."""

    text: str
    kind: str
    types: dict[str, int] | None  # leaf -> 2 (asked for) or 1 (related); None = any type
    where: dict[str, Constraint] = field(default_factory=dict)
    brand: str | None = None
    max_price: float | None = None
    strict: bool = False  # a miss on any constraint means 0, not 1 (broad brand asks)


def Q(text: str, kind: str, types: str | dict[str, int] | None = None, *,
      partial: tuple[str, ...] = (), related: bool = True, dept: str | None = None,
      brand: str | None = None, max_price: float | None = None, strict: bool = False,
      **where: Constraint) -> QuerySpec:
    """Build a QuerySpec. `types` is "A|B" (asked-for types, their RELATED types added
    as partial unless related=False), a synonym-style grade dict, or None with `dept`
    (every type of a department) or with only `brand` (anything of the brand). `strict`
    grades a constraint miss 0 instead of 1: "Dewlune skincare" is not answered by another
    brand's moisturizer the way "TrailMax hiking boots" is partly answered by other boots."""
    assert kind in KINDS, kind
    graded: dict[str, int] | None
    if isinstance(types, str):
        graded = {t: 2 for t in types.split("|")}
        if related:
            for t in list(graded):
                for r in RELATED.get(t, ()):
                    graded.setdefault(r, 1)
    elif isinstance(types, dict):
        graded = dict(types)
    elif dept:
        graded = {t.name: 2 for t in TYPES if t.dept == dept}
    else:
        graded = None
    for t in partial:
        assert graded is not None
        graded.setdefault(t, 1)
    for t in graded or ():
        assert t in TYPES_BY_NAME, f"unknown type {t!r} in query {text!r}"
    return QuerySpec(text, kind, graded, dict(where), brand, max_price, strict)


def S(word: str, text: str | None = None, kind: str = "synonym", **kw: Any) -> QuerySpec:
    """A query built on a SYNONYMS entry; `text` defaults to the word itself."""
    return Q(text or word, kind, SYNONYMS[word], **kw)


_A, _TY, _U, _P, _B, _S = "type+attribute", "type", "use_case", "price", "brand", "synonym"

QUERIES: tuple[QuerySpec, ...] = (
    # ---- plain types (some terse, some with typos) --------------------------------
    Q("hiking boots", _TY, "Hiking Boots"),
    Q("running shoes", _TY, "Running Shoes"),
    Q("wireless earbuds", _TY, "Wireless Earbuds"),
    Q("air fryer", _TY, "Air Fryers"),
    Q("yoga mat", _TY, "Yoga Mats"),
    Q("standing desk", _TY, "Standing Desks"),
    Q("office chair for long work days", _TY, "Office Chairs"),
    Q("electric kettle", _TY, "Electric Kettles"),
    Q("dutch oven", _TY, "Dutch Ovens"),
    Q("sleeping bag", _TY, "Sleeping Bags"),
    Q("camping tent", _TY, "Tents"),
    Q("baby monitor", _TY, "Baby Monitors"),
    Q("jigsaw puzzle", _TY, "Jigsaw Puzzles"),
    Q("dog bed", _TY, "Dog Beds"),
    Q("cat tree", _TY, "Cat Trees"),
    Q("garden hose", _TY, "Garden Hoses"),
    Q("bluetooth speaker", _TY, "Bluetooth Speakers"),
    Q("smartwatch", _TY, "Smartwatches"),
    Q("laptop", _TY, "Laptops"),
    Q("computer monitor", _TY, "Computer Monitors"),
    Q("chef knife", _TY, "Chef's Knives"),
    Q("french press", _TY, "French Presses"),
    Q("headlamp", _TY, "Headlamps"),
    Q("bike helmet", _TY, "Bike Helmets"),
    Q("crossbody bag", _TY, "Crossbody Bags"),
    Q("notebook for class notes", _TY, "Notebooks"),
    Q("gel pens", _TY, "Gel Pens"),
    Q("high chair", _TY, "High Chairs"),
    Q("swaddle blankets", _TY, "Swaddle Blankets"),
    Q("olive oil", _TY, "Olive Oil"),
    Q("hot sauce", _TY, "Hot Sauce"),
    Q("granola", _TY, "Granola"),
    Q("sunscreen", _TY, "Sunscreen"),
    Q("lipstick", _TY, "Lipstick"),
    Q("remote control car", _TY, "Remote Control Cars"),
    Q("scooter for kids", _TY, "Kids' Scooters"),
    Q("solar lights for the garden path", _TY, "Solar Path Lights"),
    Q("bath towels", _TY, "Bath Towels"),
    Q("hikking boots", _TY, "Hiking Boots"),
    Q("bluetooth speker", _TY, "Bluetooth Speakers"),
    Q("airfryer", _TY, "Air Fryers"),
    Q("strolller", _TY, "Strollers"),
    Q("cofee maker", _TY, "Coffee Makers"),
    Q("expresso beans", _TY, "Whole Bean Coffee"),
    # ---- type + attribute ----------------------------------------------------------
    Q("waterproof hiking boots", _A, "Hiking Boots", waterproof="yes"),
    Q("women's hiking boots", _A, "Hiking Boots", gender="women"),
    Q("noise cancelling headphones", _A, "Over-Ear Headphones", noise_cancelling="yes"),
    Q("headphnes noise canceling", _A, "Over-Ear Headphones", noise_cancelling="yes"),
    Q("noise cancelling earbuds", _A, "Wireless Earbuds", noise_cancelling="yes"),
    Q("wired headphones", _A, "Over-Ear Headphones", related=False, connection="wired"),
    Q("red dress", _A, "Dresses", color="red"),
    Q("black maxi dress", _A, "Dresses", color="black", length="maxi"),
    Q("65 inch tv", _A, "Televisions", screen_size_inches="65"),
    Q("oled tv", _A, "Televisions", related=False, display="oled"),
    Q("27 inch 4k monitor", _A, "Computer Monitors", screen_size_inches="27", resolution="4k"),
    Q("curved monitor", _A, "Computer Monitors", related=False, curved="yes"),
    Q("laptop with at least 16gb ram", _A, "Laptops", related=False, ram_gb=at_least(16)),
    Q("laptop with all day battery", _A, "Laptops", related=False,
      battery_life_hours=at_least(15)),
    Q("earbuds with long battery life", _A, "Wireless Earbuds", battery_life_hours=at_least(36)),
    Q("waterproof bluetooth speaker", _A, "Bluetooth Speakers", waterproof="yes"),
    Q("insulated water bottle 32 oz", _A, "Water Bottles", insulated="yes", capacity_oz="32"),
    Q("glass food storage containers", _A, "Food Storage Containers", material="glass"),
    Q("nonstick frying pan", _A, "Frying Pans", material="nonstick aluminum"),
    Q("cast iron skillet", _A, SYNONYMS["skillet"], material="cast iron"),
    Q("dishwasher safe travel mug", _A, "Travel Mugs", dishwasher_safe="yes"),
    Q("grain free dog food", _A, "Dry Dog Food", grain_free="yes"),
    Q("kitten food", _A, "Dry Cat Food", life_stage="kitten"),
    Q("unscented cat litter", _A, "Cat Litter", scent="unscented"),
    Q("mineral sunscreen spf 50", _A, "Sunscreen", spf="50", formula="mineral"),
    Q("moisturizer for sensitive skin", _A, "Face Moisturizers", skin_type="sensitive"),
    Q("moisturizer for dry skn", _A, "Face Moisturizers", skin_type="dry"),
    Q("fragrance free face wash", _A, "Facial Cleansers", fragrance_free="yes"),
    Q("sulfate free shampoo for curly hair", _A, "Shampoo", sulfate_free="yes", hair_type="curly"),
    Q("decaf coffee beans", _A, "Whole Bean Coffee", decaf="yes"),
    Q("dark roast ground coffee", _A, "Ground Coffee", roast="dark"),
    Q("organic green tea", _A, "Loose Leaf Tea", tea_type="green", organic="yes"),
    Q("caffeine free herbal tea", _A, "Loose Leaf Tea", tea_type="herbal"),
    Q("gluten free granola", _A, "Granola", gluten_free="yes"),
    Q("vegan protein bars", _A, "Protein Bars", vegan="yes"),
    Q("really spicy hot sauce", _A, "Hot Sauce", heat=("hot", "extra hot")),
    Q("85% dark chocolate", _A, "Dark Chocolate", cacao_percent=at_least(85)),
    Q("queen sheets", _A, "Sheet Sets", bed_size="queen"),
    Q("king size comforter", _A, "Comforters", bed_size="king"),
    Q("blackout curtains", _A, "Curtains", light_control="blackout"),
    Q("washable rug", _A, "Area Rugs", washable="yes"),
    Q("pillow for stomach sleepers", _A, "Bed Pillows", sleep_position=("stomach", "all")),
    Q("4 person tent", _A, "Tents", capacity_people="4"),
    Q("sleeping bag for below freezing", _A, "Sleeping Bags", temp_rating_f=at_most(20)),
    Q("down sleeping bag", _A, "Sleeping Bags", fill="down"),
    Q("rechargeable headlamp", _A, "Headlamps", rechargeable="yes"),
    Q("adjustable dumbbells", _A, "Dumbbells", style="adjustable"),
    Q("extra thick yoga mat", _A, "Yoga Mats", thickness_mm=at_least(6)),
    Q("kids bike helmet", _A, "Bike Helmets", riding_style="kids"),
    Q("size 5 soccer ball", _A, "Soccer Balls", ball_size="5"),
    Q("big backpack for multi day hikes", _A, "Hiking Backpacks", capacity_liters=at_least(55)),
    Q("men's running shoes size 10", _A, "Running Shoes", gender="men", size="10"),
    Q("women's rain jacket", _A, "Rain Jackets", gender="women"),
    Q("kids rain boots", _A, "Rain Boots", gender="kids"),
    Q("bamboo socks", _A, "Socks", material="bamboo viscose"),
    Q("cashmere sweater", _A, "Sweaters", material="cashmere"),
    Q("high waisted leggings with pockets", _A, "Leggings", rise="high rise", pockets="yes"),
    Q("bootcut jeans", _A, "Jeans", fit="bootcut"),
    Q("down puffer jacket", _A, "Puffer Jackets", fill="down"),
    Q("leather wallet with rfid blocking", _A, "Wallets", material="leather", rfid_blocking="yes"),
    Q("polarized aviator sunglasses", _A, "Sunglasses", polarized="yes", frame_shape="aviator"),
    Q("gold hoop earrings", _A, "Earrings", metal=("14k gold", "gold-plated"), style="hoops"),
    Q("sterling silver necklace", _A, "Necklaces", metal="sterling silver"),
    Q("automatic watch", _A, "Wristwatches", movement="automatic"),
    Q("mechanical keyboard", _A, "Keyboards", switch_type="mechanical"),
    Q("ergonomic wireless mouse", _A, "Wireless Mice", ergonomic="yes"),
    Q("mesh office chair with headrest", _A, "Office Chairs", material="mesh", headrest="yes"),
    Q("jogging stroller", _A, "Strollers", stroller_type="jogging"),
    Q("convertible car seat", _A, "Car Seats", seat_type="convertible"),
    Q("glass baby bottles", _A, "Baby Bottles", material="glass"),
    Q("1000 piece puzzle", _A, "Jigsaw Puzzles", piece_count="1000"),
    Q("cooperative board game", _A, "Board Games", game_type="cooperative"),
    Q("space themed building set", _A, "Building Block Sets", theme="space"),
    Q("stuffed dinosaur", _A, "Plush Toys", animal="dinosaur"),
    Q("propane grill", _A, "Grills", fuel="propane"),
    Q("self propelled lawn mower", _A, "Lawn Mowers", self_propelled="yes"),
    Q("50 ft garden hose", _A, "Garden Hoses", length_ft="50"),
    Q("ceramic planter", _A, "Plant Pots", material="ceramic"),
    Q("programmable coffee maker with thermal carafe", _A, "Coffee Makers", programmable="yes",
      thermal_carafe="yes"),
    Q("kettle with temperature control", _A, "Electric Kettles", temperature_control="yes"),
    Q("8 inch chef's knife", _A, "Chef's Knives", blade_length_inches="8"),
    Q("personal blender", _A, "Blenders", style="personal"),
    Q("beeswax candle", _A, "Scented Candles", wax="beeswax"),
    Q("velvet sofa", _A, "Sofas", material="velvet"),
    Q("dimmable lamp with usb port", _A, "Table Lamps", dimmable="yes", usb_port="yes"),
    Q("size 4 diapers", _A, "Diapers", diaper_size="4"),
    # ---- synonyms ---------------------------------------------------------------------
    S("sneakers"),
    S("trainers", "mens trainers", gender="men"),
    S("couch"),
    S("earbuds"),
    S("hoodie", "black hoodie", color="black"),
    S("power bank"),
    S("stuffed animal"),
    S("kitty litter"),
    S("skillet"),
    S("duvet", "queen duvet", bed_size="queen"),
    S("thermos"),
    S("wellies"),
    S("jumper", "wool jumper", material=("merino wool", "wool blend", "cashmere")),
    S("pjs", "pjs for kids", gender="kids"),
    S("tv"),
    S("onesies", "baby onesies"),
    S("pram"),
    S("nappies"),
    S("shades"),
    S("kibble"),
    Q("kibble for a large breed dog", _S, {"Dry Dog Food": 2}, breed_size="large breeds"),
    S("secateurs"),
    S("bbq"),
    S("step counter"),
    S("bathing suit", "kids bathing suit", gender="kids"),
    S("yoga pants"),
    S("moisturiser"),
    S("flip flops", style="flip-flop"),
    S("cologne"),
    S("rucksack"),
    S("blow dryer"),
    S("razor", "razor for wet shaving", wet_dry="yes"),
    S("flower pot"),
    S("toque"),
    S("sit stand desk"),
    S("teddy bear", animal="bear"),
    S("comfy house shoes"),
    S("puppy chow", life_stage="puppy"),
    S("bricks set", "bricks set for an 8 year old", age_range=("4+", "6+", "8+")),
    # ---- use cases --------------------------------------------------------------------
    Q("something to keep my coffee hot on the commute", _U, {"Travel Mugs": 2, "Vacuum Flasks": 1}),
    Q("keep my phone charged while traveling", _U, "Portable Chargers"),
    Q("stay dry walking the dog in the rain", _U, "Rain Jackets|Rain Boots", related=False,
      waterproof="yes"),
    Q("block out light so I can sleep during the day", _U, "Curtains", light_control="blackout"),
    Q("crispy fries without a deep fryer", _U, "Air Fryers"),
    Q("make smoothies every morning", _U, "Blenders"),
    Q("track my sleep", _U, "Fitness Trackers", sleep_tracking="yes"),
    Q("music at the beach", _U, "Bluetooth Speakers", related=False, waterproof="yes"),
    Q("big screen for movie nights", _U, "Televisions", related=False,
      screen_size_inches=at_least(65)),
    Q("a light to read by in bed", _U, "Table Lamps"),
    Q("cozy blanket for the couch", _U, "Throw Blankets"),
    Q("carry my laptop to work", _U, "Laptop Backpacks", related=False,
      partial=("Crossbody Bags",)),
    Q("first camping trip with the whole family", _U, "Tents", related=False,
      partial=("Sleeping Bags",), capacity_people=at_least(4)),
    Q("quiet mouse for working in the library", _U, "Wireless Mice", quiet_clicks="yes"),
    Q("cut the glare when driving", _U, "Sunglasses", polarized="yes"),
    Q("meal prep lunches for the week", _U, "Food Storage Containers"),
    Q("sear a steak at home", _U, "Frying Pans", material=("cast iron", "carbon steel")),
    Q("bake crusty bread at home", _U, "Dutch Ovens", related=False),
    Q("something my dog can chew on", _U, "Dog Toys", toy_type="chew"),
    Q("warm hat for skiing", _U, "Beanies"),
    Q("dress for a summer wedding", _U, "Dresses", occasion="wedding guest"),
    Q("feeding my baby solid food", _U, "High Chairs"),
    Q("back pain from sitting all day", _U, "Office Chairs|Standing Desks",
      lumbar_support="adjustable"),
    Q("morning tea without waiting for the stove", _U, "Electric Kettles"),
    # ---- brands -------------------------------------------------------------------------
    Q("sonwave", _B, brand="Sonwave"),
    Q("anything from Pawfield", _B, brand="Pawfield"),
    Q("Hearthnest kitchen", _B, dept="Kitchen", brand="Hearthnest", strict=True),
    Q("TrailMax hiking boots", _B, "Hiking Boots", brand="TrailMax"),
    Q("Voltiq headphones", _B, "Over-Ear Headphones|Wireless Earbuds", related=False,
      brand="Voltiq"),
    Q("Dewlune skincare", _B, "Face Moisturizers|Sunscreen|Facial Cleansers", related=False,
      brand="Dewlune", strict=True),
    Q("brightbloom baby", _B, dept="Baby", brand="Brightbloom", strict=True),
    Q("Emberbean coffee", _B, "Whole Bean Coffee|Ground Coffee", brand="Emberbean"),
    Q("aurelin jewelry", _B, "Necklaces|Earrings|Rings", related=False, brand="Aurelin",
      strict=True),
    Q("Stridewell running shoes", _B, "Running Shoes", brand="Stridewell"),
    Q("pixora tv", _B, "Televisions", related=False, brand="Pixora"),
    Q("Tinkertop toys", _B, dept="Toys", brand="Tinkertop", strict=True),
    Q("Greenspade", _B, brand="Greenspade"),
    Q("lullanest", _B, brand="Lullanest"),
    # ---- price --------------------------------------------------------------------------
    Q("running shoes under 80", _P, "Running Shoes", max_price=80),
    Q("tv under 500", _P, SYNONYMS["tv"], max_price=500),
    Q("earbuds under $50", _P, SYNONYMS["earbuds"], max_price=50),
    Q("office chair under 200", _P, "Office Chairs", max_price=200),
    Q("cheap yoga mat under 25", _P, "Yoga Mats", max_price=25),
    Q("sofa under 1000", _P, "Sofas", max_price=1000),
    Q("laptop under 700", _P, "Laptops", max_price=700),
    Q("gift for a coffee lover under 25", _P,
      {"Whole Bean Coffee": 2, "Ground Coffee": 2, "French Presses": 2, "Travel Mugs": 1},
      max_price=25),
    Q("waterproof hiking boots under $120", _P, "Hiking Boots", max_price=120, waterproof="yes"),
    Q("dress under 50", _P, "Dresses", max_price=50),
    Q("bluetooth speaker under 40", _P, "Bluetooth Speakers", max_price=40),
    Q("stroller under 300", _P, "Strollers", max_price=300),
    Q("necklace under 50", _P, "Necklaces", max_price=50),
    Q("air fryer less than 100 dollars", _P, "Air Fryers", max_price=100),
    Q("standing desk under 400", _P, "Standing Desks", max_price=400),
)


# ---- judging ------------------------------------------------------------------------


def _applies(leaf: str, key: str) -> bool:
    # A constraint only binds types that have the attribute at all: "puppy" says
    # nothing about a dog bed.
    ptype = TYPES_BY_NAME[leaf]
    if key == "gender":
        return bool(ptype.genders)
    if key == "size":
        return ptype.sizes is not None
    return any(spec.partition("?")[0] == key for spec in ptype.attrs)


def _meets(product: Product, key: str, want: Constraint) -> bool:
    if key == "gender":
        have: set[str] = {product.category[1].lower()} if len(product.category) > 2 else set()
    elif key == "size":
        have = product.sizes
    elif key == "color":
        have = product.colors
    else:
        raw = product.attributes.get(key)
        have = set(raw) if isinstance(raw, list) else {raw} if raw is not None else set()
    if isinstance(want, Num):
        return any(want.ok(h) for h in have)
    allowed = {want} if isinstance(want, str) else set(want)
    return bool(have & allowed)


def grade(spec: QuerySpec, product: Product) -> int:
    """The judged relevance (0, 1 or 2) of `product` for `spec`."""
    leaf = product.category[-1]
    base = 2 if spec.types is None else spec.types.get(leaf, 0)
    if not base:
        return 0
    ok = all(_meets(product, k, v) for k, v in spec.where.items() if _applies(leaf, k))
    if spec.brand is not None:
        ok = ok and product.brand == spec.brand
    if spec.max_price is not None:
        ok = ok and product.price <= spec.max_price
    if spec.types is None:  # a pure brand query: the brand is the whole ask
        return 2 if ok else 0
    if base == 2:
        return 2 if ok else 0 if spec.strict else 1
    return 1 if ok else 0


def judge(specs: Iterable[QuerySpec], products: list[Product]) -> list[dict[str, Any]]:
    """Grade every product for every query; raise if a query has no grade-2 product."""
    rows = []
    for i, spec in enumerate(specs, start=1):
        judgments = {p.id: g for p in products if (g := grade(spec, p))}
        if 2 not in judgments.values():
            raise ValueError(f"query {spec.text!r} has no exact match in the catalog")
        rows.append({"id": f"q{i:03d}", "query": spec.text, "kind": spec.kind,
                     "judgments": dict(sorted(judgments.items()))})
    return rows


def load_products(path: Path = CATALOG_PATH) -> list[Product]:
    """Read and validate a JSON-lines catalog."""
    with path.open(encoding="utf-8") as fh:
        return [Product.model_validate_json(line) for line in fh if line.strip()]


def render(rows: list[dict[str, Any]]) -> str:
    """The queries file's text: one JSON object per line."""
    return "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in rows)


def main(argv: list[str] | None = None) -> int:
    """CLI entry point: python -m catalog.queries [--catalog PATH] [--out PATH]."""
    parser = argparse.ArgumentParser(description="Write the judged query set for a catalog.")
    parser.add_argument("--catalog", type=Path, default=CATALOG_PATH)
    parser.add_argument("--out", type=Path, default=QUERIES_PATH)
    args = parser.parse_args(argv)
    rows = judge(QUERIES, load_products(args.catalog))
    args.out.write_text(render(rows), encoding="utf-8", newline="\n")
    print(f"wrote {len(rows)} queries to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
