"""Durable conversations (and demo orders): an async interface and its SQLite implementation."""

from bot.store.base import (
    MODES,
    ROLES,
    Conversation,
    ConversationNotFoundError,
    ConversationStore,
    Event,
    Mode,
    Role,
    StoreClosedError,
    StoreError,
)
from bot.store.migrations import MIGRATIONS, applied, migrate
from bot.store.orders import (
    ORDER_STATUSES,
    Order,
    OrderError,
    OrderNotCancellableError,
    OrderNotFoundError,
    OrderSource,
    OrderStatus,
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
    "ConversationStore",
    "Event",
    "Mode",
    "Order",
    "OrderError",
    "OrderNotCancellableError",
    "OrderNotFoundError",
    "OrderSource",
    "OrderStatus",
    "Role",
    "SQLiteConversationStore",
    "SQLiteOrderSource",
    "StoreClosedError",
    "StoreError",
    "applied",
    "default_path",
    "demo_orders",
    "migrate",
    "normalize_order_number",
    "seed_demo_orders",
]
