"""Orders: status and cancellation from the store's order source (or a person when it has none)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from bot.dialogue.plan import HANDOFF_BUTTONS, Plan, Request
from bot.dialogue.state import DialogueState
from bot.generation.facts import AnswerContext
from bot.generation.facts import money
from bot.generation.phrasing import facts_or
from bot.skills import handoff
from bot.skills.base import Skill
from bot.store.orders import OrderError

if TYPE_CHECKING:
    from bot.dialogue.engine import Dialogue


async def order(d: Dialogue, state: DialogueState, req: Request) -> Plan:
    """Where an order is, or cancel it, from the store's order source."""
    parse = req.parse
    intent = "order_cancel" if req.frame.intent == "order_cancel" else "order_status"
    number = req.frame.order_number or state.order_number
    if number is None and req.frame.asked == "order_number":
        # Asked once already: without the number the bot cannot look; a person can.
        state.offered_handoff = True
        note = ("Without the order number I can't look it up here. It's in your order confirmation email; "
                "or I can connect you with a person from our team who can find it.")
        return Plan(AnswerContext("clarify", parse.text, store_facts=(note,)), buttons=HANDOFF_BUTTONS)
    if number is None:
        state.asked = "order_number"
        question = "What's your order number? You'll find it in your order confirmation email."
        return Plan(AnswerContext("clarify", parse.text, store_facts=(question,)))
    if d.orders is None or not await d.orders.has_orders():
        # This store has given Shopbot no orders to look at: a person can, the bot can't.
        plan = await handoff.handoff(d, state, req)
        plan.context = replace(plan.context, store_facts=("I can't look up orders in this chat.", *plan.context.store_facts))
        return plan
    try:
        order = await (d.orders.cancel(number) if intent == "order_cancel" else d.orders.get(number))
    except OrderError as exc:
        return Plan(AnswerContext("order", parse.text, store_facts=(f"Sorry, {exc}.",)))
    if order is None:
        state.order_number = None
        note = f"I couldn't find order {number}. Please check the number in your order confirmation email."
        return Plan(AnswerContext("order", parse.text, store_facts=(note,)))
    state.order_number = number
    return Plan(AnswerContext("order", parse.text, store_facts=_order_facts(order, cancelled=intent == "order_cancel")),
                payload={"order": order.number})  # fmt: skip

# -- policy, handoff, small talk ------------------------------------------------------------


def _order_facts(order: Any, *, cancelled: bool) -> tuple[str, ...]:
    facts = []
    if cancelled:
        facts.append(f"Order {order.number} is now cancelled. The full {money(order.total, order.currency)} goes back to your original payment method.")
    elif order.status == "processing":
        facts.append(f"Order {order.number} was placed on {order.placed} and is being prepared; it has not shipped yet.")
    elif order.status == "shipped":
        eta = f" and should arrive by {order.eta}" if order.eta else ""
        track = f" Tracking number: {order.tracking}." if order.tracking else ""
        facts.append(f"Order {order.number} shipped on {order.shipped}{eta}.{track}")
    elif order.status == "delivered":
        facts.append(f"Order {order.number} was delivered on {order.eta}.")
    else:
        facts.append(f"Order {order.number} was cancelled.")
    items = ", ".join(f"{i['quantity']} x {i['title']}" for i in order.items)
    facts.append(f"It contains {items}, {money(order.total, order.currency)} in total.")
    return tuple(facts)


SKILL = Skill(
    name="order",
    render=facts_or("I couldn't find that order. Could you check the order number?"),
    task="Tell the shopper about their order using the STORE FACTS.",
    handles={"order": order},
)
