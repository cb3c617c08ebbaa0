"""Who a gift is for, the occasion, and how to say both, from the shopper's message.

"something for my wife's birthday", "a present for my dad who loves cooking", "a gift for a
6 year old", "gift for my teenage son under $50". The recipient entity (bot/nlu/entities/
references.py) finds who; this module reads the relation word, an age and a modifier
("teenage", "little") as a `Recipient` the recommender can match against the catalog's
categories, and finds the occasion. An occasion ("birthday", "anniversary") says when, not
what: it is never searched for, and never a product the store "doesn't sell".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from bot.nlu.entities.references import extract_recipients
from bot.nlu.parser import Parse
from retrieval.recommend import Recipient

_OCCASION = re.compile(
    r"\b(?:birthday|bday|b-day|anniversary|christmas|xmas|x-mas|wedding|graduation|valentine'?s?(?:\s+day)?"
    r"|mother'?s\s+day|father'?s\s+day|mothers\s+day|fathers\s+day|house\s*warming|retirement|baby\s+shower"
    r"|bridal\s+shower|hanukkah|chanukah|diwali|eid|easter|thanksgiving|holidays?|new\s+year'?s?|secret\s+santa"
    r"|stocking\s+stuffers?|get\s+well|farewell|promotion|engagement|name\s+day|birthdays)\b",
    re.IGNORECASE,
)
# Words that only place the occasion in time ("for her birthday next week").
_WHEN = re.compile(r"\b(?:next|this|coming|upcoming)\s+(?:week|weekend|month|year|friday|saturday|sunday)\b"
                   r"|\b(?:today|tomorrow|soon)\b", re.IGNORECASE)

_FEMALE = frozenset(
    "wife wives mother mom mum mama mommy grandmother grandma sister sisters daughter daughters granddaughter "
    "granddaughters girlfriend fiancee fiancée aunt niece nieces girl girls mother-in-law mother-in-laws "
    "sister-in-law sister-in-laws".split()
)
_MALE = frozenset(
    "husband father dad daddy papa grandfather grandpa brother brothers son sons grandson grandsons boyfriend "
    "fiance fiancé uncle nephew nephews boy boys father-in-law father-in-laws brother-in-law brother-in-laws".split()
)
_BABY = frozenset("baby babies newborn toddler toddlers".split())
_CHILD = frozenset("kid kids child children grandkids grandchildren boy boys girl girls".split())
_TEEN = frozenset("teen teens teenager teenagers".split())
# Who is grown up whatever else is said: spouses, parents, grandparents, people at work.
_ADULT = frozenset(
    "wife wives husband mother mom mum mama mommy father dad daddy papa grandmother grandfather grandma grandpa "
    "grandparents parents girlfriend boyfriend partner fiance fiancee fiancé fiancée boss bosses coworker coworkers "
    "co-worker co-workers colleague colleagues teacher teachers neighbour neighbours neighbor neighbors aunt uncle "
    "mother-in-law father-in-law sister-in-law brother-in-law mother-in-laws father-in-law sister-in-laws "
    "brother-in-laws".split()
)
_PETS = {"dog": "dog", "dogs": "dog", "puppy": "dog", "cat": "cat", "cats": "cat", "kitten": "cat"}


@dataclass(frozen=True)
class Gift:
    """What a gift request says: for whom (as the recommender reads it and as said), and the occasion."""

    recipient: Recipient
    phrase: str  # "your wife", "a 6 year old": how the answer names them
    occasion: str | None = None  # "birthday"


def occasion(text: str) -> str | None:
    """The occasion a message names, lower-cased ("birthday", "mother's day"), if any."""
    match = _OCCASION.search(text)
    return re.sub(r"\s+", " ", match.group(0).lower().replace("’", "'")) if match else None


def without_occasion(parse: Parse) -> Parse:
    """The parse with occasion words (and when they are) blanked out.

    Blanked with spaces of the same length, so every entity keeps its offsets: "a kayak for
    my dad's birthday" then names only the kayak to whatever looks for the product asked for.
    """
    text = parse.text
    for pattern in (_OCCASION, _WHEN):
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return parse if text == parse.text else replace(parse, text=text)


def read(parse: Parse) -> Gift | None:
    """The gift a message asks for, when it says who it is for."""
    entity = next((e for e in parse.entities if e.type == "recipient"), None)
    if entity is None:
        return None
    return Gift(recipient_of(entity.value, entity.text), phrase_of(entity.text), occasion(parse.text))


def from_phrase(phrase: str) -> Recipient | None:
    """The recipient named by a phrase this module wrote ("your teenage son"), for follow-ups."""
    found = next(iter(extract_recipients(f"for {phrase}")), None)
    return recipient_of(found.value, phrase) if found is not None else None


def phrase_of(said: str) -> str:
    """How to name the recipient back to the shopper: "for my teenage son" -> "your teenage son"."""
    words = re.sub(r"^\s*for\s+", "", said.strip(), flags=re.IGNORECASE)
    words = re.sub(r"\b(?:my|our)\b", "your", words, flags=re.IGNORECASE)
    if not re.match(r"(?i)(?:your|a|an|the|his|her|their)\b", words):
        words = ("an " if words[:1].lower() in "aeiou" else "a ") + words
    return words


def recipient_of(value: Any, said: str = "") -> Recipient:
    """A recipient entity's value ("dad", {"who": "child", "age": 6}) and its words as a `Recipient`."""
    who = str(value.get("who", "")) if isinstance(value, dict) else str(value)
    who = who.lower()
    age = value.get("age") if isinstance(value, dict) else None
    words = set(re.findall(r"[a-z]+", said.lower()))
    if who in _PETS:
        return Recipient(pet=_PETS[who])
    gender = "women" if who in _FEMALE else "men" if who in _MALE else None
    stage = _stage(who, age if isinstance(age, int) else None, words)
    label = who if gender is None and stage in (None, "adult") else ""
    return Recipient(gender=gender, stage=stage, label=label)  # type: ignore[arg-type]


def _stage(who: str, age: int | None, words: set[str]) -> str | None:
    if age is not None:
        return "baby" if age < 3 else "child" if age < 13 else "teen" if age < 18 else "adult"
    if who in _BABY or ("baby" in words and who not in _ADULT) or "newborn" in words:
        return "baby"
    if who in _TEEN or "teenage" in words:
        return "teen"
    if who in _CHILD or ("little" in words and who not in _ADULT):
        return "child"
    if who in _ADULT or who == "adult":
        return "adult"
    return None  # a son, a sister, a friend: any age


__all__ = ["Gift", "from_phrase", "occasion", "phrase_of", "read", "recipient_of", "without_occasion"]
