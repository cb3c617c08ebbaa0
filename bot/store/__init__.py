"""Durable conversations, shopper profiles and orders: an async interface, on SQLite or PostgreSQL.

`open_conversation_store(settings)` picks the backend; PostgreSQL's modules (and asyncpg) are
imported only when it is chosen.
"""

from bot.store.backends import open_conversation_store, order_table, shopper_store
from bot.store.base import (
    MODES,
    ROLES,
    Conversation,
    ConversationNotFoundError,
    ConversationOwnedError,
    ConversationStore,
    Event,
    Mode,
    Role,
    StoreClosedError,
    StoreError,
    StoreUnavailableError,
    Summary,
)
from bot.store.migrations import MIGRATIONS, Migration, applied, applied_postgres, migrate, migrate_postgres
from bot.store.orders import (
    ORDER_STATUSES,
    Order,
    OrderError,
    OrderNotCancellableError,
    OrderNotFoundError,
    OrderSource,
    OrderStatus,
    OrderTable,
    SQLiteOrderSource,
    demo_orders,
    normalize_order_number,
    seed_demo_orders,
)
from bot.store.sqlite import DB_FILENAME, SQLiteConversationStore, default_path

__all__ = [
    "DB_FILENAME",
    "MIGRATIONS",
    "MODES",
    "ORDER_STATUSES",
    "ROLES",
    "Conversation",
    "ConversationNotFoundError",
    "ConversationOwnedError",
    "ConversationStore",
    "Event",
    "Migration",
    "Mode",
    "Order",
    "OrderError",
    "OrderNotCancellableError",
    "OrderNotFoundError",
    "OrderSource",
    "OrderStatus",
    "OrderTable",
    "Role",
    "SQLiteConversationStore",
    "SQLiteOrderSource",
    "StoreClosedError",
    "StoreError",
    "StoreUnavailableError",
    "Summary",
    "applied",
    "applied_postgres",
    "default_path",
    "demo_orders",
    "migrate",
    "migrate_postgres",
    "normalize_order_number",
    "open_conversation_store",
    "order_table",
    "seed_demo_orders",
    "shopper_store",
]
