"""One turn, end to end, for every channel: store the message, understand it, plan, phrase, store the reply.

Channels (REST, WebSocket, terminal, messaging platforms) only translate to and from
`Message` and the turn events below. The shopper's message is durable before any work
starts and the reply is durable before it is reported done, so a crash mid-turn loses
nothing: on restart, `resume_pending` answers what was stored but never answered. A turn
that fails (raises, or crashes the process on every try) is answered with an apology and the
offer of a person, and changes nothing else: no message can put the server in a crash loop. Turns of
one conversation run one at a time (a lock per conversation); different conversations run
concurrently, and their NLU calls are batched together.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.coordination.locks import LocalTurnLocks, TurnLocks
from bot.dialogue import leave_message
from bot.dialogue.engine import Dialogue, Plan
from bot.dialogue.state import DialogueState
from bot.generation.facts import Turn
from bot.generation.responder import Answer, Delta, Responder, Retract
from bot.hub import Hub, Update
from bot.metrics import Metrics
from bot.nlu.batching import BatchingNLU
from bot.store.base import Conversation, ConversationStore, Event, Mode, StoreUnavailableError
from bot.store.shoppers import ShopperEvent

if TYPE_CHECKING:
    from bot.shoppers import Personalization

logger = logging.getLogger(__name__)

HISTORY_TURNS = 6

# A restart tries a message it finds unanswered at most this many times (a try that crashed the
# process included), then apologises: the first retry covers a kill that had nothing to do with
# the message (a deploy mid-turn); failing again means the message itself is the trouble.
RECOVERY_ATTEMPTS = 2
# A recovered turn taking longer than this counts as failed: a hung turn must not hold up the start.
RECOVERY_TIMEOUT = 120.0

TALK_TO_A_PERSON = "Talk to a person"
APOLOGY = (
    "Sorry, something went wrong on my side and I couldn't answer that. "
    "Would you like to talk to a person from our team? You can also try asking another way."
)


@dataclass(frozen=True)
class Message:
    """A shopper's message as every channel hands it over."""

    sender: str
    text: str
    channel: str = "rest"
    client_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def conversation_id(self) -> str:
        """One conversation per sender and channel."""
        return f"{self.channel}:{self.sender}"


@dataclass(frozen=True)
class Stored:
    """The shopper's message is saved (durable); `new` is False for a re-sent duplicate."""

    event: Event
    new: bool


@dataclass(frozen=True)
class Token:
    """A checked piece of the reply text, for channels that stream."""

    text: str


@dataclass(frozen=True)
class Retracted:
    """Drop the streamed text of this reply; a replacement follows."""

    reason: str


@dataclass(frozen=True)
class Replied:
    """The reply, saved: its text, and cards and quick replies in the payload."""

    event: Event


@dataclass(frozen=True)
class Held:
    """No bot reply: a person is handling this conversation."""

    mode: str


TurnEvent = Stored | Token | Retracted | Replied | Held


