"""Suggestions: recommendations for a request, "more like this", "what goes with it", and
following up on them ("not for me", "she loves animals", "under $30").

Ranking itself is retrieval/recommend (through bot/skills/recommend.py); this skill keeps the
conversation: what the suggestions are for, who they are for, and the page shown.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.dialogue import preferences
from bot.dialogue.constraints import SearchConstraints
from bot.dialogue.plan import Plan, Request
from bot.dialogue.state import PAGE, DialogueState
from bot.generation.facts import AnswerContext, ProductFacts
from bot.generation.phrasing import numbered, price_text, stock_note
from bot.nlu.parser import Parse
from bot.skills import gifts
from bot.skills import recommend as ranking
from bot.skills import search
from bot.skills.base import Skill, list_checks
from retrieval.catalog import Product

if TYPE_CHECKING:
    from bot.dialogue.engine import Dialogue

# Suggestions computed per request: enough for two more pages after the first.
SUGGESTIONS = 15
# Words of a follow-up that add nothing to what is suggested ("she really loves animals" -> "animals").
_FILLER = set(
    "i i'm im me my want need looking look for some something anything a an the to buy get find show please any "
    "ones one them those these it that this in instead only just also too rather but with without what about how "
    "do you have got is are there can could would should maybe perhaps actually really still then now ok okay "
    "yes no nope yeah sure well so and or of she he they her his their loves love likes like into enjoys "
    "she's he's it's who which".split()
)


async def recommend(d: Dialogue, state: DialogueState, req: Request) -> Plan:
    """Suggestions for a new request ("a gift for my wife", "something for running")."""
    parse = req.parse
    # "For my mom's anniversary": the occasion is not a product the store could lack.
    if (plan := await search.not_carried(d, state, replace(req, parse=gifts.without_occasion(parse)))) is not None:
        return plan
    wanted = SearchConstraints(query=ranking.request_query(parse)).merged(req.frame.constraints)
    state.search = wanted
    gift = gifts.read(parse)
    state.recipient = gift.phrase if gift else None
    return await suggest(d, state, req, "recommend")


async def preference(d: Dialogue, state: DialogueState, req: Request) -> Plan:
    """"I wear a size 10": remember it, and show what fits the shopper now."""
    # A taste to rank by, not a filter: only the category (if any) narrows.
    state.search = SearchConstraints(category=req.frame.constraints.category, query="")
    state.recipient = None
    return await suggest(d, state, req, "recommend")


async def similar(d: Dialogue, state: DialogueState, req: Request) -> Plan:
    """"More like this": products like the one meant."""
    anchor = await anchor_of(d, state, req)
    if anchor is None:
        return d.which(req, state)
    return await suggest(d, state, req, "similar", anchor)


async def complements(d: Dialogue, state: DialogueState, req: Request) -> Plan:
    """"What goes with it?": products bought with the one meant."""
    anchor = await anchor_of(d, state, req)
    if anchor is None:
        return d.which(req, state)
    state.remember_focus(anchor.id)
    return await suggest(d, state, req, "complements", anchor)


async def dismiss(d: Dialogue, state: DialogueState, req: Request) -> Plan:
    """"Not for me": never suggest it again, and show the rest of the list."""
    products = await d.referred(state, req) if req.frame.reference else []
    target = products[0] if products else await d.product(state.focus) if state.focus in state.results else None
    if target is None:
        question = "Which one isn't for you? Say, for example, \"not the second one\"."
        return Plan(AnswerContext("clarify", req.text, store_facts=(question,)))
    state.results = [pid for pid in state.results if pid != target.id]
    state.reasons.pop(target.id, None)
    if state.focus == target.id:
        state.focus = None
    state.offset = min(state.offset, max(0, len(state.results) - 1))
    plan = await show_suggestions(d, state, req.text, lead=f"OK, I won't suggest the {target.title} again.")
    plan.signals.append((target.id, "dismissed"))
    return plan


async def suggest_again(d: Dialogue, state: DialogueState, req: Request) -> Plan:
    """A follow-up on suggestions ("not that brand", "cheaper", "in black", "she loves animals")."""
    frame = req.frame
    if (plan := await search.not_carried(d, state, replace(req, parse=gifts.without_occasion(req.parse)))) is not None:
        return plan  # "a kayak for my dad": not something the store sells
    shown = await d.products(state.shown())
    change = frame.constraints
    if req.frame.other_brand:
        # The brand of the suggestion referred to, else of the first one shown (the
        # anchor of "what goes with this" is not a suggestion).
        referred = (await d.referred(state, req)) if frame.reference else []
        brands = {p.brand for p in (referred[:1] or shown[:1]) if p.brand}
        change = change.model_copy(update={"exclude_brands": sorted({*state.search.exclude_brands, *brands})})
    if frame.cheaper and shown:
        change = change.model_copy(update={"price_max": round(min(p.price for p in shown) - 0.01, 2)})
    wanted = state.search.merged(change)
    wanted = wanted.model_copy(update={"exclude_brands": sorted({*state.search.exclude_brands, *change.exclude_brands})})
    interests = [w for w in re.findall(r"[a-z][a-z'-]+", search.search_words(gifts.without_occasion(req.parse)).lower())
                 if w not in _FILLER]
    if interests and not change.narrows():
        # "She loves animals": what the gift is about, added to what is searched for.
        wanted = wanted.model_copy(update={"query": " ".join(dict.fromkeys([*(wanted.query or "").split(), *interests]))})
    if (gift := gifts.read(req.parse)) is not None:
        state.recipient = gift.phrase
    state.search = wanted
    anchor = await d.product(state.anchor) if state.anchor else None
    return await suggest(d, state, req, state.suggest_kind or "recommend", anchor)


async def anchor_of(d: Dialogue, state: DialogueState, req: Request) -> Product | None:
    """The product "this" means: the one referred to, else the one in focus, else the first shown."""
    if req.frame.reference:
        products = await d.referred(state, req)
        if products:
            return products[0]
    if state.focus:
        return await d.product(state.focus)
    shown = state.shown()
    return await d.product(shown[0]) if shown else None


async def suggest(d: Dialogue, state: DialogueState, req: Request, kind: str, anchor: Product | None = None) -> Plan:
    """Rank suggestions of `kind` for the shopper under the current constraints and show the first page."""
    recommender = d.recommender
    profile = await req.profile()
    filters = state.search.filters()
    if kind == "similar":
        # Like the anchor, within the budget asked for; the search's category is the anchor's own.
        filters = SearchConstraints(price_min=state.search.price_min, price_max=state.search.price_max).filters()
    elif kind == "complements":
        filters = SearchConstraints().filters()  # different things that go with it: no slot of the search applies
    excluded = list(state.search.exclude_brands)
    if kind == "similar" and anchor is not None:
        found = await d.run(lambda: ranking.similar(recommender, profile, anchor, filters, excluded, SUGGESTIONS))
    elif kind == "complements" and anchor is not None:
        found = await d.run(lambda: ranking.complements(recommender, profile, anchor, filters, excluded, SUGGESTIONS))
    elif kind == "recommend" and state.recipient and (recipient := gifts.from_phrase(state.recipient)) is not None:
        query = state.search.query or ""
        found = await d.run(lambda: ranking.gifts(recommender, profile, recipient, query, filters, excluded, SUGGESTIONS))
    else:
        query = state.search.query or ""
        found = await d.run(lambda: ranking.recommend(recommender, profile, query, filters, excluded, SUGGESTIONS))
    state.show([p.id for p in found.products])
    state.reasons = {pid: list(r) for pid, r in found.reasons.items()}
    state.suggested, state.anchor, state.suggest_kind = True, anchor.id if anchor else None, kind
    state.focus = anchor.id if anchor else None
    plan = await show_suggestions(d, state, req.text, lead=lead_for(d, state, kind, anchor, req.parse, found))
    plan.payload["personalized"] = found.personalized
    return plan


def lead_for(d: Dialogue, state: DialogueState, kind: str, anchor: Product | None, parse: Parse,
          found: ranking.Suggestions) -> str:
    if kind == "recommend" and state.recipient and not (found.section and found.interest_found and found.products):
        return gift_note(state, found)
    if not found.products:
        return ""
    if kind == "similar" and anchor:
        return f"More like the {anchor.title}:"
    if kind == "complements" and anchor:
        return f"These go well with the {anchor.title}:"
    said = {k: v for k, v in preferences.stated(parse, d.currency).items() if k != "recipients"}
    if kind == "recommend" and state.recipient:
        when = gifts.occasion(parse.text)
        lead = f"{when[:1].upper()}{when[1:]} gift ideas for {state.recipient}:" if when else f"Gift ideas for {state.recipient}:"
    elif found.personalized:
        lead = "Picked for you:"
    elif not parse.entities and not ranking.request_query(parse):
        lead = "Popular right now:"
    else:
        lead = "Here's what I'd suggest:"
    return f"Got it, I'll remember {preferences.describe(said, d.currency)}. {lead}" if said else lead


def gift_note(state: DialogueState, found: ranking.Suggestions) -> str:
    """What to say when the catalog has nothing made for the recipient, or nothing for what they are into."""
    who = state.recipient or "them"
    recipient = gifts.from_phrase(who)
    if not found.section:
        kind = ("pets" if recipient and recipient.pet else "babies" if recipient and recipient.stage == "baby"
                else "children")
        said = f"I couldn't find anything in this store made for {kind}."
        if not found.products:
            return f"{said} Is there something else for {who} I can look for?"
        return (f"{said} These are the nearest things that might suit {who}; tell me what they're into and "
                "I'll look for that:")
    interest = state.search.query or ""
    priced = state.search.price_max is not None or state.search.price_min is not None
    where = "in that price range" if priced else "here"
    if not found.interest_found and found.products:
        return f"I couldn't find anything for {interest} {where}, so here are other gift ideas for {who}:"
    if priced:
        return f"I couldn't find a gift for {who} in that price range. Shall I look at a different budget?"
    return f"I couldn't find a gift for {who} that fits. Tell me what they're into, or a budget, and I'll look again."


async def show_suggestions(d: Dialogue, state: DialogueState, text: str, lead: str = "") -> Plan:
    """The page of suggestions the shopper is on, with the reason for each."""
    page = await d.products(state.shown())
    facts = tuple(ProductFacts.from_product(p) for p in page)
    reasons = {p.id: tuple(state.reasons.get(p.id, ())) for p in page}
    if not lead and state.offset:
        lead = f"Suggestions {state.offset + 1} to {state.offset + len(page)} of {len(state.results)}:"
    context = AnswerContext(
        "recommend", text, products=facts, reasons=reasons, constraints=state.search.stated(d.currency),
        store_facts=(lead,) if lead and (page or state.recipient) else (),
    )
    if state.search.in_stock and any(not f.stock_known for f in facts):
        state.offered_handoff = True  # the answer offers a person to check stock
    buttons = ["Show more"] if len(state.results) > state.offset + PAGE else []
    if page:
        buttons += ["More like the first one", "What goes with the first one?"]
    return Plan(context, cards=facts, buttons=tuple(buttons))


def _recommend(c: AnswerContext) -> list[str]:
    if not c.products:
        if c.store_facts:  # why nothing suits who a gift is for, and what to tell us
            return [" ".join(c.store_facts)]
        return ["I don't have a recommendation that fits yet. Tell me what it's for, or a budget, and I'll find something."]

    def line(p: ProductFacts) -> str:
        reasons = c.reasons.get(p.id)
        base = f"{p.title}, {price_text(p)}"
        return base + (f": {'; '.join(reasons)}" if reasons else "")

    lead = " ".join(c.store_facts) if c.store_facts else "Here's what I'd suggest:"
    return [f"{lead}\n", *numbered(c.products, line), *stock_note(c)]


SKILL = Skill(
    name="recommend",
    render=_recommend,
    task="Recommend the products, each with its reason from the FACTS.",
    handles={"recommend": recommend, "similar": similar, "complements": complements, "dismiss": dismiss,
             "preference": preference},  # fmt: skip
    checks=list_checks,
    model_writes=True,
)
