"""The conversation evaluation: each check on made-up replies, the loader, the catalogs, and the shipped conversations."""

from __future__ import annotations

import asyncio
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.dialogue.eval_catalogs import CATALOGS, SHARED_DATA, catalog_dir, prepare_catalog
from bot.dialogue.evaluation import (
    CONVERSATIONS_DIR, KINDS, Conversation, ConversationFileError, ConversationResult, Failure, Report, evaluate,
    load_conversations, shipped_files,
)  # fmt: skip
from bot.dialogue.expectations import CHECKS, Context, Seen, run_check
from catalog import demo_product_ids
from retrieval.importer import read_catalog
from tests.conftest import make_product

BOOTS = make_product(
    "boot-1", "TrailMax Women's Glide Waterproof Hiking Boots", brand="TrailMax", price=119.99, compare_at_price=149.99,
    category="Shoes > Women > Hiking Boots", rating=4.2,
    attributes={"waterproof": "yes", "material": "full-grain leather", "gender": "women"},
    variants=[{"color": "black", "size": "11", "stock": 2}, {"color": "red", "size": "9", "stock": 0}],
)  # fmt: skip
CHEAP_BOOTS = make_product(
    "boot-2", "Northfen Women's Breeze Hiking Boots", brand="Northfen", price=89.5, category="Shoes > Women > Hiking Boots",
    rating=3.8, attributes={"waterproof": "no", "non_slip": "no"},
    variants=[{"color": "black", "size": "11", "stock": 0}, {"color": "grey", "size": "6", "stock": 0}],
)  # fmt: skip
KETTLE = make_product(
    "kettle-1", "Brewsmith Terra Electric Kettle", brand="Brewsmith", price=28.49, category="Kitchen > Electric Kettles",
    rating=4.6, attributes={"capacity_liters": "1.7", "material": "stainless steel"}, stock=5,
)  # fmt: skip
TENT = make_product("tent-1", "Ridgecraft Vista 6-Person Tent", price=419.99, category="Sports & Outdoors > Camping > Tents",
                    rating=4.8, attributes={"capacity_people": "6"}, stock=3)  # fmt: skip
PLUSH = make_product("toy-1", "Tinkertop Bunny Plush Toy", price=12.0, category="Toys > Stuffed Animals",
                     attributes={"age_range": "3+", "animal": "bunny"}, stock=9)  # fmt: skip
PUZZLE = make_product("toy-2", "Wobblefox Map Puzzle, 1000 Pieces", price=13.0, category="Toys > Puzzles",
                      attributes={"age_range": "14+"}, stock=9)  # fmt: skip
PRESS = make_product("press-1", "Copperwren Cove Glass French Press, 12 oz", brand="Copperwren", price=22.99,
                     category="Kitchen > French Presses", attributes={"capacity_oz": "12"}, stock=8)  # fmt: skip
KIDS_TEE = make_product("tee-1", "Lunelle Kids' Summit Tee", price=19.99, category="Apparel > Kids > T-Shirts", stock=4)
# A store priced in rupees, with its list price (Amazon.in style).
RICE_COOKER = make_product("rc-1", "Prestige Delight Electric Rice Cooker", price=2280.0, compare_at_price=3045.0,
                           currency="INR", category="Home&Kitchen > Rice Cookers")  # fmt: skip

CATALOG = {p.id: p for p in (BOOTS, CHEAP_BOOTS, KETTLE, TENT, PLUSH, PUZZLE, KIDS_TEE, PRESS, RICE_COOKER)}


def card(product_id: str, price: float | None = None) -> dict[str, Any]:
    """A card as the assistant sends it (price from the catalog unless given)."""
    product = CATALOG[product_id]
    return {"id": product.id, "title": product.title, "price": product.price if price is None else price}


def reply(text: str = "", *ids: str, **extra: Any) -> dict[str, Any]:
    return {"text": text, "cards": [card(i) for i in ids], **extra}


EARLIER = (Seen.of(reply("Here are 3 boots and a kettle", "boot-1", "boot-2", "kettle-1")), Seen.of(reply("hello")))

