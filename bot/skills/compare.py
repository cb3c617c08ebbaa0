"""Compare: the products the shopper points at ("the first two", "both"), side by side on what differs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.dialogue.plan import Plan, Request
from bot.dialogue.state import DialogueState
from bot.generation.facts import AnswerContext, ProductFacts
from bot.generation.facts import rating_text
from bot.generation.phrasing import MAX_LISTED, price_text, stock_text
from bot.skills.base import Skill

if TYPE_CHECKING:
    from bot.dialogue.engine import Dialogue
    from bot.generation.checker import Violation


async def compare(d: Dialogue, state: DialogueState, req: Request) -> Plan:
    """The products referred to side by side (else the first two shown)."""
    products = await d.referred(state, req)
    if len(products) < 2:
        products = (await d.products(state.shown()))[:2]
    if len(products) < 2:
        return d.which(req, state)
    facts = tuple(ProductFacts.from_product(p) for p in products[:4])
    return Plan(AnswerContext("compare", req.text, products=facts), cards=facts, buttons=("Add the first one to my cart",))

# -- cart and orders -------------------------------------------------------------------


def _compare(c: AnswerContext) -> list[str]:
    products = c.products[:MAX_LISTED]
    if len(products) < 2:
        return ["Tell me which two products to compare, for example \"compare the first two\"."]
    shared = set(products[0].attributes)
    for p in products[1:]:
        shared &= set(p.attributes)
    same = {kv for kv in shared if all(kv in p.attributes for p in products)}
    out = ["Here's how they compare:\n"]
    for p in products:
        details = [price_text(p)]
        if p.rating is not None:
            details.append(f"rated {rating_text(p.rating)}/5")
        if stock := stock_text(p):
            details.append(stock)
        details.extend(f"{k}: {v}" for k, v in p.attributes if (k, v) not in same)
        out.append(f"- {p.title}: {', '.join(details)}.\n")
    if same:
        out.append("Both have " + ", ".join(f"{k}: {v}" for k, v in sorted(same)) + ".\n")
    cheapest = min(products, key=lambda p: p.price)
    if sum(p.price == cheapest.price for p in products) == 1:
        out.append(f"The {cheapest.title} is the least expensive. ")
    rated = [p for p in products if p.rating is not None]
    if rated:
        best = max(rated, key=lambda p: p.rating or 0)
        if sum(p.rating == best.rating for p in rated) == 1:
            out.append(f"The {best.title} has the best rating.")
    return out


def compare_checks(context: AnswerContext, text: str, named: set[str]) -> list[Violation]:
    """A comparison must name the products it compares, each with its price."""
    from bot.generation.checker import Violation, unpriced

    missing = unpriced(context, text, named)
    if len(named) < min(2, len(context.products)):
        missing.append(Violation("omission", "compare", "does not name the products it compares"))
    return missing


SKILL = Skill(
    name="compare",
    render=_compare,
    task="Compare the products on the facts that differ between them.",
    handles={"compare": compare},
    checks=compare_checks,
    model_writes=True,
)
