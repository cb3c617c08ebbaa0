"""Product features a shopper asks for, in the catalog's own attribute names, and who it is for.

Values:
  feature   {"key": "waterproof", "value": "yes"}      "waterproof boots"; "no" for "not waterproof"
            {"key": "material", "value": "cork"}       "cork yoga mats" (a named value of the catalog's)
            {"key": "base_material|material", ...}     a value several attributes share: any of them
  measure   {"key": "capacity_people", "min": 4.0}     "a tent for 4 people", "at least 4 person"
            {"key": "weight_lb", "max": 5.0}           "under 5 lb"
  gender    "women" | "men" | "kids"                   "women's", "for men", "ladies", "boys'"

Nothing here is a list of phrasings: the feature names are the catalog's yes/no attributes
("noise_cancelling" is found as "noise cancelling", "noise-canceling"), the measures are its
numeric attributes, read by the unit their name ends with ("capacity_people" by "people").
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator

from bot.nlu.entities.model import NUMBER_WORD_RE, Candidate, small_number
from bot.nlu.entities.words import COMMON_WORDS

_FLAGS = re.IGNORECASE
# The ways a unit is written, by the unit word an attribute name ends with.
UNITS: dict[str, str] = {
    "people": r"people|persons?|person|ppl",
    "oz": r"oz|ounces?|fl\.?\s?oz",
    "hours": r"hours?|hrs?|h",
    "inches": r"inches|inch|in\b|\"",
    "liters": r"liters?|litres?|l|ltr",
    "quarts": r"quarts?|qts?",
    "lb": r"lbs?|pounds?",
    "days": r"days?",
    "hz": r"hz",
    "count": r"pack|pieces?|pcs|count",
    "watts": r"watts?|w",
    "gb": r"gb",
    "tb": r"tb",
    "mah": r"mah",
}
# Measures where a bare number means "at least": "a tent for 4 people", "a 40 hour battery".
_AT_LEAST_BY_DEFAULT = ("capacity", "battery", "keeps", "storage", "max")
_NUMBER = rf"(?P<n>\d+(?:\.\d+)?|{NUMBER_WORD_RE})"
_LOWER = r"(?P<low>at\s+least|min(?:imum)?|over|more\s+than|above|no\s+less\s+than)\s+"
_UPPER = r"(?P<high>under|below|less\s+than|at\s+most|max(?:imum)?|up\s+to|no\s+more\s+than|lighter\s+than)\s+"
_PLUS = r"(?P<plus>\s*\+|\s+or\s+more|\s+plus)?"
_WEIGHT_WORDS = re.compile(r"\b(?:lighter|heavier|weighs?|weighing|light|heavy)\b")
_NEGATION = re.compile(r"\b(?:not|non|no|without|isn'?t|aren'?t)[\s-]+(?:\w+[\s-]+)?$", _FLAGS)
_GENDER = re.compile(
    r"\b(?:(?P<w>women|woman|womens|ladies|lady|gals?|females?)|(?P<m>men|man|mens|gents?|gentlem[ae]n|guy|males?)"
    r"|(?P<k>kids?|children|child|toddlers?|girls?|boys?))"
    r"(?:'s|s'|’s)?(?![\w'’])"
    r"|\bfor\s+(?:(?P<her>her)|(?P<him>him))\b",
    _FLAGS,
)
# "Male to female", "female connector": the words also name the two ends of a plug.
_PLUG_END = re.compile(r"\s*(?:to\b|-to-|connectors?\b|adapters?\b|plugs?\b|ports?\b|pins?\b|jacks?\b|ends?\b|headers?\b)", _FLAGS)
_PLUG_START = re.compile(r"\bto\s*$|-to-$", _FLAGS)


class FeatureMatcher:
    """Finds the catalog's yes/no features, numeric measures and gender words in a message."""

    def __init__(self, flags: Iterable[str] = (), measures: Iterable[str] = (),
                 values: dict[str, list[str]] | None = None, numbered: Iterable[str] = ()) -> None:
        names = sorted({f for f in flags if f and f != "gender"}, key=len, reverse=True)
        self._flag_keys = {_fold(name): name for name in names}
        pattern = "|".join(_phrase(name) for name in names)
        self._flags = re.compile(rf"\b(?:{pattern})\b", _FLAGS) if pattern else None
        by_unit: dict[str, list[str]] = defaultdict(list)
        for key in measures:
            unit = key.rpartition("_")[2].lower()
            if unit in UNITS:
                by_unit[unit].append(key)
        # Named values ("cork", "puppy", "natural rubber"). A value several attributes share
        # stands for any of them ("glass": material or base_material). A value that is also an
        # everyday word ("light", "medium") counts only beside its attribute's name ("light roast").
        owners: dict[str, set[str]] = defaultdict(set)
        names: dict[str, str] = {}
        for key, named in (values or {}).items():
            key_words = set(key.split("_"))
            for value in named:
                # "full-grain leather" is also found as "leather" (the filter matches whole words).
                head = re.split(r"[\s-]+", value)[-1]
                for name in {value, head} if head != value and len(head) >= 4 and head not in key_words else {value}:
                    if len(name) >= 3:
                        owners[_fold(name)].add(key)
                        names.setdefault(_fold(name), name)
        self._values: list[tuple[re.Pattern[str], str, str]] = []
        for folded, keys in sorted(owners.items(), key=lambda kv: -len(kv[0])):
            value = names[folded]
            phrase = _phrase(value.replace(" ", "_"))
            if value.lower() in COMMON_WORDS:
                heads = sorted({w for k in keys for w in k.split("_") if len(w) >= 3})
                if not heads:
                    continue
                phrase = rf"{phrase}(?=[\s-]+(?:{'|'.join(map(re.escape, heads))}))"
            self._values.append((re.compile(rf"\b{phrase}\b", _FLAGS), "|".join(sorted(keys)), value))
        # "SPF 50": an attribute's name followed by the number it states.
        named_numbers = sorted({k for k in numbered if k.rpartition("_")[2].lower() not in UNITS}, key=len, reverse=True)
        self._numbered = {_fold(k): k for k in named_numbers}
        pattern = "|".join(_phrase(k) for k in named_numbers)
        self._numbers = re.compile(rf"\b(?P<key>{pattern})\s*(?:of\s+)?(?P<n>\d+(?:\.\d+)?)\b", _FLAGS) if pattern else None
        self._measures: list[tuple[re.Pattern[str], str, list[str]]] = []
        for unit, keys in by_unit.items():
            written = UNITS[unit]
            regex = re.compile(rf"(?:{_LOWER}|{_UPPER})?{_NUMBER}[\s-]*(?:{written})(?![\w]){_PLUS}", _FLAGS)
            self._measures.append((regex, unit, sorted(keys)))

    def find(self, text: str) -> Iterator[Candidate]:
        """Propose feature, measure and gender entities."""
        if self._flags is not None:
            for match in self._flags.finditer(text):
                key = self._flag_keys.get(_fold(match.group(0)))
                if key is None:
                    continue
                negated = _NEGATION.search(text, max(0, match.start() - 16), match.start()) is not None
                yield Candidate("feature", {"key": key, "value": "no" if negated else "yes"}, match.start(), match.end())
        lowered = text.lower()
        for regex, key, value in self._values:
            if value.lower().split()[0][:3] not in lowered:
                continue  # a cheap pre-check: most messages name none of the values
            for match in regex.finditer(text):
                if not _NEGATION.search(text, max(0, match.start() - 16), match.start()):
                    yield Candidate("feature", {"key": key, "value": value}, match.start(), match.end())
        if self._numbers is not None:
            for match in self._numbers.finditer(text):
                key = self._numbered.get(_fold(match.group("key")))
                if key is not None:
                    yield Candidate("feature", {"key": key, "value": match.group("n")}, match.start(), match.end())
        for regex, _unit, keys in self._measures:
            for match in regex.finditer(text):
                value = _measure(match, keys, text)
                if value is not None:
                    yield Candidate("measure", value, match.start(), match.end())
        for match in _GENDER.finditer(text):
            if match.group().lower().startswith(("male", "female")) and (
                _PLUG_END.match(text, match.end()) or _PLUG_START.search(text, max(0, match.start() - 4), match.start())
            ):
                continue
            gender = "women" if match.group("w") or match.group("her") else "men" if match.group("m") or match.group("him") else "kids"
            yield Candidate("gender", gender, match.start(), match.end())


