"""Finding claims in text: money, percentages, ratings, stock, sizes, names and personal data.

Pure pattern code, shared by the grounding checker (what a reply claims) and the
guardrails (what a message or a review contains). Nothing here knows about products.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.money import read_amount

CURRENCY_SYMBOLS = {
    "$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "ca$": "CAD", "a$": "AUD",
}  # fmt: skip
CURRENCY_WORDS = {
    "usd": "USD", "dollar": "USD", "dollars": "USD", "bucks": "USD", "eur": "EUR", "euro": "EUR",
    "euros": "EUR", "gbp": "GBP", "pound": "GBP", "pounds": "GBP", "quid": "GBP", "jpy": "JPY",
    "yen": "JPY", "cad": "CAD", "aud": "AUD", "chf": "CHF", "francs": "CHF", "inr": "INR", "rupee": "INR",
    "rupees": "INR",
}  # fmt: skip
# Codes written before an amount ("INR 499", "Rs. 499").
CURRENCY_CODES = {"usd": "USD", "eur": "EUR", "gbp": "GBP", "chf": "CHF", "cad": "CAD", "aud": "AUD", "jpy": "JPY",
                  "inr": "INR", "rs": "INR", "rs.": "INR"}  # fmt: skip

# Amounts in every style a store writes them (retrieval.money): Indian groups "1,29,999",
# Western "1,299.99", a decimal comma with dot groups "1.299,99", a bare decimal comma
# "12,50". A comma before one or two final digits is a decimal comma; a list of amounts
# ("₹179, ₹299") is told apart by the space after its comma.
_NUMBER = (
    r"\d{1,3}(?:,\d{2})+,\d{3}(?:\.\d{1,2})?(?!\d|,\d)"
    r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d|,\d)"
    r"|\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?(?!\d|[.,]\d)"
    r"|\d+(?:\.\d+|,\d{1,2}(?!\d))?"
)
_SYMBOL = r"(?:US\$|CA\$|A\$|[$€£¥₹])"
_WORD = "|".join(sorted(CURRENCY_WORDS, key=len, reverse=True))
MONEY_RE = re.compile(
    rf"(?P<sym>{_SYMBOL})\s?(?P<a1>{_NUMBER})"
    rf"|\b(?P<code1>USD|EUR|GBP|CHF|CAD|AUD|JPY|INR|Rs\.?)\s?(?P<a2>{_NUMBER})"
    rf"|(?<![\w.,])(?P<a3>{_NUMBER})\s?(?P<word>{_WORD})\b"
    rf"|(?<![\w.,])(?P<a4>{_NUMBER})\s?(?P<tsym>[€£¥₹$])"
    rf"|(?<![\w.,])(?P<a5>\d{{1,3}})\s?(?P<cents>cents?|pence|p)\b",
    re.IGNORECASE,
)
PERCENT_RE = re.compile(rf"(?<![\w.])(?P<n>{_NUMBER})\s?(?:%|per ?cent\b)", re.IGNORECASE)
RATING_RE = re.compile(
    r"(?P<n>\d(?:\.\d{1,2})?)\s?(?:/\s?5\b|out of (?:5|five)\b|-?stars?\b)"
    r"|\brated (?:at )?(?P<m>\d(?:\.\d{1,2})?)\b"
    r"|\brating (?:of |is )?(?P<k>\d(?:\.\d{1,2})?)\b",
    re.IGNORECASE,
)
REVIEW_COUNT_RE = re.compile(r"(?<![\w.])(?P<n>\d[\d,]*)\s+(?:customer\s+|verified\s+)?(?:reviews?|ratings?)\b", re.I)
DISCOUNT_WORDS_RE = re.compile(
    r"\b(?:discount(?:ed)?|on sale|sale price|% off|percent off|coupon|promo(?:tion)?(?: code)?|voucher|"
    r"clearance|deal of|markdown|price ?drop|reduced|half price|half off|bogo|buy one,? get one|free gift|"
    r"two for one|\d+ for \d+|\d+ for the price of \d+|cashback|cash back|rebate)\b|\d\s?% off",
    re.IGNORECASE,
)
# A code: an upper-case token after "code", or any token after "use/enter/apply code".
CODE_RE = re.compile(
    r"\b(?i:code|coupon|voucher)(?i:\s+is)?\s*[:=]?\s*[\"'“]?(?P<code>[A-Z0-9][A-Z0-9-]{2,})\b"
    r"|\b(?i:use|enter|apply|redeem|with|type)\s+(?i:the\s+)?(?i:promo\s+|discount\s+)?(?i:code|coupon|voucher)"
    r"(?i:\s+is)?\s*[:=]?\s*[\"'“]?(?P<anycase>[A-Za-z0-9][A-Za-z0-9-]{2,})\b"
)
FREE_RE = re.compile(
    r"\b(?:is|are|it's|they're|get (?:it|them|one)|for)\s+(?:completely\s+|totally\s+)?free\b(?!\s+(?:shipping|returns?|delivery|exchanges?))"
    r"|\bfree of charge\b|\bat no (?:cost|charge)\b",
    re.IGNORECASE,
)
URL_RE = re.compile(r"\bhttps?://[^\s<>\"')]+|\bwww\.[^\s<>\"')]+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|io|shop|store|co|biz|info|example|xyz|ru|cn)(?:/[^\s<>\"')]*)?", re.IGNORECASE)

# Stock: negative forms first so "not in stock" is never read as "in stock".
OUT_OF_STOCK_RE = re.compile(
    r"\b(?:out of stock|sold out|unavailable|not available|no longer available|not in stock|isn't in stock|"
    r"aren't in stock|is not in stock|are not in stock|none left|backordered|back-ordered|discontinued)\b",
    re.IGNORECASE,
)
IN_STOCK_RE = re.compile(
    r"\b(?:in stock|available|ready to ship|ships today|can be bought now|on hand|back on the shelves|back in stock|"
    r"restocked|plenty left)\b",
    re.IGNORECASE,
)
STOCK_COUNT_RE = re.compile(
    r"(?<!size )(?<!sizes )(?<!Size )\b(?:only |just )?(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
    r"(?:(?:units?|pieces?|pairs?|items?)\s+)?(?:left|remaining|in stock|available)\b",
    re.IGNORECASE,
)
_COUNT_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}

SIZE_LIST_RE = re.compile(
    r"\b(?i:sizes?)\s+(?P<list>(?:[A-Z]{1,4}|\d{1,2}(?:\.5)?(?:\s?[A-Z]{1,2})?)"
    r"(?:\s*(?:,|/|and|or|to|-|–|through)\s*(?:[A-Z]{1,4}|\d{1,2}(?:\.5)?(?:\s?[A-Z]{1,2})?))*)\b"
)
SIZE_TOKEN_RE = re.compile(r"[A-Z]{1,4}|\d{1,2}(?:\.5)?(?:\s?[A-Z]{1,2})?")
STANDALONE_SIZE_RE = re.compile(r"\b(?:XXS|XS|XL|XXL|XXXL|2XL|3XL)\b")

# Personal data: never echoed back, never logged in clear.
EMAIL_RE = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
CARD_RE = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
PHONE_RE = re.compile(r"(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)[ .-]?)?\d{2,4}(?:[ .-]\d{2,4}){1,4}(?!\w)")

# A closing quote may follow the full stop: “Fits true to size.” Next sentence.
# "Rs. 499" is one amount, not a sentence ending in "Rs.".
SENTENCE_END_RE = re.compile(r"(?<=[.!?…])(?<!\b[Rr]s\.)[\"'”’)\]]?\s+|\n+")


@dataclass(frozen=True)
class Money:
    """A money amount found in text."""

    amount: float
    currency: str
    start: int
    end: int
    text: str


def _number(text: str, currency: str | None = None) -> float:
    value = read_amount(text, currency)
    return float(text.replace(",", "")) if value is None else value


def find_money(text: str) -> list[Money]:
    """Every money amount in text, with the currency it was written in."""
    found = []
    for m in MONEY_RE.finditer(text):
        if m.group("a1"):
            amount, currency = m.group("a1"), CURRENCY_SYMBOLS[m.group("sym").lower()]
        elif m.group("a2"):
            amount, currency = m.group("a2"), CURRENCY_CODES[m.group("code1").lower()]
        elif m.group("a3"):
            amount, currency = m.group("a3"), CURRENCY_WORDS[m.group("word").lower()]
        elif m.group("a4"):
            amount, currency = m.group("a4"), CURRENCY_SYMBOLS[m.group("tsym")]
        else:
            # "59 cents", "80p": a hundredth of the store's unit.
            value = _number(m.group("a5")) / 100
            currency = "GBP" if m.group("cents").lower() in ("pence", "p") else "USD"
            found.append(Money(round(value, 2), currency, m.start(), m.end(), m.group(0)))
            continue
        found.append(Money(round(_number(amount, currency), 2), currency, m.start(), m.end(), m.group(0)))
    return found


def find_percents(text: str) -> list[tuple[float, str]]:
    """Every percentage in text."""
    return [(_number(m.group("n")), m.group(0)) for m in PERCENT_RE.finditer(text)]


def find_ratings(text: str) -> list[tuple[float, str]]:
    """Every star rating in text ("4.5 stars", "rated 4.5", "4/5")."""
    found = []
    for m in RATING_RE.finditer(text):
        value = m.group("n") or m.group("m") or m.group("k")
        found.append((float(value), m.group(0)))
    return found


def find_review_counts(text: str) -> list[tuple[int, str]]:
    """Every "N reviews" in text."""
    return [(int(m.group("n").replace(",", "")), m.group(0)) for m in REVIEW_COUNT_RE.finditer(text)]


def find_stock_counts(text: str) -> list[tuple[int, int, str]]:
    """Every "only N left" in text, as (count, position, text)."""
    found = []
    for m in STOCK_COUNT_RE.finditer(text):
        raw = m.group("n").lower()
        found.append((int(raw) if raw.isdigit() else _COUNT_WORDS[raw], m.start(), m.group(0)))
    return found


def find_sizes(text: str) -> list[tuple[str, int]]:
    """Sizes named in text ("size 10", "sizes S, M and L", "XL"), with positions."""
    found: list[tuple[str, int]] = []
    for m in SIZE_LIST_RE.finditer(text):
        body = m.group("list")
        offset = m.start("list")
        for t in SIZE_TOKEN_RE.finditer(body):
            token = t.group(0)
            if token.lower() in {"and", "or", "to"} or token in {"I", "A"}:
                continue
            found.append((token, offset + t.start()))
    covered = [(m.start(), m.end()) for m in SIZE_LIST_RE.finditer(text)]
    for m in STANDALONE_SIZE_RE.finditer(text):
        if not any(a <= m.start() < b for a, b in covered):
            found.append((m.group(0), m.start()))
    return found


def luhn_valid(digits: str) -> bool:
    """True for a number that passes the card-number checksum."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def find_personal_data(text: str) -> list[tuple[str, int, int]]:
    """Emails, card numbers (checksum-valid) and phone numbers, as (kind, start, end)."""
    found: list[tuple[str, int, int]] = [("email", m.start(), m.end()) for m in EMAIL_RE.finditer(text)]
    for m in CARD_RE.finditer(text):
        digits = re.sub(r"\D", "", m.group(0))
        if 13 <= len(digits) <= 19 and luhn_valid(digits):
            found.append(("card", m.start(), m.end()))
    taken = [(s, e) for _, s, e in found]
    for m in PHONE_RE.finditer(text):
        digits = re.sub(r"\D", "", m.group(0))
        overlaps = any(s < m.end() and m.start() < e for s, e in taken)
        # Seven or more digits with separators: short numbers are prices, sizes or order ids.
        if not overlaps and 7 <= len(digits) <= 15 and not re.fullmatch(r"\d+\.\d{1,2}", m.group(0)):
            found.append(("phone", m.start(), m.end()))
    return sorted(found, key=lambda x: x[1])