# (check, value, reply, passes)
CASES: list[tuple[str, Any, dict[str, Any], bool]] = [
    ("cards", "present", reply("", "boot-1"), True),
    ("cards", "present", reply("Sorry, nothing."), False),
    ("cards", "absent", reply("Sorry, nothing."), True),
    ("cards", "absent", reply("", "kettle-1"), False),
    ("cards", 2, reply("", "boot-1", "boot-2"), True),
    ("cards", 2, reply("", "boot-1"), False),
    ("cards", {"min": 2}, reply("", "boot-1", "boot-2", "kettle-1"), True),
    ("cards", {"min": 2}, reply("", "boot-1"), False),
    ("every_card", "boots", reply("", "boot-1", "boot-2"), True),
    ("every_card", "boots", reply("", "boot-1", "kettle-1"), False),
    ("every_card", {"field": "category", "pattern": "Women > Hiking Boots"}, reply("", "boot-1", "boot-2"), True),
    ("every_card", {"field": "attributes.waterproof", "pattern": "^yes$"}, reply("", "boot-1", "boot-2"), False),
    ("every_card", "anything", reply("", "boot-1") | {"cards": [{"id": "gone", "title": "x", "price": 1}]}, False),
    ("every_card", "boots", reply("no cards at all"), True),
    ("no_card", {"field": "category", "pattern": "Kettles"}, reply("", "boot-1", "boot-2"), True),
    ("no_card", {"field": "category", "pattern": "Kettles"}, reply("", "boot-1", "kettle-1"), False),
    ("prices_match_catalog", True, reply("TrailMax Women's Glide Waterproof Hiking Boots: $119.99 (was $149.99, $30 off).", "boot-1"), True),
    ("prices_match_catalog", True, {"text": "", "cards": [card("boot-1", price=99.0)]}, False),
    ("prices_match_catalog", True, reply("The TrailMax Women's Glide Waterproof Hiking Boots cost $109.99.", "boot-1"), False),
    # An amount in another sentence (a cart total) is not a price of the product named.
    ("prices_match_catalog", True, reply("Added the Brewsmith Terra Electric Kettle.\nYour cart: $56.98.", "kettle-1"), True),
    # A bound the shopper set, repeated next to a product's name, is no price of it.
    ("prices_match_catalog", True, reply("Kettles under $30: Brewsmith Terra Electric Kettle, $28.49.", "kettle-1"), True),
    ("prices_match_catalog", True, reply("Brewsmith Terra Electric Kettle, between $20 and $30: $28.49.", "kettle-1"), True),
    ("prices_match_catalog", True, reply("Brewsmith Terra Electric Kettle, $30 and worth it.", "kettle-1"), False),
    # Rupees, Indian digit grouping and "Rs." are read as amounts too.
    ("prices_match_catalog", True, reply("Prestige Delight Electric Rice Cooker: ₹2,280 (was ₹3,045).", "rc-1"), True),
    ("prices_match_catalog", True, reply("The Prestige Delight Electric Rice Cooker is ₹2,380.", "rc-1"), False),
    ("prices_match_catalog", True, reply("The Prestige Delight Electric Rice Cooker is Rs. 2280.", "rc-1"), True),
    ("focus", "kettle-1", reply("It holds 1.7 liters.", "kettle-1"), True),
    ("focus", "kettle-1", reply("", "boot-1"), False),
    ("focus", "boot-2", reply("The cheapest is the Northfen Women's Breeze Hiking Boots at $89.50.", "boot-1", "boot-2"), True),
    ("focus", "boot-2", reply("Here are two boots.", "boot-1", "boot-2"), False),
    ("focus", "boot-2", reply("Which one do you mean?") | {"focus": "boot-2"}, True),
    ("focus", {"same_as_card": 2}, reply("", "boot-2"), True),
    ("focus", {"same_as_card": 1, "turn": 1}, reply("", "boot-2"), False),
    ("focus", {"superlative_card": "cheapest", "turn": 1}, reply("", "kettle-1"), True),
    ("focus", {"superlative_card": "best_rated"}, reply("", "kettle-1"), True),
    ("focus", {"superlative_card": "most_expensive"}, reply("", "kettle-1"), False),
    ("focus", {"same_as_card": 4, "turn": 1}, reply("", "kettle-1"), False),
    ("first_card", "boot-2", reply("Cheapest first.", "boot-2", "boot-1"), True),
    ("first_card", "boot-2", reply("Cheapest first.", "boot-1", "boot-2"), False),
    ("first_card", {"superlative_card": "cheapest", "turn": 1}, reply("", "kettle-1", "boot-2"), True),
    ("first_card", "boot-2", reply("No boots today."), False),
    ("cards_include", ["boot-1", {"same_as_card": 3, "turn": 1}], reply("", "boot-1", "kettle-1"), True),
    ("cards_include", ["boot-2"], reply("", "boot-1", "kettle-1"), False),
    ("cards_exclude", ["boot-2"], reply("", "boot-1"), True),
    ("cards_exclude", [{"same_as_card": 1}], reply("", "boot-1"), False),
    ("cards_from_turn", 1, reply("No red ones; here they are again.", "boot-1", "boot-2"), True),
    ("cards_from_turn", 1, reply("Nothing in red."), True),
    ("cards_from_turn", 1, reply("", "boot-1", "tent-1"), False),
    ("text_has", [r"\$?28\.49", "stainless"], reply("It costs $28.49 and is stainless steel."), True),
    ("text_has", ["merino"], reply("It is wool."), False),
    ("text_lacks", ["couldn't find"], reply("Here they are."), True),
    ("text_lacks", ["couldn't find"], reply("I COULDN'T FIND any."), False),
    ("handoff", True, reply("Connecting you.", handoff=True), True),
    ("handoff", False, reply("Connecting you.", handoff=True), False),
    ("handoff", True, {"text": "ok", "payload": {"handoff": True, "cards": []}}, True),
    ("every_card_price", {"max": 120}, reply("", "boot-1", "boot-2"), True),
    ("every_card_price", {"min": 100, "max": 200}, reply("", "boot-1", "boot-2"), False),
    ("every_card_in_stock", True, reply("", "boot-1", "kettle-1"), True),
    ("every_card_in_stock", True, reply("", "boot-1", "boot-2"), False),
    ("every_card_variant", {"color": "black", "size": "11"}, reply("", "boot-1"), True),
    ("every_card_variant", {"color": "black", "size": "11"}, reply("", "boot-1", "boot-2"), False),
    ("every_card_variant", {"color": "black", "size": "11", "in_stock": False}, reply("", "boot-1", "boot-2"), True),
    ("every_card_variant", {"color": "red", "size": "9"}, reply("", "boot-1"), False),
    ("every_card_attribute", {"key": "capacity_people", "min": 4}, reply("", "tent-1"), True),
    ("every_card_attribute", {"key": "capacity_people", "min": 4}, reply("", "tent-1", "kettle-1"), False),
    ("every_card_attribute", {"key": "waterproof", "equals": "yes"}, reply("", "boot-1", "boot-2"), False),
    ("every_card_suits_age", 8, reply("", "toy-1", "tee-1"), True),
    ("every_card_suits_age", 8, reply("", "toy-1", "toy-2"), False),
    ("every_card_suits_age", 8, reply("", "kettle-1"), False),
    ("states", {"product": "boot-2", "attribute": "waterproof"}, reply("No, the Breeze boots are not waterproof."), True),
    ("states", {"product": "boot-2", "attribute": "waterproof"}, reply("Yes, they are waterproof."), False),
    ("states", {"product": "boot-1", "attribute": "waterproof"}, reply("They're not insulated, but they are waterproof."), True),
    ("states", {"product": "boot-1", "attribute": "waterproof"}, reply("They aren't waterproof."), False),
    ("states", {"product": "boot-2", "attribute": "non_slip"}, reply("It isn't non-slip."), True),
    ("states", {"product": "boot-2", "attribute": "non_slip"}, reply("It is non-slip."), False),
    ("states", {"product": "kettle-1", "attribute": "capacity_liters"}, reply("It holds 1.7 liters."), True),
    ("states", {"product": "kettle-1", "attribute": "capacity_liters"}, reply("It holds 1.5 liters."), False),
    ("states", {"product": "boot-1", "attribute": "material"}, reply("They're full-grain leather."), True),
    ("states", {"product": "press-1", "attribute": "capacity_oz"}, reply("It holds 12 oz.", "press-1"), True),
    # A number in the product's name answers nothing; nor does "Waterproof" in a title.
    ("states", {"product": "press-1", "attribute": "capacity_oz"},
     reply("The Copperwren Cove Glass French Press, 12 oz: nothing about its size.", "press-1"), False),
    ("states", {"product": "boot-1", "attribute": "waterproof"},
     reply("Reviews of the TrailMax Women's Glide Waterproof Hiking Boots say they fit well.", "boot-1"), False),
    ("states", {"product": "kettle-1", "attribute": "price"}, reply("It's $28.49."), True),
    ("states", {"product": "kettle-1", "attribute": "price"}, reply("It's $29."), False),
    ("states", {"product": "rc-1", "attribute": "price"}, reply("It costs ₹2,280."), True),
    ("states", {"product": "rc-1", "attribute": "price"}, reply("It costs 2,280."), False),
    # A fact the catalog gives only in words, as a pattern; the product's name does not state it.
    ("states", {"product": "press-1", "fact": r"\b12 ?oz"}, reply("It holds 12oz of coffee.", "press-1"), True),
    ("states", {"product": "press-1", "fact": r"\b12 ?oz"},
     reply("The Copperwren Cove Glass French Press, 12 oz: its details don't say.", "press-1"), False),
    ("states", {"product": "kettle-1", "attribute": "stock"}, reply("We have 5 left, at $28.49."), True),
    ("states", {"product": "kettle-1", "attribute": "stock"}, reply("It's in stock at $5.00."), False),
    ("states", {"product": "tent-1", "attribute": "stock"}, reply("Only 3 left."), True),
    ("states", {"product": "boot-1", "attribute": "sizes_in_stock"}, reply("In stock in size 11."), True),
    ("states", {"product": "boot-1", "attribute": "rating"}, reply("Rated 4.2 out of 5."), True),
    ("states", {"product": {"focus_of_turn": 1}, "attribute": "price"}, reply("$28.49"), False),
]


