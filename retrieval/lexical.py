"""Lexical retrieval: BM25 over SQLite FTS5, with a query builder that tolerates shopper text.

FTS5 is used rather than a separate BM25 library because it lives in the catalog's own
database: it is updated in the same transaction as the products (incremental upserts and
deletes, never out of sync), persisted with them, and needs no extra dependency.
"""

from __future__ import annotations

import re

from retrieval.store import CatalogStore

# Words that carry no product meaning in shopper queries; matching on them only adds noise.
STOPWORDS = frozenset(
    """a an and are as at be by can do does for from have i im i'm in is it its looking me my need
    of on or please show some something that the this to want with would you your any find get
    buy under over below above than less more cheap cheaper less around about""".split()
)
# Column weights for bm25(): title, brand, category, attributes, description.
WEIGHTS = (4.0, 2.0, 2.0, 1.5, 1.0)
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def query_terms(text: str) -> list[str]:
    """The distinct, meaningful lower-case terms of a shopper query, in order."""
    seen: list[str] = []
    for token in _TOKEN.findall(text.lower()):
        if len(token) < 2 or token in STOPWORDS or token.isdigit() or token in seen:
            continue
        seen.append(token)
    return seen


def match_expression(terms: list[str]) -> str:
    """An FTS5 expression matching any term (OR), so partial matches still rank."""
    # Each term is quoted, so FTS5 operators typed by a shopper are plain words.
    return " OR ".join(f'"{t}"' for t in terms)


class LexicalIndex:
    """BM25 search over title, brand, category, attributes and description."""

    def __init__(self, store: CatalogStore) -> None:
        self.store = store

    def search(self, query: str, limit: int = 100) -> list[tuple[str, float]]:
        """Best-first (product id, score) pairs; empty when the query has no usable words."""
        terms = query_terms(query)
        if not terms:
            return []
        return self.store.fts_query(match_expression(terms), limit, WEIGHTS)