def redact(text: str) -> str:
    """Text with personal data replaced by placeholders: safe to log, store in clear or prompt."""
    out, last = [], 0
    for kind, start, end in find_personal_data(text):
        if start < last:
            continue
        out.append(text[last:start])
        out.append(f"[{kind}]")
        last = end
    out.append(text[last:])
    return "".join(out)


def split_sentences(text: str) -> tuple[list[str], str]:
    """Complete sentences at the front of `text`, and the unfinished rest."""
    sentences, last = [], 0
    for m in SENTENCE_END_RE.finditer(text):
        sentence = text[last : m.end()]
        if sentence.strip():
            sentences.append(sentence)
        last = m.end()
    return sentences, text[last:]


# -- materials and certifications ------------------------------------------------------
#
# A certification or a "free of"/"proof" claim is a promise a store can be held to, so it
# must come from a structured catalog fact (an attribute, the title, the store policy). A
# material is what a product is made of: the store's own description may also ground it.
# Each claim has one canonical name and the spellings that state it.
CERTIFICATIONS: dict[str, str] = {
    "organic": r"organic(?:ally)?",
    "certified": r"certifi(?:ed|cation|cations)",
    "oeko-tex": r"oeko[- ]?tex",
    "fsc": r"fsc",
    "gots": r"gots",
    "fair trade": r"fair[- ]?trade",
    "usda": r"usda",
    "non-gmo": r"non[- ]?gmo",
    "b corp": r"b[- ]?corp",
    "vegan": r"vegan",
    "cruelty-free": r"cruelty[- ]free",
    "bpa-free": r"bpa[- ]free|free of bpa|no bpa|without bpa",
    "pfas-free": r"pf(?:as|oa)[- ]free|free of pf(?:as|oa)",
    "lead-free": r"lead[- ]free",
    "phthalate-free": r"phthalate[- ]free",
    "non-toxic": r"non[- ]?toxic",
    "waterproof": r"water[- ]?proof",
    "water-resistant": r"water[- ]resist(?:ant|ance)",
    "hypoallergenic": r"hypo[- ]?allergenic",
    "dermatologist tested": r"dermatologist[- ](?:tested|approved|recommended)",
    "biodegradable": r"biodegradable",
    "compostable": r"compostable",
    "gluten-free": r"gluten[- ]free",
    "grain-free": r"grain[- ]free",
    "fragrance-free": r"fragrance[- ]free|unscented",
    "dishwasher safe": r"dishwasher[- ]safe",
    "leakproof": r"leak[- ]?proof",
    "eco-friendly": r"eco[- ]friendly",
}  # fmt: skip
# Longest spellings first, so "vegan leather" is read before "leather".
# fmt: off
MATERIALS: tuple[str, ...] = tuple(
    sorted(
        [
            "cotton", "linen", "wool", "merino wool", "merino", "cashmere", "alpaca", "silk", "hemp", "jute",
            "leather", "full-grain leather", "top-grain leather", "genuine leather", "vegan leather",
            "faux leather", "suede", "nubuck", "patent leather", "polyester", "recycled polyester", "nylon",
            "recycled nylon", "spandex", "elastane", "lycra", "bamboo", "viscose", "rayon", "modal", "lyocell",
            "tencel", "denim", "canvas", "fleece", "velvet", "satin", "corduroy", "goose down", "duck down",
            "memory foam", "latex", "rubber", "natural rubber", "silicone", "neoprene", "stainless steel", "steel",
            "carbon steel", "cast iron", "aluminum", "aluminium", "copper", "brass", "bronze", "titanium",
            "sterling silver", "14k gold", "18k gold", "gold-plated", "glass", "borosilicate glass",
            "tempered glass", "ceramic", "porcelain", "stoneware", "marble", "granite", "concrete", "solid wood",
            "wood", "oak", "walnut", "maple", "teak", "acacia", "birch", "pine", "cedar", "cork", "plastic", "pvc",
            "polypropylene", "acrylic", "resin", "wicker", "rattan", "carbon fiber", "carbon fibre",
        ],
        key=len,
        reverse=True,
    )
)
# fmt: on
CERTIFICATION_RE = re.compile(
    r"(?<![\w-])(?:" + "|".join(f"(?P<c{i}>{p})" for i, p in enumerate(CERTIFICATIONS.values())) + r")(?![\w-])",
    re.IGNORECASE,
)
# "cotton-blend" names cotton, so a hyphen may follow a material (but not precede it: "non-leather").
MATERIAL_RE = re.compile(r"(?<![\w-])(?P<m>" + "|".join(re.escape(m) for m in MATERIALS) + r")(?!\w)", re.IGNORECASE)
HASHTAG_RE = re.compile(r"#(?P<tag>\w+)")
_CERT_NAMES = list(CERTIFICATIONS)


