"""Labelled sentences for the review sentiment classifier, read at run time (never copied).

Sources, and how each gets its labels:

- UCI "Sentiment Labelled Sentences" (yelp restaurant and imdb film review sentences,
  `sentence TAB 0|1`): negative / positive, labelled by people. They live outside the
  repository (../shared/data next to the checkout); without them training uses the demo
  catalog alone.
- The demo catalog's rated reviews. A rating labels a whole review, not each sentence: a
  4-star review usually ends with a gripe ("Packaging could be better."), a 2-star one may
  say "On the plus side: ...", and a 3-star one has one good and one bad sentence. So each
  review is split into sentences and a sentence is labelled only where the rating is
  unambiguous: positive when it appears in a 5-star review, negative when it appears in a
  1-star review (and never in the other extreme), neutral when it appears only ever in
  3-star reviews, and in many of them ("Not bad, not great.", "It does the job."). The
  good and the bad sentence of a 3-star review, together, are a neutral example too: a
  review with a good and a bad point is neutral overall, which teaches the model that
  mixed text is not confidently either side.
- Neutral also needs statements of fact, which neither source has: sentences of the demo
  catalog's product descriptions ("They are made of recycled polyester.") serve, the way
  plot summaries serve as objective text in Pang & Lee's subjectivity data.

Only distinct texts are kept: the demo catalog is template-made and repeats its sentences,
and repeats would teach the templates rather than sentiment.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.errors import ShopbotError
from bot.merchant.text import split_sentences
from bot.nlu.finetune import hash_lines, split_by
from catalog import DEMO_PRODUCTS

LABELS: tuple[str, ...] = ("negative", "neutral", "positive")
NEUTRAL = "neutral"

# The UCI files, by domain name.
SENTENCE_FILES: dict[str, str] = {
    "yelp": "sentiment_yelp_labelled.txt",
    "imdb": "sentiment_imdb_labelled.txt",
}

# ../shared/data beside the checkout (bot/merchant/ -> repo -> its parent), wherever the
# command runs from, so the training data (and its hash) does not depend on the cwd.
DEFAULT_SENTENCE_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data"

# Caps on the demo-derived neutral examples, so the neutral class does not outweigh the
# people-labelled sentences; chosen by seed, so a run is repeatable.
MAX_MIXED_REVIEWS = 300
# A sentence only ever seen in 3-star reviews is a middling verdict when it keeps coming
# back ("Fine overall."); a rare one may be a complaint that happened to land there.
MIN_VERDICT_REVIEWS = 20
MAX_DESCRIPTION_SENTENCES = 300


class SentimentDataError(ShopbotError):
    """A sentiment data file is missing or malformed."""


@dataclass(frozen=True)
class LabelledText:
    """One training or test text with its sentiment label and where it came from."""

    text: str
    label: str
    source: str


def read_sentence_file(path: Path, source: str) -> list[LabelledText]:
    """Read a UCI `sentence TAB 0|1` file: 0 is negative, 1 positive."""
    try:
        # split("\n"), not splitlines(): a few sentences hold U+0085, a Windows-1252 ellipsis
        # decoded as Latin-1, which splitlines() would treat as a line break.
        lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
    except OSError as exc:
        raise SentimentDataError(f"{path}: cannot read sentiment sentences ({exc})") from None
    out: list[LabelledText] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        text, sep, flag = line.rpartition("\t")
        if not sep or flag.strip() not in ("0", "1") or not text.strip():
            raise SentimentDataError(f"{path}:{number}: expected 'sentence<TAB>0 or 1'")
        text = text.replace("\x85", "...")
        out.append(LabelledText(text.strip(), "positive" if flag.strip() == "1" else "negative", source))
    return out


def sentence_domains(folder: Path | None = None) -> dict[str, list[LabelledText]]:
    """The UCI sentence sets found in `folder` (default: ../shared/data), by domain name."""
    folder = folder or DEFAULT_SENTENCE_DIR
    return {
        domain: read_sentence_file(folder / name, domain)
        for domain, name in SENTENCE_FILES.items()
        if (folder / name).is_file()
    }


def _demo_products(path: Path) -> list[dict]:  # type: ignore[type-arg]
    try:
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, ValueError) as exc:
        raise SentimentDataError(f"{path}: cannot read the catalog ({exc})") from None


def demo_review_examples(path: Path = DEMO_PRODUCTS, seed: int = 13) -> list[LabelledText]:
    """Sentence-level labels derived from the demo catalog's rated reviews (see the module
    docstring), plus capped samples of mixed 3-star reviews and description sentences as neutral."""
    products = _demo_products(path)
    ratings_of: dict[str, set[int]] = defaultdict(set)
    seen_count: dict[str, int] = defaultdict(int)
    middling: list[list[str]] = []
    facts: set[str] = set()
    for product in products:
        for review in product.get("reviews") or []:
            rating, text = review.get("rating"), str(review.get("text") or "").strip()
            if not isinstance(rating, int) or not text:
                continue
            sentences = split_sentences(text)
            for sentence in sentences:
                ratings_of[sentence].add(rating)
                seen_count[sentence] += 1
            if rating == 3:
                middling.append(sentences)
        facts.update(split_sentences(str(product.get("description") or "")))

    labelled: dict[str, str] = {}
    for sentence in sorted(ratings_of):
        seen = ratings_of[sentence]
        if 5 in seen and 1 not in seen:
            labelled[sentence] = "positive"
        elif 1 in seen and 5 not in seen:
            labelled[sentence] = "negative"
        elif seen == {3} and seen_count[sentence] >= MIN_VERDICT_REVIEWS:
            labelled[sentence] = NEUTRAL
    out = [LabelledText(sentence, label, "demo") for sentence, label in labelled.items()]
    # A mixed review: a 3-star review with a known-good and a known-bad sentence. Its
    # verdict sentence is left out, so "not bad" is not learned as neutral from
    # "Not bad, not great." riding along; the verdict is its own example above.
    mixed: set[str] = set()
    for sentences in middling:
        kinds = [labelled.get(sentence) for sentence in sentences]
        if "positive" in kinds and "negative" in kinds:
            mixed.add(" ".join(s for s, k in zip(sentences, kinds, strict=True) if k != NEUTRAL))
    rng = random.Random(seed)
    taken = set(labelled)
    mixed_sample = rng.sample(sorted(mixed - taken), min(MAX_MIXED_REVIEWS, len(mixed - taken)))
    out += [LabelledText(text, NEUTRAL, "demo-mixed") for text in mixed_sample]
    fact_pool = sorted(facts - taken)
    out += [LabelledText(text, NEUTRAL, "demo-description")
            for text in rng.sample(fact_pool, min(MAX_DESCRIPTION_SENTENCES, len(fact_pool)))]  # fmt: skip
    return out


def training_examples(sentence_dir: Path | None = None, catalog_file: Path = DEMO_PRODUCTS) -> list[LabelledText]:
    """Every labelled text the shipped classifier trains on: UCI sentences (when present)
    and the demo catalog's derived examples, distinct texts only."""
    merged: dict[str, LabelledText] = {}
    for examples in sentence_domains(sentence_dir).values():
        for ex in examples:
            merged.setdefault(ex.text, ex)
    for ex in demo_review_examples(catalog_file):
        merged.setdefault(ex.text, ex)
    return list(merged.values())


def data_hash(examples: Iterable[LabelledText]) -> str:
    """A short hash of the examples, stored with a model so it is retrained when data changes."""
    return hash_lines(f"{ex.label}\t{ex.source}\t{ex.text}" for ex in examples)


def stratified_split(
    examples: Sequence[LabelledText], share: float, seed: int
) -> tuple[list[LabelledText], list[LabelledText]]:
    """Split off `share` of every (source, label) group as a second list, so each held-out
    set has the same mix of domains and labels as the whole."""
    return split_by(examples, lambda ex: (ex.source, ex.label), share, seed)
