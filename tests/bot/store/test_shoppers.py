"""Shopper profiles in SQLite: an erase that leaves nothing of the shopper in the file itself.

What every backend does with profiles (events stored once, baskets, export, erase) is
checked in test_contract.py.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.store.backends import shopper_store
from bot.store.shoppers import ShopperEvent, SQLiteShopperStore
from bot.store.sqlite import SQLiteConversationStore
from retrieval.recommend import Preferences


async def test_erase_leaves_nothing_of_the_shopper_in_the_file(tmp_path: Path) -> None:
    store = SQLiteConversationStore(tmp_path / "shopbot.db")
    shoppers = shopper_store(store)
    assert isinstance(shoppers, SQLiteShopperStore)
    for who in ("ann", "bob"):
        await store.open_conversation(f"rest:{who}", who, "rest")
        await store.append(f"rest:{who}", "user", f"hello from {who}")
        await shoppers.record([ShopperEvent(who, "p1", "viewed", 1_700_000_000.0, "api")])
        await shoppers.save_preferences(who, Preferences(colors=["green"]))

    await shoppers.erase("ann")
    await store.close()
    raw = sqlite3.connect(tmp_path / "shopbot.db")
    dumped = "\n".join(raw.iterdump())
    raw.close()
    assert "hello from ann" not in dumped and "'ann'" not in dumped
    assert "hello from bob" in dumped
    # Not even in the file's free pages.
    raw_bytes = (tmp_path / "shopbot.db").read_bytes()
    assert b"hello from ann" not in raw_bytes and b"hello from bob" in raw_bytes