def find_certifications(text: str) -> list[tuple[str, int, str]]:
    """Certification and "free of"/"proof" claims in text, as (canonical name, position, text).

    Hashtags are read too ("#organiccotton"): run-together words hide a claim from word
    boundaries, not from a reader.
    """
    found = []
    for m in CERTIFICATION_RE.finditer(text):
        index = next(i for i, v in enumerate(m.groups()) if v is not None)
        found.append((_CERT_NAMES[index], m.start(), m.group(0)))
    for tag in HASHTAG_RE.finditer(text):
        body = tag.group("tag").lower()
        already = any(s == tag.start() + 1 for _, s, _ in found)  # "#fsc" is read by the main pattern
        for name, pattern in CERTIFICATIONS.items():
            if not already and re.search(pattern.replace("[- ]", "[-_ ]?"), body):
                found.append((name, tag.start(), tag.group(0)))
    return found


def find_materials(text: str) -> list[tuple[str, int, str]]:
    """Materials named in text, as (lower-case material, position, text)."""
    found = [(m.group("m").lower(), m.start(), m.group(0)) for m in MATERIAL_RE.finditer(text)]
    # In a hashtag only a whole material counts ("#leather"): "#cradlewood" is a brand, not wood.
    for tag in HASHTAG_RE.finditer(text):
        body = tag.group("tag").lower()
        for material in MATERIALS:
            if body in (material.replace(" ", "").replace("-", ""), material.replace(" ", "") + "s"):
                found.append((material, tag.start(), tag.group(0)))
                break
    return found
