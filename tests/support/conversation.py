"""One scripted conversation against a Dialogue in process, each reply rendered and checked like the server's."""

from __future__ import annotations

from bot.dialogue.engine import Dialogue, Plan
from bot.dialogue.state import DialogueState
from bot.generation.backends.template import render
from bot.generation.checker import check_answer
from bot.nlu.parser import NLU


class Chat:
    """One conversation over one catalog; each reply is rendered and checked like the server's."""

    def __init__(self, dialogue: Dialogue, nlu: NLU) -> None:
        self.dialogue, self.nlu, self.state = dialogue, nlu, DialogueState()

    async def say(self, text: str) -> tuple[Plan, str]:
        """Send `text`; the plan and the reply as a shopper reads it (the state is saved and reloaded, as the server does)."""
        plan = await self.dialogue.plan(self.state, self.nlu.parse(text))
        self.state = DialogueState.load(self.state.dump())
        reply = render(plan.context)
        assert check_answer(plan.context, reply) == [], reply
        return plan, reply
