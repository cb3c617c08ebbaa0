"""Search quality: graded-relevance metrics and a runner that scores every mode in one pass."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from retrieval.catalog import Product
from retrieval.errors import CatalogFileError
from retrieval.filters import SearchFilters
from retrieval.search import Mode, ProductSearch


@dataclass(frozen=True)
class JudgedQuery:
    """A query with graded judgments: product id -> grade (2 exact, 1 partial, else 0)."""

    id: str
    query: str
    judgments: dict[str, int]
    filters: SearchFilters = field(default_factory=SearchFilters)


def dcg(grades: Sequence[int]) -> float:
    """Discounted cumulative gain with linear gain (the grade itself), as WANDS reports it."""
    return sum(g / math.log2(i + 2) for i, g in enumerate(grades))


def ndcg_at(ranked: Sequence[str], judgments: dict[str, int], k: int = 10) -> float:
    """NDCG@k of a ranked id list against graded judgments (unjudged = 0)."""
    ideal = dcg(sorted(judgments.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([judgments.get(pid, 0) for pid in ranked[:k]]) / ideal


def recall_at(ranked: Sequence[str], judgments: dict[str, int], k: int = 50) -> float:
    """Share of relevant products (grade >= 1) found in the top k."""
    relevant = {pid for pid, g in judgments.items() if g >= 1}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def reciprocal_rank(ranked: Sequence[str], judgments: dict[str, int], grade: int = 2) -> float:
    """1 / rank of the first product judged at least `grade` (0 when none is ranked)."""
    for rank, pid in enumerate(ranked, 1):
        if judgments.get(pid, 0) >= grade:
            return 1.0 / rank
    return 0.0


@dataclass(frozen=True)
class ModeScores:
    """Mean metrics of one retrieval mode over a query set."""

    mode: str
    ndcg10: float
    recall50: float
    mrr: float
    queries: int


def evaluate(
    search: ProductSearch, queries: Iterable[JudgedQuery], modes: Sequence[Mode] = ("lexical", "dense", "hybrid")
) -> list[ModeScores]:
    """Score each mode on the same queries: NDCG@10, Recall@50 and MRR (first exact hit)."""
    queries = list(queries)
    results = []
    for mode in modes:
        totals = [0.0, 0.0, 0.0]
        for q in queries:
            ranked = [h.product.id for h in search.search(q.query, filters=q.filters, k=50, mode=mode)]
            totals[0] += ndcg_at(ranked, q.judgments, 10)
            totals[1] += recall_at(ranked, q.judgments, 50)
            totals[2] += reciprocal_rank(ranked, q.judgments)
        n = max(1, len(queries))
        results.append(ModeScores(mode, totals[0] / n, totals[1] / n, totals[2] / n, len(queries)))
    return results


def load_judged_queries(path: Path) -> list[JudgedQuery]:
    """Read a JSONL query set: {"id", "query", "judgments": {id: grade}, "filters"?}."""
    if not path.is_file():
        raise CatalogFileError(f"no query set at {path}")
    out = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            out.append(
                JudgedQuery(
                    id=str(row["id"]),
                    query=row["query"],
                    judgments={str(k): int(v) for k, v in row["judgments"].items()},
                    filters=SearchFilters(**row.get("filters", {})),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise CatalogFileError(f"{path}:{line_no}: not a judged query ({exc})") from None
    return out


# -- WANDS (Wayfair ANnotation DataSet), an external product-search benchmark ----------

_WANDS_GRADES = {"Exact": 2, "Partial": 1, "Irrelevant": 0}


def _tsv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f, delimiter="\t")


def wands_products(folder: Path) -> Iterator[Product]:
    """WANDS products as catalog items: name, class and category path (no prices in WANDS)."""
    for row in _tsv(folder / "products.tsv"):
        category = row.get("category_hierarchy") or ""
        yield Product(
            id=row["product_id"],
            title=row["product_name"] or f"product {row['product_id']}",
            category=[c.strip() for c in category.strip('"').split("/") if c.strip()],
            attributes={"class": row["product_class"]} if row.get("product_class") else {},
            price=0.0,
        )


def wands_queries(folder: Path) -> list[JudgedQuery]:
    """WANDS queries with their Exact/Partial judgments."""
    judgments: dict[str, dict[str, int]] = {}
    for row in _tsv(folder / "labels.tsv"):
        grade = _WANDS_GRADES.get(row["label"], 0)
        if grade:
            judgments.setdefault(row["query_id"], {})[row["product_id"]] = grade
    return [
        JudgedQuery(id=row["query_id"], query=row["query"], judgments=judgments.get(row["query_id"], {}))
        for row in _tsv(folder / "queries.tsv")
    ]