@pytest.mark.parametrize(("name", "value", "seen", "passes"), CASES)
def test_check(name: str, value: Any, seen: dict[str, Any], passes: bool) -> None:
    problem = run_check(name, value, seen, Context(CATALOG, EARLIER))
    assert (problem is None) == passes, problem


def test_every_check_has_a_case_that_passes_and_one_that_fails() -> None:
    for name in CHECKS:
        outcomes = {passes for check, _, _, passes in CASES if check == name}
        assert outcomes == {True, False}, name


def write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


def conversation(**changes: Any) -> dict[str, Any]:
    base = {"id": "boots", "kind": "search", "turns": [{"say": "boots", "expect": {"cards": "present"}}]}
    return base | changes


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{not json", "not valid JSON (line 1"),
        (conversation(kind="chitchat"), "unknown kind 'chitchat'"),
        (conversation(turns=[]), "turns"),
        (conversation(extra=1), "extra"),
        (conversation(turns=[{"say": "boots", "expect": {"card_count": 3}}]), "turn 1, check 'card_count': unknown check"),
        (conversation(turns=[{"say": "boots", "expect": {"cards": "many"}}]), "turn 1, check 'cards'"),
        (conversation(turns=[{"say": "boots", "expect": {"states": {"product": "b", "attribute": "x", "fact": "y"}}}]),
         "give attribute or fact"),
        (conversation(turns=[{"say": "boots", "expect": {"text_has": ["(unclosed"]}}]), "not a valid regular expression"),
        (conversation(turns=[{"say": "boots", "expect": {"every_card": {"field": "colour", "pattern": "x"}}}]), "unknown field 'colour'"),
        (conversation(turns=[{"say": "a", "expect": {}}, {"say": "b", "expect": {"focus": {"same_as_card": 1, "turn": 2}}}]),
         "turn 2, check 'focus': refers to turn 2"),
        (conversation(turns=[{"say": "boots", "expect": {"focus": {"same_as_card": 1}}}]), "this is the first turn"),
        ([conversation(), conversation()], "conversation id 'boots' is already used"),
    ],
)
def test_loader_rejects_a_malformed_file_saying_where(tmp_path: Path, data: Any, message: str) -> None:
    path = write(tmp_path, data)
    with pytest.raises(ConversationFileError, match="conversations.json") as caught:
        load_conversations([path])
    assert message in str(caught.value)


