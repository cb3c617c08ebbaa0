"""Catalog import: what a store owner sees when their file is read.

Fixtures under fixtures/ are small hand-written files; files with deliberately broken
bytes are written per test so the bad byte is visible here rather than hidden in a file.
The real third-party files in ../shared/data are used when present and skipped otherwise.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrieval.errors import CatalogFileError, RetrievalError, UnknownFormatError
from retrieval.importer import FORMATS, ImportIssue, ParsedCatalog, detect_format, read_catalog
from retrieval.loaders import LOADERS, get_loader
from retrieval.loaders.base import RecordError, parse_count, parse_money
from retrieval.loaders.shopify import html_to_text

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"

AMAZON_REVIEWS = {
    "review.text": "review_content",
    "review.title": "review_title",
    "review.author": "user_name",
}
AMAZON_MAPPING = {
    "id": "product_id",
    "title": "product_name",
    "category": "category",
    "price": "discounted_price",
    "compare_at_price": "actual_price",
    "rating": "rating",
    "review_count": "rating_count",
    "description": "about_product",
    "image_url": "img_link",
    "product_url": "product_link",
}


def by_id(catalog: ParsedCatalog) -> dict[str, object]:
    return {p.id: p for p in catalog.products}


def assert_accounted(catalog: ParsedCatalog) -> None:
    """Every record read is a product, merged into one, or exactly one issue."""
    assert catalog.rows_read == len(catalog.products) + catalog.rejected + len(catalog.merged)
    assert catalog.rejected == len(catalog.issues)
    ids = [p.id for p in catalog.products]
    assert len(ids) == len(set(ids))


# -- the interface -------------------------------------------------------------------------


def test_formats_and_registry_agree() -> None:
    assert FORMATS == ("jsonl", "csv", "shopify", "dummyjson")
    assert tuple(LOADERS) == FORMATS


def test_unknown_format_name_lists_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(UnknownFormatError) as err:
        get_loader("xml")
    assert all(name in str(err.value) for name in FORMATS)
    (tmp_path / "a.jsonl").write_text('{"id": "1", "title": "T", "price": 1}\n')
    with pytest.raises(UnknownFormatError, match="jsonl, csv, shopify, dummyjson"):
        read_catalog(tmp_path / "a.jsonl", fmt="excel")


def test_issue_reads_like_a_compiler_message() -> None:
    assert str(ImportIssue("products.csv", 12, "price", "must be at least 0 (got -5)")) == (
        "products.csv:12: price: must be at least 0 (got -5)"
    )
    assert str(ImportIssue("a.jsonl", 3, None, "is not JSON")) == "a.jsonl:3: is not JSON"
    assert str(ImportIssue("a.json", None, "title", "is required")) == "a.json: title: is required"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("catalog.jsonl", "jsonl"),
        ("catalog_bad.jsonl", "jsonl"),
        ("products.csv", "csv"),
        ("shopify_products.csv", "shopify"),
        ("dummyjson_small.json", "dummyjson"),
    ],
)
def test_detect_format_from_name_and_header(name: str, expected: str) -> None:
    assert detect_format(FIXTURES / name) == expected


def test_detect_format_other_names(tmp_path: Path) -> None:
    assert detect_format(tmp_path / "feed.NDJSON") == "jsonl"
    with pytest.raises(UnknownFormatError, match=r"\.jsonl, \.json or \.csv"):
        detect_format(tmp_path / "catalog.xlsx")


# -- file-level problems -------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CatalogFileError, match="no such file"):
        read_catalog(tmp_path / "nope.jsonl")


def test_directory_instead_of_file(tmp_path: Path) -> None:
    folder = tmp_path / "catalog.csv"
    folder.mkdir()
    with pytest.raises(CatalogFileError, match="is a folder"):
        read_catalog(folder)


@pytest.mark.parametrize("content", [b"", b"  \n\n", b"\xef\xbb\xbf\n"])
@pytest.mark.parametrize("name", ["empty.jsonl", "empty.csv", "empty.json"])
def test_empty_file(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CatalogFileError, match="is empty") as err:
        read_catalog(path)
    assert str(path) in str(err.value)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ('{"items": [{"id": 1}]}', 'object with a "products" list, but it is an object with keys'),
        ('"just text"', "but it is a text value"),
        ('{"products": {"id": 1}}', 'an object with a "products" list'),
        ('[{"id": 1, "title": "A", "price": 2},', "is not valid JSON"),
    ],
)
def test_dummyjson_wrong_shape(tmp_path: Path, content: str, words: str) -> None:
    path = tmp_path / "products.json"
    path.write_text(content)
    with pytest.raises(CatalogFileError, match="products.json") as err:
        read_catalog(path)
    assert words in str(err.value)


def test_csv_without_header_names_the_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "products.csv"
    path.write_text("1,Blue Mug,12.00\n2,Red Mug,13.00\n")
    with pytest.raises(CatalogFileError, match="has no column for 'id'.*columns found: '1'"):
        read_catalog(path)


def test_mapping_to_a_column_that_is_not_there(tmp_path: Path) -> None:
    path = tmp_path / "products.csv"
    path.write_text("sku,name,cost\nA1,Mug,4\n")
    with pytest.raises(CatalogFileError, match="no such column.*'sku', 'name', 'cost'"):
        read_catalog(path, mapping={"id": "sku", "title": "name", "price": "price_usd"})
    with pytest.raises(CatalogFileError, match="'cost_price', which is not a product field"):
        read_catalog(path, mapping={"id": "sku", "title": "name", "cost_price": "cost"})


def test_shopify_forced_on_a_plain_csv(tmp_path: Path) -> None:
    path = tmp_path / "products.csv"
    path.write_text("id,title,price\n1,Mug,4\n")
    with pytest.raises(CatalogFileError, match="not a Shopify product export.*'Handle'"):
        read_catalog(path, fmt="shopify")


def test_bad_currency_argument_is_refused_up_front() -> None:
    with pytest.raises(RetrievalError, match="three-letter code"):
        read_catalog(FIXTURES / "products.csv", currency="rupees")


def test_utf16_file_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "products.csv"
    path.write_bytes("id,title,price\n1,Mug,4\n".encode("utf-16"))
    with pytest.raises(CatalogFileError, match="UTF-16; save it as UTF-8"):
        read_catalog(path)


# -- jsonl ---------------------------------------------------------------------------------


def test_jsonl_good_file() -> None:
    catalog = read_catalog(FIXTURES / "catalog.jsonl")
    assert catalog.issues == []
    assert catalog.rows_read == 3  # the blank line is not a record
    products = by_id(catalog)
    tee, mug, card = products["tee-1"], products["mug-2"], products["3"]
    assert (tee.price, tee.compare_at_price, tee.currency) == (19.5, 25.0, "USD")
    assert tee.discount_percent == 22
    assert tee.category == ["Clothing", "Tops"]
    assert tee.attributes == {"color": "grey", "material": "cotton"}
    assert [(v.size, v.color, v.stock) for v in tee.variants] == [
        ("S", "grey", 0),
        ("M", "grey", 4),
    ]
    assert tee.sizes_in_stock() == {"M"}
    assert (mug.stock, mug.rating, mug.review_count) == (7, 4.5, 2)
    assert mug.reviews[0].author == "Ana" and str(mug.reviews[0].date) == "2024-03-01"
    assert card.stock is None and card.in_stock  # stock not tracked: always available


def test_jsonl_bad_rows_each_give_one_issue_and_good_rows_survive() -> None:
    path = FIXTURES / "catalog_bad.jsonl"
    catalog = read_catalog(path)
    assert [p.id for p in catalog.products] == ["ok-1", "ok-2"]
    # Line 5 repeats ok-1 and is just as complete: the first row is kept, the repeat merged.
    assert by_id(catalog)["ok-1"].title == "Canvas Tote"
    assert [(i.line, i.field) for i in catalog.merged] == [(5, "id")]
    assert "'ok-1'" in catalog.merged[0].message and "line 1" in catalog.merged[0].message
    assert [(i.file, i.line, i.field) for i in catalog.issues] == [
        (str(path), 2, None),
        (str(path), 3, "title"),
        (str(path), 4, "price"),
        (str(path), 6, None),
    ]
    malformed, missing, negative, not_object = (i.message for i in catalog.issues)
    assert malformed == "is not valid JSON: a comma is missing (at column 43)"
    assert missing == "is required"
    assert negative == "must be at least 0 (got -5)"
    assert "is a list" in not_object and "one product object" in not_object
    assert_accounted(catalog)


def test_jsonl_invalid_utf8_rejects_only_that_line(tmp_path: Path) -> None:
    path = tmp_path / "catalog.jsonl"
    path.write_bytes(
        b'{"id": "a", "title": "Mug", "price": 4}\n'
        b'{"id": "b", "title": "Caf\xe9 Cup", "price": 5}\n'
        b'{"id": "c", "title": "Plate", "price": 6}\n'
    )
    catalog = read_catalog(path)
    assert [p.id for p in catalog.products] == ["a", "c"]
    [issue] = catalog.issues
    assert (issue.line, issue.field) == (2, None)
    assert issue.message == "is not valid UTF-8 (byte 0xe9 at column 26); save the file as UTF-8"


def test_jsonl_messages_for_typos_and_types(tmp_path: Path) -> None:
    path = tmp_path / "catalog.jsonl"
    path.write_text(
        '{"id": "a", "title": "Mug", "prize": 4}\n'
        '{"id": "b", "title": "Cup", "price": "abc"}\n'
        '{"id": "c", "title": "Pan", "price": 9, "reviews": [{"rating": 9}]}\n'
        '{"id": "d", "title": "Pot", "price": 9, "currency": "dollars"}\n'
    )
    catalog = read_catalog(path)
    assert [str(i) for i in catalog.issues] == [
        f"{path}:1: price: is required (also prize: is not a product field; did you mean 'price'?)",
        f"{path}:2: price: is not a number (got 'abc')",
        f"{path}:4: currency: must be a three-letter currency code such as USD or INR "
        "(got 'DOLLARS')",
    ]
    # A review's bad star rating costs neither the product nor the review, only the rating.
    [warning] = catalog.warnings
    assert str(warning).startswith(f"{path}:3: reviews.0.rating: must be at most 5 (got 9)")
    [pan] = catalog.products
    assert pan.id == "c" and len(pan.reviews) == 1 and pan.reviews[0].rating is None


# -- generic csv ---------------------------------------------------------------------------


def test_csv_good_rows() -> None:
    catalog = read_catalog(FIXTURES / "products.csv")
    products = by_id(catalog)
    cable, lamp, notebook = products["p-100"], products["p-101"], products["p-106"]
    # "₹399" / "₹1,099": symbols and thousands separators stripped, currency from the symbol.
    assert (cable.price, cable.compare_at_price, cable.currency) == (399.0, 1099.0, "INR")
    assert cable.title == "USB-C Cable, 1.5 m"
    assert cable.category == ["Electronics", "Cables"]
    assert cable.tags == ["usb", "charging"]
    assert (cable.rating, cable.review_count, cable.stock) == (4.2, 24269, 12)
    assert cable.attributes == {"color": "Black", "material": "nylon"}  # warehouse_bin ignored
    assert cable.description == "Fast charge. Braided nylon."
    assert cable.image_url == "https://example.com/cable.jpg"
    assert (lamp.price, lamp.currency, lamp.stock, lamp.in_stock) == (1299.0, "USD", 0, False)
    assert lamp.category == ["Home", "Lighting"]
    assert lamp.description == "A lamp with a long, two-line description."
    assert lamp.compare_at_price is None
    assert notebook.price == 3.5


def test_csv_bad_rows_name_their_line_and_field() -> None:
    path = FIXTURES / "products.csv"
    catalog = read_catalog(path)
    # Lines count physically: p-101's description spans lines 3-4, so p-102 is on line 5.
    assert [(i.line, i.field) for i in catalog.issues] == [
        (5, "price"),
        (7, "title"),
        (8, "price"),
    ]
    decimal_comma, title, negative = (i.message for i in catalog.issues)
    assert "decimal comma (got '1.299,00 €')" in decimal_comma
    assert title == "is required"
    assert negative == "must be at least 0 (got -5)"
    # A rating of "abc" is only an optional value: the product stays, without a rating.
    [rating] = catalog.warnings
    assert (rating.line, rating.field) == (6, "rating")
    assert rating.message.startswith("is not a number (got 'abc')")
    assert by_id(catalog)["p-103"].rating is None
    assert_accounted(catalog)


def test_csv_currency_argument_beats_the_symbol() -> None:
    catalog = read_catalog(FIXTURES / "products.csv", currency="cad")
    assert {p.currency for p in catalog.products} == {"CAD"}


def test_csv_explicit_mapping_and_attribute_columns(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "SKU,Name,Cost,List,Stars,Qty,Colour,Material\n"
        'A1,Blue Mug,£8.50,£10,4.5,"1,200",Blue,Stoneware\n'
    )
    mapping = {
        "id": "SKU",
        "title": "Name",
        "price": "Cost",
        "compare_at_price": "List",
        "rating": "Stars",
        "stock": "Qty",
        "attr:colour": "Colour",
    }
    [mug] = read_catalog(path, mapping=mapping).products
    assert (mug.id, mug.title, mug.price, mug.compare_at_price) == ("A1", "Blue Mug", 8.5, 10.0)
    assert (mug.currency, mug.rating, mug.stock) == ("GBP", 4.5, 1200)
    # An unmapped column is kept too, named by its header.
    assert mug.attributes == {"color": "Blue", "material": "Stoneware"}


def test_csv_invalid_utf8_rejects_only_the_record_holding_it(tmp_path: Path) -> None:
    path = tmp_path / "products.csv"
    path.write_bytes(
        b"id,title,price,description\n"
        b'a,Mug,4,"two\nlines"\n'  # lines 2-3: one record
        b"b,Caf\xff Cup,5,\n"  # line 4
        b'c,Plate,6,"spans\nthe \xfe bad line"\n'  # lines 5-6, bad byte on line 6
        b"d,Bowl,7,\n"  # line 7
    )
    catalog = read_catalog(path)
    assert [p.id for p in catalog.products] == ["a", "d"]
    assert [(i.line, i.field, i.message) for i in catalog.issues] == [
        (4, None, "is not valid UTF-8 (byte 0xff at column 6); save the file as UTF-8"),
        (5, None, "line 6 is not valid UTF-8 (byte 0xfe at column 5); save the file as UTF-8"),
    ]


def test_csv_broken_rows(tmp_path: Path) -> None:
    path = tmp_path / "products.csv"
    path.write_bytes(
        b"\xef\xbb\xbfid,title,price\n"  # Excel's byte-order mark must not hide the id column
        b"a,Mug,4\n"
        b"b,Cup,1,299\n"  # unquoted comma: one value too many
        b"\n"
        b",,\n"  # Excel's empty rows are not records
        b'c,"Pl"ate,6\n'  # text after a closing quote
        b"d,Bowl,7\n"
        b'e,"Jug,8\n'
    )
    catalog = read_catalog(path)
    assert [p.id for p in catalog.products] == ["a", "d"]
    assert [(i.line, i.field) for i in catalog.issues] == [(3, None), (6, None), (8, None)]
    too_many, stray_quote, unclosed = (i.message for i in catalog.issues)
    assert "has 4 values but the header names 3 columns" in too_many
    assert "stray quote" in stray_quote
    assert "never closed" in unclosed
    assert_accounted(catalog)


# -- shopify -------------------------------------------------------------------------------


def test_shopify_export() -> None:
    path = FIXTURES / "shopify_products.csv"
    catalog = read_catalog(path, currency="EUR")
    products = by_id(catalog)
    assert list(products) == ["classic-tee", "gift-card", "wool-scarf", "summer-dress"]
    tee = products["classic-tee"]
    assert tee.title == "Classic Tee" and tee.brand == "Acme"
    assert tee.description == "Soft & breathable cotton. Machine wash. Don\u2019t tumble dry."
    assert tee.category == ["Apparel & Accessories", "Clothing", "Shirts & Tops"]
    assert tee.tags == ["cotton", "summer"]
    assert (tee.price, tee.compare_at_price, tee.currency) == (20.0, 25.0, "EUR")
    assert [(v.sku, v.size, v.color, v.stock, v.price) for v in tee.variants] == [
        ("TEE-S-RED", "S", "red", 3, 20.0),
        ("TEE-M-RED", "M", "red", 0, 20.0),
        ("TEE-L-BLUE", "L", "blue", 0, 22.0),  # oversold (-2) means none left
    ]
    assert tee.sizes_in_stock() == {"S"}
    assert tee.image_url == "https://cdn.example.com/tee-front.jpg"

    card = products["gift-card"]
    assert card.variants == [] and card.stock is None and card.in_stock  # untracked default
    assert (card.price, card.category) == (50.0, ["Gift Cards"])
    assert card.attributes == {"sku": "GIFT-50"}

    scarf = products["wool-scarf"]
    assert scarf.price == 35.0  # the cheapest variant
    assert scarf.attributes == {"material": ["Wool", "Cashmere"]}
    assert [(v.color, v.stock) for v in scarf.variants] == [("navy", 4), ("grey", 1)]

    dress = products["summer-dress"]  # sizes without inventory tracking: always available
    assert dress.variants == [] and dress.stock is None
    assert dress.sizes == {"S", "M"} and dress.sizes_in_stock() == {"S", "M"}


def test_shopify_inactive_products_are_reported_at_their_first_row() -> None:
    path = FIXTURES / "shopify_products.csv"
    catalog = read_catalog(path)
    assert [str(i) for i in catalog.issues] == [
        f"{path}:8: Status: is a draft; only active products are imported",
        f"{path}:11: Status: is archived; only active products are imported",
    ]
    assert_accounted(catalog)


def test_shopify_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "shopify.csv"
    path.write_bytes(
        b"Handle,Title,Option1 Name,Option1 Value,Variant Price,Variant Inventory Tracker,"
        b"Variant Inventory Qty\n"
        b"mug,Mug,Size,S,4.00,shopify,2\n"  # line 2
        b"mug,,,M,4.50,shopify,\xff1\n"  # line 3: a damaged variant row spoils the product
        b"cup,,Title,Default Title,5.00,,\n"  # line 4: no title
        b"pan,Pan,Title,Default Title,-3,,\n"  # line 5
        b"bowl,Bowl,Title,Default Title,7,,\n"  # line 6
    )
    catalog = read_catalog(path)
    assert [p.id for p in catalog.products] == ["bowl"]
    assert [(i.line, i.field, i.message) for i in catalog.issues] == [
        (2, None, "line 3 is not valid UTF-8 (byte 0xff at column 22); save the file as UTF-8"),
        (4, "title", "is required"),
        (5, "price", "must be at least 0 (got -3)"),
    ]


def test_html_to_text() -> None:
    assert html_to_text("<p>Fish &amp; chips</p><p>Served <em>hot</em></p>") == (
        "Fish & chips. Served hot."
    )
    assert html_to_text("<style>p{}</style>A<br>B") == "A B"
    assert html_to_text("") == ""


# -- dummyjson -----------------------------------------------------------------------------


def test_dummyjson_small_file() -> None:
    catalog = read_catalog(FIXTURES / "dummyjson_small.json")
    assert catalog.issues == []
    bottle, notebook = catalog.products
    assert (bottle.id, bottle.price, bottle.compare_at_price) == ("1", 24.99, None)
    assert (bottle.brand, bottle.stock) == ("Ridgeline", 40)
    assert bottle.category == ["sports-accessories"]  # one slug, not split
    assert bottle.attributes == {
        "sku": "SPO-RID-TRA-001",
        "weight": "1",
        "dimensions": "7.5 x 25 x 7.5 cm",
        "warranty": "1 year warranty",
        "shipping": "Ships in 1 week",
        "return_policy": "30 days return policy",
        "minimum_order_quantity": "2",
        "discount": "13% off",
        "availability": "In Stock",
        "barcode": "0000000000000",
    }
    assert [(r.rating, r.text, r.author, str(r.date)) for r in bottle.reviews] == [
        (5, "Keeps water cold all day.", "Mira Holt", "2025-04-30"),
        (2, "Lid leaks.", "Tom Reyes", "2025-05-02"),
    ]
    assert bottle.review_count == 2
    assert "@" not in bottle.model_dump_json()  # reviewer e-mails are never kept
    assert bottle.image_url == "https://cdn.example.com/bottle-thumb.webp"
    assert notebook.image_url == "https://cdn.example.com/notebook-1.webp"  # no thumbnail
    assert "discount" not in notebook.attributes  # 0.2% rounds to nothing worth saying
    assert not notebook.in_stock


def test_dummyjson_issues_point_at_the_object_line(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_bytes(
        b"[\n"
        b'  {"id": 1, "title": "Mug", "price": 4},\n'  # line 2
        b'  {"id": 2,\n   "title": "", "price": 5},\n'  # line 3
        b'  "not a product",\n'  # line 5
        b'  {"id": 4, "title": "Caf\xe9", "price": 6},\n'  # line 6
        b'  {"id": 1, "title": "Mug again", "price": 4}\n'  # line 7
        b"]\n"
    )
    catalog = read_catalog(path, fmt="dummyjson")
    assert [p.title for p in catalog.products] == ["Mug"]  # line 7 merged into line 2's
    assert [i.line for i in catalog.merged] == [7]
    assert [(i.line, i.field) for i in catalog.issues] == [
        (3, "title"),
        (5, None),
        (6, None),
    ]
    assert catalog.issues[0].message == "must not be empty"
    assert catalog.issues[1].message.startswith("product #3 is not a JSON object")
    assert "not valid UTF-8 (byte 0xe9" in catalog.issues[2].message
    assert_accounted(catalog)


# -- rows repeating an id ------------------------------------------------------------------

_REVIEWED_HEADER = "id,title,price,rating_count,image,author,review\n"
_REVIEWED = {"review_count": "rating_count", "image_url": "image",
             "review.author": "author", "review.text": "review"}  # fmt: skip


def test_repeated_ids_merge_into_the_most_complete_row_with_every_review(tmp_path: Path) -> None:
    path = tmp_path / "reviews.csv"
    path.write_text(
        _REVIEWED_HEADER
        + "cable,USB Cable,399,,,Manav,Looks durable\n"  # line 2: no count, no image
        + "mug,Mug,5,3,,Ana,Nice\n"  # line 3
        + "cable,USB Cable (new),399,24269,https://x.test/c.jpg,Ravi,Charges fast\n"  # line 4
        + "cable,USB Cable,399,24270,,Manav,Looks durable\n"  # line 5: same review again
        + "cable,,399,,,Kim,Lost row\n"  # line 6: no title, rejected whatever its id
    )
    catalog = read_catalog(path, mapping=_REVIEWED)
    assert [p.id for p in catalog.products] == ["cable", "mug"]  # where each id first appears
    cable = by_id(catalog)["cable"]
    # Line 4 states the most (count and image), so it is kept whole, not stitched together.
    assert (cable.title, cable.review_count, cable.image_url) == (
        "USB Cable (new)", 24269, "https://x.test/c.jpg"
    )
    assert [(r.author, r.text) for r in cable.reviews] == [
        ("Manav", "Looks durable"),
        ("Ravi", "Charges fast"),
    ]
    assert [(i.line, i.field) for i in catalog.merged] == [(4, "id"), (5, "id")]
    assert [i.line for i in catalog.issues] == [6]
    assert_accounted(catalog)


def test_a_review_count_is_never_below_the_reviews_gathered(tmp_path: Path) -> None:
    path = tmp_path / "reviews.csv"
    path.write_text(
        _REVIEWED_HEADER + "mug,Mug,5,,,Ana,Nice\nmug,Mug,5,,,Bo,Chipped after a week\n"
    )
    [mug] = read_catalog(path, mapping=_REVIEWED).products
    assert len(mug.reviews) == 2 and mug.review_count == 2


# -- bad optional values -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "field", "words", "kept"),
    [
        ({"rating": "|"}, "rating", "is not a number", {"rating": None}),
        ({"image_url": "img/mug.jpg"}, "image_url", "http(s) URL", {"image_url": None}),
        ({"review_count": "lots"}, "review_count", "whole number", {"review_count": 0}),
        ({"stock": -2}, "stock", "at least 0", {"stock": None}),
        ({"compare_at_price": 4}, "compare_at_price", "below price", {"compare_at_price": None}),
        ({"descripton": "Big"}, "descripton", "did you mean 'description'?", {"description": ""}),
        ({"attributes": {"size": "M", "fit": {"a": 1}}}, "attributes.fit", "text", {"sizes": {"M"}}),
        ({"variants": [{"size": "S", "stock": 2}, {"size": "M", "stock": -1}]},
         "variants.1.stock", "variants are left out", {"variants": [], "stock": None}),
        ({"reviews": [{"text": "Great", "rating": 9}, {"text": "Fine", "rating": 4}]},
         "reviews.0.rating", "at most 5", {"review_count": 2}),
    ],
)  # fmt: skip
def test_a_bad_optional_value_is_left_out_and_the_product_kept(
    tmp_path: Path, extra: dict[str, object], field: str, words: str, kept: dict[str, object]
) -> None:
    import json

    path = tmp_path / "catalog.jsonl"
    path.write_text(json.dumps({"id": "m1", "title": "Mug", "price": 5, **extra}) + "\n")
    catalog = read_catalog(path)
    assert catalog.issues == []
    [product] = catalog.products
    [warning] = catalog.warnings
    assert (warning.line, warning.field) == (1, field)
    assert words in warning.message and "left out" in warning.message.lower()
    for name, value in kept.items():
        assert getattr(product, name) == value


def test_only_the_bad_review_part_is_left_out(tmp_path: Path) -> None:
    path = tmp_path / "catalog.jsonl"
    path.write_text(
        '{"id": "m1", "title": "Mug", "price": 5, "reviews": '
        '[{"text": "Great", "rating": 9}, "junk", {"text": "Fine", "rating": 4}]}\n'
    )
    [mug] = read_catalog(path).products
    assert [(r.text, r.rating) for r in mug.reviews] == [("Great", None), ("Fine", 4)]


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"title": "Mug", "price": 5, "rating": "|"}, "id"),
        ({"id": "m1", "title": "", "price": 5, "rating": "|"}, "title"),
        ({"id": "m1", "title": "Mug", "price": "five", "image_url": "x"}, "price"),
        # Left out, the price would be read as the default currency: a wrong price.
        ({"id": "m1", "title": "Mug", "price": 5, "currency": "rupees"}, "currency"),
    ],
)
def test_a_bad_required_value_still_rejects_the_row(
    tmp_path: Path, record: dict[str, object], field: str
) -> None:
    import json

    path = tmp_path / "catalog.jsonl"
    path.write_text(json.dumps(record) + "\n")
    catalog = read_catalog(path)
    assert catalog.products == [] and catalog.warnings == []
    [issue] = catalog.issues
    assert issue.field == field


def test_csv_unreadable_compare_at_price_is_left_out(tmp_path: Path) -> None:
    path = tmp_path / "products.csv"
    path.write_text("id,title,price,compare_at_price\na,Kettle,$20,\"1.299,00 €\"\n")
    catalog = read_catalog(path)
    [kettle] = catalog.products
    assert (kettle.price, kettle.compare_at_price) == (20.0, None)
    [warning] = catalog.warnings
    assert warning.field == "compare_at_price" and "decimal comma" in warning.message


def test_shopify_unreadable_compare_at_price_is_left_out(tmp_path: Path) -> None:
    path = tmp_path / "shopify.csv"
    path.write_text(
        "Handle,Title,Option1 Name,Option1 Value,Variant Price,Variant Compare At Price\n"
        "mug,Mug,Title,Default Title,4.00,about 6\n"
    )
    catalog = read_catalog(path)
    [mug] = catalog.products
    assert (mug.price, mug.compare_at_price) == (4.0, None)
    [warning] = catalog.warnings
    assert (warning.line, warning.field) == (2, "compare_at_price")
    assert "line 2 is not a price" in warning.message


# -- reviews from columns ------------------------------------------------------------------


def test_csv_review_columns_one_review_per_row(tmp_path: Path) -> None:
    path = tmp_path / "products.csv"
    path.write_text(
        "id,title,price,stars,headline,body,who,when\n"
        "a,Mug,5,5.0 out of 5 stars,Lovely,Keeps tea hot,Ana,2024-05-31T10:12:00Z\n"
        "b,Cup,4,4/5,,Small,Bo,\n"
        "c,Pan,9,,,,,\n"  # no review at all
        "d,Pot,9,,,,Cy,2024-01-01\n"  # an author and date alone are not a review
    )
    mapping = {"review.rating": "stars", "review.title": "headline", "review.text": "body",
               "review.author": "who", "review.date": "when"}  # fmt: skip
    catalog = read_catalog(path, mapping=mapping)
    assert catalog.issues == [] and catalog.warnings == []
    products = by_id(catalog)
    [mug_review] = products["a"].reviews
    assert (mug_review.rating, mug_review.title, mug_review.text) == (5, "Lovely", "Keeps tea hot")
    assert (mug_review.author, str(mug_review.date)) == ("Ana", "2024-05-31")
    [cup_review] = products["b"].reviews
    assert (cup_review.rating, cup_review.title, cup_review.text) == (4, None, "Small")
    assert products["c"].reviews == [] and products["d"].reviews == []
    assert products["a"].review_count == 1


def test_csv_review_columns_named_in_the_header_need_no_mapping(tmp_path: Path) -> None:
    path = tmp_path / "products.csv"
    path.write_text("id,title,price,review.text,review.author\na,Mug,5,Nice,Ana\n")
    [mug] = read_catalog(path).products
    assert [(r.text, r.author) for r in mug.reviews] == [("Nice", "Ana")]


def test_csv_several_reviews_per_cell_are_split_in_parallel(tmp_path: Path) -> None:
    path = tmp_path / "products.csv"
    path.write_text(
        "id,title,price,names,titles,texts\n"
        'a,Mug,5,"Ana,Bo,Cy","Great,Meh,Bad","Hot tea,Chipped,Leaks"\n'
        # Commas inside the review words: the texts no longer line up with the names.
        'b,Cup,4,"Ana,Bo","Fine,Small","Nice, sturdy cup,Too small"\n'
    )
    mapping = {"review.author": "names", "review.title": "titles", "review.text": "texts"}
    catalog = read_catalog(path, mapping=mapping, review_separator=",")
    products = by_id(catalog)
    assert [(r.author, r.title, r.text) for r in products["a"].reviews] == [
        ("Ana", "Great", "Hot tea"),
        ("Bo", "Meh", "Chipped"),
        ("Cy", "Bad", "Leaks"),
    ]
    # What lines up (names and titles) is kept; the texts are left out rather than misplaced.
    assert [(r.author, r.title, r.text) for r in products["b"].reviews] == [
        ("Ana", "Fine", ""),
        ("Bo", "Small", ""),
    ]
    [warning] = catalog.warnings
    assert (warning.line, warning.field) == (3, "review.text")
    assert "3 values" in warning.message and "2" in warning.message
    assert catalog.issues == []


def test_csv_review_mapping_mistakes_are_reported_once(tmp_path: Path) -> None:
    path = tmp_path / "products.csv"
    path.write_text("id,title,price,body\na,Mug,5,Nice\n")
    with pytest.raises(CatalogFileError, match="review.text"):
        read_catalog(path, mapping={"review.body": "body"})
    with pytest.raises(RetrievalError, match="separator"):
        read_catalog(path, mapping={"review.text": "body"}, review_separator="")


def test_products_without_a_currency_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "catalog.jsonl"
    path.write_text(
        '{"id": "a", "title": "Mug", "price": 5}\n{"id": "b", "title": "Cup", "price": 4, '
        '"currency": "EUR"}\n'
    )
    assert read_catalog(path).currency_assumed == 1
    assert read_catalog(path, currency="INR").currency_assumed == 0


# -- value parsing -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("₹1,099", 1099.0, "INR"),
        ("$1,299.00", 1299.0, "USD"),
        ("₹1,39,900", 139900.0, "INR"),  # Indian lakh grouping
        ("24.50 EUR", 24.5, "EUR"),
        ("£ 7", 7.0, "GBP"),
        ("Rs. 450", 450.0, "INR"),
        ("-5", -5.0, None),
        ("12", 12.0, None),
    ],
)
def test_parse_money(text: str, amount: float, currency: str | None) -> None:
    assert parse_money(text, "price") == (amount, currency)


@pytest.mark.parametrize("text", ["1.299,00 €", "12,5", "abc", "$", "1,2,3"])
def test_parse_money_refuses_what_it_cannot_read_safely(text: str) -> None:
    with pytest.raises(RecordError) as err:
        parse_money(text, "price")
    assert err.value.field == "price" and repr(text.strip()) in err.value.message


@given(
    cents=st.integers(min_value=0, max_value=10**11),
    symbol=st.sampled_from(["", "$", "₹", "€"]),
)
def test_parse_money_reads_back_any_formatted_price(cents: int, symbol: str) -> None:
    amount = cents / 100
    assert parse_money(f"{symbol}{amount:,.2f}", "price")[0] == amount


def test_parse_count() -> None:
    assert parse_count("24,269") == 24269
    assert parse_count("1,79,691") == 179691
    assert parse_count("7.0") == 7
    assert parse_count("a few") == "a few"  # left for validation to report


# -- real third-party data -----------------------------------------------------------------


def shared_file(name: str) -> Path:
    path = SHARED_DATA / name
    if not path.is_file():
        pytest.skip(f"{name} is not available in ../shared/data")
    return path


def test_real_dummyjson_products_all_import() -> None:
    catalog = read_catalog(shared_file("dummyjson_products.json"))
    assert catalog.issues == []
    assert len(catalog.products) == catalog.rows_read == 194
    assert all(p.price > 0 and p.image_url for p in catalog.products)
    assert all("@" not in r.author for p in catalog.products for r in p.reviews if r.author)


def test_real_amazon_csv_imports_with_a_mapping() -> None:
    path = shared_file("amazon_in_products.csv")
    catalog = read_catalog(path, mapping=AMAZON_MAPPING)
    assert_accounted(catalog)
    assert catalog.rows_read == 1465
    # Every distinct product arrives: the file lists a product once per review, so 114 rows
    # repeat an id and are merged, and one rating of "|" costs only that rating.
    assert len(catalog.products) == 1351 and catalog.rejected == 0
    assert len(catalog.merged) == 114
    assert [(w.line, w.field) for w in catalog.warnings] == [(1281, "rating")]
    assert by_id(catalog)["B08L12N5H1"].rating is None
    assert all(p.currency == "INR" and p.price > 0 for p in catalog.products)
    wayona = by_id(catalog)["B07JW9H4J1"]
    assert (wayona.price, wayona.compare_at_price, wayona.review_count) == (399.0, 1099.0, 24269)
    assert wayona.category[0] == "Computers&Accessories"
    assert "|" not in wayona.description
    assert wayona.reviews == []  # no review columns mapped


def test_real_amazon_csv_reviews_are_gathered_across_repeated_rows() -> None:
    path = shared_file("amazon_in_products.csv")
    mapping = {**AMAZON_MAPPING, **AMAZON_REVIEWS}
    catalog = read_catalog(path, mapping=mapping, currency="INR")
    assert len(catalog.products) == 1351 and catalog.rejected == 0
    assert all(p.reviews for p in catalog.products)  # every row carries one review
    wayona = by_id(catalog)["B07JW9H4J1"]
    # Three rows list this cable with the same review: it is kept once.
    [review] = wayona.reviews
    assert (review.title, review.author) == ("Satisfied", "Manav")
    assert review.text.startswith("Looks durable")
    # Repeated rows with different reviews bring them all.
    gathered = [p for p in catalog.products if len(p.reviews) > 1]
    assert len(gathered) >= 3
    assert all(p.review_count >= len(p.reviews) for p in catalog.products)


# -- robustness ----------------------------------------------------------------------------

_CSV_HEADERS = {
    "csv": b"id,title,price,rating,tags,stock\n",
    "shopify": b"Handle,Title,Option1 Name,Option1 Value,Variant Price,"
    b"Variant Inventory Tracker,Variant Inventory Qty,Status\n",
}


# tmp_path is shared by the examples; each one overwrites the file, so that is safe.
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.binary(max_size=120)
    | st.text(alphabet='ab1-.,"\n\r $₹|>é\xff', max_size=120).map(lambda t: t.encode()),
    fmt=st.sampled_from(sorted(_CSV_HEADERS)),
)
def test_any_csv_body_becomes_products_or_issues(tmp_path: Path, body: bytes, fmt: str) -> None:
    """Whatever follows the header, rows never crash the import and none go missing."""
    path = tmp_path / "fuzz.csv"
    path.write_bytes(_CSV_HEADERS[fmt] + body)
    catalog = read_catalog(path, fmt)
    assert_accounted(catalog)
    assert all(i.line is not None and i.line >= 2 for i in catalog.issues)
