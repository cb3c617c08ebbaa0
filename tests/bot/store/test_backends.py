"""Choosing the database by configuration (bot/store/backends.py): SQLite unless a database URL is set.

PostgreSQL's side of the choice is in test_postgres.py, next to the server it needs.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.store import SQLiteConversationStore, SQLiteOrderSource, StoreError, open_conversation_store, order_table, shopper_store
from bot.store.shoppers import SQLiteShopperStore
from bot.store.sqlite import DB_FILENAME

REPO = Path(__file__).resolve().parents[3]


async def test_without_a_database_url_the_store_is_the_sqlite_file_in_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    store = await open_conversation_store(settings)
    try:
        assert isinstance(store, SQLiteConversationStore) and store.path == tmp_path / "data" / DB_FILENAME
        assert isinstance(shopper_store(store), SQLiteShopperStore)
        assert isinstance(order_table(store), SQLiteOrderSource)
    finally:
        await store.close()


async def test_a_store_of_an_unknown_backend_is_refused_naming_the_known_ones() -> None:
    class Elsewhere(SQLiteConversationStore):
        backend = "memory"

        def __init__(self, *args: Any) -> None:  # never opens a file
            pass

    with pytest.raises(StoreError, match="backend 'memory'.*known backends: postgres, sqlite"):
        shopper_store(Elsewhere())


def test_a_sqlite_deployment_never_loads_the_postgres_driver(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import asyncio, sys
        from bot.config import Settings
        from bot.store import open_conversation_store, order_table, shopper_store

        async def main():
            store = await open_conversation_store(Settings(data_dir={str(tmp_path / "data")!r}))
            shopper_store(store), order_table(store)
            await store.close()

        asyncio.run(main())
        print("asyncpg" in sys.modules)
        """
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "False"
