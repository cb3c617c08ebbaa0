"""NLU training data: Rasa-style YAML (`intent:` + `examples:`) read into (text, intent) pairs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.errors import ShopbotError
from bot.nlu.finetune import hash_lines, split_by

DATA_DIR = Path(__file__).parent / "data"
TRAIN_FILE = DATA_DIR / "train.yml"
TEST_FILE = DATA_DIR / "test.yml"

# The intent inventory; dialogue, evaluation and integrations depend on these names.
INTENTS: tuple[str, ...] = (
    "product_search", "product_question", "recommend", "compare", "refine", "inform", "add_to_cart", "place_order",
    "order_status", "order_cancel", "order_modify", "return_refund", "shipping_info", "payment_info",
    "billing", "promotions", "account_help", "newsletter", "feedback", "complaint", "human_handoff",
    "greet", "goodbye", "thanks", "affirm", "deny", "bot_challenge", "capabilities", "out_of_scope",
)  # fmt: skip
FALLBACK_INTENT = "out_of_scope"


class TrainingDataError(ShopbotError):
    """The NLU data file is malformed or names an unknown intent."""


@dataclass(frozen=True)
class Example:
    """One labelled utterance."""

    text: str
    intent: str


def read_blocks(path: Path, key: str, what: str) -> list[Any]:
    """The top-level `key:` list of a YAML training file, or TrainingDataError saying what is wrong."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise TrainingDataError(f"{path}: cannot read {what} ({exc})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get(key), list):
        raise TrainingDataError(f"{path}: expected a top-level '{key}:' list")
    return doc[key]


def block_lines(block: dict[str, Any]) -> list[str]:
    """The example texts of a block's `examples: |` ("- " lines, blank ones skipped)."""
    lines = (line.strip() for line in str(block.get("examples", "")).splitlines())
    return [text for line in lines if (text := line[2:].strip() if line.startswith("- ") else line)]


def load_examples(path: Path) -> list[Example]:
    """Read a Rasa NLU YAML file; every intent must be one of INTENTS."""
    examples: list[Example] = []
    for block in read_blocks(path, "nlu", "NLU data"):
        intent = block.get("intent") if isinstance(block, dict) else None
        if intent is None:
            continue  # other Rasa blocks (synonyms, lookups) are not intents
        if intent not in INTENTS:
            raise TrainingDataError(f"{path}: unknown intent {intent!r}; known: {', '.join(INTENTS)}")
        examples.extend(Example(text, intent) for text in block_lines(block))
    return examples


def data_hash(examples: Iterable[Example]) -> str:
    """A short hash of the examples, stored with a model so it is retrained when data changes."""
    return hash_lines(f"{ex.intent}\t{ex.text}" for ex in examples)


def stratified_split(examples: Sequence[Example], share: float, seed: int) -> tuple[list[Example], list[Example]]:
    """Split off `share` of each intent's examples (at least one) as a second list."""
    return split_by(examples, lambda ex: ex.intent, share, seed)
