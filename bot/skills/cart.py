"""The cart: add the product meant (in the size and colour asked for), remove it, show the cart, check out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.dialogue.plan import Plan, Request
from bot.dialogue.state import CartLine, DialogueState
from bot.generation.facts import AnswerContext, ProductFacts
from bot.generation.facts import money
from bot.generation.phrasing import facts_or
from bot.skills.base import Skill
from bot.skills.ranking import by_superlative

if TYPE_CHECKING:
    from bot.dialogue.engine import Dialogue



async def add(d: Dialogue, state: DialogueState, req: Request) -> Plan:
    """Add the product meant (asking for a size when it has sizes and none was given)."""
    parse = req.parse
    if req.frame.superlative is not None and not req.frame.reference and state.results:
        ranked = by_superlative(await d.products(state.shown()), req.frame.superlative)
        products = ranked[:1]
    elif state.pending_add:
        product = await d.product(state.pending_add)
        products = [product] if product else []
    else:
        products = await d.referred(state, req)
    if not products:
        return d.which(req, state)
    product = products[0]
    state.remember_focus(product.id)
    chosen_size = req.frame.constraints.size or state.search.size
    if state.pending_add and req.frame.size_alone:
        chosen_size = req.frame.size_alone
    chosen_color = req.frame.constraints.color or state.search.color
    facts = ProductFacts.from_product(product)
    if not product.in_stock:
        note = f"Sorry, the {product.title} is out of stock right now, so I can't add it to your cart."
        return Plan(AnswerContext("cart", parse.text, products=(facts,), store_facts=(note,)), cards=(facts,))
    size = chosen_size if chosen_size in product.sizes else None
    if product.sizes and size is None:
        state.pending_add = product.id
        sizes = sorted(product.sizes_in_stock(), key=facts.sizes.index)
        offered = "In stock" if product.stock_known else "Sizes"  # untracked stock: sizes exist, no more
        question = f"Which size would you like for the {product.title}? {offered}: {', '.join(sizes)}."
        return Plan(AnswerContext("clarify", parse.text, products=(facts,), store_facts=(question,)), buttons=tuple(sizes))
    if size and size not in product.sizes_in_stock():
        state.pending_add = product.id
        sizes = sorted(product.sizes_in_stock(), key=facts.sizes.index)
        note = f"Size {size} of the {product.title} is sold out. In stock: {', '.join(sizes)}."
        return Plan(AnswerContext("clarify", parse.text, products=(facts,), store_facts=(note,)), buttons=tuple(sizes))
    state.pending_add = None
    color = chosen_color if chosen_color in product.colors_in_stock() else None
    quantity = req.frame.quantity
    state.cart.append(
        CartLine(product_id=product.id, title=product.title, price=product.price, currency=product.currency,
                 quantity=max(1, min(quantity, 20)), size=size, color=color)
    )  # fmt: skip
    added = f"Added the {product.title}{_variant(state.cart[-1])} to your cart."
    return Plan(
        AnswerContext("cart", parse.text, products=(facts,), store_facts=(added, cart_total(state))),
        cards=(facts,),
        buttons=("Show my cart", "Check out", "What goes with it?"),
        signals=[(product.id, "added_to_cart")],
    )


async def remove(d: Dialogue, state: DialogueState, req: Request) -> Plan:
    """Take the product meant (else the last added) out of the cart."""
    products = await d.referred(state, req)
    ids = {p.id for p in products} or ({state.cart[-1].product_id} if state.cart else set())
    removed = [line.title for line in state.cart if line.product_id in ids]
    state.cart = [line for line in state.cart if line.product_id not in ids]
    note = f"Removed the {removed[0]} from your cart." if removed else "That product is not in your cart."
    return Plan(AnswerContext("cart", req.text, store_facts=(note, cart_total(state))))


def cart_total(state: DialogueState) -> str:
    """"Your cart has 2 items, $58.00 in total."."""
    if not state.cart:
        return "Your cart is empty."
    count = sum(line.quantity for line in state.cart)
    total = round(sum(line.price * line.quantity for line in state.cart), 2)
    return f"Your cart has {count} item{'s' if count != 1 else ''}, {money(total, state.cart[0].currency)} in total."


async def checkout(d: Dialogue, state: DialogueState, req: Request) -> Plan:
    """What is in the cart and its total (and where to pay, when checking out)."""
    lines = [f"{line.quantity} x {line.title}{_variant(line)}: {money(line.price, line.currency)}." for line in state.cart]
    facts = [*lines, cart_total(state)]
    if state.cart and req.frame.act == "checkout":
        facts.append("You can pay and choose delivery at checkout on our website.")
    return Plan(AnswerContext("cart", req.text, store_facts=tuple(facts)), buttons=("Check out",) if state.cart else ())


def _variant(line: CartLine) -> str:
    """' (black, size M)': the colour and size the shopper chose, when there are any."""
    variant = ", ".join(x for x in (line.color, f"size {line.size}" if line.size else None) if x)
    return f" ({variant})" if variant else ""


SKILL = Skill(
    name="cart",
    render=facts_or("Your cart is empty."),
    task="Tell the shopper what happened to their cart.",
    handles={"cart_add": add, "cart_remove": remove, "cart_view": checkout, "checkout": checkout},
)
