"""Price constraints: "under $50", "between 20 and 40 euros", "around 30", "cheap".

Every price value is {"min", "max", "currency", "qualifier"}. A bare amount with a
currency ("$45", "45 bucks") is a target price, not a ceiling: shoppers who name one
figure usually mean "about this much", so it becomes the same ±20% band as "around 45".
A number without a currency is only a price after a comparator ("under 50"), and never
when a unit follows it ("under 5 year old", "up to 65 inch", "over 4 stars").

Amounts are read in the store's currency. "currency" is None when the shopper named none
("under 300"): the amount is in the store's own currency. Words that name no particular
currency mean the store's, so in a rupee store "300 bucks" is INR, and in a Canadian
store "$50" is CAD. A currency the store does not sell in ("$50" in a rupee store) keeps
its own code: there is no exchange rate to read it with, and reading 50 dollars as 50
rupees would filter for the wrong products, so the dialogue tells the shopper which
currency the prices are in instead of applying it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.nlu.entities.model import SPELLED_NUMBER_RE, SPELLED_WORD_RE, Candidate, parse_amount, spelled_number
from retrieval.money import DOLLAR_CURRENCIES, RUPEE_CURRENCIES

# "Around 30" means 24..36: wide enough to find alternatives, narrow enough to respect
# the figure the shopper named.
AROUND_TOLERANCE = 0.20

_CUR_PRE = r"(?:[$£€₹¥]|(?<![A-Za-z])(?:us\$|rs\.?|inr|usd|eur|gbp|jpy)(?![A-Za-z]))"
_CUR_POST = r"(?:[$£€₹¥]|(?:dollars?|bucks|usd|euros?|eur|pounds?|quid|gbp|rupees?|inr|rs\.?|yen|jpy)(?![A-Za-z]))"
# Digits are spelled [0-9], not \d, so other scripts' digits are not read as amounts.
# The look-behind keeps a match from starting inside a number or after "#" (order numbers),
# which also keeps scanning linear on long digit runs.
# Groups are Western ("1,299,000") or Indian ("12,99,000"); a comma before one or two final
# digits is a decimal comma ("12,50 €").
# An amount may also be written in words ("fifty", "two hundred and fifty", "a grand").
_AMOUNT = (
    r"(?:(?<![\w.,#])(?:[0-9]{1,3}(?:,[0-9]{2})+,[0-9]{3}|[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)"
    r"(?:\.[0-9]+|,[0-9]{1,2}(?![0-9]))?(?:[kK](?![A-Za-z]))?(?![0-9]|[.,][0-9])"
    rf"|{SPELLED_NUMBER_RE})"
)
# Below this, a number in words with no currency is a count ("more than two"), not a price.
MIN_SPELLED_PRICE = 10
_HAS_NUMBER_WORD = re.compile(rf"\b{SPELLED_WORD_RE}\b", re.IGNORECASE)
_DECIMAL_COMMA = re.compile(r"[0-9]+,[0-9]{1,2}[kK]?")


def _money(n: int) -> str:
    """An amount with an optional currency before or after it; groups p{n}, a{n}, s{n}."""
    return (
        rf"(?:(?P<p{n}>{_CUR_PRE})\s?)?(?P<a{n}>{_AMOUNT})"
        rf"(?:\s?(?P<s{n}>{_CUR_POST})|(?=-?ish\b)|(?![A-Za-z0-9]))"
    )


_M1, _M2 = _money(1), _money(2)
_FLAGS = re.IGNORECASE
_MAX_WORDS = (
    r"under|below|less\s+than|lower\s+than|cheaper\s+than|no\s+more\s+than|not\s+more\s+than"
    r"|no\s+higher\s+than|not\s+over|at\s+most|up\s+to|max(?:imum)?\.?|budget(?:\s+(?:of|is))?\s*:?"
)
_MIN_WORDS = (
    r"over|above|more\s+than|greater\s+than|higher\s+than|at\s+least|no\s+less\s+than"
    r"|not\s+less\s+than|min(?:imum)?\.?|starting\s+(?:at|from)"
)
_AROUND_WORDS = r"around|about|approximately|approx\.?|roughly|close\s+to|near|circa"

# (kind, pattern): kind says how the amounts become min/max.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("range", re.compile(rf"\b(?:between|from)\s+{_M1}\s*(?:and|to|-|–|—)\s*{_M2}", _FLAGS)),
    ("range", re.compile(
        rf"\b(?:{_MIN_WORDS})\s*{_M1}\s*,?\s*(?:and|but)\s+(?:{_MAX_WORDS})\s*{_M2}", _FLAGS)),
    ("range_bare", re.compile(rf"{_M1}\s*(?:-|–|—|to)\s*{_M2}", _FLAGS)),
    ("max", re.compile(rf"(?:\b(?:{_MAX_WORDS})|<=?|≤)\s*{_M1}", _FLAGS)),
    ("max", re.compile(
        rf"{_M1}\s*(?:or\s+(?:less|under|below|cheaper|lower)|and\s+(?:under|below|less)|max(?:imum)?|tops|at\s+most)\b",
        _FLAGS)),
    ("min", re.compile(rf"(?:\b(?:{_MIN_WORDS})|>=?|≥)\s*{_M1}", _FLAGS)),
    ("min", re.compile(
        rf"{_M1}\s*(?:\+|(?:or\s+(?:more|above|higher|over)|and\s+(?:up|above|over|higher)|plus|minimum|min)\b)",
        _FLAGS)),
    ("around", re.compile(rf"(?:\b(?:{_AROUND_WORDS})|~|≈)\s*{_M1}", _FLAGS)),
    ("around", re.compile(rf"{_M1}\s*(?:or\s+so\b|-?ish\b)", _FLAGS)),
    ("bare", re.compile(_M1, _FLAGS)),
]

_QUALIFIERS = re.compile(
    # "budget" followed by an amount is the amount's label ("budget around £150"), not "cheap".
    r"\b(?:(?P<cheap>cheap(?:er|est)?|budget[- ]friendly|budget(?!\s*(?:(?:is|of|was|around|about|roughly|under|max"
    r"|up\s+to|:)\s*)*[~$£€₹¥0-9])|affordable|inexpensive|low[- ](?:cost|priced)"
    r"|bargain|economical)|(?P<premium>premium|high[- ]end|luxury|luxurious|upscale|top[- ]end"
    r"|top[- ]of[- ]the[- ]line))\b",
    _FLAGS,
)

# A number followed by one of these measures something other than money.
_UNIT_AFTER = re.compile(
    r"\s*-?\s*(?:pairs?|pcs|pieces?|units?|items?|packs?|sets?|count|ct|x|years?|yrs?|yo|y/o|months?|mos?"
    r"|weeks?|days?|hours?|hrs?|minutes?|mins?|seconds?|secs?|oz|ounces?|fl|ml|l|ltrs?|liters?|litres?"
    r"|gal(?:lons?)?|qts?|quarts?|cups?|inch(?:es)?|in\.|\"|''|cm|mm|m|meters?|metres?|ft|feet|foot|yards?"
    r"|kgs?|g|grams?|mg|lbs?|w|watts?|kw|v|volts?|mah|wh|gb|tb|mb|hz|mp|megapixels?|%|percent|off"
    r"|stars?|reviews?|ratings?|people|persons?|seats?|seater|players?|sheets?|servings?|calories|kcal"
    r"|mph|rpm|dpi|degrees?|°|sq|square|ply|lumens?|db|times|st|nd|rd|th|s|percent)(?![A-Za-z])",
    _FLAGS,
)
# Words just before the comparator that make the number a rating, size, age or id.
_CONTEXT_BEFORE = re.compile(
    r"(?:\brated|\bratings?|\bstars?|\breviews?|\bsize|\bsz|\baged?|\bages|\border|\bnumber|\bno\.?|#)\s*$",
    _FLAGS,
)
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")

_CURRENCIES = {
    "$": "USD", "us$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD", "bucks": "USD",
    "£": "GBP", "gbp": "GBP", "pound": "GBP", "pounds": "GBP", "quid": "GBP",
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR",
    "₹": "INR", "rs": "INR", "rs.": "INR", "inr": "INR", "rupee": "INR", "rupees": "INR",
    "¥": "JPY", "yen": "JPY", "jpy": "JPY",
}
# Slang for whatever the local money is.
_ANY_CURRENCY = {"bucks"}
# Markers that name one currency exactly; the others ("$", "rupees") mean the store's own
# dollar or rupee when it sells in one.
_EXACT = {"us$", "usd", "inr", "₹"}


def price_value(
    low: float | None, high: float | None, currency: str | None = None, qualifier: str | None = None
) -> dict[str, object]:
    """The price entity value, in the one shape every price takes."""
    return {"min": low, "max": high, "currency": currency, "qualifier": qualifier}


def _around(amount: float) -> tuple[float, float]:
    return round(amount * (1 - AROUND_TOLERANCE), 2), round(amount * (1 + AROUND_TOLERANCE), 2)


def _currency(match: re.Match[str], groups: tuple[str, ...], store: str | None) -> str | None:
    for name in groups:
        symbol = match.group(name)
        if symbol:
            return in_store_currency(symbol, store)
    return None


def in_store_currency(marker: str, store: str | None) -> str | None:
    """The currency a written marker ("$", "rupees", "bucks") means in a store selling in `store`."""
    key = marker.strip().lower()
    code = _CURRENCIES.get(key)
    if store is None or key in _EXACT:
        return code
    if key in _ANY_CURRENCY:
        return store
    if (code == "USD" and store in DOLLAR_CURRENCIES) or (code == "INR" and store in RUPEE_CURRENCIES):
        return store
    return code


def foreign_currency(value: object, store: str | None) -> str | None:
    """The currency a price entity value names when it is not the store's ("$50" in a rupee store)."""
    if not isinstance(value, dict) or store is None:
        return None
    named = value.get("currency")
    return named if isinstance(named, str) and named != store else None


