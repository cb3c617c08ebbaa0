"""Product answers: a question about one product ("is it waterproof?", "how much is the second
one?"), and choosing one of the products shown by a field ("which is the cheapest?").

The product asked about is the one referred to, else the one the bot last named (the focus),
else one named in the message. The answer states the fact from the product's own data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.dialogue.frame import Superlative
from bot.dialogue.plan import Plan, Request
from bot.dialogue.state import DialogueState
from bot.generation.facts import AnswerContext, ProductFacts
from bot.generation.facts import money
from bot.generation.phrasing import finding_sentence, product_summary
from bot.skills import reviews, search
from bot.skills.base import Skill
from bot.skills.product_qa import answer_question
from bot.skills.ranking import by_superlative, field_value
from retrieval.catalog import Product

if TYPE_CHECKING:
    from bot.dialogue.engine import Dialogue
    from bot.generation.checker import Violation



async def question(d: Dialogue, state: DialogueState, req: Request) -> Plan:
    """A question about a product: the one referred to, in focus, or named."""
    if req.frame.asks_reviews:
        return await reviews.review_summary(d, state, req)
    products = await d.referred(state, req)
    if not products:
        products = await d.named(state, req)
    if not products and any(e.type in ("category", "brand", "feature") for e in req.parse.entities):
        # "Do you have cork yoga mats?" names no product but a kind of product: a search answers it.
        return await search.search_new(d, state, req)
    if not products:
        return d.which(req, state)
    return await answer_about(d, state, req, products[0])


async def answer_about(d: Dialogue, state: DialogueState, req: Request, product: Product, note: str = "") -> Plan:
    """A product answer: the fact asked for, or the product itself for "tell me about it"."""
    state.remember_focus(product.id)
    encoder = d.encoder
    about = req.frame.about or req.frame.act == "choose"
    findings = [] if about else await d.run(lambda: answer_question(product, req.text, encoder))
    facts = ProductFacts.from_product(product)
    context = AnswerContext("product_answer", req.text, products=(facts,), findings=tuple(findings),
                            store_facts=(note,) if note else ())  # fmt: skip
    buttons = ("Add to cart", "Compare the first two") if facts.in_stock else ("Show similar",)
    if any(f.answer == "unknown" for f in findings):
        # The answer offers a person ("I can't see stock for ..."): a "yes" takes it up.
        state.offered_handoff = True
        buttons = (*buttons, "Talk to a person")
    return Plan(context, cards=(facts,), buttons=buttons, signals=[(product.id, "viewed")])


async def choose(d: Dialogue, state: DialogueState, req: Request) -> Plan:
    """"Which is the cheapest?", "which has the best reviews?": the one product that answers, named."""
    superlative = req.frame.superlative
    shown = await d.products(state.shown())
    if superlative is None or not shown:
        return await question(d, state, req)
    ranked = by_superlative(shown, superlative)
    if not ranked:
        field_name = superlative.field.replace("_", " ")
        note = f"The product details don't give the {field_name} of these, so I can't say which one that is."
        return Plan(AnswerContext("clarify", req.text, store_facts=(note,)))
    best = ranked[0]
    note = _chosen_note(best, shown, superlative)
    if req.frame.asks_reviews:
        state.remember_focus(best.id)
        return await reviews.review_summary(d, state, req, best)
    return await answer_about(d, state, req, best, note)


_SUPERLATIVE_WORDS = {
    ("price", False): "the least expensive", ("price", True): "the most expensive", ("rating", True): "rated highest",
    ("rating", False): "rated lowest", ("review_count", True): "the most reviewed",
}  # fmt: skip


def _chosen_note(best: Product, shown: list[Product], superlative: Superlative) -> str:
    """"Of the 3 shown, the X is the least expensive at $Y.": which one and why, from the catalog."""
    words = _SUPERLATIVE_WORDS.get((superlative.field, superlative.highest))
    if words is None:
        unit = superlative.field.replace("_", " ")
        words = f"the {'highest' if superlative.highest else 'lowest'} in {unit}"
    value = field_value(best, superlative.field)
    if superlative.field == "price":
        detail = f" at {money(best.price, best.currency)}"
    elif superlative.field == "rating" and value is not None:
        detail = f", {value:g}/5 from {best.review_count or len(best.reviews)} reviews"
    elif value is not None:
        detail = f" ({superlative.field.replace('_', ' ')}: {value:g})"
    else:
        detail = ""
    sold_out = "" if best.in_stock else " It is sold out right now."
    return f"Of the {len(shown)} shown, the {best.title} is {words}{detail}.{sold_out}"


def _product_answer(c: AnswerContext) -> list[str]:
    p = c.focus
    if p is None:
        return ["Which product do you mean? Tell me its name, or pick one from the list."]
    # A note on how this product was picked ("of the three shown, the cheapest") comes first.
    notes = [f"{fact} " for fact in c.store_facts]
    return notes + _product_details(c, p)


def _product_details(c: AnswerContext, p: ProductFacts) -> list[str]:
    if not c.findings:
        details = [f"{k}: {v}" for k, v in p.attributes[:5]]
        label = "sizes in stock" if p.stock_known else "sizes"
        sizes = [f"{label}: {', '.join(p.sizes_in_stock)}"] if p.sizes_in_stock else []
        colors = [f"colours: {', '.join(p.colors)}"] if p.colors else []
        extra = "; ".join(details + sizes + colors)
        return [f"{product_summary(p)}. ", *([f"{extra[0].upper()}{extra[1:]}."] if extra else [])]
    return [finding_sentence(f, p) + " " for f in c.findings]


def answer_checks(context: AnswerContext, text: str, named: set[str]) -> list[Violation]:
    """A product answer must state each finding, or say the catalog does not know."""
    from bot.generation.checker import finding_omissions

    return finding_omissions(context, text)


SKILL = Skill(
    name="product_answer",
    render=_product_answer,
    task="Answer the shopper's question about the product using the ANSWER lines.",
    handles={"question": question, "choose": choose},
    checks=answer_checks,
    model_writes=True,
)
