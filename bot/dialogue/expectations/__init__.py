"""What a shopper must see after a turn: the checks of `shopbot eval conversations`.

A conversation file lists, under each turn's "expect", checks by name. Each check is one
function in checks.py, registered under that name; the type of its first parameter is the
schema its value must follow, validated when the file is loaded (a typo fails before
anything runs). A check looks only at what the shopper sees of the reply (its text, the
product cards, a handoff) against the catalog's facts, never at how the reply is worded.

Products are referred to by id ("SB-00164") or relative to what earlier turns showed:
{"same_as_card": 1} is card 1 of the latest earlier turn that showed cards (add "turn": 2
to name the turn), {"superlative_card": "cheapest"} the cheapest of those cards, and
{"focus_of_turn": 2} the product turn 2's reply was about.

Amounts of money are read in any currency a store writes ("$1,099.99", "₹37,247", "€12,50").
"""

from bot.dialogue.expectations.registry import CHECKS, Check, Context, Seen, check, parse_check, run_check
from bot.dialogue.expectations.values import ById, FocusOfTurn, SameAsCard, SuperlativeCard, references

# The built-in checks register themselves on import.
from bot.dialogue.expectations import checks as _checks  # noqa: F401  isort: skip

__all__ = [
    "CHECKS", "ById", "Check", "Context", "FocusOfTurn", "SameAsCard", "Seen", "SuperlativeCard", "check",
    "parse_check", "references", "run_check",
]  # fmt: skip
