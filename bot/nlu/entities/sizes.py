"""Sizes: "XL", "size 10.5", "sz 9", "EU 42", "in a medium", "3-6M".

Values go through retrieval.catalog.normalize_size so they compare equal to the catalog's
own sizes. Spans include an explicit marker that belongs to the size ("size 10", "EU 42")
but not the context words that only make a bare value plausible ("in a" of "in a
medium"), so removing a size from a message leaves the rest readable.

Plain words and numbers are sizes only in a size context: "size medium" and "a large in
black" are, "large dog bed" and "in 10 minutes" are not. With a catalog vocabulary, a
bare number in a weak context ("in a 9") must also be a size the catalog sells.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.nlu.entities.model import Candidate
from retrieval.catalog import normalize_size

_FLAGS = re.IGNORECASE
_EXTENDED = r"xxxs|xxs|xs|xxxl|xxl|xl|[2-4]xl|x{1,3}[- ]?(?:small|large)|(?:extra[- ]){1,2}(?:small|large)"
_NUMBER = r"[0-9]{1,2}(?:\.[05])?"
_END = r"(?![\w]|[.,][0-9])"

_EXPLICIT = re.compile(
    rf"\b(?:size|sz)\b\.?\s*[:#]?\s*(?:"
    rf"(?P<region>eur?|uk|us)\s?(?P<rnum>{_NUMBER})"
    rf"|(?P<months>[0-9]{{1,2}}\s?-\s?[0-9]{{1,2}})\s?(?:months|mos?|m)"
    rf"|(?P<ext>{_EXTENDED})|(?P<word>small|medium|large)|(?P<num>{_NUMBER})|(?P<nb>nb|newborn)"
    rf"|(?P<letter>[sml])|(?P<other>[a-z0-9][a-z0-9/-]{{0,7}}))(?![\w'’-]|[.,][0-9])",
    _FLAGS,
)
_REGION = re.compile(rf"\b(?:(?P<region>(?i:eur?|uk))|(?P<us>US))\s?(?P<rnum>{_NUMBER}){_END}")
_MONTHS = re.compile(r"(?<![\w.-])(?P<months>[0-9]{1,2}-[0-9]{1,2})[mM](?![\w])")
_EXTENDED_ANYWHERE = re.compile(rf"(?<![\w'’-])(?P<ext>{_EXTENDED})(?![\w'’-])", _FLAGS)
_WEAK_WORD = re.compile(
    r"(?<![\w'’])(?:in|an?|wears?|wearing|am|i'm|i’m)\s+(?:an?\s+)?(?P<v>small|medium|large|[sml])(?![\w'’-])",
    _FLAGS,
)
_WORD_THEN_SIZE = re.compile(r"(?<![\w'’-])(?P<v>small|medium|large|[SML])\s+size\b(?!s)", _FLAGS)
_WEAK_NUMBER = re.compile(
    rf"(?<![\w'’])(?:(?:in|fits?|wears?|wearing|am|i'm|i’m)\s+(?:an?\s+)?|(?:take\s+)?an?\s+)(?P<v>{_NUMBER}){_END}",
    _FLAGS
)
_WIDTH = re.compile(rf"(?<![\w.,$£€₹#])(?P<v>{_NUMBER})\s+(?:extra\s+)?(?:wide|narrow)\b", _FLAGS)

# What may follow a weakly-signalled size for it to count: the end of a clause, or a word
# that continues a size request ("a large in black", "a 10 please").
_FOLLOW_WORDS = frozenset(
    "in and or size please pls plz instead too if for thanks thank then with but wide narrow fit fits ok okay".split()
)
_NEXT_WORD = re.compile(r"\s*(?:(?P<end>$|[.,!?;:)/])|(?P<word>[^\W\d_]+))")

_LETTERS = {
    "xxxs": "XXXS", "xxs": "XXS", "xs": "XS", "s": "S", "m": "M", "l": "L", "xl": "XL", "xxl": "XXL",
    "xxxl": "XXXL", "2xl": "XXL", "3xl": "XXXL", "4xl": "XXXXL", "small": "S", "medium": "M",
    "large": "L", "xsmall": "XS", "xxsmall": "XXS", "xxxsmall": "XXXS", "xlarge": "XL",
    "xxlarge": "XXL", "xxxlarge": "XXXL", "extrasmall": "XS", "extraextrasmall": "XXS",
    "extralarge": "XL", "extraextralarge": "XXL", "nb": "NB", "newborn": "NB",
}


def letter_size(text: str) -> str | None:
    """"x-large", "Extra Large", "xl" -> "XL"; None when the text is not a letter size."""
    return _LETTERS.get(re.sub(r"[\s-]+", "", text.lower()))


class SizeMatcher:
    """Finds sizes; `catalog_sizes` (normalised) gate bare numbers and odd labels when given."""

    def __init__(self, catalog_sizes: set[str] | None, color_words: frozenset[str]) -> None:
        """Keep the catalog's sizes and the colour words that may follow a size ("a large in black")."""
        self._catalog_sizes = {normalize_size(s) for s in catalog_sizes} if catalog_sizes else set()
        self._color_words = color_words

    def find(self, text: str, has_digit: bool) -> Iterator[Candidate]:
        """Yield size candidates."""
        for match in _EXPLICIT.finditer(text):
            value = self._explicit_value(match)
            if value is not None:
                yield Candidate("size", value, match.start(), match.end())
        for match in _EXTENDED_ANYWHERE.finditer(text):
            value = letter_size(match.group("ext"))
            if value:
                yield Candidate("size", normalize_size(value), match.start(), match.end())
        for match in _WEAK_WORD.finditer(text):
            word = match.group("v")
            if (len(word) > 1 or word.isupper()) and self._continues(text, match.end()):
                yield Candidate("size", normalize_size(letter_size(word) or word), match.start("v"), match.end("v"))
        for match in _WORD_THEN_SIZE.finditer(text):
            word = match.group("v")
            if len(word) > 1 or word.isupper():
                yield Candidate("size", normalize_size(letter_size(word) or word), match.start(), match.end())
        if not has_digit:
            return
        for match in _REGION.finditer(text):
            region = (match.group("region") or match.group("us")).upper()
            yield Candidate("size", normalize_size(f"{region} {match.group('rnum')}"), match.start(), match.end())
        for match in _MONTHS.finditer(text):
            yield Candidate("size", normalize_size(match.group("months") + "M"), match.start(), match.end())
        for match in _WEAK_NUMBER.finditer(text):
            value = normalize_size(match.group("v"))
            if self._known_number(value) and self._continues(text, match.end()):
                yield Candidate("size", value, match.start("v"), match.end("v"))
        for match in _WIDTH.finditer(text):
            value = normalize_size(match.group("v"))
            if self._known_number(value):
                yield Candidate("size", value, match.start("v"), match.end("v"))

    def _explicit_value(self, match: re.Match[str]) -> str | None:
        if match.group("region"):
            return normalize_size(f"{match.group('region')} {match.group('rnum')}")
        if match.group("months"):
            return normalize_size(re.sub(r"\s", "", match.group("months")) + "M")
        for name in ("ext", "word", "nb", "letter"):
            if match.group(name):
                return normalize_size(letter_size(match.group(name)) or match.group(name))
        if match.group("num"):
            return normalize_size(match.group("num"))
        other = normalize_size(match.group("other"))
        return other if other in self._catalog_sizes else None

    def _known_number(self, value: str) -> bool:
        # Without a catalog any small number may be a size; with one, only sizes it sells.
        return not self._catalog_sizes or value in self._catalog_sizes

    def _continues(self, text: str, position: int) -> bool:
        follow = _NEXT_WORD.match(text, position)
        if follow is None:
            return False
        if follow.group("end") is not None:
            return True
        word = follow.group("word").lower()
        return word in _FOLLOW_WORDS or word in self._color_words