def extract_prices(text: str, has_digit: bool, store_currency: str | None = None) -> Iterator[Candidate]:
    """Propose price candidates; the numeric patterns only run when the text has a digit or a number word.

    `store_currency` is the catalog's: currency words that name no one currency are read
    in it (see the module docstring).
    """
    for match in _QUALIFIERS.finditer(text):
        kind = "cheap" if match.group("cheap") else "premium"
        yield Candidate("price", price_value(None, None, None, kind), match.start(), match.end())
    if not has_digit and not _HAS_NUMBER_WORD.search(text):
        return
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            candidate = _price_candidate(text, kind, match, store_currency)
            if candidate is not None:
                yield candidate


def _amount(text: str) -> float | None:
    if text[:1].isalpha():
        value = spelled_number(text)
        return float(value) if value is not None else None
    # parse_amount reads commas as thousands; a decimal comma becomes a point first.
    return parse_amount(text.replace(",", ".") if _DECIMAL_COMMA.fullmatch(text) else text)


# Words that turn a comparator round: "I don't want to spend more than $50" is at most 50,
# "nothing under 20" at least 20. "Don't mind", "doesn't matter" negate nothing.
_NEGATOR = re.compile(
    r"\b(?:not|never|no|nothing|none|without|cannot|(?:do|does|did|would|could|should|must|is|are|was|were|have|has"
    r"|wo|ca|need)n['’]?t)\b(?!\s+(?:mind|care|matter|bother)\b)",
    _FLAGS,
)
# The comparators that already carry their negation ("no more than", "not over").
_NEGATED_COMPARATOR = re.compile(r"(?:no|not)\s", _FLAGS)
_CLAUSE_END = re.compile(r"[,.;:!?]|\bbut\b|\bthough\b", _FLAGS)
_NEGATION_REACH = 6  # words between the negation and the comparator


