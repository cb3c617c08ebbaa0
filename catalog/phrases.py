"""Wording for the demo catalog: attribute phrases, title words, description and review text.

Everything here was written for Shopbot. Attribute phrases restate an attribute value
in words and add nothing, so a description never claims a fact its product lacks.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Attribute keys that end in a unit: generic phrasing reads the unit off the key.
UNIT_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("_sq_in", "sq in"), ("_inches", "in"), ("_hours", "hours"), ("_days", "days"),
    ("_minutes", "minutes"), ("_oz", "oz"), ("_lb", "lb"), ("_liters", "liters"),
    ("_quarts", "quarts"), ("_cups", "cups"), ("_mm", "mm"), ("_ft", "ft"), ("_gb", "GB"),
    ("_mah", "mAh"), ("_ml", "ml"), ("_f", "°F"), ("_hz", "Hz"), ("_percent", "%"), ("_g", "g"),
    ("_mph", "mph"),
)

# Tokens that are written in capitals (or a fixed form) wherever a value is shown.
_SPECIAL = {"4k": "4K", "2k": "2K", "led": "LED", "mini-led": "Mini-LED", "oled": "OLED",
            "ips": "IPS",
            "va": "VA", "tpe": "TPE", "pvc": "PVC", "usb": "USB", "bpa-free": "BPA-free",
            "eva": "EVA", "uv400": "UV400", "a5": "A5", "b5": "B5", "ipx4": "IPX4",
            "ipx5": "IPX5", "ipx7": "IPX7", "ip68": "IP68", "atm": "ATM", "wifi": "Wi-Fi",
            "14k": "14K", "1080p": "1080p", "1440p": "1440p"}


def pretty(value: str) -> str:
    """A value as shown in running text: lower case except acronyms ("4k" -> "4K")."""
    return " ".join(_SPECIAL.get(w, w) for w in value.split())


def title_case(value: str) -> str:
    """A value as shown in a title: words capitalised, acronyms kept ("4k" -> "4K")."""
    words = []
    for w in value.split():
        if w in _SPECIAL:
            words.append(_SPECIAL[w].replace("BPA-free", "BPA-Free"))
        else:
            words.append("-".join(p[:1].upper() + p[1:] for p in w.split("-")))
    return " ".join(words)


def _n(count: str, one: str, many: str) -> str:
    return f"{count} {one if count == '1' else many}"


def _gb(v: str) -> str:
    return "1TB" if v == "1024" else f"{v}GB"


# ---- description phrases: every one a noun phrase, so any sentence frame fits ----------
# A str is a template over {v} (value as in running text) or {V} (title case); a dict maps
# a value to its phrase or template, "*" for any other value, None to say nothing; a
# callable gets the raw value.
Phrase = str | dict[str, str | None] | Callable[[str], str | None]
FEATURES: dict[str, Phrase] = {
    "age_range": "an age rating of {v}", "animal": "a {v} design", "armrests": "{v} armrests",
    "band": "a {v} band", "base_material": "a {v} base", "bed_size": "a {v} size",
    "blade_material": "a {v} blade", "blade_type": "a {v} cutting action",
    "breed_size": "kibble sized for {v}", "closure": "a {v} closure",
    "concentration": "a {v} concentration",
    "connection": "a {v} connection", "cover": "a {v} binding", "cushioning": "{v} cushioning",
    "cut": "a {v}-cut design", "density": "{v} density", "dimensions": "a footprint of {v}",
    "display": "a {v} display", "dog_size": "a fit for {v} dogs",
    "durability": {"tough": "a tough build for strong chewers", "standard": None},
    "fill": "{v} fill", "finish": "a {v} finish", "firmness": "{v} firmness", "fit": "a {v} fit",
    "flavor": "{v} flavor", "flavor_notes": "tasting notes of {v}", "fold": "a {v}",
    "form": "a {v} texture", "formula": "a {v} formula", "frame_shape": "{v} frames",
    "fuel": "{v} fuel",
    "game_type": "{v}-style gameplay", "grade": "{v} grade oil",
    "hair_type": {"all": "a formula for all hair types", "*": "a formula for {v} hair"},
    "handle": "a {v} handle", "head_type": "a {v} shaving head", "heat": "a {v} heat level",
    "heel": "a {v}", "height": "a {v} shaft", "key_ingredient": "{v} as the key ingredient",
    "layout": "a {v} layout", "length": "a {v} length", "lens_color": "{v} lenses",
    "level": "{v}-grade construction", "life_stage": "a recipe for {v} pets",
    "light_color": "{v} light",
    "light_control": "{v} fabric",
    "lining": lambda v: f"a {v} interior" if v.endswith("lined") else f"a {v} lining",
    "litter_type": "{v} litter", "lumbar_support": "{v} lumbar support", "metal": "{v}",
    "monitor_type": "{v} monitoring", "motor": "a {v}-motor lift", "mount": "a {v} mount",
    "movement": "a {v} movement", "neckline": "a {v}",
    "origin": {"house blend": "a house blend", "*": "an origin of {V}"},
    "occasion": {"casual": "an easy casual look", "party": "a look made for parties",
                 "work": "a polished look for work", "wedding guest": "a look suited to weddings"},
    "panel": "a {v} panel", "pattern": "a {v} print", "pepper": "{v} peppers",
    "placement": "{v} placement", "players": "room for {v} players", "power": "{v} power",
    "resistance": "{v} resistance", "resolution": "{v} resolution", "rise": "a {v} waist",
    "riding_style": {"kids": "a design sized for kids", "*": "a {v} riding design"},
    "roast": "a {v} roast", "ruling": "{v} pages",
    "scent": {"unscented": "an unscented formula", "fresh scent": "a fresh scent",
              "*": "a {v} scent"},
    "scent_family": "a {v} scent profile", "season": "{v} protection",
    "seat_type": "a {v} seat design",
    "setup": "{v} setup", "shape": "a {v} shape",
    "skin_type": {"all": "a formula for all skin types", "*": "a formula for {v} skin"},
    "sleep_position": {"all": "support for every sleep position", "*": "support for {v} sleepers"},
    "sleeve": {"sleeveless": "a sleeveless cut", "short sleeve": "short sleeves",
               "long sleeve": "long sleeves"},
    "sold_as": {"single": "a single dumbbell", "pair": "a matched pair"},
    "spf": {"none": None, "*": "SPF {v} protection"},
    "stone": {"none": None, "*": "a {v} stone"}, "stroller_type": "a {v} frame",
    "style": "a {v} style",
    "support": "{v} support", "switch_type": "{v} switches", "tea_type": "{v} tea leaves",
    "terrain": "{v} tires", "theme": "a {v} theme", "thread_count": "a {v} thread count",
    "toy_type": "{v} play", "wash": "a {v}", "warmth": "{v} warmth",
    "water_resistance": {"none": None, "*": "{v} water resistance"}, "wax": "{v} wax",
    "pile": "a {v} pile", "lid": "a {v}", "ball_size": "a size {v} ball",
    "uv_protection": "{v} protection", "width": "a {v} width",
    "ink_color": "{v} ink", "page_size": "{v} pages", "gsm": "a {v} gsm weave",
    "dpi": "up to {v} dpi",
    "lumens": "{v} lumens of light", "wattage": "{v} watts of power",
    "count": "{v} diapers per box",
    "diaper_size": lambda v: "newborn sizing" if v == "newborn" else f"size {v} fit",
    # keys with units, worded by hand where the generic "{v} {unit} <name>" reads badly
    "battery_life_hours": "up to {v} hours of battery life",
    "battery_life_days": "up to {v} days of battery life",
    "battery_life_minutes": "{v} minutes of cordless runtime",
    "burn_time_hours": "about {v} hours of burn time",
    "runtime_hours": "up to {v} hours of light per charge",
    "keeps_hot_hours": "heat retention of up to {v} hours",
    "max_weight_lb": "a {v} lb weight limit", "weight_lb": "a weight of {v} lb",
    "bag_weight_lb": "a {v} lb bag",
    "weight_oz": "{v} oz net weight", "size_oz": "a {v} oz bottle", "size_ml": "a {v} ml bottle",
    "volume_ml": "a {v} ml bottle", "volume_oz": "a {v} oz bottle",
    "capacity_oz": "a {v} oz capacity",
    "capacity_liters": "a {v} liter capacity", "capacity_quarts": "a {v} quart capacity",
    "capacity_cups": "room to brew {v} cups", "capacity_mah": "a {v} mAh battery",
    "capacity_people": lambda v: f"room for {_n(v, 'person', 'people')}",
    "screen_size_inches": "a {v}-inch screen",
    "case_size_mm": "a {v} mm case", "length_ft": "a {v} ft length",
    "length_inches": "a {v} in length",
    "height_inches": "a height of {v} in", "diameter_inches": "a {v} in diameter",
    "width_inches": "a {v} in wide top",
    "laptop_size_inches": "a sleeve for laptops up to {v} in",
    "blade_length_inches": "a {v} in blade",
    "cut_capacity_inches": "a {v} in cutting capacity",
    "cutting_width_inches": "a {v} in cutting deck",
    "thickness_mm": "{v} mm of cushioning", "lug_depth_mm": "{v} mm lugs", "tip_mm": "{v} mm tips",
    "ram_gb": "{v} GB of RAM", "storage_gb": lambda v: f"{_gb(v)} of storage",
    "refresh_rate_hz": "a {v} Hz refresh rate", "range_ft": "up to {v} ft of range",
    "oven_safe_f": "oven safety up to {v}°F", "top_speed_mph": "a top speed of {v} mph",
    "play_time_minutes": "games of about {v} minutes",
    "water_resistant_minutes": "{v} minutes of water resistance",
    "cooking_area_sq_in": "{v} sq in of cooking space",
    "temp_rating_f": "a {v}°F temperature rating",
    "cacao_percent": "{v}% cacao", "protein_g": "{v} g of protein per bar",
    "pack_count": lambda v: None if v == "1" else f"a pack of {v}",
    "piece_count": "{v} pieces", "bar_count": "{v} bars per box", "level_count": "{v} levels",
    "wheel_count": "{v} wheels", "panel_count": lambda v: _n(v, "panel", "panels"),
    "attachment_count": lambda v: _n(v, "styling attachment", "styling attachments"),
    "pocket_count": "{v} pockets", "burner_count": "{v} burners", "page_count": "{v} pages",
    "seats": "seating for {v}", "shelves": "{v} shelves",
    "wicks": lambda v: _n(v, "wick", "wicks"),
    "vents": "{v} vents", "brightness_levels": "{v} brightness levels",
    "heat_settings": "{v} heat settings",
}

# What a "yes" says; a "no" says nothing unless listed in FEATURES_NO.
FEATURES_YES: dict[str, str] = {
    "adjustable_color_temperature": "adjustable color temperature",
    "adjustable_height": "adjustable height",
    "adjustable_strap": "an adjustable strap", "anti_colic": "an anti-colic vent",
    "backlit": "backlit keys",
    "bulb_included": "a bulb in the box", "caffeinated": "natural caffeine",
    "cellular": "cellular connectivity",
    "cuffed": "a cuffed brim", "cup_lid": "a lid that doubles as a cup",
    "curved": "a curved screen",
    "cushioned": "a cushioned sole", "cushions_included": "seat cushions",
    "decaf": "decaffeinated beans",
    "dishwasher_safe": "a dishwasher-safe design",
    "dishwasher_safe_tray": "a dishwasher-safe tray",
    "double_wall": "double-wall insulation", "drainage_hole": "a drainage hole",
    "ergonomic": "an ergonomic shape",
    "fast_charging": "fast charging", "fragrance_free": "a fragrance-free formula",
    "gps": "built-in GPS",
    "gluten_free": "a gluten-free recipe", "grain_free": "a grain-free recipe",
    "handles": "built-in handles",
    "headrest": "a headrest", "heart_rate_monitor": "heart rate monitoring",
    "hideaway": "an enclosed hideaway",
    "hooded": "a hood", "hydration_compatible": "a hydration sleeve",
    "hypoallergenic": "a hypoallergenic design",
    "impact_liner": "a rotational impact liner", "indoor_formula": "an indoor formula",
    "induction_compatible": "induction compatibility", "insulated": "vacuum insulation",
    "ionic": "ionic drying", "kink_resistant": "kink resistance", "leakproof": "a leakproof lid",
    "light_up_wheels": "light-up wheels", "long_wear": "long-wearing color",
    "low_dust": "a low-dust formula",
    "machine_washable": "a machine-washable body", "memory_presets": "memory height presets",
    "microwave_safe": "a microwave-safe design", "mulching": "a mulching mode",
    "night_vision": "night vision",
    "noise_cancelling": "active noise cancelling", "non_slip": "a non-slip surface",
    "organic": "organic ingredients",
    "outdoor_sole": "an indoor-outdoor sole", "overnight": "overnight protection",
    "packable": "a packable design",
    "pockets": "side pockets", "polarized": "polarized lenses", "pom_pom": "a pom-pom",
    "portable": "a portable design",
    "programmable": "programmable brewing", "quiet_clicks": "quiet clicks",
    "rain_cover": "a rain cover",
    "rear_light": "a rear light", "rechargeable": "a rechargeable battery",
    "reclining_seat": "a reclining seat",
    "reflective": "reflective stitching", "retractable": "retractable tips",
    "rfid_blocking": "RFID blocking",
    "rock_plate": "a rock plate", "self_propelled": "self-propelled drive",
    "sleep_tracking": "sleep tracking",
    "sleeper": "a pull-out sleeper", "squeaker": "a squeaker", "stylus_support": "stylus support",
    "sulfate_free": "a sulfate-free formula",
    "temperature_control": "variable temperature control",
    "thermal_carafe": "a thermal carafe", "touchscreen": "a touchscreen",
    "two_way_talk": "two-way talk",
    "upf_50": "UPF 50 sun protection", "usb_charging_port": "a USB charging port",
    "usb_port": "a USB charging port",
    "vegan": "a vegan formula", "viewing_window": "a viewing window",
    "washable": "a machine-washable build",
    "washable_cover": "a washable cover", "water_resistant": "water resistance",
    "waterproof": "a waterproof build",
    "wet_dry": "wet or dry shaving", "wireless": "wireless connectivity",
    "wireless_charging": "wireless charging",
    "foldable": "a foldable frame", "dimmable": "dimmable light",
}
FEATURES_NO: dict[str, str] = {
    "dishwasher_safe": "hand-wash-only care", "caffeinated": "a caffeine-free blend",
    "bulb_included": "a bulb sold separately", "wireless": "a wired connection",
}

# Title words for attributes shown in titles.
TITLE_YES: dict[str, str] = {
    "noise_cancelling": "Noise Cancelling", "grain_free": "Grain-Free",
    "rfid_blocking": "RFID-Blocking",
    "anti_colic": "Anti-Colic", "sulfate_free": "Sulfate-Free", "non_slip": "Non-Slip",
    "kink_resistant": "Kink-Resistant", "temperature_control": "Variable Temperature",
    "gps": "GPS",
    "quiet_clicks": "Silent", "water_resistant": "Water-Resistant", "insulated": "Insulated",
    "leakproof": "Leakproof", "programmable": "Programmable", "decaf": "Decaf",
    "overnight": "Overnight",
}
TITLE_NO: dict[str, str] = {"wireless": "Wired"}
TITLE_FORMS: dict[str, str | Callable[[str], str]] = {
    "bag_weight_lb": "{v} lb", "weight_lb": "{v} lb", "capacity_oz": "{v} oz",
    "capacity_liters": "{v}L",
    "capacity_cups": "{v}-Cup", "capacity_mah": "{v}mAh", "capacity_people": "{v}-Person",
    "capacity_quarts": "{v} Qt", "cutting_width_inches": '{v}"', "diameter_inches": "{v} Inch",
    "blade_length_inches": "{v}-Inch", "height_inches": "{v} Inch", "length_ft": "{v} ft",
    "length_inches": "{v} Inch", "screen_size_inches": '{v}"', "ram_gb": "{v}GB RAM",
    "storage_gb": lambda v: f"{_gb(v)} Storage", "temp_rating_f": "{v}°F",
    "thickness_mm": "{v} mm",
    "size_ml": "{v} ml", "size_oz": "{v} oz", "volume_ml": "{v} ml", "volume_oz": "{v} oz",
    "weight_oz": "{v} oz", "width_inches": '{v}" Wide', "lumens": "{v} Lumens",
    "pack_count": lambda v: "" if v == "1" else f"Pack of {v}", "piece_count": "{v} Pieces",
    "bar_count": "{v} Count", "count": "{v} Count", "cacao_percent": "{v}%",
    "wheel_count": "{v}-Wheel",
    "dimensions": "{v}", "ball_size": "Size {v}",
    "diaper_size": lambda v: "Newborn" if v == "newborn" else f"Size {v}",
    "fit": "{V} Fit", "roast": "{V} Roast", "spf": "SPF {v}",
    "durability": lambda v: "Tough" if v == "tough" else "",
    "mount": lambda v: "Clamp-On" if v == "clamp" else "", "motor": "{V}-Motor", "rise": "{V}",
    "riding_style": lambda v: "Kids'" if v == "kids" else title_case(v),
    "monitor_type": "{V}", "closure": "{V}", "cut": "{V}-Cut",
    "sold_as": lambda v: "Pair" if v == "pair" else "Single",
}


def feature_phrase(key: str, value: str) -> str | None:
    """Words for one attribute in a description, or None when it is not worth saying."""
    if value in ("yes", "no") and key not in FEATURES:
        if value == "no":
            return FEATURES_NO.get(key)
        return FEATURES_YES.get(key, key.replace("_", " "))
    spec = FEATURES.get(key)
    if callable(spec):
        return spec(value)
    if isinstance(spec, dict):
        spec = spec[value] if value in spec else spec.get("*")
        if spec is None:
            return None
    if isinstance(spec, str):
        return spec.format(v=pretty(value), V=title_case(value))
    for suffix, unit in UNIT_SUFFIXES:
        if key.endswith(suffix):
            return f"{pretty(value)} {unit} {key[: -len(suffix)].replace('_', ' ')}"
    return f"{pretty(value)} {key.replace('_', ' ')}"


def title_words(key: str, value: str) -> str:
    """The words an attribute adds to a title ("" for a "no" or an uninformative value)."""
    if value in ("yes", "no"):
        if value == "no":
            return TITLE_NO.get(key, "")
        return TITLE_YES.get(key, title_case(key.replace("_", " ")))
    form = TITLE_FORMS.get(key)
    if callable(form):
        return form(value)
    if form:
        return form.format(v=value, V=title_case(value))
    return title_case(value)


# ---- descriptions ------------------------------------------------------------------
# {name}: brand, model and noun; {be}/{have}: verb agreeing with the product noun.
# {rest}: the name without the brand.
INTROS = (
    "The {name} {be} made for {use}.",
    "The {name} {be} designed with {use} in mind.",
    "Built for {use}, the {name} keep{s} things simple.",
    "If you are shopping for {use}, the {name} {be} worth a look.",
    "{brand} put together the {rest} for {use}.",
)
FEATURE_FRAMES = (
    "Key features include {list}.",
    "Highlights: {list}.",
    "{Pr} {offer} {list}.",
    "You get {list}.",
    "Expect {list}.",
)
MATERIAL_FRAMES = ("Made from {m}.", "{Pr} {be} made of {m}.", "The main material is {m}.")
COLOR_ONE = ("Color: {c}.", "This one comes in {c}.", "Shown in {c}.")
COLOR_MANY = ("Available in {c}.", "Choose from {c}.", "Colors on offer: {c}.")
SIZES_FRAMES = ("Sizes run from {first} to {last}.", "Offered in sizes {first} through {last}.")
USE_FRAMES = ("A good pick for {use} as well.", "Also handy for {use}.", "{Pr} also suit{s} {use}.")

# ---- reviews -----------------------------------------------------------------------
# Placeholders: {Ref}/{ref} "these boots", {Pr}/{pr} "they"/"it", {obj} "them"/"it",
# {be} are/is, {was} were/was, {have} have/has, {s} verb ending, {pet} dog/cat.
ASPECTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "comfort": (
        ("{Ref} {be} comfortable from the very first day.",
         "Really comfortable, even after a long day.",
         "Not uncomfortable at all, which surprised me."),
        ("{Pr} never got comfortable, no matter how long I tried.", "Comfort is a letdown.",
         "{Pr} started to hurt after an hour.")),
    "fit": (
        ("Fits true to size.", "The fit is spot on; I ordered my usual size.",
         "Sizing matched the chart exactly."),
        ("Runs small, so I had to exchange for a bigger size.", "Runs large; order a size down.",
         "The fit is off and the sizing chart didn't help.")),
    "quality": (
        ("Build quality feels solid.", "Well made, with tidy stitching and finishing.",
         "Never felt cheap, even up close."),
        ("Feels cheaply made.",
         "Mine arrived with a defect, so quality control is clearly lacking.",
         "Not the quality I hoped for.")),
    "durability": (
        ("Still holding up great after months of use.", "Tough and shows almost no wear.",
         "Held up to daily use without any issues."),
        ("{Pr} didn't last; {pr} started falling apart within weeks.",
         "Broke after a couple of months.", "Wore out way faster than it should have.")),
    "value": (
        ("Great value for the money.", "Worth every penny.", "For the price, you can't beat it."),
        ("Overpriced for what you get.", "Not worth the money.",
         "Too expensive for this quality.")),
    "delivery": (
        ("Arrived quickly and well packaged.", "Shipping was fast; it came two days early.",
         "Delivery was quick and painless."),
        ("Took almost two weeks to arrive.", "The box arrived crushed.",
         "Delivery was late and nobody sent an update.")),
    "look": (
        ("Looks even better in person.", "The color is exactly like the photos.",
         "Stylish, and I've had compliments."),
        ("The color looks different from the pictures.", "Looks cheaper in person.",
         "Not as nice looking as I hoped.")),
    "battery": (
        ("Battery life is excellent; I only charge {obj} a couple of times a week.",
         "The battery easily lasts all day.", "Battery life matches what was advertised."),
        ("The battery drains much faster than advertised.", "Battery life is disappointing.",
         "After a month the battery barely lasts half a day.")),
    "sound": (
        ("Sound is clear with plenty of bass.", "Great sound for the size.",
         "Audio is crisp and balanced."),
        ("Sound gets tinny at higher volumes.", "The bass is muddy.",
         "Audio cuts out now and then.")),
    "picture": (
        ("The picture is sharp and the colors pop.", "Crisp image, even in a bright room.",
         "The picture quality blew me away."),
        ("The picture looks washed out.",
         "There is noticeable glow around the edges in dark scenes.",
         "Fast motion looks blurry.")),
    "performance": (
        ("Performs great, no complaints.", "Fast, and does exactly what it should.",
         "Works like a charm every time."),
        ("Performance is sluggish.", "Struggles with anything demanding.",
         "Stopped working properly after a few weeks.")),
    "taste": (
        ("Tastes fantastic.", "Rich flavor without being too sweet.",
         "My whole family loves the taste."),
        ("The taste is bland.", "Tastes artificial to me.", "Way too bitter for my liking.")),
    "freshness": (
        ("Arrived fresh with a long best-by date.", "Very fresh, like it was just made.",
         "Fresh every time I reorder."),
        ("Tasted stale out of the package.", "Arrived close to its best-by date.",
         "Not fresh at all.")),
    "smell": (
        ("Smells lovely without being overpowering.", "The scent is gorgeous and lasts.",
         "Smells great, not bad at all for the price."),
        ("The smell is way too strong.", "Has a chemical smell that didn't go away.",
         "The scent fades within an hour.")),
    "skin": (
        ("No irritation at all on my sensitive skin.", "My skin feels soft afterwards.",
         "Gentle enough to use every day."),
        ("Broke me out within a few days.", "Caused redness and itching.",
         "Left my skin feeling tight and dry.")),
    "texture": (
        ("Absorbs quickly and doesn't feel greasy.", "Lovely texture.",
         "Goes on smooth and even."),
        ("Feels greasy and sits on top of the skin.", "The texture is gritty.",
         "Goes on patchy.")),
    "ease": (
        ("Easy to use right out of the box.", "Setup took five minutes.", "Simple and intuitive."),
        ("The instructions are confusing.", "Hard to figure out.", "Setup was a real pain.")),
    "cleaning": (
        ("Cleans up in seconds.", "Easy to keep clean.", "A quick rinse and it's clean."),
        ("A pain to clean.", "Stains easily and doesn't come clean.",
         "Hard to clean in the corners.")),
    "assembly": (
        ("Assembly was straightforward.", "Went together in under half an hour.",
         "The instructions were clear and everything lined up."),
        ("Assembly took hours and a few holes didn't line up.",
         "Hardware was missing from the box.", "The instructions are useless.")),
    "size": (
        ("Roomier than it looks.", "Holds plenty.", "The size is just right."),
        ("Smaller than I expected.", "Doesn't hold as much as I thought it would.",
         "Bulkier than the photos suggest.")),
    "warmth": (
        ("Very warm, even on freezing mornings.", "Keeps me warm without feeling bulky.",
         "Warmer than I expected."),
        ("Not warm enough for a real winter.", "I was cold within an hour.",
         "Warmth is mediocre at best.")),
    "grip": (
        ("Great traction, even on wet rocks.", "The grip is excellent.", "Never slipped once."),
        ("Slippery on wet surfaces.", "Traction is poor.", "The grip wore down fast.")),
    "waterproofing": (
        ("Stayed completely dry in a downpour.", "Kept the water out on a very rainy day.",
         "Waterproofing is the real deal."),
        ("Leaked after an hour in the rain.", "Not as waterproof as I was led to believe.",
         "Water got in at the seams.")),
    "kids": (
        ("My kids play with {obj} every day.", "My daughter loved {obj}.",
         "A big hit with my son and his friends."),
        ("My kids lost interest after a day.", "Too hard for the age range listed.",
         "My son got bored of {obj} quickly.")),
    "pet": (
        ("My {pet} loves {obj}.", "Our {pet} took to {obj} right away.",
         "My picky {pet} approves."),
        ("My {pet} wasn't interested at all.", "Our {pet} ignored {obj} completely.",
         "My {pet} had an upset stomach afterwards.")),
    "cooking": (
        ("Heats evenly with no hot spots.", "Cooks food quickly and evenly.",
         "Makes cooking so much easier."),
        ("Heats unevenly.", "Food sticks no matter what I do.", "Takes forever to heat up.")),
    "temperature": (
        ("Keeps coffee hot for hours.", "My drinks stay hot all morning.",
         "Ice was still there at the end of the day."),
        ("Coffee is lukewarm after an hour.", "Doesn't keep drinks hot for long.",
         "Sweats and loses heat quickly.")),
    "leaks": (
        ("No leaks, even when tossed in my bag.", "Completely leakproof so far.",
         "Doesn't drip at all."),
        ("{Pr} leaked in my bag.", "Drips from the lid.", "The seal failed after a few weeks.")),
    "noise": (
        ("Runs quietly.", "Quieter than my old one.", "Barely makes a sound."),
        ("Loud enough to wake the house.", "Much noisier than I expected.",
         "Makes an annoying whine.")),
    "connectivity": (
        ("Pairs instantly with my phone.", "The connection is rock solid.",
         "Never dropped the connection once."),
        ("Keeps disconnecting.", "Pairing is unreliable.",
         "The connection drops if I walk into the next room.")),
    "support": (
        ("Great support for my back.", "Supportive without being hard.", "My neck pain is gone."),
        ("Flattened out within weeks.", "Not enough support.", "Left me sore in the morning.")),
    "softness": (
        ("So soft.", "Soft, and it gets softer after washing.", "Feels lovely against the skin."),
        ("Scratchy.", "Pilled after a few washes.", "Not as soft as I hoped.")),
    "absorbency": (
        ("Very absorbent.", "Soaks everything up.", "Dries off quickly and well."),
        ("Not absorbent enough.", "Just pushes water around.", "Leaves me damp.")),
    "brightness": (
        ("Plenty bright.", "Bright enough to read by.", "The light is even and bright."),
        ("Dimmer than expected.", "Not bright enough for what I need.", "The light flickers.")),
    "stability": (
        ("Very stable, no wobble at all.", "Rock solid once set up.", "Sturdy and steady."),
        ("Wobbles.", "Feels unsteady.", "Tips too easily.")),
    "fun": (
        ("Fun for the whole family.", "Our new game night favorite.",
         "We keep coming back to {obj}."),
        ("Gets repetitive fast.", "The rules are confusing.",
         "Not much fun after the first round.")),
    "sharpness": (
        ("Razor sharp out of the box.", "Holds an edge well.", "Cuts cleanly."),
        ("Dull out of the box.", "Lost its edge quickly.", "Tears rather than cuts.")),
    "accuracy": (
        ("Step and heart rate counts seem accurate.", "Tracking is spot on.",
         "Sleep tracking matches how I feel."),
        ("Tracking is way off.", "Counts steps when I'm driving.",
         "The heart rate readings jump around.")),
}
POSITIVE_CLOSERS = ("Would buy again.", "Highly recommend.", "Exactly what I needed.",
                    "No regrets.", "Ordering another one.")
MILD_CONS = ("Packaging could be better.",
             "Minor gripe: the box was far bigger than it needed to be.",
             "Not perfect, but close.", "Wish it had been a little cheaper.",
             "I'd like a few more options to choose from.")
NEUTRAL_CLOSERS = ("It's okay for the price.", "Not bad, not great.",
                   "Decent, but I expected more.", "It does the job.", "Fine overall.")
NEGATIVE_CLOSERS = ("Returned it.", "Would not recommend.", "Save your money.",
                    "Very disappointed.", "Won't be buying again.")
REVIEW_TITLES = {
    5: ("Love it", "Exactly what I wanted", "Five stars", "Better than expected", "Great buy",
        "Highly recommend"),
    4: ("Really good", "Very happy", "Solid choice", "Almost perfect", "Good buy"),
    3: ("It's okay", "Mixed feelings", "Decent", "Fine for the price", "Average"),
    2: ("Disappointed", "Not great", "Expected more", "Meh"),
    1: ("Waste of money", "Do not buy", "Returned it", "Very disappointed"),
}
FIRST_NAMES = (
    "Maya", "Liam", "Priya", "Jonah", "Elena", "Marcus", "Aiko", "Sofia", "Dev", "Hannah", "Omar",
    "Grace", "Tomás", "Nadia", "Ethan", "Chloe", "Ravi", "Leah", "Kwame", "Isla", "Noah", "Mei",
    "Carlos", "Zara", "Ben", "Amara", "Felix", "Yuki", "Rosa", "Sam", "Ingrid", "Theo", "Lucia",
    "Arjun", "Nora", "Diego", "Fatima", "Owen", "Hana", "Malik", "Clara", "Jin", "Ava", "Mateo",
    "Ruth", "Kofi", "Lena", "Patrick", "Sana", "Victor",
)


def fill(template: str, slots: dict[str, str]) -> str:
    """Fill {placeholders} from slots; unknown placeholders are left as they are."""
    return re.sub(r"\{(\w+)\}", lambda m: slots.get(m.group(1), m.group(0)), template)


# Letters whose spoken name starts with a vowel sound: "an LED", "an RFID", but "a USB".
_AN_LETTERS = set("AEFHILMNORSX")
_A_PREFIXES = ("one", "uni", "use", "usb", "uv", "eu")


def _article_for(word: str) -> str:
    if word[:1].isdigit():
        digits = re.match(r"\d+", word).group(0)  # type: ignore[union-attr]
        eight = digits.startswith("8") or digits in ("11", "18") or (
            len(digits) in (5, 6) and digits[:2] in ("11", "18"))
        return "an" if eight else "a"
    if word.isupper() and len(word) > 1:
        return "an" if word[0] in _AN_LETTERS else "a"
    lower = word.lower()
    if lower.startswith(_A_PREFIXES):
        return "a"
    return "an" if lower[:1] in "aeiou" else "a"


def fix_articles(text: str) -> str:
    """Choose "a" or "an" by the sound of the next word ("an 18 in", "an OLED", "a USB")."""
    def swap(m: re.Match[str]) -> str:
        article = _article_for(m.group(2))
        return (article.capitalize() if m.group(1)[0].isupper() else article) + " " + m.group(2)
    return re.sub(r"\b([Aa]n?) ([\w%°.+/-]+)", swap, text)