class Assistant:
    """The conversational core shared by every channel."""

    def __init__(
        self,
        store: ConversationStore,
        nlu: BatchingNLU,
        dialogue: Dialogue,
        responder: Responder,
        metrics: Metrics,
        hub: Hub | None = None,
        personalization: Personalization | None = None,
        *,
        recovery_attempts: int = RECOVERY_ATTEMPTS,
        recovery_timeout: float = RECOVERY_TIMEOUT,
        locks: TurnLocks | None = None,
    ) -> None:
        self.store = store
        self.hub = hub or Hub()
        self.nlu = nlu
        self.dialogue = dialogue
        self.responder = responder
        self.metrics = metrics
        self.personalization = personalization
        self.recovery_attempts = recovery_attempts
        self.recovery_timeout = recovery_timeout
        # In this process by default; across processes (Redis) when several share the conversations.
        self.locks = locks or LocalTurnLocks()

    def _lock(self, conversation_id: str) -> AbstractAsyncContextManager[None]:
        return self.locks.hold(conversation_id)

    async def handle(self, message: Message) -> AsyncIterator[TurnEvent]:
        """Run one turn, yielding what a channel may show as it happens."""
        conversation_id = message.conversation_id
        async with self._lock(conversation_id):
            conversation = await self.store.open_conversation(conversation_id, message.sender, message.channel)
            stored, new = await self.store.append(
                conversation_id, "user", message.text, {"metadata": message.metadata} if message.metadata else None,
                client_id=message.client_id,
            )  # fmt: skip
            if new:
                await self.hub.publish(Update(conversation, stored))
            yield Stored(stored, new)
            if not new:
                answer = await self._answer_of(stored)
                if answer is not None:  # already answered: replay, never answer twice
                    yield Replied(answer)
                    return
            if conversation.mode == "closed":  # the shopper writes again: the bot takes it back up
                conversation = await self.set_mode(conversation, "bot")
            if conversation.mode == "waiting_agent" and conversation.state.get("leaving_message"):
                yield Replied(await self._take_message(conversation, stored, message.channel))
                return
            if conversation.mode in ("agent", "waiting_agent"):
                yield Held(conversation.mode)
                return
            async for event in self._turn(stored, conversation, message.channel):
                yield event

    async def set_mode(self, conversation: Conversation, mode: Mode, agent: str | None = None) -> Conversation:
        """Change who answers the conversation, and tell every listener."""
        await self.store.set_mode(conversation.id, mode, agent)
        current = await self.store.get(conversation.id)
        assert current is not None
        await self.hub.publish(Update(current))
        return current

    async def _take_message(self, conversation: Conversation, stored: Event, channel: str) -> Event:
        """Nobody could take the conversation: the message is kept for the team and acknowledged."""
        try:
            state = DialogueState.load(conversation.state)
            text = leave_message.acknowledge(state, stored.text)
            reply, _ = await self.store.append(
                conversation.id, "bot", text, {"skill": "leave_message", "intent": "leave_message"}, state=state.dump()
            )
        except Exception as exc:
            logger.exception("leaving message %d of %s for the team failed", stored.id, conversation.id)
            return await self._apologise(stored, conversation, channel, type(exc).__name__)
        await self.hub.publish(Update(conversation, reply))
        return reply

    async def _apologise(self, stored: Event, conversation: Conversation, channel: str, error: str) -> Event:
        """Answer a message whose turn failed: sorry, and the offer of a person. Nothing else changes.

        The conversation's state stays what it was before the message (the failed turn saved
        nothing), and the reply is stored like any other, so the message is answered once and
        never replayed into the same failure.
        """
        self.metrics.inc("shopbot_turn_errors_total", channel=channel, error=error)
        buttons = [{"title": TALK_TO_A_PERSON, "payload": TALK_TO_A_PERSON}] if conversation.mode == "bot" else []
        payload = {"skill": "error", "intent": "error", "error": error, "cards": [], "buttons": buttons,
                   "outcome": "error", "backend": "none", "handoff": False}  # fmt: skip
        reply, _ = await self.store.append(conversation.id, "bot", APOLOGY, payload)
        await self.hub.publish(Update(conversation, reply))
        return reply

    async def reply(self, message: Message) -> list[Event]:
        """The turn's stored reply events (empty when a person is handling the conversation)."""
        return [e.event async for e in self.handle(message) if isinstance(e, Replied)]

    async def _answer_of(self, user_event: Event) -> Event | None:
        later = await self.store.events(user_event.conversation_id, after_id=user_event.id)
        for event in later:
            if event.role == "user":
                return None
            if event.role in ("bot", "agent"):
                return event
        return None

    async def _turn(self, stored: Event, conversation: Conversation, channel: str) -> AsyncIterator[TurnEvent]:
        """Understand, plan, phrase and store the reply; a turn that raises is answered with an apology.

        The state the plan changed (slots, results, cart) and the reply go to the store in one
        transaction, so a failure anywhere before leaves the conversation exactly as it was.
        """
        started = time.perf_counter()
        conversation_id = stored.conversation_id
        streamed = False
        try:
            state = DialogueState.load(conversation.state)
            history = await self._history(conversation_id, before=stored.id)
            personalization, sender = self.personalization, conversation.sender
            # Read only by the turns that rank for this shopper.
            profile = (lambda: personalization.profile(sender)) if personalization else None
            # What the last reply did tells "nope, only indoor" (narrowing a list) from a new request.
            parse = await self.nlu.parse(stored.text, state.previous_act)
            plan = await self.dialogue.turn(state, parse, history, profile)
            answer: Answer | None = None
            # The intent the turn was understood as: "is the Echo Plus any good?" read as out of
            # scope by the classifier is a product question once the message names a product.
            async for event in self.responder.stream(plan.context, intent=plan.payload.get("intent", parse.intent)):
                if isinstance(event, Delta):
                    streamed = True
                    yield Token(event.text)
                elif isinstance(event, Retract):
                    yield Retracted(event.reason)
                else:
                    answer = event
            if answer is None:
                raise RuntimeError("the responder finished without an answer")
            payload = _payload(plan, answer)
            # The profile first: a reply is only reported once everything it implies is saved.
            await self._remember(conversation.sender, stored, plan)
            reply, _ = await self.store.append(conversation_id, "bot", answer.text, payload, state=state.dump())
        except StoreUnavailableError:
            # Not the message's fault, and an apology could not be stored either: the message stays
            # pending, the caller answers 503, and a re-send with its client id (or recovery) answers it.
            raise
        except Exception as exc:
            logger.exception("the turn for message %d of %s failed; answering with an apology", stored.id, conversation_id)
            if streamed:
                yield Retracted("error")
            yield Replied(await self._apologise(stored, conversation, channel, type(exc).__name__))
            return
        await self.hub.publish(Update(conversation, reply))
        if plan.handoff:
            await self.set_mode(conversation, "waiting_agent")
            self.metrics.inc("shopbot_handoffs_total", reason=payload["intent"])
        self._count(channel, parse.intent, plan, answer, time.perf_counter() - started)
        yield Replied(reply)

    async def _remember(self, sender: str, stored: Event, plan: Plan) -> None:
        """Store what the shopper did and said about themselves this turn with their profile.

        Keys tie each signal to the message, so a turn answered again after a restart
        records nothing twice.
        """
        if self.personalization is None:
            return
        if plan.remember:
            await self.personalization.remember(sender, plan.remember)
        if plan.signals:
            events = [ShopperEvent(sender, pid, kind, stored.created, "conversation", key=f"turn-{stored.id}-{i}")
                      for i, (pid, kind) in enumerate(plan.signals)]
            await self.personalization.record(events)

    async def _history(self, conversation_id: str, before: int) -> tuple[Turn, ...]:
        # The last few turns only: reading the whole conversation would cost each turn more
        # the longer the shopper talks.
        earlier = await self.store.recent(conversation_id, before, ("user", "bot", "agent"), HISTORY_TURNS)
        return tuple(Turn("user" if e.role == "user" else "assistant", e.text) for e in earlier)

    def _count(self, channel: str, intent: str, plan: Plan, answer: Answer, seconds: float) -> None:
        self.metrics.inc("shopbot_turns_total", channel=channel)
        self.metrics.observe("shopbot_turn_seconds", seconds, channel=channel)
        self.metrics.inc("shopbot_intents_total", intent=intent)
        if plan.context.skill == "fallback":
            self.metrics.inc("shopbot_fallbacks_total")
        self.metrics.inc("shopbot_answers_total", backend=answer.backend, outcome=answer.outcome)
        logger.info("turn %s intent=%s outcome=%s %.0f ms", channel, intent, answer.outcome, seconds * 1e3)

    async def resume_pending(self, conversations: list[Conversation] | None = None) -> int:
        """Answer every message that was stored but never answered (after a crash or kill); never raises.

        Each message is tried at most `recovery_attempts` times across restarts, counted in
        the store before each try (so a try that kills the process counts); after that, or
        when a try fails or hangs, the shopper gets the apology. Returns how many were answered.
        `conversations` limits the search to those (another process's orphans, found by
        bot/coordination/recovery.py); by default it covers every conversation the bot answers.
        """
        answered = 0
        try:
            if conversations is None:
                conversations = await self.store.conversations(mode="bot", limit=10_000)
        except Exception:
            logger.exception("could not look for unanswered messages; they wait for the next start")
            return 0
        for conversation in conversations:
            try:
                for event in await self.store.pending(conversation.id):
                    answered += await self._recover(event, conversation.channel)
            except Exception:
                logger.exception("could not answer the unanswered messages of %s", conversation.id)
        return answered

    async def _recover(self, event: Event, channel: str) -> bool:
        """Answer one message left unanswered by the last run; False when it needs no answer now."""
        async with self._lock(event.conversation_id):
            current = await self.store.get(event.conversation_id)
            if current is None or current.mode != "bot" or await self._answer_of(event) is not None:
                return False
            attempts = await self.store.count_attempt(event.id)
            if attempts > self.recovery_attempts:
                logger.error(
                    "message %d of %s was tried %d times after restarts without an answer; answering with an apology",
                    event.id, current.id, attempts - 1,
                )  # fmt: skip
                await self._apologise(event, current, channel, "gave_up")
                return True
            try:
                async with asyncio.timeout(self.recovery_timeout):
                    async for _ in self._turn(event, current, channel):
                        pass
            except TimeoutError:
                logger.error("answering message %d of %s took over %.0f s; answering with an apology",
                             event.id, current.id, self.recovery_timeout)  # fmt: skip
                # A reply may have been stored as the time ran out: then that one stands.
                if await self._answer_of(event) is None:
                    await self._apologise(event, current, channel, "timeout")
            return True


def _payload(plan: Plan, answer: Answer) -> dict[str, Any]:
    """What a reply carries besides its text, as stored and sent to channels."""
    return {
        **plan.payload,
        "cards": [p.card() for p in plan.cards],
        "buttons": [{"title": b, "payload": b} for b in plan.buttons],
        "skill": plan.context.skill,
        "outcome": answer.outcome,
        "backend": answer.backend,
        "handoff": plan.handoff,
    }

