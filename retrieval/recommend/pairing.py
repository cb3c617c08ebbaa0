"""What goes with what: a small hand-written table of complementary categories.

Keys and values are leaf category names (lower-case); the table is read both ways, so
"hiking boots -> socks" also pairs socks with hiking boots. Co-occurrence in real baskets
does the rest; this only covers catalogs without order history.
"""

from __future__ import annotations

_PAIRS: dict[str, tuple[str, ...]] = {
    "hiking boots": ("socks", "hiking backpacks", "headlamps", "rain jackets"),
    "trail running shoes": ("socks", "fitness trackers", "water bottles"),
    "running shoes": ("socks", "fitness trackers", "leggings", "water bottles"),
    "rain boots": ("rain jackets", "socks"),
    "casual sneakers": ("socks", "t-shirts", "jeans"),
    "dress shoes": ("socks", "wallets", "wristwatches"),
    "ankle boots": ("socks", "jeans", "crossbody bags"),
    "dresses": ("sandals", "earrings", "necklaces", "crossbody bags"),
    "jeans": ("t-shirts", "casual sneakers", "sweaters"),
    "swimsuits": ("sunscreen", "sandals", "sunglasses"),
    "puffer jackets": ("beanies", "sweaters"),
    "pajama sets": ("slippers",),
    "tents": ("sleeping bags", "headlamps", "hiking backpacks"),
    "sleeping bags": ("headlamps",),
    "yoga mats": ("resistance bands", "leggings", "water bottles"),
    "dumbbells": ("resistance bands", "yoga mats"),
    "bike helmets": ("water bottles", "headlamps"),
    "coffee makers": ("ground coffee", "whole bean coffee", "travel mugs"),
    "french presses": ("ground coffee", "whole bean coffee"),
    "electric kettles": ("loose leaf tea", "travel mugs"),
    "frying pans": ("olive oil", "chef's knives"),
    "dutch ovens": ("olive oil", "chef's knives"),
    "laptops": ("wireless mice", "laptop backpacks", "keyboards", "portable chargers"),
    "tablets": ("portable chargers", "over-ear headphones"),
    "smartwatches": ("portable chargers",),
    "computer monitors": ("keyboards", "wireless mice", "standing desks"),
    "standing desks": ("office chairs", "desk lamps"),
    "notebooks": ("gel pens",),
    "televisions": ("bluetooth speakers",),
    "sheet sets": ("bed pillows", "comforters"),
    "sofas": ("throw blankets", "area rugs", "table lamps"),
    "strollers": ("car seats", "swaddle blankets"),
    "baby bottles": ("bodysuits", "high chairs"),
    "dry dog food": ("dog toys", "dog beds"),
    "dry cat food": ("cat litter", "cat trees"),
    "grills": ("patio chairs", "hot sauce"),
    "plant pots": ("pruning shears", "garden hoses"),
    "shampoo": ("hair dryers",),
    "face moisturizers": ("facial cleansers", "sunscreen"),
}


def _symmetric(pairs: dict[str, tuple[str, ...]]) -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for a, others in pairs.items():
        for b in others:
            table.setdefault(a, set()).add(b)
            table.setdefault(b, set()).add(a)
    return {k: frozenset(v) for k, v in table.items()}


COMPLEMENTS: dict[str, frozenset[str]] = _symmetric(_PAIRS)


def complementary(leaf: str) -> frozenset[str]:
    """Leaf categories that go with `leaf` (case-insensitive); empty when the table has none."""
    return COMPLEMENTS.get(leaf.strip().lower(), frozenset())
