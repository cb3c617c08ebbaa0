"""The product types of the demo catalog: where each sits, what it costs, what it has.

Every type is written by hand so titles, attributes and descriptions read like a real
store. All brand and model names are invented for Shopbot. The generator
(catalog/generate.py) draws products from these tables, and the query judge
(catalog/queries.py) grades against the same labels, so the two cannot disagree.

An attribute key may carry a condition, "battery_life_hours?connection=wireless", meaning
it is only drawn when the other attribute (drawn earlier) has one of the listed values.
Repeating a value in a tuple makes it more likely.
"""

from __future__ import annotations

from dataclasses import dataclass, field

YN = ("yes", "no")
MOSTLY_YES = ("yes", "yes", "yes", "no")
MOSTLY_NO = ("no", "no", "no", "yes")

APPAREL_COLORS = ("black", "black", "white", "grey", "navy", "red", "green", "blue", "beige",
                  "pink", "olive", "burgundy", "brown")
SHOE_COLORS = ("black", "black", "white", "grey", "navy", "brown", "tan", "blue", "red", "green")
BOOT_COLORS = ("brown", "brown", "black", "tan", "grey", "olive")
TECH_COLORS = ("black", "black", "white", "silver", "blue", "green")
HOME_COLORS = ("white", "ivory", "grey", "grey", "charcoal", "beige", "navy", "sage green",
               "terracotta", "mustard", "blue")
KITCHEN_COLORS = ("black", "white", "silver", "red", "sage green", "cream", "navy")
BRIGHT_COLORS = ("black", "white", "blue", "green", "pink", "purple", "teal", "orange", "red",
                 "yellow")
LEATHER_COLORS = ("black", "brown", "tan", "cognac", "navy")
METALS = ("stainless steel", "gold-plated", "sterling silver", "14k gold")

# Shared brands appear in several departments, as real house brands do.
BRANDS: dict[str, tuple[str, ...]] = {
    "Apparel": ("Threadhaven", "Lunelle", "Fernweave", "Urbanloom", "Tidewick", "TrailMax"),
    "Shoes": ("TrailMax", "Stridewell", "Cobbleway", "Northfen", "Urbanloom"),
    "Electronics": ("Voltiq", "Sonwave", "Pixora", "Arclume", "Quellbyte", "Ohmvale"),
    "Home": ("Hearthnest", "Linnwood Home", "Calmora", "Dovetail Lane", "Mossgate"),
    "Kitchen": ("Hearthnest", "Brewsmith", "Copperwren", "Zestwell", "Kettlebrook"),
    "Beauty": ("Dewlune", "Petalis", "Glowfern", "Saltmere", "Verabloom"),
    "Sports & Outdoors": ("TrailMax", "Northfen", "Peakform", "Larchpoint", "Ridgecraft"),
    "Toys": ("Brightbloom", "Tinkertop", "Wobblefox", "Puzzlewick"),
    "Grocery": ("Hollowmill", "Sunridge Pantry", "Emberbean", "Olivetta Farms", "Wildhive"),
    "Pet Supplies": ("Pawfield", "Whiskerwell", "Barkley & Bean", "Tailspring"),
    "Garden": ("Greenspade", "Mossgate", "Fernhollow", "Yardwise"),
    "Office": ("Deskwise", "Inkvale", "Papercrane", "Quellbyte", "Worknook"),
    "Baby": ("Brightbloom", "Lullanest", "Tiny Wren", "Cradlewood"),
    "Jewelry & Accessories": ("Aurelin", "Silverbirch Studio", "Velmora", "Marquee Lane",
                              "Urbanloom"),
}

# Invented model names; "code" types add a number ("Pulse 3", "Vista X200").
MODEL_WORDS = (
    "Ridgeline", "Summit", "Aspen", "Harbor", "Meridian", "Cascade", "Ember", "Drift", "Solace",
    "Vista", "Halcyon", "Tempo", "Orbit", "Nova", "Breeze", "Quill", "Atlas", "Juniper", "Cove",
    "Sierra", "Willow", "Pulse", "Eddy", "Strata", "Loft", "Haven", "Flint", "Marlow", "Tundra",
    "Zephyr", "Sable", "Coral", "Birch", "Cinder", "Lumen", "Nimbus", "Prism", "Canyon", "Alder",
    "Basin", "Glide", "Crest", "Fable", "Kite", "Mesa", "Rook", "Slate", "Terra", "Vale", "Wren",
)


@dataclass(frozen=True)
class ProductType:
    """One leaf of the category tree and everything needed to invent products of it."""

    name: str  # the category leaf, e.g. "Hiking Boots"
    dept: str
    price: tuple[float, float]
    attrs: dict[str, tuple[str, ...]]
    nouns: tuple[str, ...]  # title nouns, one picked per product
    ref: str  # how a review refers to it: "these boots" / "this kettle"
    uses: tuple[str, ...]  # completes "made for ..."
    aspects: tuple[str, ...]  # review aspects (catalog/phrases.py)
    tags: tuple[str, ...]
    sub: str | None = None  # middle category node; None for 2-level paths
    genders: tuple[str, ...] = ()  # "Men"/"Women"/"Kids": the middle node, in the title too
    title: tuple[str, ...] = ()  # attribute keys shown before the noun
    suffix: tuple[str, ...] = ()  # attribute keys shown after a comma
    model: str | None = "word"  # "word", "code" or None (no model name in the title)
    sizes: str | None = None  # size scale for variants (apparel, shoes, rings)
    color_variants: bool = False  # variants per colour as well as size
    scale: str | None = None  # attribute whose value drives the price within the range
    weight: int = 1  # relative frequency in the catalog
    pet: str | None = None  # "dog"/"cat" for pet reviews
    brands: tuple[str, ...] = field(default=())  # overrides the department's brands


def T(name: str, dept: str, sub: str | None, price: tuple[float, float],
      attrs: dict[str, tuple[str, ...]], nouns: str | tuple[str, ...], ref: str,
      uses: tuple[str, ...], aspects: tuple[str, ...], tags: tuple[str, ...],
      **kw: object) -> ProductType:
    """Build a ProductType; a short positional form keeps the table below readable."""
    if isinstance(nouns, str):
        nouns = (nouns,)
    genders = kw.pop("genders", ())
    return ProductType(name=name, dept=dept, sub=sub, price=price, attrs=attrs, nouns=nouns,
                       ref=ref, uses=uses, aspects=aspects, tags=tags,
                       genders=genders, **kw)  # type: ignore[arg-type]


A, S, E, H, K = "Apparel", "Shoes", "Electronics", "Home", "Kitchen"
B, SP, TY, G, P = "Beauty", "Sports & Outdoors", "Toys", "Grocery", "Pet Supplies"
GD, O, BB, J = "Garden", "Office", "Baby", "Jewelry & Accessories"
MWK, MW = ("Men", "Women", "Kids"), ("Men", "Women")
FIT = ("regular", "slim", "relaxed")

