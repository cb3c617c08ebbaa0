"""How much of the catalog states each fact, and what the assistant cannot do without it.

A store owner importing a spreadsheet sees at a glance that, say, no product has a brand,
so shoppers asking for a brand get nothing, before a shopper finds out. The assistant
never fills a missing fact with a default; this is where the owner learns which facts
are missing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from retrieval.catalog import Product


@dataclass(frozen=True)
class _Fact:
    name: str
    has: Callable[[Product], bool]
    if_none: str  # what the assistant cannot do when no product states it
    if_some: str  # ... for the products that do not, when some do


_FACTS: tuple[_Fact, ...] = (
    _Fact("brand", lambda p: bool(p.brand),
          "the assistant cannot filter or answer by brand",
          "a brand filter never finds the rest"),
    _Fact("stock (known)", lambda p: p.total_stock is not None,
          "the catalog does not say what is in stock, so every product counts as available",
          "the rest do not say, so they count as available"),
    _Fact("rating", lambda p: p.rating is not None,
          "the assistant cannot filter, rank or answer by rating",
          "the rest never pass a minimum-rating filter"),
    _Fact("review count", lambda p: p.review_count > 0,
          "the assistant cannot say how many people reviewed a product",
          "the assistant cannot say how many people reviewed the rest"),
    _Fact("reviews", lambda p: bool(p.reviews),
          "the assistant cannot quote or sum up what customers say",
          "the assistant cannot say what customers think of the rest"),
    _Fact("image", lambda p: bool(p.image_url),
          "product cards show no picture",
          "the rest show no picture"),
    _Fact("product URL", lambda p: bool(p.product_url),
          "the assistant cannot link shoppers to a product page",
          "the rest have no link to a product page"),
    _Fact("description", lambda p: bool(p.description),
          "answers rely on titles, categories and attributes alone",
          "answers about the rest rely on title, category and attributes alone"),
    _Fact("category", lambda p: bool(p.category),
          "the assistant cannot filter or browse by category",
          "a category filter never finds the rest"),
    _Fact("attributes", lambda p: bool(p.attributes),
          "the assistant cannot filter or answer by colour, size, material and the like",
          "the rest state no colour, size, material or the like"),
    _Fact("compare-at price", lambda p: p.compare_at_price is not None,
          "the assistant cannot mention a discount or an original price",
          "the rest show no original price or discount"),
    _Fact("variants", lambda p: bool(p.variants),
          "no stock by size or colour; sizes and colours come from attributes only",
          "the rest have no stock by size or colour"),
)


@dataclass(frozen=True)
class FieldCoverage:
    """How many products state one fact, and what is lost for the rest."""

    name: str
    count: int
    total: int
    consequence: str | None  # None when every product states it

    @property
    def percent(self) -> str:
        """"0%", "100%", or a whole percent that is never rounded to either end."""
        if self.count == 0 or self.total == 0:
            return "0%"
        if self.count == self.total:
            return "100%"
        return f"{min(99, max(1, round(100 * self.count / self.total)))}%"


@dataclass(frozen=True)
class CatalogCoverage:
    """The catalog's size, departments, stock, currencies and per-fact coverage."""

    total: int
    departments: int
    in_stock: int
    currencies: dict[str, int]  # ISO code -> products priced in it, most used first
    fields: list[FieldCoverage]


def catalog_coverage(products: Iterable[Product]) -> CatalogCoverage:
    """Count, over every product, which facts the catalog states."""
    items = list(products)
    total = len(items)
    fields = []
    for fact in _FACTS:
        count = sum(1 for p in items if fact.has(p))
        if count == total:
            consequence = None
        elif count == 0:
            consequence = fact.if_none
        else:
            consequence = fact.if_some
        fields.append(FieldCoverage(fact.name, count, total, consequence))
    return CatalogCoverage(
        total=total,
        departments=len({p.category[0].lower() for p in items if p.category}),
        in_stock=sum(1 for p in items if p.in_stock),
        currencies=dict(Counter(p.currency for p in items).most_common()),
        fields=fields,
    )


def coverage_lines(coverage: CatalogCoverage) -> list[str]:
    """The coverage as lines for a terminal: one per fact, aligned, with its consequence."""
    total = coverage.total
    lines = [
        f"{total:,} products in {coverage.departments:,} departments; "
        f"{coverage.in_stock:,} available, {total - coverage.in_stock:,} out of stock",
        _currency_line(coverage),
    ]
    if not total:
        return lines
    lines.append("what the catalog states (and what the assistant cannot do without it):")
    width = max(len(f.name) for f in coverage.fields)
    digits = len(f"{total:,}")
    figures = [
        f"  {f.name:<{width}}  {f.count:>{digits},} of {total:,} ({f.percent})"
        for f in coverage.fields
    ]
    end = max(len(line) for line in figures)
    for f, line in zip(coverage.fields, figures):
        lines.append(f"{line:<{end}}  — {f.consequence}" if f.consequence else line)
    return lines


def _currency_line(coverage: CatalogCoverage) -> str:
    if not coverage.currencies:
        return "currency: none (the catalog is empty)"
    if len(coverage.currencies) == 1:
        (code, _), = coverage.currencies.items()
        return f"currency: {code} (every product)"
    parts = ", ".join(f"{code} {count:,}" for code, count in coverage.currencies.items())
    return f"currencies: {parts} (products priced in each)"


def coverage_dict(coverage: CatalogCoverage) -> dict[str, object]:
    """The coverage as plain data, for `--json` and scripts."""
    return {
        "products": coverage.total,
        "departments": coverage.departments,
        "in_stock": coverage.in_stock,
        "out_of_stock": coverage.total - coverage.in_stock,
        "currencies": coverage.currencies,
        "coverage": {
            f.name: {"count": f.count, "percent": f.percent, "without_it": f.consequence}
            for f in coverage.fields
        },
    }
