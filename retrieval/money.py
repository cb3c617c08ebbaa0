"""Money as a store's shoppers read it: "$1,299.99", "₹1,29,999", "€12,50", "¥1,300", "12.50 CHF".

One formatter for every place a price is shown (answers, prompts, cart and order lines,
cards, CLIs, recommendation reasons), and the reader that turns such text back into an
amount, so what the bot writes and what the grounding checker reads agree.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class MoneyStyle:
    """How one currency is written: its symbol, separators and minor digits."""

    symbol: str
    decimal_mark: str = "."
    group_mark: str = ","
    minor_digits: int = 2  # 0 for currencies without a minor unit in everyday use (yen)
    indian_grouping: bool = False  # lakh and crore: 1,29,999 and 1,29,99,999


STYLES: dict[str, MoneyStyle] = {
    "USD": MoneyStyle("$"),
    "INR": MoneyStyle("₹", indian_grouping=True),
    # "€12,50" as the store's shoppers asked for it; thousands then take a dot ("€1.299,99"),
    # never a comma, which would read as a decimal comma.
    "EUR": MoneyStyle("€", decimal_mark=",", group_mark="."),
    "GBP": MoneyStyle("£"),
    "JPY": MoneyStyle("¥", minor_digits=0),
    "CAD": MoneyStyle("CA$"),
    "AUD": MoneyStyle("A$"),
}

# Currencies a bare "$" or "dollars" means in a store that sells in them, and likewise
# "rupees": a Canadian shopper's "$50" is fifty Canadian dollars.
DOLLAR_CURRENCIES = frozenset({"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN"})
RUPEE_CURRENCIES = frozenset({"INR", "PKR", "LKR", "NPR"})


def _group(digits: str, mark: str, indian: bool) -> str:
    """Digits with group marks: threes, or India's last three then twos."""
    if len(digits) <= 3:
        return digits
    head, tail = digits[:-3], digits[-3:]
    size = 2 if indian else 3
    groups = []
    while head:
        groups.insert(0, head[-size:])
        head = head[:-size]
    return mark.join([*groups, tail])


def format_money(amount: float, currency: str = "USD") -> str:
    """A price as the store's shoppers read it: "$49.99", "$50", "₹1,29,999", "€12,50", "12.50 CHF".

    Whole amounts drop the minor digits ("$50", "₹1,299"); others show two. A currency
    without a style of its own is written the international way, code after the number.
    """
    style = STYLES.get(currency.upper(), MoneyStyle("", minor_digits=2))
    minor = round(abs(amount) * 10**style.minor_digits)
    whole, fraction = divmod(minor, 10**style.minor_digits) if style.minor_digits else (minor, 0)
    text = _group(str(whole), style.group_mark, style.indian_grouping)
    if fraction:
        text += style.decimal_mark + str(fraction).zfill(style.minor_digits)
    sign = "-" if amount < 0 and minor else ""
    return f"{sign}{style.symbol}{text}" if style.symbol else f"{sign}{text} {currency.upper()}"


def symbol(currency: str) -> str:
    """The currency's symbol ("₹"), or its code when it has none here ("CHF")."""
    style = STYLES.get(currency.upper())
    return style.symbol if style else currency.upper()


def uses_decimal_comma(currency: str | None) -> bool:
    """True when the currency is written with a decimal comma ("€12,50")."""
    style = STYLES.get(currency.upper()) if currency else None
    return style is not None and style.decimal_mark == ","


_SEPARATED = re.compile(r"[0-9]+(?:[.,][0-9]+)*")


def read_amount(text: str, currency: str | None = None) -> float | None:
    """Read an amount written in any of the styles above; None when it is not one number.

    "1,29,999" -> 129999, "1,299.99" -> 1299.99, "1.299,99" -> 1299.99, "12,50" -> 12.5.
    A single separator followed by exactly three digits groups thousands ("1,299"), with
    one exception: a point in a currency written with a point as its decimal mark ("$1.299"
    stays 1.299, an amount no price matches, rather than becoming a plausible 1299).
    """
    text = text.strip()
    if not _SEPARATED.fullmatch(text):
        return None
    marks = [c for c in text if c in ".,"]
    if not marks:
        return float(text)
    if len(set(marks)) == 2:
        decimal = text.rstrip("0123456789")[-1]  # the last mark is the decimal one
        group = "," if decimal == "." else "."
        whole, _, fraction = text.replace(group, "").partition(decimal)
        return float(f"{whole}.{fraction}")
    mark = marks[0]
    if len(marks) > 1:  # "1,29,999", "1.299.000": only groups
        return float(text.replace(mark, ""))
    whole, fraction = text.split(mark)
    grouping = len(fraction) == 3 and (mark == "," or uses_decimal_comma(currency))
    return float(whole + fraction) if grouping else float(f"{whole}.{fraction}")


def store_currency(currencies: Iterable[str]) -> str | None:
    """The store's currency: the one most of its products are priced in (ties: alphabetical)."""
    counts = Counter(c.upper() for c in currencies if c)
    if not counts:
        return None
    return min(counts, key=lambda code: (-counts[code], code))
