"""Lexical retrieval: field-weighted BM25 as a sparse matrix aligned with the vector index's rows.

Each row holds one product's BM25 term weights (title, brand, category, attributes and
description counted with different weights, BM25F-style). A query is a sparse
matrix-vector product over the few columns its terms touch, so scoring every product
costs well under a millisecond at 100k products, and the same row mask that filters
dense retrieval filters this one exactly. Rows are appended on upsert, like the vectors,
and saved with them in one index version.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import Stemmer
from scipy import sparse

from retrieval.catalog import Product

# Words that carry no product meaning in shopper queries; matching on them only adds noise.
STOPWORDS = frozenset(
    """a an and are as at be by can do does for from have i im i'm in is it its looking me my need
    of on or please show some something that the this to want with would you your any find get
    buy under over below above than less more cheap cheaper around about""".split()
)
# Field weights: a word in the title says more about the product than one in its description.
FIELD_WEIGHTS = {"title": 4.0, "brand": 2.0, "category": 2.0, "attributes": 1.5, "description": 1.0}
K1 = 1.2
B = 0.75
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_STEMMER = Stemmer.Stemmer("english")


# The word rules a saved index was built with: when `tokens` changes, this number goes up and a
# saved index's lexical rows are rebuilt from the catalog (nothing is re-encoded).
TOKENS_VERSION = 2


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    stem = _STEMMER.stemWord(word)
    # The stemmer keeps the plural "s" of a word with no vowel before it ("tvs", "pcs", "ssds"),
    # so "smart TVs" would not find a "Smart LED TV".
    if len(stem) > 2 and stem.endswith("s") and not any(c in "aeiouy" for c in stem[:-1]):
        return stem[:-1]
    return stem


def tokens(text: str) -> list[str]:
    """Lower-case, stemmed, stopword-free word tokens ("Hiking Boots" -> ["hike", "boot"])."""
    return [
        _stem(t)
        for t in _TOKEN.findall(text.lower())
        if len(t) > 1 and t not in STOPWORDS and not t.isdigit()
    ]


def query_terms(text: str) -> list[str]:
    """The distinct meaningful terms of a shopper query, in order."""
    return list(dict.fromkeys(tokens(text)))


def product_fields(product: Product) -> dict[str, str]:
    """The text of each weighted field of a product."""
    attributes = " ".join(
        f"{k.replace('_', ' ')} {' '.join(v) if isinstance(v, list) else v}" for k, v in product.attributes.items()
    )
    return {
        "title": product.title,
        "brand": product.brand or "",
        "category": " ".join(product.category),
        "attributes": " ".join([attributes, *product.tags, *product.colors, *product.sizes]),
        "description": product.description,
    }


def term_counts(product: Product) -> dict[str, float]:
    """Field-weighted term frequencies of one product."""
    counts: Counter[str] = Counter()
    for field, text in product_fields(product).items():
        weight = FIELD_WEIGHTS[field]
        for term in tokens(text):
            counts[term] += weight
    return dict(counts)


class LexicalIndex:
    """BM25 over products, one sparse row per vector-index row."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.tokens_version = TOKENS_VERSION  # a saved index says which it was built with
        # Raw field-weighted term frequencies, one row per product row ever appended.
        self._tf = sparse.csr_matrix((0, 0), dtype=np.float32)
        self._lengths = np.zeros(0, dtype=np.float32)
        self._alive = np.zeros(0, dtype=bool)
        self._df = np.zeros(0, dtype=np.int64)  # live rows containing each term
        self._bm25: sparse.csc_matrix | None = None  # BM25 tf part, rebuilt after writes

    @property
    def n_rows(self) -> int:
        """Rows ever appended (live or removed)."""
        return self._tf.shape[0]

    def append(self, counts: Sequence[dict[str, float]]) -> None:
        """Append one row per product, in the same order the vector index appends them."""
        if not counts:
            return
        indptr = [0]
        indices: list[int] = []
        data: list[float] = []
        for doc in counts:
            for term, tf in doc.items():
                indices.append(self.vocab.setdefault(term, len(self.vocab)))
                data.append(tf)
            indptr.append(len(indices))
        width = len(self.vocab)
        new = sparse.csr_matrix(
            (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32), np.asarray(indptr)),
            shape=(len(counts), width),
        )
        old = self._tf
        old.resize((old.shape[0], width))
        self._tf = sparse.vstack([old, new], format="csr", dtype=np.float32)
        self._lengths = np.concatenate([self._lengths, np.asarray(new.sum(axis=1)).ravel().astype(np.float32)])
        self._alive = np.concatenate([self._alive, np.ones(len(counts), dtype=bool)])
        self._df = np.concatenate([self._df, np.zeros(width - len(self._df), dtype=np.int64)])
        np.add.at(self._df, new.indices, 1)
        self._bm25 = None

    def rows_naming(self, term: str | None, rows: Sequence[int]) -> list[bool]:
        """For each row (-1 for none): whether its product's title, brand or category holds `term`
        (a stemmed token), told by the term's field-weighted count: a description says it once
        for each time it is written, a title says it with FIELD_WEIGHTS["title"]."""
        column = self.vocab.get(term) if term else None
        if column is None or not len(rows):
            return [False] * len(rows)
        valid = [r if r >= 0 else 0 for r in rows]
        counts = np.asarray(self._tf[valid][:, column].todense()).ravel()
        named = min(FIELD_WEIGHTS["title"], FIELD_WEIGHTS["brand"], FIELD_WEIGHTS["category"])
        return [r >= 0 and float(c) >= named for r, c in zip(rows, counts, strict=True)]

    def products_using(self, word: str) -> int:
        """How many live products use `word` in any field, under the index's own word rules
        ("indoor" counts products saying "indoor" or "indoors"); 0 for a stopword."""
        terms = tokens(word)
        column = self.vocab.get(terms[0]) if len(terms) == 1 else None
        return int(self._df[column]) if column is not None and column < len(self._df) else 0

    def remove_rows(self, rows: Iterable[int]) -> None:
        """Forget rows (their products were updated or deleted) in the term statistics."""
        for r in rows:
            if self._alive[r]:
                self._alive[r] = False
                np.subtract.at(self._df, self._tf.indices[self._tf.indptr[r] : self._tf.indptr[r + 1]], 1)
        self._bm25 = None

    def _build(self) -> sparse.csc_matrix:
        live = self._lengths[self._alive]
        avgdl = float(live.mean()) if len(live) else 1.0
        tf = self._tf
        norms = K1 * (1 - B + B * self._lengths / avgdl)
        row_norm = np.repeat(norms, np.diff(tf.indptr))
        weights = tf.data * (K1 + 1) / (tf.data + row_norm)
        return sparse.csr_matrix((weights.astype(np.float32), tf.indices, tf.indptr), shape=tf.shape).tocsc()

    def scores(self, query: str) -> tuple[np.ndarray, bool]:
        """BM25 score of every row for `query`, and whether any query term is known."""
        if self._bm25 is None:
            self._bm25 = self._build()
        ids = [self.vocab[t] for t in query_terms(query) if t in self.vocab]
        if not ids:
            return np.zeros(self.n_rows, dtype=np.float32), False
        n_live = max(1, int(self._alive.sum()))
        df = self._df[ids]
        idf = np.log(1 + (n_live - df + 0.5) / (df + 0.5)).astype(np.float32)
        return np.asarray(self._bm25[:, ids] @ idf).ravel(), True

    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Best-first (row, score) of up to k live rows with a positive score that `allowed` permits."""
        scores, known = self.scores(query)
        if not known or k <= 0:
            return []
        mask = self._alive if allowed is None else (self._alive & allowed[: self.n_rows])
        candidates = np.flatnonzero((scores > 0) & mask)
        if len(candidates) > k:
            candidates = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
        order = candidates[np.argsort(-scores[candidates], kind="stable")]
        return [(int(r), float(scores[r])) for r in order]

    # -- persistence -------------------------------------------------------------------

    def write(self, folder: Path) -> None:
        """Save into an index version folder."""
        np.savez(
            folder / "lexical.npz",
            data=self._tf.data, indices=self._tf.indices, indptr=self._tf.indptr,
            lengths=self._lengths, alive=self._alive,
        )  # fmt: skip
        (folder / "lexical_vocab.json").write_text(json.dumps(self.vocab), encoding="utf-8")
        (folder / "lexical_meta.json").write_text(json.dumps({"tokens": self.tokens_version}), encoding="utf-8")

    @classmethod
    def read(cls, folder: Path) -> LexicalIndex:
        """Load from an index version folder."""
        index = cls()
        index.vocab = json.loads((folder / "lexical_vocab.json").read_text(encoding="utf-8"))
        meta = folder / "lexical_meta.json"
        index.tokens_version = json.loads(meta.read_text(encoding="utf-8"))["tokens"] if meta.exists() else 1
        with np.load(folder / "lexical.npz") as z:
            n = len(z["lengths"])
            index._tf = sparse.csr_matrix(
                (z["data"], z["indices"], z["indptr"]), shape=(n, len(index.vocab)), dtype=np.float32
            )
            index._lengths = z["lengths"]
            index._alive = z["alive"]
        index._df = np.zeros(len(index.vocab), dtype=np.int64)
        live = index._tf[index._alive]
        np.add.at(index._df, live.indices, 1)
        return index
