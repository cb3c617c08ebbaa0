"""Fold records that repeat a product id into one product.

Exports such as Amazon's list a product once per review, so the same id comes back on
several rows that differ in small ways (one has the rating count, one does not). The
most complete row is kept whole, rather than stitched from several rows that may
disagree, and every row's reviews are gathered onto it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from retrieval.catalog import Product, Review

_EMPTY: tuple[object, ...] = (None, "", [], {})


def completeness(product: Product) -> int:
    """How many fields the record states (reviews aside: they are gathered from every row)."""
    stated = product.model_dump(exclude_defaults=True, exclude={"reviews"})
    return sum(1 for value in stated.values() if value not in _EMPTY)


def merge_repeats(products: Sequence[Product]) -> Product:
    """One product from records sharing an id: the most complete, with everyone's reviews.

    On a tie the earliest record wins, as it did before repeats were merged. A single
    record comes back as it is, unless it lists more reviews than its review count says.
    """
    best = max(products, key=completeness)  # max keeps the first of equal scores
    reviews = unique_reviews(review for p in products for review in p.reviews)
    if reviews == best.reviews and best.review_count >= len(reviews):
        return best
    return with_reviews(best, reviews)


def with_reviews(product: Product, reviews: list[Review]) -> Product:
    """`product` holding `reviews`; its review count is never below the reviews it holds."""
    return product.model_copy(
        update={"reviews": reviews, "review_count": max(product.review_count, len(reviews))}
    )


def unique_reviews(reviews: Iterable[Review]) -> list[Review]:
    """Reviews in order, each once: repeated rows repeat the same review word for word."""
    seen: set[tuple[object, ...]] = set()
    kept: list[Review] = []
    for review in reviews:
        key = (
            review.rating,
            " ".join(review.text.split()).casefold(),
            " ".join((review.title or "").split()).casefold(),
            review.date,
            " ".join((review.author or "").split()).casefold(),
        )
        if key not in seen:
            seen.add(key)
            kept.append(review)
    return kept
