"""The bot's previous act as an input to the intent model.

The same words mean different things after different turns: "nope, only indoor" right
after a list of results narrows that list; "yes" after a question answers it. The parser
takes what the bot did last (`PREVIOUS_ACTS`) and adds a learned bias per act to the
classifier's logits before the softmax. The biases are fitted at training time on what
shoppers say right after each act (bot/nlu/data/context.yml), against the trained model's
own logits, with an L2 penalty so an act only moves an intent it has evidence for. Without
a previous act nothing changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.nlu.dataset import DATA_DIR, INTENTS, Example, TrainingDataError, block_lines, read_blocks
from bot.nlu.finetune import hash_lines

CONTEXT_FILE = DATA_DIR / "context.yml"
CONTEXT_TEST_FILE = DATA_DIR / "context_test.yml"

# What the bot did in the turn before the message:
#   asked_question  it asked the shopper something ("Who is it for?", "Any budget?")
#   showed_list     it showed a list of products (search results, recommendations)
#   named_product   it talked about one product (an answer about it, a comparison's winner)
PREVIOUS_ACTS: tuple[str, ...] = ("asked_question", "showed_list", "named_product")
# The pull towards zero bias: large enough that a handful of examples cannot swing an intent.
L2 = 0.5
# No act moves an intent's logit by more than this (in units of the calibrated logits).
MAX_BIAS = 3.0


@dataclass(frozen=True)
class ContextExample(Example):
    """An utterance labelled with its intent and the bot's act just before it."""

    previous_act: str = ""


def fingerprint(path: Path = CONTEXT_FILE) -> str:
    """A short hash of the context data, part of the training recipe ('' when absent)."""
    try:
        return hash_lines([path.read_text(encoding="utf-8")])[:12]
    except OSError:
        return ""


def check_act(act: str | None) -> str | None:
    """The act itself, or ValueError naming the known acts."""
    if act is not None and act not in PREVIOUS_ACTS:
        raise ValueError(f"unknown previous act {act!r}; known: {', '.join(PREVIOUS_ACTS)} (or None)")
    return act


def load_context_examples(path: Path = CONTEXT_FILE) -> list[ContextExample]:
    """Read a context file: blocks of `previous_act`, `intent` and `examples`."""
    out: list[ContextExample] = []
    for block in read_blocks(path, "context", "context data"):
        act, intent = block.get("previous_act"), block.get("intent")
        if act not in PREVIOUS_ACTS:
            raise TrainingDataError(f"{path}: unknown previous_act {act!r}; known: {', '.join(PREVIOUS_ACTS)}")
        if intent not in INTENTS:
            raise TrainingDataError(f"{path}: unknown intent {intent!r}")
        out.extend(ContextExample(text, intent, act) for text in block_lines(block))
    return out


def fit_biases(logits: np.ndarray, labels: np.ndarray, acts: Sequence[str], temperature: float) -> dict[str, list[float]]:
    """Per act, the logit bias that best explains which intents follow it (penalised NLL)."""
    from scipy.optimize import minimize

    z = logits / temperature
    n_labels = z.shape[1]
    out: dict[str, list[float]] = {}
    act_array = np.asarray(acts)
    for act in PREVIOUS_ACTS:
        rows = act_array == act
        if not rows.any():
            continue
        za, ya = z[rows], labels[rows]

        def loss(b: np.ndarray, za: np.ndarray = za, ya: np.ndarray = ya) -> tuple[float, np.ndarray]:
            s = za + b
            s = s - s.max(axis=1, keepdims=True)
            p = np.exp(s)
            p /= p.sum(axis=1, keepdims=True)
            nll = -np.log(np.clip(p[np.arange(len(ya)), ya], 1e-12, None)).sum()
            grad = p.sum(axis=0)
            np.subtract.at(grad, ya, 1.0)
            return float(nll + L2 * (b @ b)), grad + 2 * L2 * b

        result = minimize(loss, np.zeros(n_labels), jac=True, method="L-BFGS-B",
                          bounds=[(-MAX_BIAS, MAX_BIAS)] * n_labels)  # fmt: skip
        out[act] = [round(float(v), 4) for v in result.x]
    return out


def apply_biases(logits: np.ndarray, acts: Sequence[str | None], biases: Mapping[str, Sequence[float]], temperature: float) -> np.ndarray:
    """Logits with each row's act bias added (scaled back to raw logits); rows without an act unchanged."""
    out = logits.copy()
    for i, act in enumerate(acts):
        bias = biases.get(act) if act is not None else None
        if bias is not None:
            out[i] += np.asarray(bias, dtype=out.dtype) * temperature
    return out