TYPES: tuple[ProductType, ...] = (
    # ---------------------------------------------------------------- Apparel
    T("T-Shirts", A, None, (12, 35), {
        "color": APPAREL_COLORS,
        "material": ("cotton", "organic cotton", "cotton blend", "linen blend"), "fit": FIT,
        "neckline": ("crew neck", "crew neck", "v-neck")},
      ("T-Shirt", "Tee"), "this shirt",
      ("everyday wear", "layering under a jacket", "warm weekends"),
      ("fit", "comfort", "quality", "look", "softness"), ("tee", "tshirt", "basics", "casual"),
      genders=MWK, title=("material", "neckline"), sizes="apparel", color_variants=True, weight=2),
    T("Hooded Sweatshirts", A, None, (29, 79), {
        "color": APPAREL_COLORS,
        "material": ("cotton fleece", "cotton blend", "recycled polyester fleece"), "fit": FIT,
        "closure": ("pullover", "full zip")},
      ("Hooded Sweatshirt", "Hoodie"), "this hoodie",
      ("chilly evenings", "lounging at home", "layering on cool mornings"),
      ("warmth", "fit", "comfort", "softness", "durability"),
      ("sweatshirt", "casual", "loungewear"),
      genders=MWK, title=("closure",), sizes="apparel", color_variants=True, weight=2),
    T("Jeans", A, None, (39, 98), {
        "color": ("blue", "blue", "black", "grey"),
        "material": ("denim", "stretch denim", "organic cotton denim"),
        "fit": ("slim", "straight", "relaxed", "skinny", "bootcut"),
        "wash": ("dark wash", "medium wash", "light wash")},
      "Jeans", "these jeans", ("everyday wear", "casual Fridays", "weekend outings"),
      ("fit", "comfort", "quality", "durability", "look"), ("denim", "pants", "casual"),
      genders=MW, title=("fit",), sizes="waist"),
    T("Dresses", A, None, (35, 140), {
        "color": APPAREL_COLORS, "material": ("cotton", "linen", "viscose", "satin", "jersey"),
        "length": ("mini", "midi", "maxi"), "style": ("wrap", "shift", "slip", "shirt", "a-line"),
        "sleeve": ("sleeveless", "short sleeve", "long sleeve"),
        "occasion": ("casual", "party", "work", "wedding guest")},
      "Dress", "this dress", ("summer days", "dinner out", "brunch with friends", "warm evenings"),
      ("fit", "look", "quality", "comfort"), ("dress", "womens", "outfit"),
      genders=("Women",), title=("length", "style"), sizes="apparel", color_variants=True,
      weight=2),
    T("Rain Jackets", A, None, (49, 189), {
        "color": APPAREL_COLORS, "material": ("nylon", "recycled polyester"),
        "waterproof": MOSTLY_YES, "hooded": MOSTLY_YES, "packable": YN},
      ("Rain Jacket", "Rain Shell"), "this jacket",
      ("rainy commutes", "wet hikes", "travel in changeable weather"),
      ("waterproofing", "fit", "quality", "durability"), ("raincoat", "jacket", "outerwear"),
      genders=MWK, title=("waterproof", "packable"), sizes="apparel", color_variants=True),
    T("Puffer Jackets", A, None, (69, 249), {
        "color": APPAREL_COLORS, "fill": ("down", "synthetic"),
        "warmth": ("lightweight", "midweight", "heavyweight"), "water_resistant": YN, "hooded": YN},
      ("Puffer Jacket", "Insulated Jacket"), "this jacket",
      ("cold winter days", "snowy commutes", "chilly evenings outdoors"),
      ("warmth", "fit", "quality", "look"), ("winter coat", "jacket", "outerwear", "winter"),
      genders=MWK, title=("fill",), sizes="apparel", color_variants=True, scale="warmth"),
    T("Leggings", A, None, (24, 88), {
        "color": APPAREL_COLORS,
        "material": ("nylon spandex", "cotton spandex", "recycled polyester"),
        "rise": ("high rise", "high rise", "mid rise"), "pockets": YN,
        "length": ("full", "7/8", "capri")},
      "Leggings", "these leggings", ("yoga class", "running errands", "gym sessions"),
      ("fit", "comfort", "quality", "durability"), ("yoga pants", "activewear", "athleisure"),
      genders=("Women", "Kids"), title=("rise",), sizes="apparel", color_variants=True),
    T("Socks", A, None, (8, 24), {
        "color": ("black", "white", "grey", "navy", "assorted"),
        "material": ("cotton", "merino wool", "bamboo viscose", "polyester blend"),
        "style": ("crew", "ankle", "no-show", "quarter"), "pack_count": ("3", "6", "10"),
        "cushioned": YN},
      "Socks", "these socks", ("everyday wear", "long walks", "workouts"),
      ("comfort", "fit", "durability", "value"), ("socks", "basics"),
      genders=MWK, title=("material", "style"), suffix=("pack_count",), model=None, sizes="socks",
      scale="pack_count"),
    T("Sweaters", A, None, (39, 149), {
        "color": APPAREL_COLORS,
        "material": ("merino wool", "cashmere", "cotton", "wool blend", "acrylic blend"),
        "style": ("crewneck", "v-neck", "cardigan", "turtleneck")},
      ("Sweater", "Knit Sweater"), "this sweater",
      ("cool autumn days", "the office", "layering in winter"),
      ("warmth", "softness", "fit", "quality"), ("knitwear", "jumper", "winter"),
      genders=MW, title=("material", "style"), sizes="apparel", color_variants=True,
      scale="material"),
    T("Pajama Sets", A, None, (25, 70), {
        "color": APPAREL_COLORS, "material": ("cotton", "flannel", "fleece", "modal"),
        "sleeve": ("short sleeve", "long sleeve")},
      "Pajama Set", "these pajamas", ("cozy nights in", "lazy weekend mornings"),
      ("comfort", "softness", "fit", "quality"), ("pjs", "sleepwear", "loungewear"),
      genders=MWK, title=("material",), sizes="apparel"),
    T("Swimsuits", A, None, (25, 98), {
        "color": APPAREL_COLORS, "style": ("one-piece", "bikini", "tankini", "rash guard"),
        "upf_50": YN, "material": ("nylon spandex", "recycled nylon")},
      "Swimsuit", "this swimsuit", ("beach days", "lap swimming", "pool parties"),
      ("fit", "look", "quality", "comfort"), ("swimwear", "bathing suit", "beach", "summer"),
      genders=("Women", "Kids"), title=("style",), sizes="apparel"),
    # ---------------------------------------------------------------- Shoes
    T("Running Shoes", S, None, (59, 169), {
        "color": SHOE_COLORS, "material": ("engineered mesh", "knit"),
        "cushioning": ("light", "moderate", "max"), "support": ("neutral", "neutral", "stability"),
        "waterproof": MOSTLY_NO, "width": ("regular", "regular", "wide")},
      ("Running Shoes", "Road Running Shoes"), "these shoes",
      ("daily training runs", "race day", "long road miles"),
      ("comfort", "fit", "durability", "grip", "look"),
      ("sneakers", "trainers", "running", "athletic"),
      genders=MW, title=("waterproof",), model="code", sizes="shoe", color_variants=True, weight=2,
      scale="cushioning"),
    T("Trail Running Shoes", S, None, (79, 179), {
        "color": SHOE_COLORS, "material": ("engineered mesh", "ripstop mesh"), "waterproof": YN,
        "lug_depth_mm": ("4", "5", "6"), "rock_plate": YN},
      "Trail Running Shoes", "these shoes",
      ("technical trails", "muddy forest paths", "mountain runs"),
      ("grip", "comfort", "fit", "durability"), ("trail", "running", "sneakers", "outdoor"),
      genders=MW, title=("waterproof",), model="code", sizes="shoe", color_variants=True),
    T("Hiking Boots", S, None, (89, 249), {
        "color": BOOT_COLORS, "material": ("full-grain leather", "suede", "synthetic"),
        "waterproof": MOSTLY_YES, "cut": ("mid", "high"), "insulated": MOSTLY_NO},
      "Hiking Boots", "these boots",
      ("day hikes", "rocky trails", "muddy spring walks", "backpacking trips"),
      ("comfort", "grip", "waterproofing", "durability", "fit"),
      ("hiking", "boots", "outdoor", "trekking"),
      genders=MW, title=("waterproof", "cut"), sizes="shoe", color_variants=True, weight=2),
    T("Casual Sneakers", S, None, (45, 120), {
        "color": SHOE_COLORS, "material": ("canvas", "leather", "knit", "suede"),
        "closure": ("lace-up", "lace-up", "slip-on")},
      ("Sneakers", "Casual Sneakers", "Low-Top Sneakers"), "these sneakers",
      ("everyday wear", "walking around town", "travel days"),
      ("comfort", "look", "fit", "durability"), ("sneakers", "casual", "everyday"),
      genders=MWK, title=("material", "closure"), sizes="shoe", color_variants=True),
    T("Sandals", S, None, (25, 110), {
        "color": SHOE_COLORS, "style": ("slide", "sport", "flip-flop", "strappy"),
        "material": ("leather", "rubber", "eva foam"), "waterproof": YN},
      "Sandals", "these sandals", ("beach trips", "hot summer days", "poolside lounging"),
      ("comfort", "fit", "durability", "look"), ("summer", "beach", "sandals"),
      genders=MWK, title=("style",), sizes="shoe"),
    T("Slippers", S, None, (19, 69), {
        "color": ("grey", "brown", "tan", "navy", "pink", "black"),
        "style": ("moccasin", "slide", "bootie", "clog"),
        "lining": ("faux fur", "fleece", "wool", "sherpa"), "outdoor_sole": YN},
      "Slippers", "these slippers", ("cold floors", "relaxing at home", "lazy Sunday mornings"),
      ("comfort", "warmth", "fit", "durability"), ("house shoes", "cozy", "gift"),
      genders=MWK, title=("lining", "style"), sizes="shoe"),
    T("Dress Shoes", S, None, (79, 219), {
        "color": ("black", "brown", "tan", "cognac"),
        "style": ("oxford", "derby", "loafer", "monk strap"),
        "material": ("leather", "suede", "patent leather")},
      ("Dress Shoes", "Leather Dress Shoes"), "these shoes",
      ("the office", "weddings", "formal events"),
      ("comfort", "fit", "look", "quality"), ("formal", "work", "wedding"),
      genders=("Men",), title=("style",), sizes="shoe"),
    T("Rain Boots", S, None, (29, 119), {
        "color": ("black", "navy", "olive", "yellow", "red", "pink"),
        "height": ("ankle", "mid-calf", "tall"), "waterproof": ("yes",),
        "lining": ("unlined", "fleece lined")},
      ("Rain Boots", "Wellington Boots"), "these boots",
      ("puddle-filled walks", "gardening", "muddy school runs"),
      ("waterproofing", "comfort", "fit", "durability"),
      ("wellies", "rain", "waterproof", "boots"),
      genders=MWK, title=("height",), sizes="shoe"),
    T("Ankle Boots", S, None, (69, 199), {
        "color": ("black", "brown", "tan", "grey", "burgundy"),
        "heel": ("flat heel", "block heel", "stacked heel"),
        "material": ("leather", "suede", "vegan leather"),
        "closure": ("side zip", "pull-on", "lace-up")},
      ("Ankle Boots", "Booties"), "these boots", ("autumn outfits", "the office", "nights out"),
      ("comfort", "look", "fit", "quality"), ("booties", "boots", "fall"),
      genders=("Women",), title=("heel", "material"), sizes="shoe"),
    # ---------------------------------------------------------------- Electronics
    T("Wireless Earbuds", E, "Audio", (29, 249), {
        "color": TECH_COLORS, "noise_cancelling": YN,
        "battery_life_hours": ("20", "24", "28", "32", "36", "40"),
        "water_resistance": ("ipx4", "ipx5", "ipx7", "none")},
      ("Wireless Earbuds", "True Wireless Earbuds", "Bluetooth Earbuds"), "these earbuds",
      ("workouts", "commuting", "calls on the go"),
      ("sound", "battery", "fit", "connectivity", "comfort"), ("earphones", "bluetooth", "audio"),
      title=("noise_cancelling",), model="code", weight=2, scale="noise_cancelling"),
    T("Over-Ear Headphones", E, "Audio", (39, 399), {
        "color": TECH_COLORS, "connection": ("wireless", "wireless", "wired"),
        "noise_cancelling": YN,
        "battery_life_hours?connection=wireless": ("20", "30", "40", "50", "60"), "foldable": YN},
      ("Over-Ear Headphones", "Headphones"), "these headphones",
      ("long flights", "working from home", "focused listening"),
      ("sound", "comfort", "battery", "noise", "quality"), ("headphones", "audio", "headset"),
      title=("connection", "noise_cancelling"), model="code", scale="noise_cancelling"),
    T("Bluetooth Speakers", E, "Audio", (25, 299), {
        "color": TECH_COLORS, "waterproof": YN,
        "battery_life_hours": ("8", "12", "16", "20", "24"), "form": ("mini", "portable", "party")},
      ("Bluetooth Speaker", "Portable Speaker"), "this speaker",
      ("backyard parties", "picnics", "music in the kitchen"),
      ("sound", "battery", "durability", "connectivity"),
      ("speaker", "wireless", "audio", "outdoor"),
      title=("waterproof",), model="code", scale="form"),
    T("Televisions", E, "TV & Video", (229, 1799), {
        "screen_size_inches": ("32", "43", "50", "55", "65", "75"),
        "resolution": ("1080p", "4k", "4k", "4k"), "display": ("led", "mini-led", "oled"),
        "refresh_rate_hz": ("60", "120")},
      ("Smart TV", "Television"), "this TV", ("movie nights", "sports on the weekend", "gaming"),
      ("picture", "sound", "ease", "value"), ("tv", "smart tv", "home theater"),
      title=("screen_size_inches", "resolution", "display"), model="code",
      scale="screen_size_inches", weight=2),
    T("Smartwatches", E, "Wearables", (99, 449), {
        "color": TECH_COLORS, "gps": MOSTLY_YES, "battery_life_days": ("1", "2", "5", "7", "14"),
        "case_size_mm": ("41", "45"), "water_resistance": ("5 atm", "ip68")},
      "Smartwatch", "this watch",
      ("tracking workouts", "staying on top of notifications", "everyday wear"),
      ("battery", "ease", "look", "connectivity"), ("smart watch", "wearable", "fitness"),
      title=("gps",), model="code", scale="battery_life_days"),
    T("Fitness Trackers", E, "Wearables", (39, 149), {
        "color": TECH_COLORS, "gps": MOSTLY_NO, "battery_life_days": ("5", "7", "10", "14"),
        "sleep_tracking": ("yes",), "heart_rate_monitor": ("yes",)},
      ("Fitness Tracker", "Activity Tracker"), "this tracker",
      ("counting steps", "sleep tracking", "daily workouts"),
      ("battery", "comfort", "ease", "accuracy"), ("fitness band", "step counter", "wearable"),
      model="code", scale="gps"),
    T("Portable Chargers", E, "Phone Accessories", (19, 89), {
        "color": ("black", "white", "blue"), "capacity_mah": ("5000", "10000", "20000", "26800"),
        "fast_charging": MOSTLY_YES, "wireless_charging": MOSTLY_NO},
      ("Portable Charger", "Power Bank"), "this charger",
      ("travel days", "long festivals", "keeping a phone topped up"),
      ("battery", "size", "quality", "value"), ("power bank", "battery pack", "travel"),
      title=("capacity_mah",), model="code", scale="capacity_mah"),
    T("Laptops", E, "Computers", (399, 2199), {
        "color": ("silver", "grey", "black", "blue"),
        "screen_size_inches": ("13.3", "14", "15.6", "16"), "ram_gb": ("8", "16", "32"),
        "storage_gb": ("256", "512", "1024"), "battery_life_hours": ("8", "10", "12", "15", "18"),
        "weight_lb": ("2.7", "3.1", "3.9", "4.4"), "touchscreen": MOSTLY_NO},
      "Laptop", "this laptop",
      ("schoolwork", "working from anywhere", "photo editing", "everyday browsing"),
      ("performance", "battery", "picture", "quality", "value"),
      ("notebook computer", "computer", "pc"),
      title=("screen_size_inches",), suffix=("ram_gb", "storage_gb"), model="code",
      scale="ram_gb"),
    T("Tablets", E, "Computers", (129, 899), {
        "color": ("silver", "grey", "black", "blue", "pink"),
        "screen_size_inches": ("8", "10.2", "11", "12.9"), "storage_gb": ("64", "128", "256"),
        "cellular": MOSTLY_NO, "stylus_support": YN},
      "Tablet", "this tablet",
      ("reading and streaming", "note taking", "keeping kids entertained on trips"),
      ("picture", "battery", "performance", "value"), ("tablet", "e-reader", "streaming"),
      title=("screen_size_inches",), suffix=("storage_gb",), model="code",
      scale="screen_size_inches"),
    T("Computer Monitors", E, "Computers", (119, 799), {
        "screen_size_inches": ("24", "27", "32", "34"), "resolution": ("1080p", "1440p", "4k"),
        "refresh_rate_hz": ("60", "75", "144", "165"), "panel": ("ips", "va"), "curved": MOSTLY_NO},
      ("Monitor", "Computer Monitor"), "this monitor",
      ("a home office", "gaming", "photo editing"),
      ("picture", "quality", "ease", "value"), ("display", "screen", "gaming"),
      title=("screen_size_inches", "resolution", "curved"), model="code",
      scale="screen_size_inches"),
    # ---------------------------------------------------------------- Home
    T("Sofas", H, "Furniture", (499, 2499), {
        "color": HOME_COLORS, "seats": ("2", "3", "3", "4"),
        "material": ("performance fabric", "velvet", "linen blend", "leather"),
        "style": ("mid-century", "modern", "classic"), "sleeper": MOSTLY_NO},
      ("Sofa", "Sofa"), "this sofa", ("family movie nights", "small apartments", "lounging"),
      ("comfort", "quality", "assembly", "look", "delivery"),
      ("couch", "living room", "furniture"),
      title=("material", "style"), scale="seats"),
    T("Sheet Sets", H, "Bedding", (39, 199), {
        "color": HOME_COLORS, "bed_size": ("twin", "full", "queen", "queen", "king"),
        "material": ("cotton percale", "cotton sateen", "linen", "bamboo viscose", "microfiber"),
        "thread_count?material=cotton percale|cotton sateen": ("200", "300", "400", "600")},
      "Sheet Set", "these sheets", ("hot sleepers", "guest rooms", "year-round comfort"),
      ("softness", "fit", "quality", "durability"), ("bed sheets", "bedding", "linens"),
      title=("bed_size", "material"), model=None, scale="bed_size"),
    T("Bed Pillows", H, "Bedding", (25, 99), {
        "fill": ("memory foam", "down alternative", "down", "shredded foam"),
        "firmness": ("soft", "medium", "firm"),
        "sleep_position": ("side", "back", "stomach", "all"), "pack_count": ("1", "2")},
      ("Bed Pillow", "Pillow"), "this pillow",
      ("a better night's sleep", "guest beds", "new mattresses"),
      ("support", "comfort", "quality", "value"), ("pillow", "bedding", "sleep"),
      title=("fill",), suffix=("pack_count",), scale="pack_count"),
    T("Comforters", H, "Bedding", (59, 249), {
        "color": HOME_COLORS, "bed_size": ("twin", "full", "queen", "king"),
        "fill": ("down", "down alternative"),
        "warmth": ("lightweight", "all season", "extra warm")},
      ("Comforter", "Duvet Insert"), "this comforter",
      ("the main bedroom", "year-round use", "guest rooms"),
      ("warmth", "softness", "quality", "value"), ("duvet", "bedding", "quilt"),
      title=("bed_size", "fill"), model=None, scale="bed_size"),
    T("Throw Blankets", H, "Decor", (25, 89), {
        "color": HOME_COLORS,
        "material": ("fleece", "chunky knit", "cotton", "faux fur", "sherpa"),
        "dimensions": ("50 x 60 in", "60 x 80 in")},
      ("Throw Blanket", "Throw"), "this blanket", ("couch naps", "chilly evenings", "gifting"),
      ("softness", "warmth", "quality", "look"), ("blanket", "cozy", "gift"),
      title=("material",), scale="dimensions"),
    T("Table Lamps", H, "Lighting", (29, 159), {
        "color": ("white", "black", "brass", "blue", "beige"),
        "base_material": ("ceramic", "brass", "glass", "wood"), "bulb_included": YN,
        "usb_port": YN, "dimmable": YN},
      ("Table Lamp", "Bedside Lamp"), "this lamp",
      ("bedside tables", "reading corners", "living rooms"),
      ("look", "brightness", "quality", "assembly"), ("lamp", "lighting", "bedroom"),
      title=("base_material",)),
    T("Area Rugs", H, "Decor", (59, 599), {
        "color": HOME_COLORS, "dimensions": ("2 x 8 ft", "5 x 7 ft", "8 x 10 ft", "9 x 12 ft"),
        "material": ("wool", "jute", "polypropylene", "cotton"), "pile": ("low", "medium", "shag"),
        "washable": YN},
      ("Area Rug", "Rug"), "this rug", ("living rooms", "bedrooms", "high-traffic hallways"),
      ("look", "softness", "quality", "cleaning"), ("rug", "carpet", "floor"),
      title=("washable", "material"), suffix=("dimensions",), scale="dimensions"),
    T("Bath Towels", H, "Bath", (19, 79), {
        "color": HOME_COLORS,
        "material": ("cotton", "turkish cotton", "bamboo viscose", "waffle-weave cotton"),
        "piece_count": ("2", "4", "6"), "gsm": ("500", "600", "700")},
      ("Bath Towel Set", "Towel Set"), "these towels",
      ("everyday bathrooms", "guest baths", "the gym"),
      ("softness", "absorbency", "quality", "durability"), ("towels", "bath", "bathroom"),
      title=("material",), suffix=("piece_count",), scale="piece_count"),
    T("Scented Candles", H, "Decor", (14, 48), {
        "scent": ("vanilla", "sandalwood", "lavender", "fresh linen", "cedar", "citrus",
                  "pumpkin spice", "sea salt"),
        "wax": ("soy", "coconut", "beeswax"), "burn_time_hours": ("30", "45", "60", "80"),
        "wicks": ("1", "3")},
      ("Scented Candle", "Candle"), "this candle", ("cozy evenings", "gifting", "relaxing baths"),
      ("smell", "quality", "value", "look"), ("candle", "home fragrance", "gift"),
      title=("scent", "wax"), scale="burn_time_hours"),
    T("Curtains", H, "Window", (25, 99), {
        "color": HOME_COLORS, "light_control": ("blackout", "light filtering", "sheer"),
        "length_inches": ("63", "84", "96"), "material": ("polyester", "linen blend", "velvet"),
        "panel_count": ("1", "2")},
      ("Curtains", "Curtain Panels"), "these curtains", ("bedrooms", "living rooms", "nurseries"),
      ("look", "quality", "fit", "value"), ("drapes", "window", "curtain"),
      title=("light_control",), suffix=("length_inches",), scale="panel_count"),
    # ---------------------------------------------------------------- Kitchen
    T("French Presses", K, "Coffee & Tea", (19, 69), {
        "capacity_oz": ("12", "17", "34", "51"), "material": ("glass", "stainless steel"),
        "double_wall?material=stainless steel": YN, "dishwasher_safe": YN},
      ("French Press", "French Press Coffee Maker"), "this press",
      ("slow weekend mornings", "camping coffee", "small kitchens"),
      ("taste", "quality", "cleaning", "durability"), ("coffee press", "plunger", "coffee"),
      title=("material",), suffix=("capacity_oz",), scale="capacity_oz"),
    T("Coffee Makers", K, "Coffee & Tea", (39, 249), {
        "color": KITCHEN_COLORS, "capacity_cups": ("5", "10", "12", "14"), "programmable": YN,
        "thermal_carafe": YN},
      ("Drip Coffee Maker", "Coffee Maker"), "this coffee maker",
      ("busy mornings", "office kitchens", "families of coffee drinkers"),
      ("taste", "ease", "cleaning", "quality"), ("coffee machine", "drip", "coffee"),
      title=("programmable",), suffix=("capacity_cups",), scale="capacity_cups"),
    T("Electric Kettles", K, "Coffee & Tea", (25, 99), {
        "color": KITCHEN_COLORS, "capacity_liters": ("1.0", "1.5", "1.7"),
        "material": ("stainless steel", "glass", "bpa-free plastic"), "temperature_control": YN,
        "wattage": ("1200", "1500")},
      ("Electric Kettle", "Kettle"), "this kettle",
      ("tea lovers", "pour-over coffee", "instant noodles in a dorm"),
      ("performance", "ease", "quality", "noise"), ("kettle", "tea", "hot water"),
      title=("temperature_control", "material"), scale="temperature_control"),
    T("Frying Pans", K, "Cookware", (19, 149), {
        "material": ("nonstick aluminum", "stainless steel", "cast iron", "carbon steel"),
        "diameter_inches": ("8", "10", "12"), "dishwasher_safe": YN, "induction_compatible": YN,
        "oven_safe_f": ("350", "400", "500")},
      ("Frying Pan", "Skillet", "Fry Pan"), "this pan",
      ("weeknight dinners", "eggs and pancakes", "searing steaks"),
      ("cooking", "cleaning", "durability", "quality"), ("skillet", "cookware", "pan"),
      title=("material",), suffix=("diameter_inches",), scale="diameter_inches"),
    T("Dutch Ovens", K, "Cookware", (49, 299), {
        "color": KITCHEN_COLORS, "capacity_quarts": ("3.5", "5.5", "7.25"),
        "material": ("enameled cast iron", "cast iron")},
      ("Dutch Oven", "Dutch Oven"), "this pot",
      ("slow braises", "bread baking", "soups and stews"),
      ("cooking", "quality", "cleaning", "look"), ("casserole", "cookware", "stew pot"),
      title=("material",), suffix=("capacity_quarts",), scale="capacity_quarts"),
    T("Blenders", K, "Small Appliances", (39, 399), {
        "color": KITCHEN_COLORS, "wattage": ("600", "900", "1200", "1500"),
        "capacity_oz": ("24", "48", "64", "72"), "style": ("countertop", "countertop", "personal")},
      ("Blender", "Countertop Blender"), "this blender",
      ("morning smoothies", "soups and sauces", "frozen drinks"),
      ("performance", "noise", "cleaning", "quality"), ("smoothie maker", "mixer", "appliance"),
      title=("style",), model="code", scale="wattage"),
    T("Air Fryers", K, "Small Appliances", (59, 229), {
        "color": KITCHEN_COLORS, "capacity_quarts": ("2", "4", "5.8", "8"),
        "wattage": ("1200", "1500", "1700"), "dishwasher_safe": MOSTLY_YES, "viewing_window": YN},
      "Air Fryer", "this air fryer",
      ("quick weeknight dinners", "crispy snacks", "small kitchens"),
      ("cooking", "cleaning", "ease", "size"), ("airfryer", "appliance", "healthy cooking"),
      suffix=("capacity_quarts",), model="code", scale="capacity_quarts", weight=2),
    T("Chef's Knives", K, "Cutlery", (25, 199), {
        "blade_length_inches": ("6", "8", "10"),
        "blade_material": ("german stainless steel", "japanese stainless steel", "carbon steel",
                           "damascus steel"),
        "handle": ("pakkawood", "polymer", "olive wood"), "dishwasher_safe": ("no",)},
      ("Chef's Knife", "Chef Knife"), "this knife",
      ("everyday prep", "home cooks", "chopping vegetables"),
      ("sharpness", "quality", "comfort", "value"), ("kitchen knife", "cutlery", "knife"),
      title=("blade_length_inches",), scale="blade_material"),
    T("Travel Mugs", K, "Drinkware", (15, 45), {
        "color": BRIGHT_COLORS, "capacity_oz": ("12", "16", "20"),
        "material": ("stainless steel",), "insulated": ("yes",), "leakproof": MOSTLY_YES,
        "keeps_hot_hours": ("5", "6", "8", "12"), "dishwasher_safe": YN},
      ("Travel Mug", "Insulated Travel Mug", "Commuter Mug"), "this mug",
      ("the morning commute", "road trips", "long school runs"),
      ("temperature", "leaks", "cleaning", "durability"),
      ("coffee mug", "tumbler", "to-go cup", "commute"),
      title=("leakproof",), suffix=("capacity_oz",), scale="keeps_hot_hours", weight=2),
    T("Water Bottles", K, "Drinkware", (12, 49), {
        "color": BRIGHT_COLORS, "capacity_oz": ("18", "24", "32", "40"),
        "material": ("stainless steel", "stainless steel", "bpa-free plastic", "glass"),
        "insulated?material=stainless steel": MOSTLY_YES,
        "lid": ("straw lid", "chug lid", "flip lid"), "dishwasher_safe": YN},
      ("Water Bottle", "Reusable Water Bottle"), "this bottle",
      ("the gym", "hiking", "school and work"),
      ("leaks", "temperature", "durability", "cleaning"), ("bottle", "hydration", "reusable"),
      title=("insulated",), suffix=("capacity_oz",), scale="capacity_oz", weight=2),
    T("Vacuum Flasks", K, "Drinkware", (19, 59), {
        "color": ("black", "green", "silver", "navy", "red"),
        "capacity_oz": ("16", "25", "34", "40"), "material": ("stainless steel",),
        "keeps_hot_hours": ("12", "18", "24"), "cup_lid": MOSTLY_YES},
      ("Vacuum Flask", "Insulated Flask"), "this flask",
      ("camping trips", "cold job sites", "long winter hikes"),
      ("temperature", "leaks", "durability", "size"), ("flask", "insulated bottle", "hot drinks"),
      suffix=("capacity_oz",), scale="capacity_oz"),
    T("Food Storage Containers", K, "Food Storage", (15, 49), {
        "material": ("glass", "bpa-free plastic"), "piece_count": ("10", "14", "18", "24"),
        "microwave_safe": ("yes",), "dishwasher_safe": MOSTLY_YES, "leakproof": YN},
      ("Food Storage Containers", "Meal Prep Containers"), "these containers",
      ("meal prep", "leftovers", "packed lunches"),
      ("leaks", "quality", "cleaning", "size"), ("lunch box", "meal prep", "storage"),
      title=("material",), suffix=("piece_count",), model=None, scale="piece_count"),
    # ---------------------------------------------------------------- Beauty
    T("Face Moisturizers", B, "Skin Care", (12, 68), {
        "skin_type": ("dry", "oily", "combination", "sensitive", "all"),
        "spf": ("none", "none", "15", "30"), "fragrance_free": YN,
        "key_ingredient": ("hyaluronic acid", "ceramides", "niacinamide", "squalane",
                           "shea butter"),
        "size_oz": ("1.7", "2.5")},
      ("Face Moisturizer", "Daily Moisturizer", "Face Cream"), "this moisturizer",
      ("morning routines", "under makeup", "night-time routines"),
      ("skin", "smell", "value", "texture"), ("moisturiser", "face cream", "skincare", "lotion"),
      title=("key_ingredient",), suffix=("size_oz",), model=None, scale="size_oz", weight=2),
    T("Sunscreen", B, "Skin Care", (9, 35), {
        "spf": ("30", "50", "50"), "formula": ("mineral", "chemical"),
        "water_resistant_minutes": ("40", "80"), "skin_type": ("sensitive", "all", "oily")},
      ("Sunscreen Lotion", "Sunscreen", "Sun Lotion"), "this sunscreen",
      ("beach days", "daily wear", "outdoor sports"),
      ("skin", "texture", "smell", "value"), ("sunblock", "spf", "sun protection", "summer"),
      title=("formula", "spf"), model=None, scale="spf"),
    T("Facial Cleansers", B, "Skin Care", (8, 34), {
        "skin_type": ("dry", "oily", "combination", "sensitive", "all"),
        "form": ("gel", "foam", "cream", "oil"), "fragrance_free": YN},
      ("Facial Cleanser", "Face Wash"), "this cleanser",
      ("morning and night routines", "removing makeup", "post-workout washes"),
      ("skin", "smell", "texture", "value"), ("face wash", "cleanser", "skincare"),
      title=("form",), model=None),
    T("Shampoo", B, "Hair Care", (7, 32), {
        "hair_type": ("dry", "oily", "curly", "fine", "color-treated", "all"), "sulfate_free": YN,
        "scent": ("unscented", "citrus", "coconut", "mint", "lavender"),
        "size_oz": ("8", "12", "16", "33.8")},
      "Shampoo", "this shampoo", ("daily washing", "a refreshing scalp", "gym bags"),
      ("smell", "texture", "value", "skin"), ("hair wash", "haircare"),
      title=("sulfate_free", "scent"), suffix=("size_oz",), model=None, scale="size_oz"),
    T("Hair Dryers", B, "Hair Care", (29, 249), {
        "color": ("black", "white", "pink", "rose gold"), "wattage": ("1600", "1800", "1875"),
        "ionic": MOSTLY_YES, "attachment_count": ("1", "2", "3"), "heat_settings": ("2", "3")},
      ("Hair Dryer", "Blow Dryer"), "this dryer",
      ("quick morning styling", "thick hair", "travel"),
      ("performance", "noise", "quality", "ease"), ("blow dryer", "styling", "hair tool"),
      title=("ionic",), model="code", scale="attachment_count"),
    T("Lipstick", B, "Makeup", (8, 38), {
        "color": ("red", "nude", "pink", "berry", "coral", "plum"),
        "finish": ("matte", "satin", "sheer"), "vegan": YN, "long_wear": YN},
      ("Lipstick", "Lip Color"), "this lipstick",
      ("everyday looks", "evenings out", "special occasions"),
      ("look", "texture", "durability", "value"), ("lip", "makeup", "cosmetics"),
      title=("finish", "color"), model=None),
    T("Perfume", B, "Fragrance", (29, 149), {
        "scent_family": ("floral", "woody", "citrus", "fresh", "amber", "gourmand"),
        "concentration": ("eau de parfum", "eau de toilette"), "size_ml": ("30", "50", "100")},
      ("Perfume", "Fragrance"), "this fragrance", ("date nights", "everyday wear", "gifting"),
      ("smell", "durability", "value", "look"), ("fragrance", "scent", "gift", "cologne"),
      suffix=("size_ml",), scale="size_ml"),
    T("Electric Shavers", B, "Shaving", (39, 229), {
        "color": ("black", "silver", "blue"), "head_type": ("foil", "rotary"), "wet_dry": YN,
        "battery_life_minutes": ("45", "60", "90")},
      ("Electric Shaver", "Electric Razor"), "this shaver",
      ("daily shaves", "travel", "sensitive skin"),
      ("performance", "battery", "skin", "cleaning"), ("razor", "shaving", "grooming"),
      title=("head_type",), model="code", scale="battery_life_minutes"),
    # ---------------------------------------------------------------- Sports & Outdoors
    T("Tents", SP, "Camping", (79, 499), {
        "color": ("green", "orange", "grey", "blue"), "capacity_people": ("1", "2", "2", "4", "6"),
        "season": ("3-season", "3-season", "4-season"),
        "setup": ("freestanding", "instant", "trekking pole")},
      ("Tent", "Camping Tent"), "this tent",
      ("weekend camping", "festival weekends", "family campouts"),
      ("waterproofing", "ease", "size", "durability"), ("camping", "shelter", "outdoor"),
      title=("capacity_people", "season"), scale="capacity_people"),
    T("Sleeping Bags", SP, "Camping", (39, 299), {
        "color": ("green", "blue", "orange", "grey"),
        "temp_rating_f": ("0", "20", "30", "40", "50"), "fill": ("down", "synthetic"),
        "shape": ("mummy", "rectangular")},
      ("Sleeping Bag", "Sleeping Bag"), "this sleeping bag",
      ("camping trips", "sleepovers", "road trips"),
      ("warmth", "size", "quality", "comfort"), ("camping", "sleep", "outdoor"),
      title=("temp_rating_f", "fill"), scale="fill"),
    T("Headlamps", SP, "Camping", (15, 59), {
        "color": ("black", "red", "blue", "orange"), "lumens": ("200", "350", "500", "1000"),
        "rechargeable": MOSTLY_YES, "water_resistance": ("ipx4", "ipx7")},
      "Headlamp", "this headlamp", ("night hikes", "camp chores", "power outages"),
      ("brightness", "battery", "comfort", "durability"), ("head torch", "flashlight", "camping"),
      title=("rechargeable",), suffix=("lumens",), model="code", scale="lumens"),
    T("Yoga Mats", SP, "Fitness", (19, 119), {
        "color": BRIGHT_COLORS, "thickness_mm": ("3", "4", "6", "8"),
        "material": ("natural rubber", "tpe", "pvc", "cork"), "non_slip": MOSTLY_YES},
      ("Yoga Mat", "Exercise Mat"), "this mat", ("daily yoga", "pilates", "home workouts"),
      ("grip", "comfort", "smell", "durability"), ("yoga", "exercise mat", "fitness"),
      title=("non_slip", "material"), suffix=("thickness_mm",), scale="material", weight=2),
    T("Dumbbells", SP, "Fitness", (19, 399), {
        "style": ("hex rubber", "neoprene", "adjustable"),
        "weight_lb": ("5", "10", "15", "20", "25", "50"), "sold_as": ("single", "pair")},
      "Dumbbells", "these dumbbells", ("home gyms", "strength training", "small apartments"),
      ("quality", "durability", "value", "size"), ("weights", "free weights", "strength"),
      title=("style",), suffix=("weight_lb", "sold_as"), scale="style"),
    T("Resistance Bands", SP, "Fitness", (12, 39), {
        "piece_count": ("3", "5", "11"), "resistance": ("light", "medium", "heavy", "mixed"),
        "material": ("latex", "fabric"), "handles": YN},
      ("Resistance Bands", "Resistance Band Set"), "these bands",
      ("home workouts", "physical therapy", "travel"),
      ("durability", "quality", "value", "ease"), ("exercise bands", "workout", "fitness"),
      title=("material",), suffix=("piece_count",), model=None, scale="piece_count"),
    T("Bike Helmets", SP, "Cycling", (29, 179), {
        "color": BRIGHT_COLORS, "riding_style": ("road", "mountain", "commuter", "kids"),
        "impact_liner": MOSTLY_NO, "vents": ("8", "12", "18"), "rear_light": YN},
      ("Bike Helmet", "Cycling Helmet"), "this helmet",
      ("daily rides", "weekend rides", "bike paths"),
      ("fit", "comfort", "quality", "look"), ("cycling", "bicycle", "safety"),
      title=("riding_style",), scale="vents"),
    T("Hiking Backpacks", SP, "Hiking", (39, 279), {
        "color": ("black", "green", "blue", "grey", "orange"),
        "capacity_liters": ("20", "28", "40", "55", "65"), "rain_cover": YN,
        "hydration_compatible": YN, "material": ("ripstop nylon", "recycled polyester")},
      ("Hiking Backpack", "Backpack"), "this pack", ("day hikes", "travel", "weekend adventures"),
      ("comfort", "size", "durability", "quality"), ("rucksack", "daypack", "hiking"),
      suffix=("capacity_liters",), scale="capacity_liters"),
    T("Soccer Balls", SP, "Team Sports", (15, 59), {
        "color": ("white", "yellow", "orange", "blue"), "ball_size": ("3", "4", "5"),
        "level": ("training", "match")},
      ("Soccer Ball", "Football"), "this ball",
      ("practice sessions", "match days", "backyard kickabouts"),
      ("durability", "quality", "value", "kids"), ("football", "soccer", "team sports"),
      title=("level",), suffix=("ball_size",), scale="level"),
    # ---------------------------------------------------------------- Toys
    T("Building Block Sets", TY, "Building Toys", (19, 129), {
        "piece_count": ("150", "300", "550", "900", "1200"),
        "age_range": ("4+", "6+", "8+", "12+"),
        "theme": ("space", "castle", "city", "dinosaurs", "robots")},
      ("Building Block Set", "Building Set"), "this set",
      ("rainy afternoons", "birthday gifts", "budding engineers"),
      ("kids", "quality", "assembly", "value"), ("construction toy", "bricks", "stem", "gift"),
      title=("theme",), suffix=("piece_count",), scale="piece_count"),
    T("Jigsaw Puzzles", TY, "Games & Puzzles", (12, 35), {
        "piece_count": ("300", "500", "1000", "1500"),
        "theme": ("landscape", "animals", "map", "botanical", "space"),
        "age_range": ("8+", "12+", "14+")},
      ("Jigsaw Puzzle", "Puzzle"), "this puzzle",
      ("quiet evenings", "family game night", "gifting"),
      ("quality", "fun", "value", "look"), ("puzzle", "jigsaw", "gift"),
      title=("theme",), suffix=("piece_count",), scale="piece_count"),
    T("Board Games", TY, "Games & Puzzles", (15, 59), {
        "players": ("2-4", "2-6", "3-8", "1-4"),
        "play_time_minutes": ("15", "30", "45", "60", "90"),
        "age_range": ("6+", "8+", "10+", "14+"),
        "game_type": ("strategy", "party", "cooperative", "family", "word")},
      "Board Game", "this game", ("family game night", "parties", "rainy weekends"),
      ("fun", "quality", "kids", "value"), ("tabletop", "game night", "family"),
      title=("game_type",)),
    T("Plush Toys", TY, "Stuffed Animals", (9, 45), {
        "animal": ("bear", "bunny", "dog", "unicorn", "dinosaur", "cat", "elephant", "fox"),
        "height_inches": ("8", "12", "16", "24"),
        "machine_washable": YN,
        "age_range": ("0+", "3+")},
      ("Plush Toy", "Stuffed Animal"), "this plush",
      ("bedtime cuddles", "baby showers", "birthday gifts"),
      ("softness", "kids", "quality", "size"), ("stuffed animal", "soft toy", "cuddly", "gift"),
      title=("animal",), suffix=("height_inches",), scale="height_inches"),
    T("Remote Control Cars", TY, "Vehicles", (29, 149), {
        "color": ("red", "blue", "green", "orange", "black"),
        "top_speed_mph": ("10", "15", "20", "25", "30"), "terrain": ("on-road", "all-terrain"),
        "rechargeable": MOSTLY_YES, "age_range": ("6+", "8+", "14+")},
      ("Remote Control Car", "RC Truck"), "this car",
      ("backyard racing", "birthday gifts", "kids who love speed"),
      ("kids", "battery", "durability", "performance"), ("rc car", "toy car", "gift"),
      title=("terrain",), model="code", scale="top_speed_mph"),
    T("Kids' Scooters", TY, "Outdoor Play", (35, 149), {
        "color": BRIGHT_COLORS, "wheel_count": ("2", "3"), "adjustable_height": MOSTLY_YES,
        "light_up_wheels": YN, "age_range": ("3-5 years", "5-8 years", "8+ years")},
      ("Kids' Scooter", "Kick Scooter"), "this scooter",
      ("rides to school", "park afternoons", "first-time riders"),
      ("kids", "durability", "assembly", "quality"), ("scooter", "kick scooter", "outdoor toy"),
      title=("wheel_count",), scale="age_range"),
    # ---------------------------------------------------------------- Grocery
    T("Whole Bean Coffee", G, "Coffee", (10, 24), {
        "roast": ("light", "medium", "dark"),
        "origin": ("colombia", "ethiopia", "guatemala", "sumatra", "house blend"),
        "flavor_notes": ("chocolate", "citrus", "caramel", "berry", "nutty"),
        "weight_oz": ("12", "16", "32"), "organic": YN, "decaf": MOSTLY_NO},
      "Whole Bean Coffee", "this coffee",
      ("espresso at home", "slow pour-overs", "morning drip coffee"),
      ("taste", "freshness", "smell", "value"), ("coffee beans", "beans", "coffee"),
      title=("organic", "roast"), suffix=("weight_oz",), model=None, scale="weight_oz", weight=2),
    T("Ground Coffee", G, "Coffee", (8, 20), {
        "roast": ("light", "medium", "dark"),
        "origin": ("colombia", "brazil", "guatemala", "house blend"),
        "weight_oz": ("10", "12", "24"), "organic": YN, "decaf": MOSTLY_NO},
      "Ground Coffee", "this coffee", ("drip machines", "busy mornings", "the office pot"),
      ("taste", "freshness", "smell", "value"), ("coffee", "pre-ground"),
      title=("decaf", "roast"), suffix=("weight_oz",), model=None, scale="weight_oz"),
    T("Loose Leaf Tea", G, "Tea", (8, 28), {
        "tea_type": ("green", "black", "oolong", "herbal", "white", "chai"),
        "caffeinated?tea_type=green|black|oolong|white|chai": ("yes",),
        "caffeinated?tea_type=herbal": ("no",), "weight_oz": ("2", "4", "8"), "organic": YN},
      "Loose Leaf Tea", "this tea",
      ("afternoon breaks", "slow weekend mornings", "iced tea in summer"),
      ("taste", "freshness", "smell", "value"), ("tea", "loose tea"),
      title=("organic", "tea_type"), suffix=("weight_oz",), model=None, scale="weight_oz"),
    T("Protein Bars", G, "Snacks", (15, 35), {
        "flavor": ("chocolate peanut butter", "cookie dough", "salted caramel", "lemon",
                   "blueberry"),
        "protein_g": ("12", "15", "20"), "bar_count": ("12", "15"), "gluten_free": YN,
        "vegan": MOSTLY_NO},
      "Protein Bars", "these bars", ("post-workout snacks", "busy workdays", "hiking fuel"),
      ("taste", "texture", "value", "freshness"), ("snack bar", "protein", "snacks"),
      title=("flavor",), suffix=("bar_count",), model=None, scale="protein_g"),
    T("Dark Chocolate", G, "Snacks", (3, 12), {
        "cacao_percent": ("55", "70", "85", "90"),
        "flavor": ("sea salt", "orange", "almond", "plain", "mint", "raspberry"), "organic": YN,
        "weight_oz": ("3.5",)},
      ("Dark Chocolate Bar", "Dark Chocolate"), "this chocolate",
      ("an afternoon treat", "baking", "gifting"),
      ("taste", "texture", "value", "freshness"), ("chocolate", "candy", "sweets", "snacks"),
      title=("cacao_percent", "flavor"), model=None, scale="cacao_percent"),
    T("Olive Oil", G, "Pantry", (9, 39), {
        "volume_ml": ("500", "750", "1000"), "origin": ("greece", "italy", "spain", "california"),
        "organic": YN, "grade": ("extra virgin",)},
      ("Extra Virgin Olive Oil", "Olive Oil"), "this oil",
      ("salad dressings", "everyday cooking", "dipping bread"),
      ("taste", "freshness", "value", "delivery"), ("evoo", "cooking oil", "pantry"),
      title=("organic",), suffix=("volume_ml",), model=None, scale="volume_ml"),
    T("Granola", G, "Breakfast", (5, 14), {
        "flavor": ("honey almond", "maple pecan", "dark chocolate", "mixed berry",
                   "coconut cashew"),
        "gluten_free": YN, "organic": YN, "weight_oz": ("11", "12", "16")},
      "Granola", "this granola", ("breakfast bowls", "yogurt toppings", "snacking"),
      ("taste", "texture", "freshness", "value"), ("cereal", "breakfast", "muesli"),
      title=("flavor",), suffix=("weight_oz",), model=None, scale="weight_oz"),
    T("Hot Sauce", G, "Condiments", (4, 15), {
        "heat": ("mild", "medium", "hot", "extra hot"),
        "pepper": ("habanero", "jalapeno", "ghost pepper", "chipotle", "cayenne"),
        "volume_oz": ("5", "8")},
      "Hot Sauce", "this sauce", ("tacos", "eggs in the morning", "wings night"),
      ("taste", "value", "freshness", "delivery"), ("chili sauce", "spicy", "condiment"),
      title=("pepper",), suffix=("volume_oz",), model=None, scale="heat"),
    # ---------------------------------------------------------------- Pet Supplies
    T("Dry Dog Food", P, "Dogs", (19, 89), {
        "flavor": ("chicken & rice", "salmon & sweet potato", "lamb & brown rice",
                   "turkey & oatmeal", "beef"),
        "life_stage": ("puppy", "adult", "adult", "senior"), "grain_free": YN,
        "bag_weight_lb": ("4", "15", "24", "30"),
        "breed_size": ("small breeds", "all breeds", "large breeds")},
      "Dry Dog Food", "this food", ("picky eaters", "everyday meals", "a steady feeding routine"),
      ("pet", "value", "freshness", "delivery"), ("dog food", "kibble", "dog"),
      title=("grain_free", "flavor"), suffix=("bag_weight_lb",), model=None, scale="bag_weight_lb",
      pet="dog", weight=2),
    T("Dog Beds", P, "Dogs", (29, 149), {
        "color": ("grey", "brown", "beige", "navy", "charcoal"),
        "dog_size": ("small", "medium", "large", "x-large"),
        "style": ("bolster", "orthopedic", "donut", "mat"), "washable_cover": MOSTLY_YES},
      "Dog Bed", "this bed", ("older dogs", "crate training", "naps by the window"),
      ("pet", "comfort", "cleaning", "durability"), ("pet bed", "dog", "crate mat"),
      title=("style",), scale="dog_size", pet="dog"),
    T("Dog Toys", P, "Dogs", (7, 29), {
        "toy_type": ("chew", "plush", "fetch", "puzzle", "rope"),
        "durability": ("standard", "tough"), "squeaker": YN,
        "dog_size": ("small", "medium", "large")},
      ("Dog Toy", "Dog Toy"), "this toy", ("playtime", "bored puppies", "rainy days indoors"),
      ("pet", "durability", "value", "quality"), ("chew toy", "dog", "squeaky toy"),
      title=("durability", "toy_type"), pet="dog"),
    T("Cat Litter", P, "Cats", (12, 34), {
        "litter_type": ("clumping clay", "clumping clay", "pine", "corn", "silica crystal"),
        "scent": ("unscented", "fresh scent", "lavender"), "weight_lb": ("10", "20", "28", "40"),
        "low_dust": YN},
      ("Cat Litter", "Clumping Cat Litter"), "this litter",
      ("multi-cat homes", "small apartments", "odor control"),
      ("smell", "value", "pet"), ("kitty litter", "cat", "litter box"),
      title=("scent", "litter_type"), suffix=("weight_lb",), model=None, scale="weight_lb",
      pet="cat"),
    T("Dry Cat Food", P, "Cats", (14, 59), {
        "flavor": ("chicken", "salmon", "turkey", "tuna", "duck"),
        "life_stage": ("kitten", "adult", "adult", "senior"), "grain_free": YN,
        "indoor_formula": YN, "bag_weight_lb": ("3", "7", "12", "16")},
      "Dry Cat Food", "this food", ("picky cats", "everyday meals", "a steady feeding routine"),
      ("pet", "value", "freshness", "delivery"), ("cat food", "kibble", "cat"),
      title=("grain_free", "flavor"), suffix=("bag_weight_lb",), model=None, scale="bag_weight_lb",
      pet="cat"),
    T("Cat Trees", P, "Cats", (39, 199), {
        "color": ("grey", "beige", "brown", "white"), "height_inches": ("32", "48", "60", "72"),
        "level_count": ("2", "3", "4", "5"), "hideaway": YN},
      ("Cat Tree", "Cat Tower"), "this cat tree",
      ("active cats", "multi-cat homes", "sunny windows"),
      ("pet", "assembly", "stability", "quality"), ("cat tower", "scratching post", "cat"),
      suffix=("height_inches",), scale="height_inches", pet="cat"),
    # ---------------------------------------------------------------- Garden
    T("Garden Hoses", GD, "Watering", (25, 99), {
        "color": ("green", "black", "blue"), "length_ft": ("25", "50", "75", "100"),
        "material": ("rubber", "vinyl", "expandable fabric"), "kink_resistant": YN},
      ("Garden Hose", "Water Hose"), "this hose",
      ("watering the garden", "washing the car", "filling kiddie pools"),
      ("durability", "leaks", "ease", "quality"), ("hose", "watering", "yard"),
      title=("kink_resistant", "material"), suffix=("length_ft",), scale="length_ft"),
    T("Pruning Shears", GD, "Garden Tools", (12, 49), {
        "blade_type": ("bypass", "anvil"), "blade_material": ("carbon steel", "stainless steel"),
        "cut_capacity_inches": ("0.75", "1")},
      ("Pruning Shears", "Garden Pruners"), "these shears",
      ("rose bushes", "shaping shrubs", "clearing dead branches"),
      ("sharpness", "comfort", "durability", "value"), ("pruners", "secateurs", "gardening"),
      title=("blade_type",), scale="blade_material"),
    T("Plant Pots", GD, "Planters", (12, 89), {
        "color": ("white", "terracotta", "black", "grey", "sage green"),
        "material": ("ceramic", "terracotta", "fiberstone", "plastic"),
        "diameter_inches": ("6", "8", "10", "12", "16"), "drainage_hole": MOSTLY_YES},
      ("Planter", "Plant Pot", "Flower Pot"), "this planter",
      ("houseplants", "patio herbs", "windowsills"),
      ("look", "quality", "size", "delivery"), ("planter", "flower pot", "gardening"),
      title=("material",), suffix=("diameter_inches",), scale="diameter_inches"),
    T("Solar Path Lights", GD, "Outdoor Lighting", (19, 69), {
        "pack_count": ("4", "6", "8", "12"), "lumens": ("10", "25", "50"),
        "light_color": ("warm white", "cool white", "multicolor"),
        "runtime_hours": ("6", "8", "10")},
      ("Solar Path Lights", "Solar Pathway Lights"), "these lights",
      ("lining a walkway", "garden beds", "driveways"),
      ("brightness", "durability", "ease", "value"), ("solar lights", "outdoor lighting", "yard"),
      title=("light_color",), suffix=("pack_count",), scale="pack_count"),
    T("Lawn Mowers", GD, "Lawn Care", (149, 699), {
        "power": ("cordless electric", "corded electric", "gas", "manual reel"),
        "cutting_width_inches": ("14", "17", "20", "21"),
        "self_propelled?power=cordless electric|gas": YN, "mulching": YN},
      ("Lawn Mower", "Mower"), "this mower",
      ("small lawns", "suburban yards", "weekend yard work"),
      ("performance", "ease", "noise", "assembly"), ("mower", "lawn", "yard"),
      title=("power",), suffix=("cutting_width_inches",), model="code",
      scale="cutting_width_inches"),
    T("Grills", GD, "Grilling", (49, 399), {
        "color": ("black", "red", "silver"), "fuel": ("charcoal", "propane"),
        "cooking_area_sq_in": ("240", "360", "450", "650"),
        "burner_count?fuel=propane": ("2", "3", "4"), "portable": YN},
      ("Grill", "Barbecue Grill"), "this grill",
      ("backyard cookouts", "summer weekends", "family barbecues"),
      ("cooking", "assembly", "quality", "cleaning"), ("bbq", "barbecue", "outdoor cooking"),
      title=("portable", "fuel"), model="code", scale="cooking_area_sq_in"),
    T("Patio Chairs", GD, "Patio Furniture", (49, 249), {
        "color": ("natural", "grey", "black", "white", "teal"),
        "material": ("acacia wood", "aluminum", "resin wicker"), "pack_count": ("1", "2", "4"),
        "foldable": YN, "cushions_included": YN},
      ("Patio Chair", "Outdoor Chair"), "this chair",
      ("small balconies", "backyard dinners", "poolside"),
      ("comfort", "assembly", "durability", "look"), ("outdoor furniture", "deck", "porch"),
      title=("material",), suffix=("pack_count",), scale="pack_count"),
    # ---------------------------------------------------------------- Office
    T("Office Chairs", O, "Office Furniture", (99, 599), {
        "color": ("black", "grey", "white", "blue"),
        "material": ("mesh", "fabric", "vegan leather"), "lumbar_support": ("adjustable", "fixed"),
        "armrests": ("adjustable", "fixed"),
        "headrest": YN,
        "max_weight_lb": ("250", "300", "350")},
      ("Office Chair", "Desk Chair"), "this chair",
      ("long workdays", "home offices", "gaming sessions"),
      ("comfort", "support", "assembly", "durability"),
      ("desk chair", "ergonomic", "work from home"),
      title=("material",), scale="lumbar_support", weight=2),
    T("Standing Desks", O, "Office Furniture", (199, 799), {
        "color": ("black", "white", "walnut", "oak"),
        "width_inches": ("40", "48", "55", "60", "72"), "motor": ("single", "dual"),
        "memory_presets": YN},
      ("Standing Desk", "Sit-Stand Desk", "Height Adjustable Desk"), "this desk",
      ("home offices", "long workdays", "dual-monitor setups"),
      ("stability", "assembly", "noise", "quality"), ("sit stand desk", "desk", "ergonomic"),
      title=("motor",), suffix=("width_inches",), model="code", scale="width_inches"),
    T("Notebooks", O, "Paper", (6, 29), {
        "color": ("black", "navy", "green", "red", "grey"),
        "ruling": ("lined", "dot grid", "blank", "graph"), "cover": ("hardcover", "softcover"),
        "page_count": ("120", "160", "192", "240"), "page_size": ("a5", "b5", "letter")},
      ("Notebook", "Journal"), "this notebook",
      ("bullet journaling", "class notes", "meeting notes"),
      ("quality", "look", "value", "durability"), ("journal", "stationery", "notepad"),
      title=("cover", "ruling"), model=None, scale="page_count"),
    T("Gel Pens", O, "Writing", (6, 24), {
        "ink_color": ("black", "blue", "assorted"), "pack_count": ("4", "10", "12", "24"),
        "tip_mm": ("0.5", "0.7", "1.0"), "retractable": MOSTLY_YES},
      ("Gel Pens", "Gel Ink Pens"), "these pens",
      ("note taking", "journaling", "office supply closets"),
      ("quality", "value", "durability", "ease"), ("pens", "stationery", "writing"),
      title=("retractable",), suffix=("pack_count",), model=None, scale="pack_count"),
    T("Desk Lamps", O, "Desk Accessories", (25, 129), {
        "color": ("black", "white", "silver", "grey"), "brightness_levels": ("3", "5", "7"),
        "adjustable_color_temperature": YN, "usb_charging_port": YN,
        "mount": ("base", "base", "clamp")},
      ("Desk Lamp", "Task Lamp"), "this lamp",
      ("late-night study", "home offices", "craft tables"),
      ("brightness", "ease", "quality", "look"), ("lamp", "reading light", "study"),
      title=("mount",), scale="brightness_levels"),
    T("Wireless Mice", O, "Computer Accessories", (12, 99), {
        "color": ("black", "grey", "white", "pink"),
        "connection": ("bluetooth", "usb receiver", "bluetooth + usb receiver"),
        "dpi": ("1600", "2400", "4000", "8000"), "rechargeable": YN, "ergonomic": YN,
        "quiet_clicks": YN},
      ("Wireless Mouse", "Bluetooth Mouse"), "this mouse",
      ("laptop users", "long spreadsheet days", "travel bags"),
      ("comfort", "connectivity", "battery", "value"), ("computer mouse", "mouse", "wireless"),
      title=("ergonomic", "quiet_clicks"), model="code", scale="dpi"),
    T("Keyboards", O, "Computer Accessories", (25, 199), {
        "color": ("black", "white", "grey"), "layout": ("full size", "tenkeyless", "compact 75%"),
        "switch_type": ("membrane", "mechanical"), "wireless": YN, "backlit": YN},
      ("Keyboard", "Computer Keyboard"), "this keyboard",
      ("typing all day", "gaming", "a tidy desk"),
      ("comfort", "connectivity", "quality", "noise"), ("keyboard", "typing", "computer"),
      title=("wireless", "switch_type"), model="code", scale="switch_type"),
    T("Laptop Backpacks", O, "Bags", (35, 149), {
        "color": ("black", "grey", "navy", "green"), "laptop_size_inches": ("14", "15.6", "17"),
        "water_resistant": YN, "usb_port": YN, "capacity_liters": ("20", "25", "30")},
      ("Laptop Backpack", "Work Backpack"), "this backpack",
      ("daily commutes", "business trips", "campus"),
      ("size", "comfort", "durability", "quality"), ("backpack", "bag", "commute", "travel"),
      title=("water_resistant",), scale="capacity_liters"),
    # ---------------------------------------------------------------- Baby
    T("Strollers", BB, "Gear", (99, 799), {
        "color": ("black", "grey", "navy", "olive"),
        "stroller_type": ("full size", "lightweight", "jogging", "travel system"),
        "fold": ("one-hand fold", "compact fold"), "weight_lb": ("13", "17", "22", "27"),
        "reclining_seat": MOSTLY_YES},
      ("Stroller", "Baby Stroller"), "this stroller", ("city sidewalks", "travel", "park walks"),
      ("ease", "quality", "size", "durability"), ("pram", "pushchair", "baby gear"),
      title=("stroller_type",), model="code", scale="stroller_type"),
    T("Car Seats", BB, "Gear", (79, 399), {
        "color": ("black", "grey", "navy"),
        "seat_type": ("infant", "convertible", "all-in-one", "booster"),
        "max_weight_lb": ("35", "65", "100", "120"), "washable_cover": MOSTLY_YES},
      ("Car Seat", "Car Seat"),
      "this car seat",
      ("road trips", "daily drop-offs", "errands around town"),
      ("ease", "comfort", "quality", "cleaning"), ("baby car seat", "safety", "baby gear"),
      title=("seat_type",), model="code", scale="seat_type"),
    T("Baby Bottles", BB, "Feeding", (12, 39), {
        "material": ("glass", "bpa-free plastic", "silicone"), "capacity_oz": ("5", "8", "9"),
        "anti_colic": MOSTLY_YES, "pack_count": ("2", "3", "4")},
      ("Baby Bottles", "Feeding Bottles"), "these bottles",
      ("newborns", "night feeds", "daycare bags"),
      ("leaks", "cleaning", "ease", "quality"), ("bottles", "feeding", "newborn"),
      title=("anti_colic", "material"), suffix=("pack_count",), model=None, scale="pack_count"),
    T("Diapers", BB, "Diapering", (19, 59), {
        "diaper_size": ("newborn", "1", "2", "3", "4", "5", "6"),
        "count": ("64", "84", "120", "168"), "fragrance_free": MOSTLY_YES, "overnight": MOSTLY_NO},
      "Diapers", "these diapers", ("daily changes", "stocking up", "diaper bags"),
      ("absorbency", "leaks", "skin", "value"), ("nappies", "diapering", "baby"),
      title=("overnight",), suffix=("diaper_size", "count"), model=None, scale="count"),
    T("Baby Monitors", BB, "Safety", (39, 299), {
        "monitor_type": ("audio", "video", "wifi video"),
        "screen_size_inches?monitor_type=video": ("2.8", "4.3", "5"),
        "night_vision?monitor_type=video|wifi video": ("yes",), "range_ft": ("600", "1000"),
        "two_way_talk": YN},
      "Baby Monitor", "this monitor", ("naps and nighttime", "peace of mind", "larger homes"),
      ("ease", "connectivity", "picture", "battery"), ("monitor", "nursery", "baby safety"),
      title=("monitor_type",), model="code", scale="monitor_type"),
    T("Swaddle Blankets", BB, "Nursery", (15, 49), {
        "material": ("muslin cotton", "bamboo viscose", "organic cotton"),
        "pattern": ("stars", "animals", "solid", "floral"), "pack_count": ("1", "2", "3", "4")},
      ("Swaddle Blankets", "Muslin Swaddles"), "these swaddles",
      ("newborn sleep", "baby showers", "stroller naps"),
      ("softness", "quality", "size", "value"),
      ("swaddle", "receiving blanket", "newborn", "gift"),
      title=("material",), suffix=("pack_count",), model=None, scale="pack_count"),
    T("Bodysuits", BB, "Clothing", (12, 35), {
        "color": ("white", "grey", "pink", "blue", "yellow", "assorted"),
        "material": ("organic cotton", "cotton"), "sleeve": ("short sleeve", "long sleeve"),
        "pack_count": ("3", "5")},
      ("Baby Bodysuits", "Bodysuit Pack"), "these bodysuits",
      ("everyday baby wear", "baby showers", "layering"),
      ("softness", "fit", "quality", "durability"), ("baby clothes", "newborn", "layette"),
      title=("sleeve", "material"), suffix=("pack_count",), model=None, sizes="baby",
      scale="pack_count"),
    T("High Chairs", BB, "Feeding", (59, 249), {
        "color": ("white", "grey", "natural", "black"), "material": ("wood", "plastic"),
        "foldable": YN, "adjustable_height": YN, "dishwasher_safe_tray": YN},
      ("High Chair", "Baby High Chair"), "this high chair",
      ("first solid foods", "family dinners", "small kitchens"),
      ("cleaning", "assembly", "stability", "quality"), ("highchair", "feeding", "baby gear"),
      title=("foldable", "material"), scale="material"),
    # ---------------------------------------------------------------- Jewelry & Accessories
    T("Necklaces", J, "Jewelry", (19, 299), {
        "metal": METALS, "style": ("pendant", "chain", "choker", "layered"),
        "length_inches": ("16", "18", "20"), "stone": ("none", "cubic zirconia", "pearl", "opal")},
      ("Necklace", "Pendant Necklace"), "this necklace",
      ("everyday wear", "anniversaries", "gifting"),
      ("look", "quality", "durability", "value"), ("jewelry", "gift", "necklace"),
      title=("metal", "style"), scale="metal"),
    T("Earrings", J, "Jewelry", (15, 199), {
        "metal": METALS, "style": ("studs", "hoops", "drops", "huggies"),
        "hypoallergenic": MOSTLY_YES},
      "Earrings", "these earrings", ("everyday wear", "date nights", "gifting"),
      ("look", "comfort", "quality", "value"), ("jewelry", "gift", "earrings"),
      title=("metal", "style"), scale="metal"),
    T("Rings", J, "Jewelry", (19, 249), {
        "metal": METALS, "style": ("band", "stacking", "solitaire", "signet"),
        "stone": ("none", "cubic zirconia", "moissanite", "garnet")},
      "Ring", "this ring", ("everyday stacking", "anniversaries", "gifting"),
      ("look", "fit", "quality", "durability"), ("jewelry", "gift", "ring"),
      title=("metal", "style"), sizes="ring", scale="metal"),
    T("Wristwatches", J, "Watches", (49, 399), {
        "color": ("black", "silver", "gold", "blue", "green"),
        "movement": ("quartz", "automatic", "solar"), "case_size_mm": ("36", "38", "40", "42"),
        "band": ("leather", "stainless steel", "nylon", "silicone"),
        "water_resistance": ("30 m", "50 m", "100 m")},
      ("Watch", "Wristwatch", "Analog Watch"), "this watch",
      ("everyday wear", "the office", "gifting"),
      ("look", "quality", "comfort", "value"), ("watch", "analog", "gift"),
      title=("movement",), model="word", scale="movement"),
    T("Sunglasses", J, "Eyewear", (19, 179), {
        "frame_shape": ("aviator", "round", "square", "cat-eye", "rectangle"),
        "polarized": MOSTLY_YES, "lens_color": ("grey", "brown", "green", "mirrored blue"),
        "uv_protection": ("uv400",)},
      "Sunglasses", "these sunglasses", ("driving", "beach days", "summer vacations"),
      ("look", "comfort", "quality", "value"), ("shades", "eyewear", "summer"),
      title=("polarized", "frame_shape"), scale="polarized"),
    T("Wallets", J, "Small Leather Goods", (19, 89), {
        "color": LEATHER_COLORS, "material": ("leather", "vegan leather", "canvas"),
        "style": ("bifold", "trifold", "card holder", "zip-around"), "rfid_blocking": YN},
      "Wallet", "this wallet", ("everyday carry", "travel", "gifting"),
      ("quality", "size", "durability", "look"), ("billfold", "card holder", "gift"),
      title=("rfid_blocking", "material", "style"), scale="material"),
    T("Crossbody Bags", J, "Handbags", (29, 199), {
        "color": LEATHER_COLORS, "material": ("leather", "vegan leather", "nylon", "canvas"),
        "adjustable_strap": MOSTLY_YES, "pocket_count": ("2", "3", "5")},
      ("Crossbody Bag", "Crossbody Purse"), "this bag",
      ("running errands", "travel days", "nights out"),
      ("size", "quality", "look", "durability"), ("purse", "handbag", "shoulder bag"),
      title=("material",), scale="material"),
    T("Beanies", J, "Hats", (12, 39), {
        "color": APPAREL_COLORS,
        "material": ("merino wool", "acrylic", "cashmere blend", "cotton"), "cuffed": MOSTLY_YES,
        "pom_pom": MOSTLY_NO, "lining": ("fleece lined", "unlined")},
      ("Beanie", "Knit Beanie", "Winter Hat"), "this beanie",
      ("cold mornings", "ski trips", "winter walks"),
      ("warmth", "fit", "softness", "quality"), ("winter hat", "toque", "knit hat", "winter"),
      title=("material",), scale="material"),
)

