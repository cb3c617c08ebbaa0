"""Bought together: how often two products share a basket, counted from carts or orders."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping


class CoOccurrence:
    """Pair counts over baskets. A basket counts each pair once, whatever the quantities."""

    def __init__(self) -> None:
        self._pairs: dict[str, Counter[str]] = defaultdict(Counter)
        self._items: Counter[str] = Counter()
        self.baskets = 0

    @classmethod
    def from_baskets(cls, baskets: Iterable[Iterable[str]]) -> CoOccurrence:
        """Count every pair of distinct products within each basket."""
        model = cls()
        for basket in baskets:
            model.add(basket)
        return model

    def add(self, basket: Iterable[str]) -> None:
        """Count one more basket."""
        items = sorted(set(basket))
        if not items:
            return
        self.baskets += 1
        self._items.update(items)
        for i, a in enumerate(items):
            for b in items[i + 1 :]:
                self._pairs[a][b] += 1
                self._pairs[b][a] += 1

    def count(self, a: str, b: str) -> int:
        """Baskets holding both a and b."""
        pairs = self._pairs.get(a)
        return pairs.get(b, 0) if pairs else 0

    def baskets_with(self, product_id: str) -> int:
        """Baskets holding this product."""
        return self._items.get(product_id, 0)

    def association(self, a: str, b: str) -> float:
        """Cosine of the two products' basket sets, in [0, 1]: raw counts favour bestsellers."""
        n = self.count(a, b)
        return n / math.sqrt(self._items[a] * self._items[b]) if n else 0.0

    def related(self, product_id: str, n: int = 50) -> list[tuple[str, int]]:
        """The products most often in a basket with this one, with their counts."""
        pairs = self._pairs.get(product_id)
        return pairs.most_common(n) if pairs else []

    def scores(self, seeds: Mapping[str, float], n: int = 50) -> dict[str, tuple[float, str]]:
        """Products bought with the weighted seeds: id -> (sum of weight x association, best seed).

        The best seed is the one that contributes most, so a reason can name it.
        """
        found: dict[str, tuple[float, str, float]] = {}
        for seed, weight in seeds.items():
            for other, _ in self.related(seed, n):
                if other in seeds:
                    continue
                part = weight * self.association(seed, other)
                total, best, best_part = found.get(other, (0.0, seed, 0.0))
                if part > best_part:
                    best, best_part = seed, part
                found[other] = (total + part, best, best_part)
        return {pid: (total, best) for pid, (total, best, _) in found.items()}

    def interactions(self) -> dict[str, int]:
        """Baskets per product: a popularity signal when there are histories."""
        return dict(self._items)
