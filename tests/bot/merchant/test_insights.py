"""Store insights over a small hand-written catalog, with the real sentiment model.

The story: reviews of the "Pack & <Go> Duffel" were happy about delivery until spring, then
a burst of late and crushed parcels. A store owner should see that product first, and
delivery as the aspect going wrong, while the rest of the catalog carries on as before.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from bot.merchant import charts
from bot.merchant.insights import Insights, WindowError, compute_insights
from bot.merchant.reviews import ReviewAnalyzer
from retrieval.catalog import Product
from tests.conftest import make_product

NEWEST = dt.date(2025, 6, 30)
BEFORE = [dt.date(2025, 1, 20), dt.date(2025, 2, 11), dt.date(2025, 3, 3), dt.date(2025, 3, 25)]
RECENT = [dt.date(2025, 4, 18), dt.date(2025, 5, 9), dt.date(2025, 5, 30), dt.date(2025, 6, 14), NEWEST]
DUFFEL = "Pack & <Go> Duffel"

HAPPY_DELIVERY = [
    "Shipping was fast and the box was in perfect shape. Love the colour.",
    "Arrived a day early and well packaged. Exactly as pictured.",
    "Delivery was quick. Really happy with it.",
    "Came well packaged and arrived on time. Great purchase.",
]
LATE_DELIVERY = [
    "Shipping took three weeks and nobody answered my emails.",
    "The package arrived crushed and a month late.",
    "Delivery was a disaster, the box showed up torn open.",
    "It arrived two weeks after the promised date. Very frustrating.",
    "Terrible delivery, the courier left it in the street.",
    "My order arrived damaged and very late.",
    "Shipping was painfully slow and the packaging was ripped.",
    "The delivery was late twice and I had to chase the courier.",
]


def _reviews(texts_dates: list[tuple[str, dt.date, int]]) -> list[dict[str, object]]:
    return [{"text": t, "date": d, "rating": r, "author": f"Reviewer {i}"} for i, (t, d, r) in enumerate(texts_dates)]


def catalog() -> list[Product]:
    duffel = make_product(
        "bag-1", DUFFEL, category="Bags > Travel > Duffels",
        reviews=_reviews([(t, d, 5) for t, d in zip(HAPPY_DELIVERY, BEFORE, strict=True)]
                         + [(t, RECENT[i % len(RECENT)], 1) for i, t in enumerate(LATE_DELIVERY)]),
    )  # fmt: skip
    steady = []
    for n, (title, category) in enumerate([
        ("Oak Desk Lamp", "Home > Lighting"), ("Linen Throw Pillow", "Home > Decor"),
        ("Steel Water Bottle", "Kitchen > Drinkware"), ("Wool Hiking Socks", "Apparel > Socks"),
        ("Cotton Bath Towel", "Home > Bath"),
    ]):  # fmt: skip
        texts = [(HAPPY_DELIVERY[(n + i) % 4], d, 5) for i, d in enumerate(BEFORE[:2] + RECENT[:2])]
        texts += [
            ("Well made and sturdy, I use it every day.", BEFORE[2], 5),
            ("Well made and sturdy, I use it every day.", RECENT[2], 4),
        ]
        if n == 0:  # one recent complaint elsewhere, so the duffel has competition
            texts.append(("The switch broke after a week.", RECENT[3], 2))
        steady.append(make_product(f"steady-{n}", title, category=category, reviews=_reviews(texts)))
    # A torch whose battery two reviews praised and two recent ones curse: a swing of 100
    # points, on four reviews.
    torch = make_product("torch-1", "Trail Head Torch", category="Outdoors > Lighting", reviews=_reviews([
        ("The battery lasts all weekend, brilliant.", BEFORE[0], 5),
        ("Great battery life.", BEFORE[1], 5),
        ("The battery died after one evening.", RECENT[1], 1),
        ("Battery is useless, dead within an hour.", RECENT[2], 1),
    ]))  # fmt: skip
    return [*steady, duffel, torch]


@pytest.fixture(scope="module")
def analyzer(sentiment) -> ReviewAnalyzer:
    return ReviewAnalyzer(sentiment.classify)


@pytest.fixture(scope="module")
def insights(analyzer: ReviewAnalyzer) -> Insights:
    return compute_insights(catalog(), analyzer)


def test_recent_means_the_last_90_days_before_the_newest_review(insights: Insights) -> None:
    assert insights.reference == NEWEST
    assert insights.recent is not None and insights.previous is not None
    assert (insights.recent.start, insights.recent.end, insights.recent.days) == (dt.date(2025, 4, 2), NEWEST, 90)
    assert (insights.previous.start, insights.previous.end) == (dt.date(2025, 1, 2), dt.date(2025, 4, 1))
    assert insights.products_scanned == 7
    assert insights.months[0] <= "2025-01" and insights.months[-1] == "2025-06"


def test_the_product_with_the_burst_of_bad_reviews_tops_the_list(insights: Insights) -> None:
    top = insights.products[0]
    assert top.title == DUFFEL
    assert (top.negative_reviews, top.recent_reviews) == (8, 8)
    assert top.average_rating == 1.0
    assert top.top_complaint == "delivery"
    assert top.quote is not None and top.quote in " ".join(LATE_DELIVERY)  # verbatim, never made up
    ranked = [p.product_id for p in insights.products]
    assert {"steady-0", "torch-1"} <= set(ranked)  # their recent complaints are listed too, lower down
    assert "steady-1" not in ranked  # nothing but praise: not a product to worry about


def test_delivery_is_trending_down_and_a_four_review_swing_is_not(insights: Insights) -> None:
    trending = insights.trending_down()
    assert trending and trending[0].aspect == "delivery"
    delivery = trending[0]
    assert delivery.previous_complaints == 0 and delivery.recent_complaints == 8
    assert delivery.recent_share is not None and delivery.recent_share > 0.4
    assert delivery.quote is not None and delivery.quote in " ".join(LATE_DELIVERY)
    battery = next(a for a in insights.aspects if a.aspect == "battery")
    assert battery.change is not None and battery.change > delivery.change  # (0 -> 100%)
    assert battery not in trending  # too few mentions to trust: see Insights.trending_down
    months = {m.month: m for m in delivery.months}
    assert months["2025-01"].complaints == 0 and months["2025-05"].complaints >= 2


def test_a_category_filter_keeps_only_that_part_of_the_catalog(analyzer: ReviewAnalyzer) -> None:
    home = compute_insights(catalog(), analyzer, category="home")
    assert home.category == "home" and home.products_scanned == 3
    assert [p.product_id for p in home.products] == ["steady-0"]  # the duffel is a bag, not home
    assert home.reference == NEWEST  # the same window as the whole store


def test_since_sets_the_start_of_the_recent_window(analyzer: ReviewAnalyzer) -> None:
    found = compute_insights(catalog(), analyzer, since=dt.date(2025, 6, 1))
    assert found.recent is not None and found.recent.days == 30
    assert found.products[0].title == DUFFEL and found.products[0].negative_reviews == 2
    with pytest.raises(WindowError, match="after the newest review"):
        compute_insights(catalog(), analyzer, since=dt.date(2026, 1, 1))


def test_reviews_without_dates_are_counted_but_sit_in_no_window(analyzer: ReviewAnalyzer) -> None:
    undated = make_product("x-1", "Mystery Box", reviews=[{"text": "Arrived broken.", "rating": 1}])
    found = compute_insights([undated], analyzer)
    assert found.reference is None and found.recent is None and found.undated_reviews == 1
    assert found.products == [] and found.trending_down() == []
    for name in charts.CHARTS:
        ET.fromstring(charts.render(found, name))  # still a picture, saying there is nothing to show


def _texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(e.itertext()) for e in root.iter() if e.tag.endswith(("}text", "}title", "}desc"))]


def test_charts_are_well_formed_svg_with_the_titles_escaped(insights: Insights) -> None:
    bars = charts.render(insights, "products")
    assert "Pack &amp; &lt;Go&gt; Duffel" in bars  # escaped in the source...
    texts = _texts(bars)  # ...and read back as the title the shop uses
    assert texts[0] == "Products with the most negative recent reviews"  # the <title> screen readers announce
    assert DUFFEL in texts
    assert any(t.startswith(f"{DUFFEL}: 8 of 8 recent reviews negative") for t in texts)

    lines = charts.render(insights, "aspects")
    texts = _texts(lines)
    assert texts[0].startswith("Aspects trending down")
    assert "delivery" in texts and "battery" not in texts
    assert "0% → " in " ".join(texts)  # the legend says where delivery came from
    with pytest.raises(KeyError, match="products, aspects"):
        charts.render(insights, "pie")


def test_the_json_form_is_plain_data(insights: Insights) -> None:
    data = insights.to_dict(limit=2)
    assert len(data["products"]) == 2 and data["products"][0]["title"] == DUFFEL
    assert data["products"][0]["negative_share"] == 1.0
    assert data["recent"] == {"start": "2025-04-02", "end": "2025-06-30", "days": 90}
    assert data["trending_down"][0]["aspect"] == "delivery"
    assert data["trending_down"][0]["previous"]["share"] == 0.0