def test_loader_reads_one_conversation_or_a_list_and_keeps_check_order(tmp_path: Path) -> None:
    expect = {"text_has": ["boot"], "cards": {"min": 1}, "focus": "SB-00001"}
    path = write(tmp_path, conversation(turns=[{"say": "boots", "expect": expect}]))
    (loaded,) = load_conversations([path])
    assert [name for name, _ in loaded.turns[0].expect] == ["text_has", "cards", "focus"]
    assert loaded.product_ids() == {"SB-00001"}


def test_a_conversation_is_for_the_demo_catalog_unless_it_names_another(tmp_path: Path) -> None:
    path = write(tmp_path, [conversation(), conversation(id="lamp", catalog="dummyjson")])
    demo, dummyjson = load_conversations([path])
    assert (demo.catalog, dummyjson.catalog) == ("demo", "dummyjson")


def test_loader_rejects_an_unknown_catalog(tmp_path: Path) -> None:
    path = write(tmp_path, conversation(catalog="etsy"))
    with pytest.raises(ConversationFileError, match="unknown catalog 'etsy'; use one of demo, dummyjson, amazon_in"):
        load_conversations([path])


def test_a_folder_is_read_with_its_subfolders(tmp_path: Path) -> None:
    (tmp_path / "dummyjson").mkdir()
    write(tmp_path, conversation())
    (tmp_path / "dummyjson" / "more.json").write_text(json.dumps(conversation(id="lamp", catalog="dummyjson")))
    assert [c.id for c in load_conversations([tmp_path])] == ["boots", "lamp"]


