"""A store's own catalog file, start to finish: `shopbot quickstart`, then a real server and a shopper.

The file is shaped like a real marketplace export (the Amazon.in CSV in ../shared/data):
rupee prices with symbols and digit groups, no brand and no stock column, a product repeated
on several rows, one unreadable rating. What the shopper sees must come from this file alone:
rupee prices, no demo policy, no demo orders, no "in stock" the file never said.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.merchant.sentiment import cached_sentiment_model_dir, sentiment_model_dir
from bot.services import cached_intent_model_dir, intent_model_dir
from tests.integration.harness import ShopbotServer, server_env, unique_sender

pytestmark = pytest.mark.slow

HEADER = "product_id,product_name,category,discounted_price,actual_price,rating,rating_count,review_content\n"
ROWS = [
    'C1,"Wayona Braided USB Cable for iPhone, 1 m",Electronics|Cables|USBCables,₹199,"₹1,099",4.2,"24,269",Charges fast',
    'C1,"Wayona Braided USB Cable for iPhone, 1 m",Electronics|Cables|USBCables,₹199,"₹1,099",4.2,,Sturdy braid',
    'C2,Ambrane Type C Fast Charging Cable 1.5 m,Electronics|Cables|USBCables,₹249,₹499,|,"1,020",Works with my phone',
    'C3,Wayona Micro USB Cable 2 m,Electronics|Cables|USBCables,₹329,₹799,4.0,310,Long enough',
    'W1,Noise ColorFit Pulse Smartwatch with SpO2,Electronics|Wearables|SmartWatches,"₹1,999","₹4,999",4.1,"13,005",Good for runs',
    'W2,boAt Wave Call Smart Watch with Bluetooth Calling,Electronics|Wearables|SmartWatches,"₹2,799","₹6,990",4.0,"9,121",Calls are clear',
    'E1,boAt Rockerz 255 Wireless Earphones,Electronics|Headphones|InEar,"₹1,299","₹3,990",4.1,"41,226",Great bass',
    'K1,Pigeon Stainless Steel Electric Kettle 1.5 L,Home&Kitchen|Kitchen&HomeAppliances|Kettles,₹649,"₹1,245",4.2,"8,700",Boils fast',
]
MAPPING = ("id=product_id", "title=product_name", "price=discounted_price", "compare_at_price=actual_price",
           "category=category", "rating=rating", "review_count=rating_count", "review.text=review_content")  # fmt: skip
DEMO_WORDS = ("$", "4.95", "US and Canada", "in total")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, shipped: Any) -> Iterator[tuple[ShopbotServer, str]]:
    """The store after one `shopbot quickstart` (import, index, models from the cache), then served."""
    root = tmp_path_factory.mktemp("own-store")
    data = root / "data"
    catalog = root / "products.csv"
    catalog.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    env = server_env(data)
    # The shared model cache as an earlier `make run` on this machine left it.
    cache = Settings(data_dir=data, model_cache=Path(env["SHOPBOT_MODEL_CACHE"]))
    shutil.copytree(intent_model_dir(shipped), cached_intent_model_dir(cache))
    shutil.copytree(sentiment_model_dir(shipped), cached_sentiment_model_dir(cache))
    args = [a for m in MAPPING for a in ("--map", m)]
    run = subprocess.run([sys.executable, "-m", "bot", "quickstart", str(catalog), *args, "--no-serve"],
                         env=env, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    server = ShopbotServer(data, env).start()
    yield server, run.stdout + run.stderr
    server.stop()


def test_quickstart_imports_everything_and_trains_nothing(store: tuple[ShopbotServer, str]) -> None:
    server, output = store
    assert "imported 7, updated 0, unchanged 0, rejected 0" in output  # the repeated row merged, the bad rating dropped
    assert "reused from" in output and "training" not in output
    assert "INR" in output and "7 products" in output
    assert server.product("C2")["title"].startswith("Ambrane")  # kept despite its unreadable rating


def test_prices_are_rupees_and_budgets_stay_rupees(store: tuple[ShopbotServer, str]) -> None:
    server, _ = store
    reply = server.chat(unique_sender("cables")).say("usb cables under ₹300")
    assert set(reply.card_ids) == {"C1", "C2"}  # C3 costs ₹329
    assert "₹199" in reply.text and "$" not in reply.text
    assert "₹300" in reply.text or "300" not in reply.text  # an echoed budget keeps its currency


def test_stock_the_catalog_does_not_give_is_never_in_stock(store: tuple[ShopbotServer, str]) -> None:
    server, _ = store
    chat = server.chat(unique_sender("stock"))
    reply = chat.say("electric kettle")
    assert reply.card_ids[:1] == ["K1"]
    assert all(not c.get("stock_known", True) for c in reply.cards)
    reply = chat.say("is it in stock?")
    assert "stock" in reply.text.lower()  # the question is answered, honestly
    assert not re.search(r"\b(?:is|are|it's)\s+(?:still\s+)?in stock\b|\b\d+\s+(?:left|units)\b", reply.text, re.I), reply.text


def test_no_demo_policy_and_no_demo_orders(store: tuple[ShopbotServer, str]) -> None:
    server, _ = store
    chat = server.chat(unique_sender("policy"))
    reply = chat.say("how much does shipping cost?")
    assert not any(word in reply.text for word in DEMO_WORDS), reply.text
    assert any("connect" in b.lower() or "person" in b.lower() for b in reply.buttons)
    reply = server.chat(unique_sender("orders")).say("where is my order 10002?")
    assert not any(word in reply.text for word in DEMO_WORDS), reply.text


def test_a_recommendation_without_brands_answers_and_the_server_restarts(store: tuple[ShopbotServer, str]) -> None:
    server, _ = store
    chat = server.chat(unique_sender("runner"))
    reply = chat.say("smartwatch for my runs, under ₹3,000?")
    assert reply.cards and set(reply.card_ids) <= {"W1", "W2"}
    assert server.events(chat.conversation_id)[-1]["payload"].get("skill") != "error"
    server.restart(kill=True)  # nothing left unanswered to replay: it starts and serves
    assert chat.say("the cheaper one?").text
    errors = sum(v for k, v in server.metrics().items() if k.startswith("shopbot_turn_errors_total"))
    assert errors == 0
