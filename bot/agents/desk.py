"""The agent desk: what customer-service staff do with a conversation, whatever console they use.

Take over (one agent at a time), reply, share a product card, hand back to the bot, close;
plus agent assist: the reply the bot would give, drafted but not sent. Every change is
stored first and then published, so the shopper's widget and every console see it live.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from typing import Any

from bot.agents.presence import Presence
from bot.assistant import Assistant
from bot.dialogue.state import DialogueState
from bot.errors import ShopbotError
from bot.generation.backends.template import render
from bot.generation.facts import ProductFacts
from bot.hub import Update
from bot.store.base import Conversation, ConversationNotFoundError, Event, Summary

# Drafting these would act (cancel an order) or only say "connecting you": not useful as a draft.
_NO_DRAFT_INTENTS = frozenset({"order_cancel", "human_handoff", "complaint", "goodbye"})
MAX_REPLY_CHARS = 4000


class NotHandlingError(ShopbotError):
    """The agent acts on a conversation they have not taken over."""


@dataclass(frozen=True)
class Draft:
    """A suggested reply: text the agent can edit, and product cards they can share."""

    text: str
    cards: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    source: str = "bot"


class AgentDesk:
    """Agents' actions on conversations, over the same store and hub as the assistant."""

    def __init__(self, assistant: Assistant, presence: Presence) -> None:
        self.assistant = assistant
        self.store = assistant.store
        self.hub = assistant.hub
        self.presence = presence

    async def queue(self, limit: int = 200) -> list[Summary]:
        """Conversations for the console list, most recently active first."""
        return await self.store.summaries(limit)

    async def conversation(self, conversation_id: str) -> Conversation:
        """The conversation, or ConversationNotFoundError."""
        conversation = await self.store.get(conversation_id)
        if conversation is None:
            raise ConversationNotFoundError(conversation_id)
        return conversation

    async def take(self, conversation_id: str, agent: str) -> Conversation:
        """Take the conversation over from the bot (or the queue); the shopper is told who joined."""
        before = await self.conversation(conversation_id)
        conversation = await self.store.claim(conversation_id, agent)
        if conversation.state.get("leaving_message"):  # a person is here now: no more messages to leave
            state = DialogueState.load(conversation.state)
            state.leaving_message = False
            await self.store.save_state(conversation_id, state.dump())
        if not (before.mode == "agent" and before.agent == agent):
            await self._notice(conversation, f"{agent} joined the chat.")
            await self.hub.publish(Update(conversation))  # the mode changed
        return conversation

    async def reply(self, conversation_id: str, agent: str, text: str, cards: tuple[dict[str, Any], ...] = ()) -> Event:
        """Send the agent's message to the shopper."""
        text = text.strip()
        if not text:
            raise ShopbotError("the reply is empty; write something to send")
        if len(text) > MAX_REPLY_CHARS:
            raise ShopbotError(f"the reply is {len(text):,} characters; the limit is {MAX_REPLY_CHARS:,}")
        conversation = await self._owned(conversation_id, agent)
        event, _ = await self.store.append(conversation_id, "agent", text, {"agent": agent, "cards": list(cards)})
        await self.hub.publish(Update(conversation, event))
        return event

    async def share(self, conversation_id: str, agent: str, product_id: str) -> Event:
        """Send a product card from the catalog, with its facts as the text."""
        await self._owned(conversation_id, agent)
        found = self.assistant.dialogue.catalog.get_many([product_id])
        if product_id not in found:
            raise ShopbotError(f"there is no product {product_id!r} in the catalog")
        facts = ProductFacts.from_product(found[product_id])
        state = DialogueState.load((await self.conversation(conversation_id)).state)
        state.remember_focus(product_id)  # "add it to my cart" then means this one, when the bot is back
        await self.store.save_state(conversation_id, state.dump())
        return await self.reply(conversation_id, agent, f"Have a look at this one: {facts.title}.", (facts.card(),))

    async def hand_back(self, conversation_id: str, agent: str) -> Conversation:
        """Give the conversation back to the bot."""
        conversation = await self._owned(conversation_id, agent)
        await self._notice(conversation, f"{agent} left the chat. I'm the shop assistant again; ask me anything.")
        return await self.assistant.set_mode(conversation, "bot")

    async def close(self, conversation_id: str, agent: str) -> Conversation:
        """End the conversation; if the shopper writes again, the bot answers."""
        conversation = await self.conversation(conversation_id)
        if conversation.mode == "agent" and conversation.agent != agent:
            raise NotHandlingError(f"{conversation.agent} is handling this conversation; only they can close it")
        await self._notice(conversation, f"{agent} closed this conversation. Write again any time.")
        return await self.assistant.set_mode(conversation, "closed")

    async def mark_read(self, conversation_id: str, event_id: int) -> None:
        """The agent has seen the conversation up to `event_id`."""
        await self.conversation(conversation_id)
        await self.store.mark_read(conversation_id, event_id)

    async def drafts(self, conversation_id: str) -> list[Draft]:
        """Suggested replies to the shopper's last message: the bot's own answer, then stock phrases.

        The bot's answer is planned on a copy of the conversation's state and rendered from
        catalog facts by the template writer, so a draft never changes the conversation and
        carries no claim the catalog does not support.
        """
        conversation = await self.conversation(conversation_id)
        events = await self.store.events(conversation_id)
        last = next((e for e in reversed(events) if e.role == "user"), None)
        drafts: list[Draft] = []
        if last is not None:
            state = DialogueState.load(copy.deepcopy(conversation.state))
            parse = await self.assistant.nlu.parse(last.text, state.previous_act)
            if parse.intent not in _NO_DRAFT_INTENTS:
                state.leaving_message = False
                plan = await self.assistant.dialogue.turn(state, parse)
                if not plan.handoff and plan.context.skill not in ("fallback", "redirect"):
                    drafts.append(Draft(render(plan.context), tuple(p.card() for p in plan.cards)))
        drafts += [
            Draft("Thanks for waiting. I'm looking into this for you now.", source="phrase"),
            Draft("Is there anything else I can help you with?", source="phrase"),
        ]
        return drafts

    async def _owned(self, conversation_id: str, agent: str) -> Conversation:
        conversation = await self.conversation(conversation_id)
        if conversation.mode != "agent" or conversation.agent != agent:
            who = f"{conversation.agent} is handling it" if conversation.mode == "agent" else "take it over first"
            raise NotHandlingError(f"you are not handling this conversation: {who}")
        return conversation

    async def _notice(self, conversation: Conversation, text: str) -> None:
        event, _ = await self.store.append(conversation.id, "system", text, {"notice": True, "at": time.time()})
        await self.hub.publish(Update(conversation, event))