# -- the report ----------------------------------------------------------------------------


def result(id: str, catalog: str, kind: str, passed: bool) -> ConversationResult:
    spoken = Conversation(id, kind, (), Path("x.json"), catalog=catalog)
    failures = () if passed else (Failure(1, "hi", "cards", "present", "0 cards shown", "text \"\"; cards: none"),)
    return ConversationResult(spoken, failures)


def test_report_gives_pass_rates_per_catalog_per_kind_and_overall() -> None:
    report = Report([result("a", "dummyjson", "search", True), result("b", "demo", "search", False),
                     result("c", "demo", "cart", True), result("d", "dummyjson", "gift", False)])  # fmt: skip
    assert report.catalogs == ["demo", "dummyjson"]
    assert [(s.name, s.conversations, s.passed) for s in report.by_catalog()] == [("demo", 2, 1), ("dummyjson", 2, 1)]
    assert [(s.name, s.passed) for s in report.by_kind()] == [("gift", 0), ("search", 1), ("cart", 1)]
    assert [(s.name, s.passed) for s in report.by_kind("dummyjson")] == [("gift", 0), ("search", 1)]
    assert (report.overall.conversations, report.overall.passed) == (4, 2)
    assert [r.conversation.id for r in report.failed] == ["b", "d"]
    data = report.to_dict()
    assert data["catalogs"][1] == {"catalog": "dummyjson", "conversations": 2, "passed": 1, "pass_rate": 0.5, "kinds": [
        {"kind": "gift", "conversations": 1, "passed": 0, "pass_rate": 0.0},
        {"kind": "search", "conversations": 1, "passed": 1, "pass_rate": 1.0}]}  # fmt: skip
    assert data["conversations"][0]["catalog"] == "dummyjson"


# -- the catalogs --------------------------------------------------------------------------


