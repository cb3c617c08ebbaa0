"""Conversations on disk: plain records and the async interface every backend implements.

The interface is async and backend-neutral so a PostgreSQL store can replace the SQLite
one without touching callers. Records are frozen snapshots: changes go through the store,
never through a record a caller happens to hold.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from types import TracebackType
from typing import Any, ClassVar, Literal, Self, get_args

from bot.errors import ShopbotError

Mode = Literal["bot", "waiting_agent", "agent", "closed"]
"""Who answers a conversation: the bot, nobody yet (queued for a person), a person, or nobody (closed)."""

Role = Literal["user", "bot", "agent", "system"]
"""Who wrote an event."""

MODES: tuple[Mode, ...] = get_args(Mode)
ROLES: tuple[Role, ...] = get_args(Role)

# Roles whose events answer the shopper; a user message after the last of these is pending.
ANSWER_ROLES: tuple[Role, ...] = ("bot", "agent")


class StoreError(ShopbotError):
    """The conversation store cannot do what was asked; the message says why."""


class ConversationNotFoundError(StoreError):
    """A conversation id that was never opened (or has been erased)."""

    def __init__(self, conversation_id: str) -> None:
        super().__init__(f"there is no conversation {conversation_id!r}; open it before writing to it")
        self.conversation_id = conversation_id


class StoreUnavailableError(StoreError):
    """The database cannot be reached right now (a server restarting, a network cut).

    Nothing was half-written: the call either happened whole before the connection went or
    not at all, so the same request can be sent again once the database is back.
    """


class StoreClosedError(RuntimeError):
    """The store was used after close(): a shutdown-ordering bug, not something a user can fix."""


@dataclass(frozen=True, slots=True)
class Conversation:
    """One conversation with one shopper on one channel."""

    id: str
    sender: str
    channel: str
    mode: Mode
    state: dict[str, Any]
    agent: str | None
    created: float
    updated: float
    waiting_since: float | None = None  # set while the shopper waits for a person


@dataclass(frozen=True, slots=True)
class Summary:
    """A conversation as the agent console lists it."""

    conversation: Conversation
    last_role: Role | None
    last_text: str
    unread: int  # shopper messages the agents have not read yet


class ConversationOwnedError(StoreError):
    """Another agent is handling the conversation."""

    def __init__(self, conversation_id: str, agent: str) -> None:
        super().__init__(f"{agent} is already handling this conversation")
        self.conversation_id = conversation_id
        self.agent = agent


@dataclass(frozen=True, slots=True)
class Event:
    """One message (or system note) in a conversation; ids grow with time across the whole store."""

    id: int
    conversation_id: str
    role: Role
    text: str
    payload: dict[str, Any]
    created: float
    client_id: str | None


def check_mode(mode: str) -> Mode:
    """`mode` if it is one of MODES; a ValueError naming the allowed ones otherwise."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    return mode  # type: ignore[return-value]


def check_role(role: str) -> Role:
    """`role` if it is one of ROLES; a ValueError naming the allowed ones otherwise."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    return role  # type: ignore[return-value]


class ConversationStore(ABC):
    """Durable conversations and their events. Every method is safe to await from the event loop."""

    backend: ClassVar[str] = ""
    """The backend's name ("sqlite", "postgres"): how bot/store/backends.py finds the shopper
    profiles and orders kept in the same database."""

    @abstractmethod
    async def open_conversation(self, conversation_id: str, sender: str, channel: str) -> Conversation:
        """The conversation with this id, created (mode "bot", empty state) if it does not exist.

        An existing conversation is returned unchanged, even if `sender` or `channel`
        differ: callers that let clients choose ids must check `sender` themselves.
        """

    @abstractmethod
    async def get(self, conversation_id: str) -> Conversation | None:
        """The conversation, or None if it does not exist."""

    @abstractmethod
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
        """Store one event durably; returns it and whether it is new.

        With a `client_id`, appending is idempotent per conversation: a client that re-sends
        after a reconnect gets the event stored the first time and False, never a duplicate.
        With a `state`, the conversation's state is replaced in the same transaction: a reply
        and the state it implies are saved together or not at all.
        Raises ConversationNotFoundError for an unknown conversation.
        """

    @abstractmethod
    async def events(self, conversation_id: str, after_id: int = 0, limit: int | None = None) -> list[Event]:
        """Events with id > `after_id`, oldest first, at most `limit` of them (all if None)."""

    @abstractmethod
    async def recent(self, conversation_id: str, before_id: int, roles: tuple[str, ...], limit: int) -> list[Event]:
        """The last `limit` events with id < `before_id` and one of `roles`, oldest first.

        What a turn reads as its history: a fixed amount, however long the conversation grew.
        """

    @abstractmethod
    async def pending(self, conversation_id: str) -> list[Event]:
        """User events after the last bot or agent event: stored but never answered.

        After a crash mid-turn these are the messages to answer on restart.
        """

    @abstractmethod
    async def count_attempt(self, event_id: int) -> int:
        """Record one more try at answering a stored user event; returns the tries so far, this one included.

        Durable before it returns, so a try that crashes the process still counts.
        """

    @abstractmethod
    async def save_state(self, conversation_id: str, state: dict[str, Any]) -> None:
        """Replace the conversation's state (must be JSON-serialisable)."""

    @abstractmethod
    async def set_mode(self, conversation_id: str, mode: Mode, agent: str | None = None) -> None:
        """Set who answers the conversation; `agent` replaces the assigned person (None clears it)."""

    @abstractmethod
    async def conversations(self, mode: Mode | None = None, limit: int = 100) -> list[Conversation]:
        """Conversations, most recently updated first, optionally only those in `mode`."""

    @abstractmethod
    async def claim(self, conversation_id: str, agent: str) -> Conversation:
        """Atomically give the conversation to `agent` (mode "agent").

        Raises ConversationOwnedError when another agent holds it, so two agents clicking
        "take over" at once never both get it; taking one's own conversation again is fine.
        """

    @abstractmethod
    async def summaries(self, limit: int = 200) -> list[Summary]:
        """Conversations with their last message and unread count, most recently updated first."""

    @abstractmethod
    async def mark_read(self, conversation_id: str, event_id: int) -> None:
        """Agents have read the conversation up to `event_id`."""

    @abstractmethod
    async def of_sender(self, sender: str) -> list[Conversation]:
        """Every conversation of `sender`, on any channel, oldest first."""

    @abstractmethod
    async def erase_sender(self, sender: str) -> int:
        """Delete every conversation and event of `sender`; returns how many conversations went."""

    @abstractmethod
    async def close(self) -> None:
        """Finish outstanding work and release the database; later calls raise StoreClosedError."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()
