"""Schema migrations for the conversation database: ordered, named, each applied once.

One list serves every backend: each migration carries its SQLite and its PostgreSQL script
side by side, so the same name makes the same change everywhere and both databases record
the same names in the same order. A database records the names it has applied in
`schema_migrations`, so migrating is safe on every start and by several processes at once.
Never edit or reorder a released migration; add a new one at the end, with both scripts.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.store.base import StoreError

if TYPE_CHECKING:
    import asyncpg


@dataclass(frozen=True, slots=True)
class Migration:
    """One named schema change, written once per backend."""

    name: str
    sqlite: str
    postgres: str


# PostgreSQL notes, for every script below: REAL there is 4 bytes, so timestamps and money are
# DOUBLE PRECISION (SQLite's REAL is 8 bytes); JSON stays TEXT, byte for byte what was written,
# so a state comes back with its keys in order and its numbers as they were; ids are identity
# columns, whose sequence never hands out a number twice, erased rows or not.
MIGRATIONS: list[Migration] = [
    Migration(
        "0001_conversations",
        sqlite="""
            CREATE TABLE conversations (
                id TEXT PRIMARY KEY,
                sender TEXT NOT NULL,
                channel TEXT NOT NULL,
                mode TEXT NOT NULL DEFAULT 'bot'
                    CHECK (mode IN ('bot', 'waiting_agent', 'agent', 'closed')),
                state TEXT NOT NULL DEFAULT '{}',
                agent TEXT,
                created REAL NOT NULL,
                updated REAL NOT NULL
            );
            CREATE INDEX conversations_sender ON conversations (sender);
            CREATE INDEX conversations_updated ON conversations (updated);
            CREATE INDEX conversations_mode_updated ON conversations (mode, updated);

            -- AUTOINCREMENT: ids are never reused after an erase, so a client's "after_id"
            -- cursor can never skip or replay someone else's events.
            CREATE TABLE events (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
                role TEXT NOT NULL CHECK (role IN ('user', 'bot', 'agent', 'system')),
                text TEXT NOT NULL,
                payload TEXT NOT NULL DEFAULT '{}',
                created REAL NOT NULL,
                client_id TEXT
            );
            CREATE INDEX events_conversation ON events (conversation_id, id);
            CREATE UNIQUE INDEX events_client_id ON events (conversation_id, client_id)
                WHERE client_id IS NOT NULL;
        """,
        postgres="""
            CREATE TABLE conversations (
                id TEXT PRIMARY KEY,
                sender TEXT NOT NULL,
                channel TEXT NOT NULL,
                mode TEXT NOT NULL DEFAULT 'bot'
                    CHECK (mode IN ('bot', 'waiting_agent', 'agent', 'closed')),
                state TEXT NOT NULL DEFAULT '{}',
                agent TEXT,
                created DOUBLE PRECISION NOT NULL,
                updated DOUBLE PRECISION NOT NULL
            );
            CREATE INDEX conversations_sender ON conversations (sender);
            CREATE INDEX conversations_updated ON conversations (updated);
            CREATE INDEX conversations_mode_updated ON conversations (mode, updated);

            CREATE TABLE events (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
                role TEXT NOT NULL CHECK (role IN ('user', 'bot', 'agent', 'system')),
                text TEXT NOT NULL,
                payload TEXT NOT NULL DEFAULT '{}',
                created DOUBLE PRECISION NOT NULL,
                client_id TEXT
            );
            CREATE INDEX events_conversation ON events (conversation_id, id);
            CREATE UNIQUE INDEX events_client_id ON events (conversation_id, client_id)
                WHERE client_id IS NOT NULL;
        """,
    ),
    Migration(
        "0002_orders",
        sqlite="""
            CREATE TABLE orders (
                number TEXT PRIMARY KEY,
                email TEXT NOT NULL,
                status TEXT NOT NULL
                    CHECK (status IN ('processing', 'shipped', 'delivered', 'cancelled')),
                items TEXT NOT NULL,
                total REAL NOT NULL,
                currency TEXT NOT NULL,
                placed TEXT NOT NULL,
                shipped TEXT,
                eta TEXT,
                tracking TEXT
            );
            CREATE INDEX orders_email ON orders (email);
        """,
        postgres="""
            CREATE TABLE orders (
                number TEXT PRIMARY KEY,
                email TEXT NOT NULL,
                status TEXT NOT NULL
                    CHECK (status IN ('processing', 'shipped', 'delivered', 'cancelled')),
                items TEXT NOT NULL,
                total DOUBLE PRECISION NOT NULL,
                currency TEXT NOT NULL,
                placed TEXT NOT NULL,
                shipped TEXT,
                eta TEXT,
                tracking TEXT
            );
            CREATE INDEX orders_email ON orders (email);
        """,
    ),
    Migration(
        "0003_agent_desk",
        sqlite="""
            -- When the shopper started waiting for a person (NULL unless mode is waiting_agent),
            -- and the last event the agents have read (for unread counts in the console).
            ALTER TABLE conversations ADD COLUMN waiting_since REAL;
            ALTER TABLE conversations ADD COLUMN agent_read_id INTEGER NOT NULL DEFAULT 0;
        """,
        postgres="""
            ALTER TABLE conversations ADD COLUMN waiting_since DOUBLE PRECISION;
            ALTER TABLE conversations ADD COLUMN agent_read_id BIGINT NOT NULL DEFAULT 0;
        """,
    ),
    Migration(
        "0004_shoppers",
        sqlite="""
            -- What a shopper told us (sizes, brands, colours, budget, recipients) as JSON.
            CREATE TABLE shopper_preferences (
                shopper TEXT PRIMARY KEY,
                data TEXT NOT NULL,
                updated REAL NOT NULL
            );
            -- What a shopper did with products. `key` makes re-sent events (a store retrying a
            -- POST, a turn answered again after a restart) count once; `basket` groups the
            -- purchases of one order for "bought together".
            CREATE TABLE shopper_events (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                shopper TEXT NOT NULL,
                product_id TEXT NOT NULL,
                kind TEXT NOT NULL
                    CHECK (kind IN ('viewed', 'clicked', 'added_to_cart', 'purchased', 'dismissed')),
                at REAL NOT NULL,
                source TEXT NOT NULL,
                basket TEXT,
                key TEXT
            );
            CREATE INDEX shopper_events_shopper ON shopper_events (shopper, at);
            CREATE INDEX shopper_events_basket ON shopper_events (kind, basket);
            CREATE UNIQUE INDEX shopper_events_key ON shopper_events (shopper, key) WHERE key IS NOT NULL;
        """,
        postgres="""
            CREATE TABLE shopper_preferences (
                shopper TEXT PRIMARY KEY,
                data TEXT NOT NULL,
                updated DOUBLE PRECISION NOT NULL
            );
            CREATE TABLE shopper_events (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                shopper TEXT NOT NULL,
                product_id TEXT NOT NULL,
                kind TEXT NOT NULL
                    CHECK (kind IN ('viewed', 'clicked', 'added_to_cart', 'purchased', 'dismissed')),
                at DOUBLE PRECISION NOT NULL,
                source TEXT NOT NULL,
                basket TEXT,
                key TEXT
            );
            CREATE INDEX shopper_events_shopper ON shopper_events (shopper, at);
            CREATE INDEX shopper_events_basket ON shopper_events (kind, basket);
            CREATE UNIQUE INDEX shopper_events_key ON shopper_events (shopper, key) WHERE key IS NOT NULL;
        """,
    ),
    Migration(
        "0005_turn_attempts",
        sqlite="""
            -- How many times a restart has tried to answer a stored message (Assistant.resume_pending).
            -- Counted before each try, so a try that kills the process counts too; past the limit
            -- the shopper gets an apology instead of the server crashing on every start.
            CREATE TABLE turn_attempts (
                event_id INTEGER PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
                attempts INTEGER NOT NULL,
                last_at REAL NOT NULL
            );
        """,
        postgres="""
            CREATE TABLE turn_attempts (
                event_id BIGINT PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
                attempts INTEGER NOT NULL,
                last_at DOUBLE PRECISION NOT NULL
            );
        """,
    ),
]

_NAME = re.compile(r"^[0-9]{4}_[a-z0-9_]+$")

# The key of the PostgreSQL advisory lock migrating processes queue on ("shopbot" in ASCII).
_POSTGRES_LOCK = 0x73686F70626F74


def _check_names(migrations: Sequence[Migration]) -> None:
    names = [migration.name for migration in migrations]
    if len(set(names)) != len(names):
        raise ValueError("migration names must be unique")
    for name in names:
        # Names go into the SQLite script verbatim (executescript cannot bind parameters).
        if not _NAME.match(name):
            raise ValueError(f"migration name {name!r} must look like 0003_short_description")


# -- SQLite --------------------------------------------------------------------------------


def applied(connection: sqlite3.Connection) -> list[str]:
    """Names of the migrations this SQLite database has applied, in the order they were applied."""
    _ensure_table(connection)
    return [row[0] for row in connection.execute("SELECT name FROM schema_migrations ORDER BY rowid")]


def migrate(connection: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> list[str]:
    """Apply the migrations this SQLite database has not applied yet, in order; returns their names.

    `connection` must be in autocommit mode (isolation_level=None). Each migration runs in
    its own transaction together with the row that records it, so a failed migration leaves
    no trace and the ones before it stay applied.
    """
    _check_names(migrations)
    if connection.isolation_level is not None:
        raise ValueError("migrate needs a connection in autocommit mode (isolation_level=None)")

    _ensure_table(connection)
    done = set(applied(connection))
    ran: list[str] = []
    for migration in migrations:
        name = migration.name
        if name in done:
            continue
        # The recording INSERT comes first: if another process applied this migration
        # since we looked, the primary key stops us before any DDL runs twice.
        # executescript commits any open transaction first, so BEGIN/COMMIT live in the script.
        try:
            connection.executescript(
                f"BEGIN IMMEDIATE;"
                f" INSERT INTO schema_migrations (name, applied_at) VALUES ('{name}', {time.time()!r});"
                f" {migration.sqlite};"
                f" COMMIT;"
            )
        except sqlite3.Error as exc:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            if isinstance(exc, sqlite3.IntegrityError) and name in applied(connection):
                continue  # a concurrent start applied it first
            raise StoreError(f"database migration {name} failed: {exc}") from exc
        ran.append(name)
    return ran


def _ensure_table(connection: sqlite3.Connection) -> None:
    connection.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at REAL NOT NULL)"
    )


# -- PostgreSQL ----------------------------------------------------------------------------


async def applied_postgres(connection: asyncpg.Connection) -> list[str]:
    """Names of the migrations this PostgreSQL database has applied, in the order they were applied."""
    if await connection.fetchval("SELECT to_regclass('schema_migrations')") is None:
        return []
    return [row[0] for row in await connection.fetch("SELECT name FROM schema_migrations ORDER BY position")]


async def migrate_postgres(connection: asyncpg.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> list[str]:
    """Apply the migrations this PostgreSQL database has not applied yet, in order; returns their names.

    Each migration runs in its own transaction with the row that records it (PostgreSQL
    rolls DDL back too), under an advisory lock: processes starting together queue, and each
    one re-checks what is applied once it holds the lock, so every migration runs once.
    """
    import asyncpg

    _check_names(migrations)
    done = set(await applied_postgres(connection))
    ran: list[str] = []
    for migration in migrations:
        if migration.name in done:
            continue  # the usual start: nothing to do, and no lock taken
        async with connection.transaction():
            await connection.execute("SELECT pg_advisory_xact_lock($1)", _POSTGRES_LOCK)
            await connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY,"
                " applied_at DOUBLE PRECISION NOT NULL, position BIGINT GENERATED ALWAYS AS IDENTITY)"
            )
            if await connection.fetchval("SELECT 1 FROM schema_migrations WHERE name = $1", migration.name):
                continue  # another process applied it while we waited for the lock
            try:
                await connection.execute(migration.postgres)
            except asyncpg.PostgresError as exc:
                raise StoreError(f"database migration {migration.name} failed: {exc}") from exc
            await connection.execute(
                "INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)", migration.name, time.time()
            )
        ran.append(migration.name)
    return ran
