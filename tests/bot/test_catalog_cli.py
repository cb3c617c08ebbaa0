"""`shopbot catalog import` and `catalog stats` as a store owner reads them, in process.

Imports run with --no-index: what is checked here is what the owner is told and what
lands in the catalog, not search.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from retrieval.store import CatalogStore
from tests.conftest import SHARED_DATA

AMAZON_ARGS = [
    "--format", "csv", "--currency", "INR",
    "--map", "id=product_id", "--map", "title=product_name",
    "--map", "price=discounted_price", "--map", "compare_at_price=actual_price",
    "--map", "category=category", "--map", "rating=rating", "--map", "review_count=rating_count",
    "--map", "description=about_product", "--map", "image_url=img_link",
    "--map", "product_url=product_link",
    "--map", "review.text=review_content", "--map", "review.title=review_title",
    "--map", "review.author=user_name",
]  # fmt: skip


def shopbot(data: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--data-dir", str(data), *args])


def catalog_of(data: Path) -> CatalogStore:
    return CatalogStore(data / "catalog.db")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


def test_import_merges_repeats_and_keeps_products_with_a_bad_optional_value(
    tmp_path: Path, data: Path
) -> None:
    path = tmp_path / "products.csv"
    path.write_text(
        "id,title,price,rating,review_title,review\n"
        "a,Mug,5,4.5,Lovely,Keeps tea hot\n"
        "a,Mug,5,4.5,Meh,Chipped\n"
        "a,Mug,5,,Lovely,Keeps tea hot\n"
        "b,Cup,4,|,Small,Too small\n"  # a rating of "|": the cup stays, unrated
        "c,,4,,,\n"  # no title: rejected
    )
    run = shopbot(data, "catalog", "import", str(path), "--no-index",
                  "--map", "review.title=review_title", "--map", "review.text=review")  # fmt: skip
    assert run.exit_code == 0, run.output
    assert "imported 2, updated 0, unchanged 0, rejected 1" in run.stdout
    assert "merged 2 rows" in run.stdout
    assert "warnings: 1 value" in run.stdout
    # One line per problem that needs the owner's hand; none per merged row.
    assert f"{path}:5: rating:" in run.stderr and f"{path}:6: title:" in run.stderr
    assert ":3:" not in run.stderr and ":4:" not in run.stderr
    with catalog_of(data) as store:
        mug, cup = store.get("a"), store.get("b")
    assert mug is not None and cup is not None
    assert [r.title for r in mug.reviews] == ["Lovely", "Meh"] and mug.rating == 4.5
    assert cup.rating is None and cup.reviews[0].text == "Too small"


def test_many_warnings_are_summed_up(tmp_path: Path, data: Path) -> None:
    path = tmp_path / "products.csv"
    rows = "".join(f"p{i},Mug {i},5,img/{i}.jpg\n" for i in range(30))
    path.write_text("id,title,price,image_url\n" + rows)
    run = shopbot(data, "catalog", "import", str(path), "--no-index")
    assert "imported 30" in run.stdout and "rejected 0" in run.stdout
    assert "warnings: 30 values left out" in run.stdout and "image_url 30" in run.stdout
    details = [line for line in run.stderr.splitlines() if ": image_url: " in line]
    assert 0 < len(details) < 30
    assert "10 more" in run.stderr
    every = shopbot(data, "catalog", "import", str(path), "--no-index", "--all-warnings")
    assert len([line for line in every.stderr.splitlines() if ": image_url: " in line]) == 30
    assert "unchanged 30" in every.stdout


def test_strict_blocks_on_a_rejected_row_but_not_on_a_warning(tmp_path: Path, data: Path) -> None:
    warned = tmp_path / "warned.csv"
    warned.write_text("id,title,price,rating\na,Mug,5,|\na,Mug,5,4\n")
    run = shopbot(data, "catalog", "import", str(warned), "--no-index", "--strict")
    assert run.exit_code == 0 and "imported 1" in run.stdout
    rejected = tmp_path / "rejected.csv"
    rejected.write_text("id,title,price\nb,Cup,4\nc,Pan,-1\n")
    run = shopbot(data, "catalog", "import", str(rejected), "--no-index", "--strict")
    assert run.exit_code == 1 and "nothing imported" in run.stderr
    with catalog_of(data) as store:
        assert store.count() == 1


def test_review_separator_option(tmp_path: Path, data: Path) -> None:
    path = tmp_path / "products.csv"
    path.write_text('id,title,price,who,said\na,Mug,5,"Ana;Bo","Hot tea;Chipped"\n')
    run = shopbot(data, "catalog", "import", str(path), "--no-index", "--review-separator", ";",
                  "--map", "review.author=who", "--map", "review.text=said")  # fmt: skip
    assert run.exit_code == 0, run.output
    with catalog_of(data) as store:
        mug = store.get("a")
    assert mug is not None and [(r.author, r.text) for r in mug.reviews] == [
        ("Ana", "Hot tea"),
        ("Bo", "Chipped"),
    ]


def test_a_file_without_a_currency_says_which_one_was_assumed(tmp_path: Path, data: Path) -> None:
    path = tmp_path / "products.jsonl"
    path.write_text('{"id": "a", "title": "Mug", "price": 5}\n')
    run = shopbot(data, "catalog", "import", str(path), "--no-index")
    assert "USD" in run.stdout and "--currency" in run.stdout
    run = shopbot(data, "catalog", "import", str(path), "--no-index", "--currency", "INR")
    assert "--currency" not in run.stdout


def test_stats_say_what_the_catalog_lacks(tmp_path: Path, data: Path) -> None:
    path = tmp_path / "products.csv"
    path.write_text(
        "id,title,price,brand,category\na,Mug,₹5,Kettleby,Kitchen\nb,Cup,₹4,,Kitchen\nc,Pan,₹9,,Cookware\n"
    )
    shopbot(data, "catalog", "import", str(path), "--no-index")
    run = shopbot(data, "catalog", "stats")
    assert run.exit_code == 0, run.output
    lines = run.stdout.splitlines()
    assert "3 products in 2 departments" in lines[0]
    assert "INR" in run.stdout
    brand = next(line for line in lines if line.strip().startswith("brand"))
    assert "1 of 3 (33%)" in brand and "brand filter" in brand
    stock = next(line for line in lines if line.strip().startswith("stock"))
    assert "0 of 3 (0%)" in stock and "available" in stock
    category = next(line for line in lines if line.strip().startswith("category"))
    assert "3 of 3 (100%)" in category
    data_out = json.loads(shopbot(data, "catalog", "stats", "--json").stdout)
    assert data_out["products"] == 3 and data_out["currencies"] == {"INR": 3}
    assert data_out["coverage"]["brand"]["count"] == 1


def _shared(name: str) -> Path:
    path = SHARED_DATA / name
    if not path.is_file():
        pytest.skip(f"{name} is not available in ../shared/data")
    return path


def test_real_amazon_csv_import_and_stats(data: Path) -> None:
    path = _shared("amazon_in_products.csv")
    run = shopbot(data, "catalog", "import", str(path), "--no-index", *AMAZON_ARGS)
    assert run.exit_code == 0, run.output
    assert "imported 1351, updated 0, unchanged 0, rejected 0" in run.stdout
    assert "merged 114 rows" in run.stdout and "warnings: 1 value" in run.stdout
    assert len(run.stderr.splitlines()) == 1  # the one rating of "|", nothing per merged row
    with catalog_of(data) as store:
        assert store.count() == 1351
        cable = store.get("B07JW9H4J1")
    assert cable is not None and cable.review_count == 24269
    assert [r.author for r in cable.reviews] == ["Manav"]
    stats = shopbot(data, "catalog", "stats").stdout
    brand = next(line for line in stats.splitlines() if line.strip().startswith("brand"))
    assert "0 of 1,351 (0%)" in brand and "cannot filter or answer by brand" in brand
    reviews = next(line for line in stats.splitlines() if line.strip().startswith("reviews"))
    assert "1,351 of 1,351 (100%)" in reviews


def test_real_dummyjson_stats(data: Path) -> None:
    path = _shared("dummyjson_products.json")
    run = shopbot(data, "catalog", "import", str(path), "--no-index")
    assert "imported 194" in run.stdout and "rejected 0" in run.stdout
    coverage = json.loads(shopbot(data, "catalog", "stats", "--json").stdout)["coverage"]
    assert coverage["stock (known)"]["count"] == 194 and coverage["product URL"]["count"] == 0
    assert 0 < coverage["brand"]["count"] < 194