DEPARTMENTS: tuple[str, ...] = tuple(dict.fromkeys(t.dept for t in TYPES))
TYPES_BY_NAME: dict[str, ProductType] = {t.name: t for t in TYPES}

# Size scales for variants; shoes and apparel pick the scale by gender.
SIZE_SCALES: dict[str, tuple[str, ...]] = {
    "apparel": ("XS", "S", "M", "L", "XL", "XXL"),
    "apparel_kids": ("4", "5", "6", "7", "8", "10", "12", "14"),
    "waist_men": ("28", "30", "32", "34", "36", "38", "40"),
    "waist_women": ("0", "2", "4", "6", "8", "10", "12", "14"),
    "shoe_men": ("7", "7.5", "8", "8.5", "9", "9.5", "10", "10.5", "11", "11.5", "12", "13"),
    "shoe_women": ("5", "5.5", "6", "6.5", "7", "7.5", "8", "8.5", "9", "9.5", "10", "11"),
    "shoe_kids": ("10", "11", "12", "13", "1", "2", "3", "4"),
    "socks": ("S", "M", "L", "XL"),
    "baby": ("NB", "0-3M", "3-6M", "6-9M", "9-12M", "12-18M", "18-24M"),
    "ring": ("5", "6", "7", "8", "9", "10"),
}


def size_scale(kind: str, gender: str | None) -> tuple[str, ...]:
    """The size labels a product of this size kind and gender is offered in."""
    g = (gender or "").lower()
    if kind == "apparel":
        return SIZE_SCALES["apparel_kids" if g == "kids" else "apparel"]
    if kind == "waist":
        return SIZE_SCALES["waist_women" if g == "women" else "waist_men"]
    if kind == "shoe":
        return SIZE_SCALES[{"men": "shoe_men", "women": "shoe_women"}.get(g, "shoe_kids")]
    return SIZE_SCALES[kind]