def _measure(match: re.Match[str], keys: list[str], text: str) -> dict[str, object] | None:
    number = match.group("n")
    amount = float(number) if number[0].isdigit() else small_number(number)
    if amount is None:
        return None
    if len(keys) > 1:
        # "16 oz" could be a capacity or a weight: only a name in the message decides, the
        # longest named first ("bag weight" over "weight"); "lighter than" names the weight.
        lowered = _WEIGHT_WORDS.sub("weight", text.lower())
        named = [k for k in keys if k.rpartition("_")[0].replace("_", " ") in lowered]
        if not named:  # "30 hours of battery" names battery_life_hours by its first word
            named = [k for k in keys if re.search(rf"\b{re.escape(k.split('_')[0])}", lowered)]
        if not named:
            return None
        keys = sorted(named, key=lambda k: -len(k.rpartition("_")[0]))
    key = keys[0]
    if match.group("high"):
        return {"key": key, "max": float(amount)}
    if match.group("low") or match.group("plus") or key.startswith(_AT_LEAST_BY_DEFAULT):
        return {"key": key, "min": float(amount)}
    return None


def _phrase(name: str) -> str:
    """A regex for an attribute name as shoppers write it: "noise_cancelling" -> noise[\\s-]?cancel(l)?ing."""
    words = [re.escape(w) for w in name.lower().split("_") if w]
    words = [w.replace("ll", "l{1,2}") for w in words]
    return r"[\s-]?".join(words)


def _fold(text: str) -> str:
    return re.sub(r"[\s_-]+", "", text.lower()).replace("ll", "l")
