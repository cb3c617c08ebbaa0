"""One turn, end to end, for every channel: store the message, understand it, plan, phrase, store the reply.

Channels (REST, WebSocket, terminal, messaging platforms) only translate to and from
`Message` and the turn events below. The shopper's message is durable before any work
starts and the reply is durable before it is reported done, so a crash mid-turn loses
nothing: on restart, `resume_pending` answers what was stored but never answered. Turns of
one conversation run one at a time (a lock per conversation); different conversations run
concurrently, and their NLU calls are batched together.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.dialogue import leave_message
from bot.dialogue.engine import Dialogue, Plan
from bot.dialogue.state import DialogueState
from bot.generation import guardrails
from bot.generation.facts import AnswerContext, Turn
from bot.generation.responder import Answer, Delta, Responder, Retract
from bot.hub import Hub, Update
from bot.metrics import Metrics
from bot.nlu.batching import BatchingNLU
from bot.store.base import Conversation, ConversationStore, Event, Mode
from bot.store.shoppers import ShopperEvent

if TYPE_CHECKING:
    from bot.shoppers import Personalization

logger = logging.getLogger(__name__)

HISTORY_TURNS = 6


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
    ) -> None:
        self.store = store
        self.hub = hub or Hub()
        self.nlu = nlu
        self.dialogue = dialogue
        self.responder = responder
        self.metrics = metrics
        self.personalization = personalization
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    def _lock(self, conversation_id: str) -> asyncio.Lock:
        lock = self._locks.get(conversation_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[conversation_id] = lock
        return lock

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
                yield Replied(await self._take_message(conversation, stored))
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

    async def _take_message(self, conversation: Conversation, stored: Event) -> Event:
        """Nobody could take the conversation: the message is kept for the team and acknowledged."""
        state = DialogueState.load(conversation.state)
        text = leave_message.acknowledge(state, stored.text)
        await self.store.save_state(conversation.id, state.dump())
        reply, _ = await self.store.append(conversation.id, "bot", text, {"skill": "leave_message", "intent": "leave_message"})
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
        started = time.perf_counter()
        conversation_id = stored.conversation_id
        parse = await self.nlu.parse(stored.text)
        state = DialogueState.load(conversation.state)
        history = await self._history(conversation_id, before=stored.id)
        verdict = guardrails.assess(stored.text, intent=parse.intent)
        # Off-topic messages still go through the dialogue: they count towards a handoff.
        if verdict in ("ok", "offtopic") or (verdict == "abusive" and parse.intent == "complaint"):
            personalization, sender = self.personalization, conversation.sender
            # Read only by the turns that rank for this shopper.
            profile = (lambda: personalization.profile(sender)) if personalization else None
            plan = await self.dialogue.plan(state, parse, history, profile)
        else:
            # A message the guardrails refuse does nothing: no search, no cart, no order change.
            plan = Plan(AnswerContext("fallback", stored.text, store_name=self.dialogue.store_name))
            plan.payload.update(intent=parse.intent, confidence=parse.confidence, refused=verdict)
        answer: Answer | None = None
        async for event in self.responder.stream(plan.context, intent=parse.intent):
            if isinstance(event, Delta):
                yield Token(event.text)
            elif isinstance(event, Retract):
                yield Retracted(event.reason)
            else:
                answer = event
        assert answer is not None
        payload = _payload(plan, answer)
        # State first: a reply is only reported once everything it implies is saved.
        await self._remember(conversation.sender, stored, plan)
        await self.store.save_state(conversation_id, state.dump())
        reply, _ = await self.store.append(conversation_id, "bot", answer.text, payload)
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
        events = await self.store.events(conversation_id)
        earlier = [e for e in events if e.id < before and e.role in ("user", "bot", "agent")][-HISTORY_TURNS:]
        return tuple(Turn("user" if e.role == "user" else "assistant", e.text) for e in earlier)

    def _count(self, channel: str, intent: str, plan: Plan, answer: Answer, seconds: float) -> None:
        self.metrics.inc("shopbot_turns_total", channel=channel)
        self.metrics.observe("shopbot_turn_seconds", seconds, channel=channel)
        self.metrics.inc("shopbot_intents_total", intent=intent)
        if plan.context.skill == "fallback":
            self.metrics.inc("shopbot_fallbacks_total")
        self.metrics.inc("shopbot_answers_total", backend=answer.backend, outcome=answer.outcome)
        logger.info("turn %s intent=%s outcome=%s %.0f ms", channel, intent, answer.outcome, seconds * 1e3)

    async def resume_pending(self) -> int:
        """Answer every message that was stored but never answered (after a crash or kill)."""
        answered = 0
        for conversation in await self.store.conversations(mode="bot", limit=10_000):
            for event in await self.store.pending(conversation.id):
                async with self._lock(conversation.id):
                    current = await self.store.get(conversation.id)
                    if current is None or current.mode != "bot" or await self._answer_of(event) is not None:
                        continue
                    async for _ in self._turn(event, current, conversation.channel):
                        pass
                    answered += 1
        return answered


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