def test_a_catalog_whose_file_is_absent_is_skipped_saying_so(tmp_path: Path) -> None:
    path = write(tmp_path, [conversation(catalog="dummyjson"), conversation(id="tv", catalog="amazon_in")])
    heard: list[str] = []
    settings = Settings(data_dir=tmp_path / "data")
    report = asyncio.run(evaluate(settings, load_conversations([path]), shared_data=tmp_path / "nowhere", notice=heard.append))
    assert report.results == []
    assert [(s.catalog, s.conversations) for s in report.skipped] == [("dummyjson", 1), ("amazon_in", 1)]
    assert "dummyjson_products.json not found" in report.skipped[0].reason
    assert any("amazon_in: skipped 1 conversations" in line and "amazon_in_products.csv not found" in line for line in heard)
    assert not (tmp_path / "data" / "eval" / "catalogs").exists()


def test_the_command_says_why_nothing_ran(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bot.cli import main

    args = ["--data-dir", str(tmp_path / "data"), "eval", "conversations", "--catalog", "amazon_in", "--data", str(tmp_path)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert f"no conversations ran: amazon_in: {tmp_path / 'amazon_in_products.csv'} not found" in result.output


def dummyjson_file(path: Path, *titles: str) -> Path:
    items = [{"id": n, "title": t, "price": 9.5 + n, "category": "lighting", "stock": 3, "returnPolicy": "No return policy"}
             for n, t in enumerate(titles, 1)]  # fmt: skip
    path.write_text(json.dumps({"products": items}), encoding="utf-8")
    return path


def test_a_catalog_is_imported_once_and_again_when_its_file_changes(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    source = dummyjson_file(tmp_path / "dummyjson_products.json", "Table Lamp", "Floor Lamp")
    first = prepare_catalog(settings, CATALOGS["dummyjson"], source)
    assert first.settings.data_dir == catalog_dir(settings, "dummyjson") == tmp_path / "data" / "eval" / "catalogs" / "dummyjson"
    assert first.settings.policy_file is None
    assert first.imported and first.imported[0].startswith("imported 2,")

    again = prepare_catalog(settings, CATALOGS["dummyjson"], source)
    assert again.imported is None  # reused: the file is unchanged

    dummyjson_file(source, "Table Lamp")
    changed = prepare_catalog(settings, CATALOGS["dummyjson"], source)
    assert changed.imported is not None and "removed 1 products no longer in the file" in changed.imported
    from bot.services import open_catalog

    with open_catalog(changed.settings) as store:
        assert set(store.fingerprints()) == {"1"}
        assert store.get("1").attributes["return_policy"] == "No return policy"


# -- the shipped conversations -------------------------------------------------------------

SHIPPED = load_conversations()


def test_shipped_conversations_cover_every_kind_with_unique_ids() -> None:
    assert len(SHIPPED) >= 100
    assert len({c.id for c in SHIPPED}) == len(SHIPPED)
    assert {c.kind for c in SHIPPED} == set(KINDS)
    counts = {name: sum(c.catalog == name for c in SHIPPED) for name in CATALOGS}
    assert counts["dummyjson"] >= 25 and counts["amazon_in"] >= 15


def test_shipped_files_sit_in_their_catalogs_folder() -> None:
    """Demo conversations at the top, every other catalog's in a folder named after it."""
    for c in SHIPPED:
        folder = c.source.parent
        assert folder == (CONVERSATIONS_DIR if c.catalog == "demo" else CONVERSATIONS_DIR / c.catalog), c.id
    assert all(path.parent in {CONVERSATIONS_DIR, *(CONVERSATIONS_DIR / n for n in CATALOGS)} for path in shipped_files())


@lru_cache(maxsize=None)
def catalog_ids(name: str) -> frozenset[str]:
    """The ids of a catalog as the evaluation imports it (the file's, read as `shopbot quickstart` reads it)."""
    if name == "demo":
        return demo_product_ids()
    catalog = CATALOGS[name]
    assert catalog.file is not None
    source = SHARED_DATA / catalog.file
    if not source.is_file():
        pytest.skip(f"{source} is absent")
    return frozenset(p.id for p in read_catalog(source, catalog.fmt, mapping=dict(catalog.mapping), currency=catalog.currency).products)


@pytest.mark.parametrize("conversation", SHIPPED, ids=lambda c: c.id)
def test_shipped_conversation_names_only_products_of_its_catalog(conversation) -> None:
    assert conversation.product_ids() <= catalog_ids(conversation.catalog)
