"""The conversation store on PostgreSQL, shared by every server process of a deployment.

Same behaviour as the SQLite store (bot/store/sqlite.py), with the guarantees it gets from
having one writer made explicit: an append locks its conversation's row, so the events of
one conversation get their ids in the order they commit and a re-sent client id is found,
never stored twice, whichever process it reaches; a claim is one conditional UPDATE, so two
agents on two servers cannot both win.

Every call runs to completion even if the task awaiting it is cancelled (as on SQLite's
thread), and `close` waits for calls in flight. A database that cannot be reached raises
StoreUnavailableError; the pool opens new connections by itself once the server is back.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

import asyncpg

from bot.store.base import (
    ANSWER_ROLES,
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
    check_mode,
    check_role,
)
from bot.store.migrations import migrate_postgres

logger = logging.getLogger(__name__)

T = TypeVar("T")

_CONVERSATION_COLUMNS = "id, sender, channel, mode, state, agent, created, updated, waiting_since"
_EVENT_COLUMNS = "id, conversation_id, role, text, payload, created, client_id"

# Errors that mean "the database is not there right now", as opposed to a bad query: the
# server refusing or dropping connections, shutting down or starting up, out of connection
# slots, or not answering within the timeout.
_UNREACHABLE: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.InsufficientResourcesError,
    asyncpg.exceptions.InvalidAuthorizationSpecificationError,
    asyncpg.exceptions.InvalidCatalogNameError,
)


def _dumps(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _conversation(row: asyncpg.Record | tuple[Any, ...]) -> Conversation:
    return Conversation(
        id=row[0],
        sender=row[1],
        channel=row[2],
        mode=row[3],
        state=json.loads(row[4]),
        agent=row[5],
        created=row[6],
        updated=row[7],
        waiting_since=row[8],
    )


def _event(row: asyncpg.Record) -> Event:
    return Event(
        id=row[0],
        conversation_id=row[1],
        role=row[2],
        text=row[3],
        payload=json.loads(row[4]),
        created=row[5],
        client_id=row[6],
    )


def affected(status: str) -> int:
    """Rows a command touched, from its status ("UPDATE 1", "DELETE 3", "INSERT 0 2")."""
    return int(status.rsplit(" ", 1)[-1])


def describe(url: str) -> str:
    """Where a PostgreSQL URL points, for messages and logs: user, host, port and database, never the password."""
    parts = urlsplit(url)
    user = unquote(parts.username) + "@" if parts.username else ""
    host = parts.hostname or "the local socket"
    port = f":{parts.port}" if parts.port else ""
    database = parts.path.lstrip("/") or "(default database)"
    return f"PostgreSQL {user}{host}{port}/{database}"


class PostgresConversationStore(ConversationStore):
    """ConversationStore on a PostgreSQL database, through a pool of asyncpg connections."""

    backend = "postgres"

    def __init__(self, pool: asyncpg.Pool, where: str, secret: str | None = None) -> None:
        """Use an open pool; `connect` is the usual way in. `where` names the database in
        messages; `secret` (the password) is scrubbed from any message that repeats it."""
        self._pool = pool
        self.where = where
        self._secret = secret
        self._closed = False
        self._last_time = 0.0
        self._in_flight: set[asyncio.Task[Any]] = set()

    @classmethod
    async def connect(
        cls,
        url: str,
        *,
        min_size: int = 1,
        max_size: int = 10,
        connect_timeout: float = 5.0,
        command_timeout: float = 15.0,
    ) -> PostgresConversationStore:
        """Connect to the database at `url`, apply its pending migrations and open a pool.

        `connect_timeout` bounds opening a connection and `command_timeout` one statement, so
        a database that went away fails a call in seconds rather than hanging it. Raises
        StoreUnavailableError when the database cannot be reached, with a message that names
        it without its password.
        """
        where, secret = describe(url), urlsplit(url).password
        try:
            # Migrations on a connection of their own: a long ALTER must not hit the command
            # timeout meant for the small statements of a turn.
            connection = await asyncpg.connect(url, timeout=connect_timeout)
            try:
                ran = await migrate_postgres(connection)
            finally:
                await connection.close()
            pool = await asyncpg.create_pool(
                url, min_size=min_size, max_size=max_size, timeout=connect_timeout, command_timeout=command_timeout
            )
        except _UNREACHABLE as exc:
            raise StoreUnavailableError(_unreachable(where, exc, secret)) from exc
        except ValueError as exc:  # asyncpg's word for a malformed URL
            raise StoreError(f"SHOPBOT_DATABASE_URL is not a usable PostgreSQL URL: {_scrub(str(exc), secret)}") from exc
        if ran:
            logger.info("migrated %s: %s", where, ", ".join(ran))
        return cls(pool, where, secret)

    # -- running work ------------------------------------------------------------------

    async def run(self, work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
        """Run `work(connection)` with a pooled connection and return its result.

        For modules sharing this database (shopper profiles, orders); `work` opens its own
        transaction when it needs one. It runs to completion even if the awaiting task is
        cancelled, so a write the caller started is never half-done. Raises
        StoreUnavailableError when the database cannot be reached.
        """
        if self._closed:
            raise StoreClosedError("the conversation store is closed")
        task = asyncio.ensure_future(self._with_connection(work))
        self._in_flight.add(task)
        task.add_done_callback(self._finished)
        return await asyncio.shield(task)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._in_flight.discard(task)
        if not task.cancelled():
            task.exception()  # seen here, so a call whose caller left does not log "never retrieved"

    async def _with_connection(self, work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
        try:
            async with self._pool.acquire() as connection:
                return await work(connection)
        except _UNREACHABLE as exc:
            message = _unreachable(self.where, exc, self._secret)
            logger.warning("conversation store: %s", message)
            raise StoreUnavailableError(message) from exc
        except asyncpg.exceptions.CharacterNotInRepertoireError as exc:
            # PostgreSQL text cannot hold a NUL character (SQLite's can): say so instead of a 500.
            raise StoreError("the message contains a character that cannot be stored (NUL); remove it") from exc

    def _now(self) -> float:
        # Strictly increasing within this process, so "most recently updated" is well defined
        # even for updates in the same clock tick (the event loop is the only caller).
        now = max(time.time(), self._last_time + 1e-6)
        self._last_time = now
        return now

    async def close(self) -> None:
        """Let calls in flight finish, then close the pool; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        if self._in_flight:
            await asyncio.wait(list(self._in_flight))
        try:
            await asyncio.wait_for(self._pool.close(), timeout=10)
        except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            self._pool.terminate()  # a server that is gone cannot be said goodbye to

    # -- conversations -----------------------------------------------------------------

    async def open_conversation(self, conversation_id: str, sender: str, channel: str) -> Conversation:
        async def work(db: asyncpg.Connection) -> Conversation:
            now = self._now()
            row = await db.fetchrow(
                "INSERT INTO conversations (id, sender, channel, mode, state, agent, created, updated)"
                " VALUES ($1, $2, $3, 'bot', '{}', NULL, $4, $4) ON CONFLICT (id) DO NOTHING"
                f" RETURNING {_CONVERSATION_COLUMNS}",
                conversation_id, sender, channel, now,
            )  # fmt: skip
            if row is None:
                row = await db.fetchrow(f"SELECT {_CONVERSATION_COLUMNS} FROM conversations WHERE id = $1", conversation_id)
            return _conversation(row)

        return await self.run(work)

    async def get(self, conversation_id: str) -> Conversation | None:
        async def work(db: asyncpg.Connection) -> Conversation | None:
            row = await db.fetchrow(f"SELECT {_CONVERSATION_COLUMNS} FROM conversations WHERE id = $1", conversation_id)
            return _conversation(row) if row else None

        return await self.run(work)

    async def save_state(self, conversation_id: str, state: dict[str, Any]) -> None:
        # Serialised on the caller's side: a state that is not JSON fails with its traceback.
        data = _dumps(state)

        async def work(db: asyncpg.Connection) -> None:
            status = await db.execute(
                "UPDATE conversations SET state = $2, updated = $3 WHERE id = $1", conversation_id, data, self._now()
            )
            if affected(status) == 0:
                raise ConversationNotFoundError(conversation_id)

        await self.run(work)

    async def set_mode(self, conversation_id: str, mode: Mode, agent: str | None = None) -> None:
        check_mode(mode)

        async def work(db: asyncpg.Connection) -> None:
            # The wait starts when the shopper is queued and keeps its start while queued.
            status = await db.execute(
                "UPDATE conversations SET mode = $2, agent = $3, updated = $4,"
                " waiting_since = CASE WHEN $2 = 'waiting_agent' THEN COALESCE(waiting_since, $4) END"
                " WHERE id = $1",
                conversation_id, mode, agent, self._now(),
            )  # fmt: skip
            if affected(status) == 0:
                raise ConversationNotFoundError(conversation_id)

        await self.run(work)

    async def claim(self, conversation_id: str, agent: str) -> Conversation:
        async def work(db: asyncpg.Connection) -> Conversation:
            # One conditional UPDATE: a second claimer waits for the first one's row lock, then
            # re-checks the condition against the row as the first one left it, and fails it.
            row = await db.fetchrow(
                "UPDATE conversations SET mode = 'agent', agent = $2, updated = $3, waiting_since = NULL"
                " WHERE id = $1 AND (agent IS NULL OR agent = $2 OR mode <> 'agent')"
                f" RETURNING {_CONVERSATION_COLUMNS}",
                conversation_id, agent, self._now(),
            )  # fmt: skip
            if row is not None:
                return _conversation(row)
            holder = await db.fetchrow("SELECT agent FROM conversations WHERE id = $1", conversation_id)
            if holder is None:
                raise ConversationNotFoundError(conversation_id)
            raise ConversationOwnedError(conversation_id, holder[0] or "another agent")

        return await self.run(work)

    async def summaries(self, limit: int = 200) -> list[Summary]:
        columns = ", ".join("c." + c for c in _CONVERSATION_COLUMNS.split(", "))

        async def work(db: asyncpg.Connection) -> list[Summary]:
            rows = await db.fetch(
                f"SELECT {columns}, last.role, last.text,"
                " (SELECT COUNT(*) FROM events WHERE conversation_id = c.id AND role = 'user' AND id > c.agent_read_id)"
                " FROM conversations c LEFT JOIN LATERAL"
                "  (SELECT role, text FROM events WHERE conversation_id = c.id ORDER BY id DESC LIMIT 1) last ON true"
                ' ORDER BY c.updated DESC, c.id COLLATE "C" LIMIT $1',
                limit,
            )
            return [Summary(_conversation(row[:9]), row[9], row[10] or "", int(row[11])) for row in rows]

        return await self.run(work)

    async def mark_read(self, conversation_id: str, event_id: int) -> None:
        async def work(db: asyncpg.Connection) -> None:
            await db.execute(
                "UPDATE conversations SET agent_read_id = GREATEST(agent_read_id, $2) WHERE id = $1",
                conversation_id, event_id,
            )  # fmt: skip

        await self.run(work)

    async def conversations(self, mode: Mode | None = None, limit: int = 100) -> list[Conversation]:
        if mode is not None:
            check_mode(mode)

        async def work(db: asyncpg.Connection) -> list[Conversation]:
            # COLLATE "C": ties break by code point, as on SQLite, whatever the database's locale.
            rows = await db.fetch(
                f"SELECT {_CONVERSATION_COLUMNS} FROM conversations WHERE $1::text IS NULL OR mode = $1"
                ' ORDER BY updated DESC, id COLLATE "C" LIMIT $2',
                mode, limit,
            )  # fmt: skip
            return [_conversation(row) for row in rows]

        return await self.run(work)

    async def of_sender(self, sender: str) -> list[Conversation]:
        async def work(db: asyncpg.Connection) -> list[Conversation]:
            rows = await db.fetch(
                f'SELECT {_CONVERSATION_COLUMNS} FROM conversations WHERE sender = $1 ORDER BY created, id COLLATE "C"',
                sender,
            )
            return [_conversation(row) for row in rows]

        return await self.run(work)

    async def erase_sender(self, sender: str) -> int:
        async def work(db: asyncpg.Connection) -> int:
            async with db.transaction():
                # Lock the sender's conversations first, so an append racing the erase either
                # lands before it (and goes with it) or finds the conversation gone.
                ids = [row[0] for row in await db.fetch(
                    "SELECT id FROM conversations WHERE sender = $1 FOR UPDATE", sender
                )]  # fmt: skip
                # Events (and their turn attempts) would go with their conversations anyway
                # (ON DELETE CASCADE); deleting them explicitly keeps erasure complete regardless.
                # Unlike SQLite's secure_delete, the deleted rows' bytes stay in the table files
                # until VACUUM reuses the space: scrubbing disks is the database operator's part.
                await db.execute("DELETE FROM events WHERE conversation_id = ANY($1::text[])", ids)
                return affected(await db.execute("DELETE FROM conversations WHERE id = ANY($1::text[])", ids))

        return await self.run(work)

    # -- events ------------------------------------------------------------------------

    async def append(
        self,
        conversation_id: str,
        role: Role,
        text: str,
        payload: dict[str, Any] | None = None,
        client_id: str | None = None,
        *,
        state: dict[str, Any] | None = None,
    ) -> tuple[Event, bool]:
        check_role(role)
        data = _dumps(payload or {})
        # Serialised here, like save_state: a state that is not JSON fails before anything is written.
        new_state = _dumps(state) if state is not None else None

        async def work(db: asyncpg.Connection) -> tuple[Event, bool]:
            async with db.transaction():
                # The conversation's row lock orders the appends to it: ids are handed out and
                # committed in the same order, so an "after_id" cursor never skips an event.
                if await db.fetchval("SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE", conversation_id) is None:
                    raise ConversationNotFoundError(conversation_id)
                now = self._now()
                event_id = await db.fetchval(
                    "INSERT INTO events (conversation_id, role, text, payload, created, client_id)"
                    " VALUES ($1, $2, $3, $4, $5, $6)"
                    " ON CONFLICT (conversation_id, client_id) WHERE client_id IS NOT NULL DO NOTHING RETURNING id",
                    conversation_id, role, text, data, now, client_id,
                )  # fmt: skip
                if event_id is None:  # this client id was stored before: that event, unchanged
                    row = await db.fetchrow(
                        f"SELECT {_EVENT_COLUMNS} FROM events WHERE conversation_id = $1 AND client_id = $2",
                        conversation_id, client_id,
                    )  # fmt: skip
                    return _event(row), False
                await db.execute(
                    "UPDATE conversations SET updated = $2, state = COALESCE($3, state) WHERE id = $1",
                    conversation_id, now, new_state,
                )  # fmt: skip
            event = Event(
                id=int(event_id),
                conversation_id=conversation_id,
                role=role,
                text=text,
                payload=json.loads(data),  # a copy: the caller's dict stays theirs
                created=now,
                client_id=client_id,
            )
            return event, True

        return await self.run(work)

    async def events(self, conversation_id: str, after_id: int = 0, limit: int | None = None) -> list[Event]:
        async def work(db: asyncpg.Connection) -> list[Event]:
            rows = await db.fetch(
                f"SELECT {_EVENT_COLUMNS} FROM events WHERE conversation_id = $1 AND id > $2 ORDER BY id LIMIT $3",
                conversation_id, after_id, limit,
            )  # fmt: skip
            return [_event(row) for row in rows]

        return await self.run(work)

    async def recent(self, conversation_id: str, before_id: int, roles: tuple[str, ...], limit: int) -> list[Event]:
        async def work(db: asyncpg.Connection) -> list[Event]:
            rows = await db.fetch(
                f"SELECT {_EVENT_COLUMNS} FROM events WHERE conversation_id = $1 AND id < $2 AND role = ANY($3::text[])"
                " ORDER BY id DESC LIMIT $4",
                conversation_id, before_id, list(roles), limit,
            )  # fmt: skip
            return [_event(row) for row in reversed(rows)]

        return await self.run(work) if roles and limit > 0 else []

    async def count_attempt(self, event_id: int) -> int:
        async def work(db: asyncpg.Connection) -> int:
            # One statement, committed before it returns: a try that then kills the process counts.
            attempts = await db.fetchval(
                "INSERT INTO turn_attempts (event_id, attempts, last_at) VALUES ($1, 1, $2)"
                " ON CONFLICT (event_id) DO UPDATE SET attempts = turn_attempts.attempts + 1, last_at = excluded.last_at"
                " RETURNING attempts",
                event_id, time.time(),
            )  # fmt: skip
            return int(attempts)

        return await self.run(work)

    async def pending(self, conversation_id: str) -> list[Event]:
        async def work(db: asyncpg.Connection) -> list[Event]:
            rows = await db.fetch(
                f"SELECT {_EVENT_COLUMNS} FROM events"
                " WHERE conversation_id = $1 AND role = 'user' AND id > COALESCE("
                "  (SELECT MAX(id) FROM events WHERE conversation_id = $1 AND role = ANY($2::text[])), 0)"
                " ORDER BY id",
                conversation_id, list(ANSWER_ROLES),
            )  # fmt: skip
            return [_event(row) for row in rows]

        return await self.run(work)


def _scrub(message: str, secret: str | None) -> str:
    """`message` without the password, as written in the URL or decoded."""
    if not secret:
        return message
    return message.replace(secret, "***").replace(unquote(secret), "***")


def _unreachable(where: str, exc: BaseException, secret: str | None) -> str:
    """Why the database cannot be used, for a person: which one, what went wrong, what happens next."""
    reason = _scrub(str(exc) or type(exc).__name__, secret)
    return f"the conversation database ({where}) cannot be reached right now: {reason}; try again in a few seconds"
