"""The conversation store on one SQLite file, for single-server deployments.

All database work runs on one dedicated thread that owns the only connection: the event
loop never waits on disk, and SQLite never sees two threads (so no locking surprises).
Work is queued first in, first out, so calls run in the order they were awaited.

Durability: every append is its own committed transaction before the caller continues.
In WAL mode with synchronous=NORMAL a commit survives the process being killed; after a
power cut the last few commits may be lost, but the file is never corrupted.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

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
    Summary,
    check_mode,
    check_role,
)
from bot.store.migrations import migrate

if TYPE_CHECKING:
    from bot.config import Settings

T = TypeVar("T")

DB_FILENAME = "shopbot.db"

_CONVERSATION_COLUMNS = "id, sender, channel, mode, state, agent, created, updated, waiting_since"
_EVENT_COLUMNS = "id, conversation_id, role, text, payload, created, client_id"


def default_path(settings: Settings) -> Path:
    """Where the conversation (and demo order) database lives for these settings."""
    return settings.data_dir / DB_FILENAME


def _dumps(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _conversation(row: tuple[Any, ...]) -> Conversation:
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


def _event(row: tuple[Any, ...]) -> Event:
    return Event(
        id=row[0],
        conversation_id=row[1],
        role=row[2],
        text=row[3],
        payload=json.loads(row[4]),
        created=row[5],
        client_id=row[6],
    )


class SQLiteConversationStore(ConversationStore):
    """ConversationStore on one SQLite file in WAL mode, worked by one dedicated thread."""

    backend = "sqlite"

    def __init__(self, path: str | Path) -> None:
        """Open (creating if needed) and migrate the database at `path`.

        This blocks for the few milliseconds opening takes, so a bad path fails at start-up
        rather than on the first message.
        """
        self.path = Path(path)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="shopbot-store")
        self._closed = False
        self._last_time = 0.0
        try:
            self._db = self._executor.submit(self._connect).result()
        except BaseException:
            self._executor.shutdown(wait=True)
            raise

    def _connect(self) -> sqlite3.Connection:
        # Runs on the worker thread, which then owns the connection. The default
        # check_same_thread=True turns any use from another thread into an error.
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, isolation_level=None, timeout=10.0)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(
                f"cannot open the conversation database {self.path}: {exc}; check SHOPBOT_DATA_DIR is writable"
            ) from exc
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            # Erased conversations must not linger in free pages of the file.
            db.execute("PRAGMA secure_delete=ON")
            migrate(db)
        except BaseException:
            db.close()
            raise
        return db

    # -- the worker thread -------------------------------------------------------------

    async def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work(connection)` on the database thread and return its result.

        For modules sharing this file (orders). `work` must finish its own transactions.
        If the awaiting task is cancelled, `work` still runs to completion: a write the
        caller started is never half-done.
        """
        if self._closed:
            raise StoreClosedError("the conversation store is closed")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, work, self._db)

    def _now(self) -> float:
        # Strictly increasing within this process (only the worker thread calls it), so
        # "most recently updated" is well defined even for updates in the same clock tick.
        now = max(time.time(), self._last_time + 1e-6)
        self._last_time = now
        return now

    async def close(self) -> None:
        """Finish queued work, close the connection and stop the thread; safe to call twice."""
        if self._closed:
            return
        # Refuse new work first; work already queued runs before the close (FIFO).
        self._closed = True
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, self._db.close)
        # The queue is empty now, so this only joins an idle thread.
        self._executor.shutdown(wait=True)

    # -- conversations -----------------------------------------------------------------

    async def open_conversation(self, conversation_id: str, sender: str, channel: str) -> Conversation:
        def work(db: sqlite3.Connection) -> Conversation:
            now = self._now()
            db.execute(
                "INSERT INTO conversations (id, sender, channel, mode, state, agent, created, updated)"
                " VALUES (?, ?, ?, 'bot', '{}', NULL, ?, ?) ON CONFLICT (id) DO NOTHING",
                (conversation_id, sender, channel, now, now),
            )
            return self._get(db, conversation_id)  # type: ignore[return-value]

        return await self.run(work)

    async def get(self, conversation_id: str) -> Conversation | None:
        return await self.run(lambda db: self._get(db, conversation_id))

    @staticmethod
    def _get(db: sqlite3.Connection, conversation_id: str) -> Conversation | None:
        row = db.execute(
            f"SELECT {_CONVERSATION_COLUMNS} FROM conversations WHERE id = ?", (conversation_id,)
        ).fetchone()
        return _conversation(row) if row else None

    async def save_state(self, conversation_id: str, state: dict[str, Any]) -> None:
        # Serialise here, on the caller's side: a state that is not JSON fails loudly
        # with the caller's traceback, before anything is queued.
        data = _dumps(state)

        def work(db: sqlite3.Connection) -> None:
            cursor = db.execute(
                "UPDATE conversations SET state = ?, updated = ? WHERE id = ?", (data, self._now(), conversation_id)
            )
            if cursor.rowcount == 0:
                raise ConversationNotFoundError(conversation_id)

        await self.run(work)

    async def set_mode(self, conversation_id: str, mode: Mode, agent: str | None = None) -> None:
        check_mode(mode)

        def work(db: sqlite3.Connection) -> None:
            now = self._now()
            # The wait starts when the shopper is queued and keeps its start while queued.
            cursor = db.execute(
                "UPDATE conversations SET mode = ?, agent = ?, updated = ?,"
                " waiting_since = CASE WHEN ? = 'waiting_agent' THEN COALESCE(waiting_since, ?) END"
                " WHERE id = ?",
                (mode, agent, now, mode, now, conversation_id),
            )
            if cursor.rowcount == 0:
                raise ConversationNotFoundError(conversation_id)

        await self.run(work)

    async def claim(self, conversation_id: str, agent: str) -> Conversation:
        def work(db: sqlite3.Connection) -> Conversation:
            cursor = db.execute(
                "UPDATE conversations SET mode = 'agent', agent = ?, updated = ?, waiting_since = NULL"
                " WHERE id = ? AND (agent IS NULL OR agent = ? OR mode != 'agent')",
                (agent, self._now(), conversation_id, agent),
            )
            conversation = self._get(db, conversation_id)
            if conversation is None:
                raise ConversationNotFoundError(conversation_id)
            if cursor.rowcount == 0:
                raise ConversationOwnedError(conversation_id, conversation.agent or "another agent")
            return conversation

        return await self.run(work)

    async def summaries(self, limit: int = 200) -> list[Summary]:
        def work(db: sqlite3.Connection) -> list[Summary]:
            rows = db.execute(
                f"SELECT {', '.join('c.' + c for c in _CONVERSATION_COLUMNS.split(', '))},"
                " (SELECT role || char(31) || text FROM events WHERE conversation_id = c.id ORDER BY id DESC LIMIT 1),"
                " (SELECT COUNT(*) FROM events WHERE conversation_id = c.id AND role = 'user' AND id > c.agent_read_id)"
                " FROM conversations c ORDER BY c.updated DESC, c.id LIMIT ?",
                (limit,),
            )
            out = []
            for row in rows:
                role, _, text = (row[9] or "").partition("\x1f")
                out.append(Summary(_conversation(row[:9]), role or None, text, int(row[10])))  # type: ignore[arg-type]
            return out

        return await self.run(work)

    async def mark_read(self, conversation_id: str, event_id: int) -> None:
        def work(db: sqlite3.Connection) -> None:
            db.execute(
                "UPDATE conversations SET agent_read_id = MAX(agent_read_id, ?) WHERE id = ?", (event_id, conversation_id)
            )

        await self.run(work)

    async def conversations(self, mode: Mode | None = None, limit: int = 100) -> list[Conversation]:
        if mode is not None:
            check_mode(mode)

        def work(db: sqlite3.Connection) -> list[Conversation]:
            where = "WHERE mode = ?" if mode is not None else ""
            params: tuple[Any, ...] = (mode, limit) if mode is not None else (limit,)
            rows = db.execute(
                f"SELECT {_CONVERSATION_COLUMNS} FROM conversations {where} ORDER BY updated DESC, id LIMIT ?",
                params,
            )
            return [_conversation(row) for row in rows]

        return await self.run(work)

    async def of_sender(self, sender: str) -> list[Conversation]:
        def work(db: sqlite3.Connection) -> list[Conversation]:
            rows = db.execute(
                f"SELECT {_CONVERSATION_COLUMNS} FROM conversations WHERE sender = ? ORDER BY created, id", (sender,)
            )
            return [_conversation(row) for row in rows]

        return await self.run(work)

    async def erase_sender(self, sender: str) -> int:
        def work(db: sqlite3.Connection) -> int:
            db.execute("BEGIN IMMEDIATE")
            try:
                # Events go with their conversations (ON DELETE CASCADE); deleting them
                # explicitly as well keeps erasure complete even if foreign keys were off.
                db.execute(
                    "DELETE FROM events WHERE conversation_id IN (SELECT id FROM conversations WHERE sender = ?)",
                    (sender,),
                )
                removed = db.execute("DELETE FROM conversations WHERE sender = ?", (sender,)).rowcount
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            return removed

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

        def work(db: sqlite3.Connection) -> tuple[Event, bool]:
            # IMMEDIATE: take the write lock before the duplicate check, so a second
            # process cannot slip the same client_id in between check and insert.
            db.execute("BEGIN IMMEDIATE")
            try:
                if client_id is not None:
                    row = db.execute(
                        f"SELECT {_EVENT_COLUMNS} FROM events WHERE conversation_id = ? AND client_id = ?",
                        (conversation_id, client_id),
                    ).fetchone()
                    if row is not None:
                        db.execute("COMMIT")
                        return _event(row), False
                now = self._now()
                if db.execute(
                    "UPDATE conversations SET updated = ?, state = COALESCE(?, state) WHERE id = ?",
                    (now, new_state, conversation_id),
                ).rowcount == 0:
                    raise ConversationNotFoundError(conversation_id)
                cursor = db.execute(
                    "INSERT INTO events (conversation_id, role, text, payload, created, client_id)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (conversation_id, role, text, data, now, client_id),
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            event = Event(
                id=int(cursor.lastrowid or 0),
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
        def work(db: sqlite3.Connection) -> list[Event]:
            rows = db.execute(
                f"SELECT {_EVENT_COLUMNS} FROM events WHERE conversation_id = ? AND id > ? ORDER BY id LIMIT ?",
                (conversation_id, after_id, -1 if limit is None else limit),
            )
            return [_event(row) for row in rows]

        return await self.run(work)

    async def recent(self, conversation_id: str, before_id: int, roles: tuple[str, ...], limit: int) -> list[Event]:
        def work(db: sqlite3.Connection) -> list[Event]:
            marks = ", ".join("?" * len(roles))
            rows = db.execute(
                f"SELECT {_EVENT_COLUMNS} FROM events WHERE conversation_id = ? AND id < ? AND role IN ({marks})"
                " ORDER BY id DESC LIMIT ?",
                (conversation_id, before_id, *roles, limit),
            ).fetchall()
            return [_event(row) for row in reversed(rows)]

        return await self.run(work) if roles and limit > 0 else []

    async def count_attempt(self, event_id: int) -> int:
        def work(db: sqlite3.Connection) -> int:
            # fetchall: the statement (and so its autocommit) finishes before we return.
            ((attempts,),) = db.execute(
                "INSERT INTO turn_attempts (event_id, attempts, last_at) VALUES (?, 1, ?)"
                " ON CONFLICT (event_id) DO UPDATE SET attempts = attempts + 1, last_at = excluded.last_at"
                " RETURNING attempts",
                (event_id, time.time()),
            ).fetchall()
            return int(attempts)

        return await self.run(work)

    async def pending(self, conversation_id: str) -> list[Event]:
        answered = ", ".join(f"'{role}'" for role in ANSWER_ROLES)

        def work(db: sqlite3.Connection) -> list[Event]:
            rows = db.execute(
                f"SELECT {_EVENT_COLUMNS} FROM events"
                " WHERE conversation_id = ? AND role = 'user' AND id > COALESCE("
                f"  (SELECT MAX(id) FROM events WHERE conversation_id = ? AND role IN ({answered})), 0)"
                " ORDER BY id",
                (conversation_id, conversation_id),
            )
            return [_event(row) for row in rows]

        return await self.run(work)
