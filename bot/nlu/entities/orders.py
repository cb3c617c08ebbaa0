"""Cart and order facts: quantities, order numbers and email addresses."""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.nlu.entities.model import NUMBER_WORD_RE, Candidate, small_number

_FLAGS = re.IGNORECASE
_NUM = rf"[0-9]{{1,3}}|{NUMBER_WORD_RE}"
MAX_QUANTITY = 999

# -- quantity ----------------------------------------------------------------------------

# A count followed by what is counted: "2 pairs", "three of those", "2 more".
_COUNTED = re.compile(
    rf"(?<![\w.,$£€₹#])(?P<n>{_NUM})\s+(?:more\s+)?(?:pairs?|pieces?|pcs|units?|items?|packs?|sets?|boxes|box"
    rf"|bottles?|bags?|cans?|jars?|rolls?|copies|copy|of\s+(?:them|those|these|each|it)|more)\b",
    _FLAGS,
)
# A count after a cart verb: "add 3", "I'll take two", "make it 4". The span is the number.
_AFTER_VERB = re.compile(
    rf"\b(?P<verb>add|buy|order|get|grab|purchase|want|need|take|make\s+it|change\s+it\s+to"
    rf"|change\s+(?:the\s+)?(?:quantity|qty)\s+to|(?:update|set)\s+(?:it|the\s+(?:quantity|qty))\s+to"
    rf"|give\s+me)\s+(?P<n>{_NUM})(?![\w]|[.,][0-9])",
    _FLAGS,
)
# "one" is a pronoun as often as a count ("I want one that folds"): only after verbs that
# put things in a cart.
_ONE_VERBS = frozenset({"add", "buy", "order", "take", "purchase", "grab"})
_MARKED = re.compile(
    r"(?<![\w.])(?:[x×]\s?(?P<a>[0-9]{1,3})|(?P<b>[0-9]{1,3})\s?[x×](?!\s*[0-9])|(?:qty|quantity)\s*(?:of|:|=)?\s*"
    r"(?P<c>[0-9]{1,3}))(?![\w]|[.,][0-9])",
    _FLAGS,
)
_DOZEN = re.compile(r"\b(?:(?P<half>half)\s+a\s+|(?P<mult>a|one|two|three)\s+)?dozen\b", _FLAGS)
# After a verb, a number followed by one of these is not a count ("get 2 day shipping").
_NOT_A_COUNT = re.compile(
    r"\s*-?\s*(?:years?|yrs?|months?|weeks?|days?|hours?|minutes?|mins?|%|percent|dollars?|bucks|euros?|pounds?"
    r"|oz|ml|l|inch(?:es)?|cm|mm|kg|lbs?|gb|tb|stars?|st|nd|rd|th)(?![A-Za-z])",
    _FLAGS,
)
# A bare count just before a product word; "one" is left out ("one hiking boot" is rare,
# "the one running shoe that..." is not).
_COUNT_BEFORE = re.compile(rf"(?:^|(?<=[\s(]))(?P<n>[0-9]{{1,2}}|(?!one\b)(?:{NUMBER_WORD_RE}))\s+$", _FLAGS)


def _quantity(token: str) -> int | None:
    value = small_number(token)
    return value if value is not None and 1 <= value <= MAX_QUANTITY else None


def extract_quantities(text: str) -> Iterator[Candidate]:
    """Propose quantity candidates (value: int)."""
    for match in _COUNTED.finditer(text):
        value = _quantity(match.group("n"))
        if value is not None:
            yield Candidate("quantity", value, match.start(), match.end())
    for match in _AFTER_VERB.finditer(text):
        number = match.group("n")
        if number.lower() == "one" and match.group("verb").lower() not in _ONE_VERBS:
            continue
        if _NOT_A_COUNT.match(text, match.end()):
            continue
        value = _quantity(number)
        if value is not None:
            yield Candidate("quantity", value, match.start("n"), match.end("n"))
    for match in _MARKED.finditer(text):
        value = _quantity(match.group("a") or match.group("b") or match.group("c"))
        if value is not None:
            yield Candidate("quantity", value, match.start(), match.end())
    for match in _DOZEN.finditer(text):
        multiple = match.group("mult")
        count = small_number(multiple) if multiple else None  # "a dozen": None -> 1
        value = 6 if match.group("half") else 12 * (count or 1)
        yield Candidate("quantity", value, match.start(), match.end())


def quantity_before(text: str, start: int) -> Candidate | None:
    """A bare count right before a product word ("3 t-shirts", "two hiking boots"), if any."""
    match = _COUNT_BEFORE.search(text, max(0, start - 12), start)
    if match is None:
        return None
    value = small_number(match.group("n"))
    if value is None or not 1 <= value <= 99:
        return None
    return Candidate("quantity", value, match.start("n"), match.end("n"))


# -- order numbers -------------------------------------------------------------------------

# Four digits and up: shop systems number orders from #1001 (Shopify) or lower.
_ORDER_HASH = re.compile(r"(?<![\w#])#\s?(?P<n>[0-9]{4,12})(?![\w]|[.,][0-9])")
_ORDER_WORD = re.compile(
    r"\border\b(?:\s+(?:number|num|no\.?|nr|id|#|code))?(?:\s+is)?\s*[:#]?\s*"
    r"(?P<n>[0-9]{4,12}|[a-z]{1,6}-?[0-9]{3,12})(?![\w-]|[.,][0-9])",
    _FLAGS,
)
_ORDER_CODE = re.compile(r"(?<![\w-])(?P<n>ord-?[0-9]{3,12})(?![\w-])", _FLAGS)


def extract_order_numbers(text: str) -> Iterator[Candidate]:
    """Propose order numbers: 4-12 digits after "#" or "order", or an "ORD-" style code.

    The value drops "#" and upper-cases codes ("ord-55821" -> "ORD-55821"). A long number
    with no "#" or "order" before it (a phone number, a price) is left alone.
    """
    for pattern in (_ORDER_HASH, _ORDER_WORD, _ORDER_CODE):
        for match in pattern.finditer(text):
            yield Candidate("order_number", match.group("n").upper(), match.start(), match.end())


# -- email -------------------------------------------------------------------------------

_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
_DOMAIN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
_DOMAIN_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?")


def extract_emails(text: str) -> Iterator[Candidate]:
    """Propose email addresses (value lower-cased).

    Scanned outwards from each "@" rather than with one big regex: a regex would retry
    the local part from every start position, quadratic on long runs of letters.
    """
    at = text.find("@")
    while at != -1:
        left = at
        while left > 0 and text[left - 1] in _LOCAL_CHARS and at - left < 64:
            left -= 1
        right = at + 1
        while right < len(text) and text[right] in _DOMAIN_CHARS and right - at < 255:
            right += 1
        if (left > 0 and text[left - 1] in _LOCAL_CHARS) or (right < len(text) and text[right] in _DOMAIN_CHARS):
            at = text.find("@", at + 1)  # longer than any real address: not one
            continue
        local = text[left:at].lstrip(".")
        domain = text[at + 1 : right].rstrip(".-")
        start = at - len(local)
        labels = domain.split(".")
        if (
            local
            and not local.endswith(".")
            and ".." not in local
            and len(labels) >= 2
            and all(_DOMAIN_LABEL.fullmatch(label) for label in labels)
            and labels[-1].isalpha()
            and len(labels[-1]) >= 2
        ):
            end = at + 1 + len(domain)
            yield Candidate("email", text[start:end].lower(), start, end)
        at = text.find("@", at + 1)
