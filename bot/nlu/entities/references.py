"""References to products already shown, and who a purchase is for.

Reference values (1-based positions in the last result list; negative counts from the end):
  {"index": 2}            "the second one", "#2", "option 2", "the 2nd"
  {"index": -1}           "the last one"
  {"indices": [1, 2]}     "both", "the first two"
  {"all": True}           "all of them"
  {"focus": True}         "that one", "this one", "it" in "add it" / "is it waterproof?"
  {"superlative": "cheapest" | "most_expensive" | "top_rated"}   "the cheaper one", "the best rated"

Recipients are said with "for" ("a gift for my dad", "for a 6 year old"), or as the one given
to ("what should I get my dad", "buy my sister something") or whose occasion it is ("my
wife's birthday is next week"). Recipient values: the relation word as written, lower-cased
("dad", "kids", "mother-in-law"),
or {"who": ..., "age": int} when an age is given. The age is in whole years, so "a 6 month
old" is age 0; with no relation word the age decides who: under 13 "child", 13-17 "teen",
otherwise "adult".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.nlu.entities.model import NUMBER_WORD_RE, ORDINAL_RE, Candidate, ordinal, small_number

_FLAGS = re.IGNORECASE
_LIST_NOUNS = r"one|option|item|choice|result|product|pick|link"
_FROM_END = r"last|second[\s-]to[\s-]last|next[\s-]to[\s-]last|penultimate"
MAX_INDEX = 50

_ORDINAL_NOUN = re.compile(
    rf"\b(?:the\s+)?(?P<o>{ORDINAL_RE}|{_FROM_END})\s+(?:{_LIST_NOUNS})\b", _FLAGS
)
# "the first", "the last": not "the first time", "the last minute".
_THE_ORDINAL = re.compile(
    rf"\bthe\s+(?P<o>{ORDINAL_RE}|{_FROM_END})\b(?!\s+(?:time|times|place|thing|things|step|day|days|week|month"
    rf"|year|minute|moment|night|half|chance|order))",
    _FLAGS,
)
_FIRST_N = re.compile(
    rf"\bthe\s+(?P<side>first|top|last)\s+(?P<n>[0-9]{{1,2}}|{NUMBER_WORD_RE})(?:\s+(?:ones|options|items|results"
    rf"|products|of\s+them|of\s+those))?(?![\w]|[.,][0-9])",
    _FLAGS,
)
_NUMBERED = re.compile(
    rf"(?:(?<![\w#])#\s?|\b(?:number|no\.|option|item|choice|result|product|pick)\s*#?\s*)"
    rf"(?P<n>[0-9]{{1,2}}|{NUMBER_WORD_RE})(?![\w]|[.,][0-9])",
    _FLAGS,
)
# "order number 12", "size number 9", "phone number ..." are not list positions.
_NUMBERED_VETO = re.compile(
    r"\b(?:order|phone|size|model|page|room|house|street|tracking|account|part)\s*$", _FLAGS
)
_THAT_ONE = re.compile(r"\b(?:that|this)\s+one\b", _FLAGS)
_VERB_THAT = re.compile(
    r"\b(?:add|buy|get|order|take|want|purchase|reserve|grab|compare)\s+(?P<it>that|this)"
    r"(?=\s*(?:$|[.,!?;:]|(?:please|too|instead|and|in|for|now|one)\b))",
    _FLAGS,
)
_VERB_IT = re.compile(
    r"\b(?P<verb>add|buy|get|order|take|want|need|purchase|reserve|keep|grab|return|remove|delete|compare|like"
    r"|love|ship|wrap|book|have|put|show|see|send|try|about|is|does|will|can|could|would|did|has|was|isn['’]t"
    r"|doesn['’]t|won['’]t|can['’]t)\s+(?P<it>it)\b(?!['’])",
    _FLAGS,
)
# After "is it" / "does it": weather and small talk, not a product question.
_QUESTION_VERBS = frozenset(
    "is does will can could would did has was isn't doesn't won't can't isn’t doesn’t won’t can’t".split()
)
_IT_VETO = frozenset(
    "possible true ok okay time late early just me normal weird matter rain snow sunny windy cloudy rainy snowy"
    " outside today tomorrow you because".split()
)
_NEXT_WORD = re.compile(r"\s*([^\W\d_]+)")
_TIME_BEFORE = re.compile(r"\btime\s+$", _FLAGS)
_BOTH = re.compile(r"\bboth(?:\s+of\s+(?:them|those|these|the\s+(?:options|items|ones)))?\b", _FLAGS)
_ALL = re.compile(
    r"\ball\s+(?:(?:three|four|five|[3-9])\s+)?(?:of\s+(?:them|those|these)|the\s+(?:options|results|items|ones))\b"
    r"|\ball\s+(?:three|four|five|[3-9])\b(?![.,][0-9])",
    _FLAGS,
)
_SUPERLATIVE = re.compile(
    r"\bthe\s+(?P<s>cheap(?:er|est)|least\s+expensive|less\s+expensive|lowest[\s-]priced|most\s+expensive"
    r"|more\s+expensive|pricier|priciest|(?:best|highest|top)[\s-]rated|best[\s-]reviewed|best)"
    r"(?:\s+(?:ones?|options?|of\s+(?:them|those|these|the\s+(?:two|three)))\b|(?=\s*(?:$|[.,!?;:])))",
    _FLAGS,
)


def _superlative(word: str) -> str:
    word = word.lower()
    if word.startswith(("cheap", "least", "less", "lowest")):
        return "cheapest"
    if word.startswith(("most", "more", "pric")):
        return "most_expensive"
    return "top_rated"


def _position(word: str) -> int | None:
    word = re.sub(r"[\s-]+", " ", word.lower())
    if word == "last":
        return -1
    if word in ("second to last", "next to last", "penultimate"):
        return -2
    return ordinal(word)


def extract_references(text: str) -> Iterator[Candidate]:
    """Propose references to earlier results (see module docstring for the values)."""
    for pattern in (_ORDINAL_NOUN, _THE_ORDINAL):
        for match in pattern.finditer(text):
            index = _position(match.group("o"))
            if index is not None and index != 0 and abs(index) <= MAX_INDEX:
                yield Candidate("reference", {"index": index}, match.start(), match.end())
    for match in _FIRST_N.finditer(text):
        count = small_number(match.group("n"))
        if count is None or not 2 <= count <= 10:
            continue
        side = match.group("side").lower()
        indices = list(range(-count, 0)) if side == "last" else list(range(1, count + 1))
        yield Candidate("reference", {"indices": indices}, match.start(), match.end())
    for match in _NUMBERED.finditer(text):
        index = small_number(match.group("n"))
        if index is None or not 1 <= index <= MAX_INDEX:
            continue
        if _NUMBERED_VETO.search(text, max(0, match.start() - 12), match.start()):
            continue
        yield Candidate("reference", {"index": index}, match.start(), match.end())
    for match in _THAT_ONE.finditer(text):
        yield Candidate("reference", {"focus": True}, match.start(), match.end())
    for match in _VERB_THAT.finditer(text):
        yield Candidate("reference", {"focus": True}, match.start("it"), match.end("it"))
    for match in _VERB_IT.finditer(text):
        if match.group("verb").lower() in _QUESTION_VERBS:
            following = _NEXT_WORD.match(text, match.end())
            word = following.group(1).lower() if following else ""
            if word in _IT_VETO or (word.endswith("ing") and len(word) > 4):
                continue  # "is it raining", "is it possible"
            if _TIME_BEFORE.search(text, max(0, match.start() - 8), match.start()):
                continue  # "what time is it"
        yield Candidate("reference", {"focus": True}, match.start("it"), match.end("it"))
    for match in _BOTH.finditer(text):
        yield Candidate("reference", {"indices": [1, 2]}, match.start(), match.end())
    for match in _ALL.finditer(text):
        yield Candidate("reference", {"all": True}, match.start(), match.end())
    for match in _SUPERLATIVE.finditer(text):
        yield Candidate("reference", {"superlative": _superlative(match.group("s"))}, match.start(), match.end())


# -- recipients --------------------------------------------------------------------------

_RELATIONS = (
    r"(?:mother|father|sister|brother)[\s-]in[\s-]laws?|grandmother|grandfather|grandparents|granddaughters?"
    r"|grandsons?|grandkids|grandchildren|grandma|grandpa|girlfriend|boyfriend|husband|wife|wives|mommy|mother"
    r"|mom|mum|mama|daddy|father|dad|papa|parents|daughters?|sons?|kids?|child|children|sisters?|brothers?"
    r"|friends?|boss|bosses|co-?workers?|colleagues?|teachers?|baby|babies|toddlers?|nephews?|nieces?"
    r"|partner|fianc[eé]e?|aunt|uncle|cousins?|boys?|girls?|teens?|teenagers?|newborn|neighbou?rs?"
    r"|roommates?|dogs?|cats?|puppy|kitten"
)
_OWNER = r"(?:(?:my|our|a|an|the|his|her|their|your)\s+)?"
_MODIFIER = r"(?:(?:little|baby|older|younger|big|new|best|dear|lovely|teenage)\s+)?"
_AGE = (
    rf"(?:(?P<n>[0-9]{{1,3}}|{NUMBER_WORD_RE})[\s-]*(?P<unit>years?|yrs?|months?|mos?)[\s-]*old"
    rf"|(?P<n2>[0-9]{{1,2}})\s?(?:yo|y/o)(?![\w/]))"
)
_RECIPIENT = re.compile(
    rf"\bfor\s+{_OWNER}{_MODIFIER}(?:{_AGE}\s+)?(?P<rel>{_RELATIONS})(?![\w-])", _FLAGS
)
_RECIPIENT_AGE = re.compile(rf"\bfor\s+{_OWNER}{_AGE}(?![\w-])", _FLAGS)
# Without "for": "my wife's birthday is coming", "what should I get my dad", "buy my sister something".
_OCCASION_WORDS = r"birthday|bday|b-day|anniversary|graduation|wedding|retirement|christmas|xmas|gift|present"
_GIVING = r"(?:get|getting|buy|buying|gift|gifting|give|giving|surprise|spoil)"
_RECIPIENT_UNSAID = re.compile(
    rf"(?:\b{_GIVING}\s+|\b(?=(?:my|our)\s+{_MODIFIER}(?:{_RELATIONS})['’]s\s+(?:{_OCCASION_WORDS})\b))"
    rf"(?P<span>(?:my|our)\s+{_MODIFIER}(?P<rel>{_RELATIONS}))(?![\w-])",
    _FLAGS,
)
MAX_AGE = 120


def _age(match: re.Match[str]) -> int | None:
    number = match.group("n") or match.group("n2")
    if number is None:
        return None
    value = small_number(number)
    if value is None or value > MAX_AGE:
        return None
    unit = (match.group("unit") or "y").lower()
    return 0 if unit.startswith("mo") else value


def _relation(match: re.Match[str]) -> str:
    """The relation word lower-cased, an in-law hyphenated ("mother in law" -> "mother-in-law")."""
    relation = match.group("rel").lower()
    return re.sub(r"\s+", "-", relation) if "law" in relation else relation


def _who_by_age(age: int) -> str:
    if age < 13:
        return "child"
    return "teen" if age < 18 else "adult"


def extract_recipients(text: str) -> Iterator[Candidate]:
    """Propose who a purchase is for (see module docstring for the values)."""
    for match in _RECIPIENT_UNSAID.finditer(text):
        yield Candidate("recipient", _relation(match), match.start("span"), match.end("span"))
    for match in _RECIPIENT.finditer(text):
        relation = _relation(match)
        age = _age(match)
        has_age = match.group("n") is not None or match.group("n2") is not None
        if has_age and age is None:
            continue
        value: object = {"who": relation, "age": age} if age is not None else relation
        yield Candidate("recipient", value, match.start(), match.end())
    for match in _RECIPIENT_AGE.finditer(text):
        age = _age(match)
        if age is None:
            continue
        unit = (match.group("unit") or "y").lower()
        who = "baby" if unit.startswith("mo") else _who_by_age(age)
        yield Candidate("recipient", {"who": who, "age": age}, match.start(), match.end())
