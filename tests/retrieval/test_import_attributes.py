"""Fields beyond Product's own: kept as named attributes with their units, bookkeeping left out.

Each format gets a small inline file in its own shape; the real DummyJSON file in
../shared/data is used when present and skipped otherwise.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.skills.product_qa import answer_question
from retrieval.import_report import attributes_line, skipped_line
from retrieval.importer import read_catalog

SHARED_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- DummyJSON -----------------------------------------------------------------------------

_DUMMYJSON = {
    "products": [
        {
            "id": 7,
            "title": "Steel Kettle",
            "description": "A kettle.",
            "category": "kitchen-accessories",
            "price": 30,
            "stock": 3,
            "weight": 1.2,
            "weightUnit": "kg",
            "dimensions": {"width": 20, "height": 25, "depth": 15, "unit": "cm"},
            "availabilityStatus": "Low Stock",
            "material": "stainless steel",
            "cordless": True,
            "battery": {"life": "10 hours"},
            "supplierId": 991,
            "meta": {
                "createdAt": "2025-04-30T09:41:02.053Z",
                "updatedAt": "2025-04-30T09:41:02.053Z",
                "barcode": "4006381333931",
                "qrCode": "https://cdn.example.com/qr.png",
            },
            "reviews": [
                {"rating": 4, "comment": "Boils fast.", "date": "2025-05-01T10:00:00Z",
                 "reviewerName": "Ana Ruiz", "reviewerEmail": "ana.ruiz@example.com"}
            ],
            "thumbnail": "https://cdn.example.com/kettle.webp",
        }
    ]
}  # fmt: skip


def test_dummyjson_keeps_every_fact_as_a_named_attribute_with_its_unit(tmp_path: Path) -> None:
    path = write(tmp_path, "products.json", json.dumps(_DUMMYJSON))
    [kettle] = read_catalog(path).products
    assert kettle.attributes == {
        "availability": "Low Stock",
        "weight": "1.2 kg",
        "dimensions": "20 x 25 x 15 cm",
        "material": "stainless steel",
        "cordless": "yes",
        "battery_life": "10 hours",
        "barcode": "4006381333931",
    }
    dumped = kettle.model_dump_json()
    # Bookkeeping stays out: the supplier's id, timestamps, the QR code link, e-mail addresses.
    assert "991" not in dumped and "2025-04-30" not in dumped
    assert "qr.png" not in dumped and "@" not in dumped


def test_dummyjson_report_names_the_fields_kept_and_left_out(tmp_path: Path) -> None:
    catalog = read_catalog(write(tmp_path, "products.json", json.dumps(_DUMMYJSON)))
    assert catalog.fields.attributes["meta.barcode"] == "Barcode"
    assert catalog.fields.attributes["availabilityStatus"] == "Availability"
    assert {"supplierId", "meta.createdAt", "meta.updatedAt", "meta.qrCode",
            "reviews.reviewerEmail"} <= set(catalog.fields.skipped)  # fmt: skip
    kept, skipped = attributes_line(catalog), skipped_line(catalog)
    assert kept is not None and skipped is not None
    assert "meta.barcode" in kept and "meta.createdAt" not in kept
    assert "meta.createdAt" in skipped and "meta.barcode" not in skipped


def test_dummyjson_weight_without_a_unit_gets_none_made_up(tmp_path: Path) -> None:
    product = {"id": 1, "title": "Mascara", "price": 9.99, "weight": 4}
    [mascara] = read_catalog(write(tmp_path, "p.json", json.dumps([product]))).products
    assert mascara.attributes == {"weight": "4"}


# -- generic CSV ---------------------------------------------------------------------------

_CSV = (
    "id,title,price,Weight (kg),Warranty,minimumOrderQuantity,Gift wrap,user_id,Image Link,"
    "Created At,warehouse_bin,Supplier cost,Manual,Colour notes\n"
    "k-1,Steel Kettle,30,1.2,2 years,4,TRUE,u-88,https://cdn.example.com/k.jpg,2024-01-02,"
    "B-7,11.50,https://example.com/manual.pdf,\n"
    "k-2,Glass Kettle,35,0.9,1 year,,FALSE,u-89,https://cdn.example.com/g.jpg,2024-01-03,"
    "B-8,12.00,Printed in the box,\n"
)


def test_csv_unmapped_columns_become_named_attributes_with_units(tmp_path: Path) -> None:
    catalog = read_catalog(write(tmp_path, "kettles.csv", _CSV))
    steel, glass = catalog.products
    assert steel.attributes == {
        "weight": "1.2 kg",
        "warranty": "2 years",
        "minimum_order_quantity": "4",
        "gift_wrap": "yes",
    }
    assert glass.attributes == {
        "weight": "0.9 kg",
        "warranty": "1 year",
        "gift_wrap": "no",
        "manual": "Printed in the box",  # a link in this column elsewhere is not kept
    }


def test_csv_internal_columns_are_skipped_and_reported(tmp_path: Path) -> None:
    catalog = read_catalog(write(tmp_path, "kettles.csv", _CSV))
    everything = " ".join(p.model_dump_json() for p in catalog.products)
    for internal in ("u-88", "cdn.example.com", "2024-01-02", "B-7", "11.5"):
        assert internal not in everything
    assert set(catalog.fields.skipped) == {
        "user_id", "Image Link", "Created At", "warehouse_bin", "Supplier cost", "Colour notes",
    }  # fmt: skip
    assert catalog.fields.attributes == {
        "Weight (kg)": "Weight",
        "Warranty": "Warranty",
        "minimumOrderQuantity": "Minimum order quantity",
        "Gift wrap": "Gift wrap",
        "Manual": "Manual",
    }
    kept, skipped = attributes_line(catalog), skipped_line(catalog)
    assert kept is not None and skipped is not None
    assert all(column in kept for column in catalog.fields.attributes)
    assert all(column in skipped for column in catalog.fields.skipped)
    # Each skipped column is explained on the line that names it.
    assert all(len(line.split(":", 1)[-1].strip()) > 3 for line in skipped.splitlines()[1:])


def test_csv_explicit_attribute_mapping_wins_over_a_column_of_the_same_name(tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "id,title,price,spec,Weight\nw,Weight Set,5,2 kg,heavy\n")
    [weights] = read_catalog(path, mapping={"attr:weight": "spec"}).products
    assert weights.attributes == {"weight": "2 kg"}


def test_csv_column_named_like_a_field_no_cell_can_fill_is_not_an_attribute(tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "id,title,price,variants\nv,Vase,5,S|M\n")
    catalog = read_catalog(path)
    assert catalog.products[0].attributes == {}
    assert "variants" in catalog.fields.skipped


# -- Shopify -------------------------------------------------------------------------------

_SHOPIFY = (
    "Handle,Title,Body (HTML),Vendor,Product Category,Type,Published,Option1 Name,Option1 Value,"
    "Variant SKU,Variant Grams,Variant Inventory Tracker,Variant Inventory Qty,Variant Price,"
    "Variant Requires Shipping,Variant Taxable,Variant Barcode,Image Src,Gift Card,SEO Title,"
    "SEO Description,Google Shopping / Condition,Google Shopping / Custom Label 0,"
    "Variant Weight Unit,Cost per item,Price / International,"
    "Fabric (product.metafields.shopify.fabric),Care (product.metafields.custom.care),Status\n"
    "linen-shirt,Linen Shirt,<p>Cool.</p>,Acme,Apparel & Accessories > Clothing > Shirts & Tops,"
    "Shirt,TRUE,Size,S,LS-S,200,shopify,4,40.00,TRUE,TRUE,0123456789012,"
    "https://cdn.example.com/s.jpg,FALSE,Linen Shirt | Acme,Buy linen,new,summer-promo,kg,"
    "12.00,45.00,Linen; Cotton,gid://shopify/Metaobject/1,active\n"
    "linen-shirt,,,,,,,,M,LS-M,250,shopify,0,40.00,TRUE,TRUE,0123456789029,,,,,,,kg,12.00,"
    "45.00,,,\n"
    "gift,Gift Card,,Acme,,Gift Cards,TRUE,Title,Default Title,,0,,,25.00,FALSE,FALSE,,,TRUE,"
    ",,,,g,,,,,active\n"
    "mug,Mug,,Acme,,Mugs,TRUE,Title,Default Title,MUG-1,340,,,9.00,TRUE,TRUE,5012345678900,,"
    "FALSE,,,,,oz,3.00,,,,active\n"
)


def test_shopify_extra_columns_become_attributes_with_units(tmp_path: Path) -> None:
    catalog = read_catalog(write(tmp_path, "export.csv", _SHOPIFY))
    shirt, gift, mug = catalog.products
    assert shirt.attributes == {
        "product_type": "Shirt",  # the category comes from the taxonomy, so Type is its own fact
        "barcode": ["0123456789012 (S)", "0123456789029 (M)"],
        "condition": "new",
        "fabric": "Linen, Cotton",
        "weight": ["0.2 kg (S)", "0.25 kg (M)"],
    }
    assert gift.attributes == {"gift_card": "yes"}
    assert gift.category == ["Gift Cards"]  # no taxonomy: Type is the category
    # 340 g shown in the store's unit; one variant, so one barcode and one weight.
    assert mug.attributes == {"sku": "MUG-1", "barcode": "5012345678900", "weight": "11.99 oz"}


def test_shopify_settings_columns_are_skipped_and_reported(tmp_path: Path) -> None:
    catalog = read_catalog(write(tmp_path, "export.csv", _SHOPIFY))
    everything = " ".join(p.model_dump_json() for p in catalog.products)
    # The shop's cost, SEO text, market prices, ad labels and metaobject references stay out.
    for internal in ("12.0", "3.0", "45.0", "Buy linen", "summer-promo", "gid://"):
        assert internal not in everything
    assert {
        "Published", "Variant Requires Shipping", "Variant Taxable", "SEO Title", "SEO Description",
        "Google Shopping / Custom Label 0", "Cost per item", "Price / International",
        "Care (product.metafields.custom.care)",
    } <= set(catalog.fields.skipped)  # fmt: skip
    assert catalog.fields.attributes["Fabric (product.metafields.shopify.fabric)"] == "Fabric"
    assert catalog.fields.attributes["Variant Grams"] == "Weight"
    skipped = skipped_line(catalog)
    assert skipped is not None and "Cost per item" in skipped


def test_a_question_about_a_kept_column_is_answered_from_it(tmp_path: Path) -> None:
    _, _, mug = read_catalog(write(tmp_path, "export.csv", _SHOPIFY)).products
    weight = [f for f in answer_question(mug, "how heavy is it?") if f.source == "attribute"]
    barcode = [f for f in answer_question(mug, "what's the barcode?") if f.source == "attribute"]
    assert [f.answer for f in weight] == [mug.attributes["weight"]]
    assert [f.answer for f in barcode] == [mug.attributes["barcode"]]


# -- the real DummyJSON file ---------------------------------------------------------------


def test_real_dummyjson_terms_and_availability_come_through() -> None:
    path = SHARED_DATA / "dummyjson_products.json"
    if not path.is_file():
        pytest.skip("dummyjson_products.json is not available in ../shared/data")
    document = json.loads(path.read_text(encoding="utf-8"))
    listed = document["products"] if isinstance(document, dict) else document
    items = {str(p["id"]): p for p in listed}
    catalog = read_catalog(path)
    assert len(catalog.products) == len(items)
    for product in catalog.products:
        item = items[product.id]
        assert product.attributes["return_policy"] == item["returnPolicy"]
        assert product.attributes["warranty"] == item["warrantyInformation"]
        assert product.attributes["shipping"] == item["shippingInformation"]
        assert product.attributes["availability"] == item["availabilityStatus"]
        assert product.attributes["barcode"] == item["meta"]["barcode"]