def _negated(text: str, start: int, end: int) -> bool:
    """Whether the comparator at text[start:] is negated earlier in its clause (and is not a question)."""
    if _NEGATED_COMPARATOR.match(text, start):
        return False
    sentence_end = re.search(r"[.!?]", text[end:])
    if sentence_end is not None and sentence_end.group() == "?":
        return False  # "don't you have anything under 30?" asks for under 30
    before = text[max(0, start - 80) : start]
    cut = max((m.end() for m in _CLAUSE_END.finditer(before)), default=0)
    clause = before[cut:]
    negation = None
    for negation in _NEGATOR.finditer(clause):
        pass
    return negation is not None and len(clause[negation.end() :].split()) <= _NEGATION_REACH


def _price_candidate(text: str, kind: str, match: re.Match[str], store: str | None) -> Candidate | None:
    two = kind in ("range", "range_bare")
    currency = _currency(match, ("p1", "s1", "p2", "s2") if two else ("p1", "s1"), store)
    if currency is None:
        # Without a currency only a comparator makes a number a price, and only when no
        # unit follows it and nothing before it makes it a rating, size or id.
        if kind in ("bare", "range_bare"):
            return None
        if _UNIT_AFTER.match(text, match.end()) or _CONTEXT_BEFORE.search(text, max(0, match.start() - 12), match.start()):
            return None
    first = _amount(match.group("a1"))
    if first is None or (currency is None and _small_in_words(match.group("a1"), first)):
        return None
    low: float | None
    high: float | None
    if two:
        second = _amount(match.group("a2"))
        if second is None or (currency is None and _small_in_words(match.group("a2"), second)):
            return None
        if currency is None and _YEAR.fullmatch(match.group("a1")) and _YEAR.fullmatch(match.group("a2")):
            return None  # "between 2020 and 2024": years, not prices
        low, high = min(first, second), max(first, second)
    elif kind in ("max", "min"):
        if _negated(text, match.start(), match.end()):
            kind = "min" if kind == "max" else "max"
        low, high = (None, first) if kind == "max" else (first, None)
    else:  # "around" and a bare amount with a currency: a target price (see module docstring)
        low, high = _around(first)
    return Candidate("price", price_value(low, high, currency), match.start(), match.end())


def _small_in_words(written: str, value: float) -> bool:
    """A number in words below MIN_SPELLED_PRICE: a count, unless a currency says otherwise."""
    return written[:1].isalpha() and value < MIN_SPELLED_PRICE
