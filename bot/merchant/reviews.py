"""Review analysis over a catalog: the sentiment classifier with a memo, and per-product summaries.

Review text repeats a lot (short verdicts like "Fits true to size." recur across products
and catalogs), so every distinct clause is classified once and remembered; summarising the
same product again costs nothing. The memo is bounded so a huge catalog cannot grow it
without limit.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from bot.config import Settings
from bot.merchant.aspects import ReviewSummary, ReviewText, summarize
from bot.merchant.sentiment import Classify
from retrieval.catalog import Product
from retrieval.store import CatalogStore

logger = logging.getLogger(__name__)

MEMO_SIZE = 200_000


class MemoClassify:
    """A `Classify` that asks the model only about texts it has not seen."""

    def __init__(self, classify: Classify, limit: int = MEMO_SIZE) -> None:
        self._classify = classify
        self._memo: OrderedDict[str, tuple[str, float]] = OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()  # summaries run in executor threads

    def __call__(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._memo))
        if missing:
            fresh = dict(zip(missing, self._classify(missing), strict=True))
            with self._lock:
                self._memo.update(fresh)
                while len(self._memo) > self._limit:
                    self._memo.popitem(last=False)
        else:
            fresh = {}
        with self._lock:
            return [fresh[t] if t in fresh else self._memo[t] for t in texts]


def review_texts(product: Product) -> list[ReviewText]:
    """A product's reviews with text, as the summariser reads them."""
    return [ReviewText(r.text, r.rating, r.date, r.author) for r in product.reviews if r.text.strip()]


class ReviewAnalyzer:
    """Sentiment and aspect summaries for products, sharing one memoised classifier."""

    def __init__(self, classify: Classify) -> None:
        self.classify = MemoClassify(classify)

    def summary(self, product: Product) -> ReviewSummary:
        """The aspect summary of one product's reviews."""
        return summarize(review_texts(product), self.classify)


def iter_products(store: CatalogStore, chunk: int = 500) -> Iterator[Product]:
    """Every product in the catalog, read in chunks so memory stays flat."""
    ids = sorted(store.fingerprints())
    for start in range(0, len(ids), chunk):
        found = store.get_many(ids[start : start + chunk])
        yield from (found[i] for i in ids[start : start + chunk] if i in found)


def open_review_analyzer(settings: Settings) -> ReviewAnalyzer | None:
    """The analyzer over the saved sentiment model, or None when none is trained yet.

    Serving never trains it (that is `shopbot setup` / `shopbot train sentiment`), and a
    model trained on older data still serves: its labels do not go stale the way intents do.
    """
    from bot.merchant.sentiment import SentimentClassifier, locate_sentiment_model, sentiment_model_dir

    folder = locate_sentiment_model(settings, current_only=False)
    if folder is None:
        logger.warning(
            "no review sentiment model in %s or the model cache %s; review summaries are off until `shopbot setup`",
            sentiment_model_dir(settings), settings.model_cache_dir,
        )  # fmt: skip
        return None
    return ReviewAnalyzer(SentimentClassifier.load(folder).classify)
