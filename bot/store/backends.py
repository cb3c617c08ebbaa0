"""Choosing the database: SQLite in the data dir, or PostgreSQL when SHOPBOT_DATABASE_URL is set.

Everything the conversation database holds (conversations, shopper profiles, orders) lives
in one database, so the profile and order tables follow the conversation store: callers open
the store once and ask for the others by the store, never by backend.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.store.base import ConversationStore, StoreError

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.store.orders import OrderTable
    from bot.store.shoppers import ShopperStore


@dataclass(frozen=True, slots=True)
class Backend:
    """What one database backend keeps beside its conversations."""

    shoppers: Callable[[Any], ShopperStore]
    orders: Callable[[Any], OrderTable]


def _sqlite() -> Backend:
    from bot.store.orders import SQLiteOrderSource
    from bot.store.shoppers import SQLiteShopperStore

    return Backend(SQLiteShopperStore, SQLiteOrderSource)


def _postgres() -> Backend:
    from bot.store.postgres_orders import PostgresOrderSource
    from bot.store.postgres_shoppers import PostgresShopperStore

    return Backend(PostgresShopperStore, PostgresOrderSource)


# By ConversationStore.backend. Each is imported on first use: a SQLite deployment never loads asyncpg.
BACKENDS: dict[str, Callable[[], Backend]] = {"sqlite": _sqlite, "postgres": _postgres}


def backend_of(store: ConversationStore) -> Backend:
    """The backend `store` belongs to; a StoreError naming the known ones for any other store."""
    try:
        return BACKENDS[store.backend]()
    except KeyError:
        raise StoreError(
            f"no shopper profiles or orders for a {type(store).__name__} (backend {store.backend!r});"
            f" known backends: {', '.join(sorted(BACKENDS))}"
        ) from None


def shopper_store(store: ConversationStore) -> ShopperStore:
    """The shopper profiles kept in the same database as `store`'s conversations."""
    return backend_of(store).shoppers(store)


def order_table(store: ConversationStore) -> OrderTable:
    """The orders table kept in the same database as `store`'s conversations."""
    return backend_of(store).orders(store)


async def open_conversation_store(settings: Settings) -> ConversationStore:
    """The conversation store these settings ask for, connected and migrated.

    PostgreSQL when `database_url` is set (shared by every server process), else the SQLite
    file in the data dir. Raises StoreUnavailableError when PostgreSQL cannot be reached.
    """
    if settings.database_url is not None:
        from bot.store.postgres import PostgresConversationStore

        return await PostgresConversationStore.connect(settings.database_url.get_secret_value())
    from bot.store.sqlite import SQLiteConversationStore

    return SQLiteConversationStore(settings.conversations_db)
