"""Search: find products for what the shopper asks, narrow the list they are looking at, page it.

Acts: `search` (a new topic), `narrow` (constraints added to the current one), `more` (the next
page), `accept` (the nearest search offered when a refinement matched nothing). A refinement
that matches nothing never wipes the list on screen: the answer says what did not match and
offers the nearest search that has matches.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.dialogue.constraints import SearchConstraints
from bot.dialogue.frame import Superlative
from bot.dialogue.plan import Plan, Request
from bot.dialogue.state import PAGE, DialogueState
from bot.generation.facts import AnswerContext, ProductFacts, money, rating_text
from bot.generation.phrasing import MAX_LISTED, numbered, product_summary, stock_note
from bot.nlu.entities.words import COMMON_WORDS, STOPWORDS
from bot.nlu.parser import Parse
from bot.skills import clarify, smalltalk, suggestions
from bot.skills.base import Skill, list_checks
from bot.skills.ranking import by_superlative, field_value
from retrieval.catalog import Product, split_category
from retrieval.coverage import fold, words
from retrieval.search import Sort

if TYPE_CHECKING:
    from bot.dialogue.engine import Dialogue

# Search hits kept per request (eight pages): a limit, never reported as a number found.
SEARCH_CAP = 40
# Words that qualify a request without naming a product ("the latest", "your best").
_ASKING = frozenset(
    "latest newest best top cheapest cheap cheaper popular recommended offer offers sell sells carry stock available "
    "gift gifts present presents idea ideas something anything stuff".split()  # "a present for my husband" names no product
)
# Words of a superlative ("the lightest", "largest capacity"), which say how to rank, not what.
_SUPERLATIVE_WORDS = frozenset(
    "cheapest cheaper priciest pricier expensive least most affordable lightest heaviest largest biggest smallest "
    "highest lowest longest capacity battery screen rated reviewed review popular price priced lasting hold "
    "best top one which what".split()
)
# "She loves cooking" names an interest; "I'd like to buy a kayak" does not.
_INTEREST = re.compile(
    r"\b(?:loves?|(?<!i'd )(?<!i’d )(?<!would )(?<!i )likes?|enjoys?|into|fan of|passionate about|hobby|hobbies)\b", re.I
)
# Entities that name a kind of product the catalog has: a request with one is never "not carried".
_NAMES_A_KIND = {"category", "brand", "feature", "measure", "reference", "order_number"}
# Entity types whose words are constraints, not search words: "black t-shirts in size M" searches "t-shirts".
_CONSTRAINT_SPANS = {"color", "size", "price", "gender", "measure", "reference", "quantity", "recipient"}


def search_words(parse: Parse) -> str:
    """The message without the words that are constraints: "black t-shirts in size M" -> "t-shirts"."""
    text = parse.text
    for e in sorted((e for e in parse.entities if e.type in _CONSTRAINT_SPANS), key=lambda e: -e.start):
        text = text[: e.start] + " " + text[e.end :]
    # How the request is asked ("show me", "do you have any", "I'm looking for") is not what it asks for.
    words = text.split()
    while words and words[0].lower().strip(",.!?") in _ASKING_WORDS:
        words.pop(0)
    return " ".join(words) or " ".join(text.split()) or parse.text


_ASKING_WORDS = frozenset(
    "show me find get do does you have has any some i i'm im am looking look for want need would like to see can could "
    "please a an the search got sell carry stock is there are what kind kinds of options pls hi hello hey "
    "i'd id like love buy purchase order wanna we we're we'd".split()
)


async def not_carried(d: Dialogue, state: DialogueState, req: Request) -> Plan | None:
    """"We don't sell kayaks": a request whose head noun the catalog never uses gets that said
    plainly, the nearest departments the store has, and no unrelated products."""
    if any(e.type in _NAMES_A_KIND for e in req.parse.entities) or _INTEREST.search(req.text):
        return None  # "she loves cooking" names an interest, not a product to find
    content = wanted_words(req.parse)
    # Off the event loop: the first call builds the catalog's word list.
    if not content or await d.run(lambda: d.search.coverage.carries(content[-1])):
        return None
    asked = " ".join(content)
    nearest = await d.run(lambda: d.search.nearest_categories(asked, 3))
    facts = [f"Sorry, {d.store_name} doesn't sell {asked}."]
    if nearest:
        facts.append(f"The closest departments we have are {_listed(nearest)}.")
    state.asked = None
    return Plan(AnswerContext("clarify", req.text, store_facts=tuple(facts)), buttons=tuple(nearest),
                payload={"not_carried": asked})  # fmt: skip


# What follows these says what the thing is for, not what it is: "a smartwatch *for my runs*",
# "a travel mug *to keep my coffee hot*", "a case *with* a strap".
_PURPOSE = re.compile(r"\b(?:for|to|with|that|which|so|because|like|from|in|on)\b", re.I)


def wanted_words(parse: Parse) -> list[str]:
    """The words naming the thing asked for, its head noun last: the content words before any
    purpose, recipient or occasion ("a smartwatch for my runs" -> ["smartwatch"])."""
    from bot.skills.gifts import without_occasion  # gifts reads recipients with the recommend skill

    parse = without_occasion(parse)
    whole = content_words(parse)
    text = search_words(parse)
    cut = _PURPOSE.search(text)
    if cut is None or cut.start() == 0:
        return whole
    head = content_words(replace(parse, text=text[: cut.start()], entities=[]))
    return head or whole


def content_words(parse: Parse) -> list[str]:
    """The words of a request that name what is wanted: "do you sell the latest iPhone?" -> ["iphone"]."""
    found = re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)?", search_words(parse).lower())
    # Words of one or two letters ("M", "XL" said alone) are sizes or noise, never a product.
    return [w for w in found if len(w) >= 3 and w not in STOPWORDS and w not in COMMON_WORDS and w not in clarify.VAGUE
            and w not in _ASKING and "'" not in w and "’" not in w]  # fmt: skip


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"


async def search_new(d: Dialogue, state: DialogueState, req: Request) -> Plan:
    """A new search: the constraints start over from this message."""
    if (plan := clarify.vague(d, state, req)) is not None:
        return plan
    if (plan := await not_carried(d, state, req)) is not None:
        return plan
    wanted = SearchConstraints(query=search_words(req.parse)).merged(req.frame.constraints)
    if req.frame.superlative is not None:
        return await superlative_search(d, state, wanted, req, req.frame.superlative)
    return await run_search(d, state, wanted, req)


async def superlative_search(d: Dialogue, state: DialogueState, wanted: SearchConstraints, req: Request,
                             superlative: Superlative) -> Plan:
    """"The cheapest laptop", "the best rated TV", "the lightest tent": the whole kind of product
    ranked by that field, in stock first, and the winner named (it is what "it" means next).

    The kind is the category the shopper named, else the one most of the best matches share
    (TV remotes match "smart TV" too, but most matches are televisions). With nothing but
    the kind asked for, every product of it is ranked, not only the most relevant few.
    """
    named = [w for w in re.findall(r"[^\W\d_]{2,}", search_words(req.parse).lower())
             if w not in STOPWORDS and w not in _ASKING and fold(w) not in _SUPERLATIVE_WORDS]  # fmt: skip
    if not named and not (wanted.category or wanted.brand):
        # "Which one is cheapest?" with nothing on screen: of what?
        asked = "Which kind of product do you mean? Tell me what you're looking for and I'll find the one that fits."
        return Plan(AnswerContext("clarify", req.text, store_facts=(asked,)))
    query = wanted.query or req.text
    kind = await d.lookup(lambda: applicable(d, wanted))
    if kind.category is None:
        top = await d.run(lambda: d.search.search(query, filters=kind.filters(), k=10))
        shared = Counter(h.product.category_path for h in top).most_common(1)
        if shared and shared[0][1] >= max(2, len(top) // 2):
            kind = kind.model_copy(update={"category": shared[0][0]})
    superlative = await d.lookup(lambda: _for_kind(d, superlative, kind))
    rest = {fold(w) for w in named if not _names_kind(w, kind.category)} - {"one", "which", "what"}
    products: list[Product] = []
    if kind.category is not None:
        # The whole kind ranked; the shopper's other words ("smart TV", "gaming laptop") must
        # then be in the title.
        ranked = await d.lookup(lambda: d.search.ranked_by(superlative.field, superlative.highest,
                                                          filters=kind.filters(), k=5 * SEARCH_CAP))  # fmt: skip
        products = [p for p in ranked if rest <= set(words(p.title))][:SEARCH_CAP]
    if not products:
        hits = await d.run(lambda: d.search.search(query, filters=kind.filters(), k=SEARCH_CAP))
        products = by_superlative([h.product for h in hits], superlative)
    if not products:
        plan = await run_search(d, state, wanted, req)
        if plan.cards:  # none of these states the field: say so rather than pretend an order
            unit = superlative.field.partition("_")[0]
            note = f"The product details don't give the {unit} of these, so I can't say which one that is. Here is what I found:"
            plan.context = replace(plan.context, store_facts=(note, *plan.context.store_facts))
        return plan
    state.search = kind
    state.show([p.id for p in products])
    state.total = await d.lookup(lambda: count(d, kind))
    state.suggested, state.reasons, state.anchor, state.suggest_kind, state.recipient = False, {}, None, None, None
    best = products[0]
    state.remember_focus(best.id)
    plan = await show_page(d, state, req.text)
    note = winner_note(best, superlative, kind.category)
    if best.in_stock and (beyond := _better_sold_out(products, best, superlative)) is not None:
        value = money(beyond.price, beyond.currency) if superlative.field == "price" else None
        note = note.replace(" is the ", " in stock is the ", 1) + (
            f" The {beyond.title}{f' ({value})' if value else ''} would beat it but is sold out.")
    plan.context = replace(plan.context, store_facts=(note, *plan.context.store_facts))
    return plan


def _for_kind(d: Dialogue, superlative: Superlative, kind: SearchConstraints) -> Superlative:
    """The field this kind of product states: "the largest capacity" is capacity_liters for kettles
    and capacity_people for tents."""
    if superlative.field in ("price", "rating", "review_count"):
        return superlative
    head = superlative.field.split("_")[0]
    fields = sorted(f for f in d.search.numeric_attributes() if f.split("_")[0] == head)
    base = kind.filters()
    stated = {f: d.search.count(base.model_copy(update={"stating": [f]})) for f in fields}
    best = max(fields, key=lambda f: stated[f], default=superlative.field)
    return Superlative(best, superlative.highest) if stated.get(best) else superlative


def _better_sold_out(products: list[Product], best: Product, superlative: Superlative) -> Product | None:
    """A sold-out product that would have won ("the cheapest" at $329.99, but none left)."""
    mine = field_value(best, superlative.field)
    for p in products:
        value = field_value(p, superlative.field)
        if p.in_stock or value is None or mine is None:
            continue
        if (value > mine) if superlative.highest else (value < mine):
            return p
    return None


def _names_kind(word: str, category: str | None) -> bool:
    """True when a request word is the category's own word ("laptop" of "laptops")."""
    return category is not None and fold(word) in {fold(w) for w in words(category)}


def winner_note(best: Product, superlative: Superlative, category: str | None) -> str:
    """"The least expensive of our laptops is the Lenovo Yoga 920 at $1,099.99." from the catalog."""
    where = f" of our {split_category(category)[-1]}" if category else ""
    field = superlative.field
    if field == "price":
        detail = f"the {'most' if superlative.highest else 'least'} expensive{where} is the {best.title} at {money(best.price, best.currency)}"
    elif field == "rating":
        reviews = best.review_count or len(best.reviews)
        detail = (f"the {'best' if superlative.highest else 'lowest'} rated{where} is the {best.title}, "
                  f"{rating_text(best.rating or 0)}/5 from {reviews} review{'s' if reviews != 1 else ''}")  # fmt: skip
    elif field == "review_count":
        detail = f"the most reviewed{where} is the {best.title} ({best.review_count or len(best.reviews)} reviews)"
    else:
        # "capacity_liters" is the capacity, in liters.
        name, _, unit = field.partition("_")
        value = f"{best.attributes.get(field)} {unit.replace('_', ' ')}".strip()
        leaf = f"of our {split_category(category)[-1]}, " if category else ""
        detail = f"{leaf}the {best.title} has the {'highest' if superlative.highest else 'lowest'} {name}: {value}"
        if not superlative.highest and name == "weight":
            detail = f"{leaf}the {best.title} is the lightest: {value}"
        elif superlative.highest and name == "weight":
            detail = f"{leaf}the {best.title} is the heaviest: {value}"
    sold_out = "" if best.in_stock else " It is sold out right now."
    return detail[0].upper() + detail[1:] + "." + sold_out


async def narrow(d: Dialogue, state: DialogueState, req: Request) -> Plan:
    """The current search (or suggestions) narrowed by what this message adds."""
    if state.suggested:
        return await suggestions.suggest_again(d, state, req)
    if state.search.is_empty() and not state.results:
        return await search_new(d, state, req)
    frame = req.frame
    change = frame.constraints
    if not change.narrows() and not any(e.type in _NAMES_A_KIND for e in req.parse.entities):
        content = wanted_words(req.parse)
        if frame.intent == "inform":
            # "Nope, only indoor", "stabilisation is a plus for me": a taste in the thing being
            # looked at, never another thing. The words the catalog uses join the query and
            # rank what has them first; "cost is not a problem" leaves the list as it is.
            if taste := await _taste_words(d, req.parse, state.search):
                change = change.model_copy(update={"query": " ".join([*_query_of(state.search), *taste])})
        elif content:
            # "A kayak for my dad" while boots are shown names another thing: not carried, or a new search.
            if (plan := await not_carried(d, state, req)) is not None:
                return plan
            current = set(words(state.search.query or "")) | set(words(state.search.category or ""))
            if fold(content[-1]) not in current:
                return await search_new(d, state, req)
    shown = await d.products(state.shown())
    if req.frame.other_brand:
        focus = await d.product(state.focus) if state.focus else None
        brands = {p.brand for p in ([focus] if focus else shown[:1]) if p and p.brand}
        change = change.model_copy(update={"exclude_brands": sorted({*change.exclude_brands, *brands})})
    if frame.cheaper and shown:
        change = change.model_copy(update={"price_max": round(min(p.price for p in shown) - 0.01, 2), "price_min": None})
    elif frame.pricier and shown:
        change = change.model_copy(update={"price_min": round(max(p.price for p in shown) + 0.01, 2), "price_max": None})
    wanted = state.search.merged(change)
    if frame.cheaper and shown:
        wanted = wanted.model_copy(update={"price_min": None})
    wanted = wanted.model_copy(update={"exclude_brands": sorted({*state.search.exclude_brands, *change.exclude_brands})})
    return await run_search(d, state, wanted, req, narrowing=change)


async def _taste_words(d: Dialogue, parse: Parse, search: SearchConstraints) -> list[str]:
    """The message's content words some product in the catalog uses ("indoor"), not the ones
    none does ("problem" of "cost is not a problem") nor those the search already has."""
    have = {fold(w) for part in _query_of(search) for w in words(part)}
    content = [w for w in content_words(parse) if fold(w) not in have]
    return await d.lookup(lambda: [w for w in content if d.search.products_using(w) > 0])


def _query_of(search: SearchConstraints) -> list[str]:
    """The words of the current search's query, or of its category when it has none."""
    if search.query:
        return [search.query]
    nodes = split_category(search.category) if search.category else []
    return [nodes[-1]] if nodes else []


async def run_search(d: Dialogue, state: DialogueState, wanted: SearchConstraints, req: Request, *,
                     sort: Sort = "relevance", narrowing: SearchConstraints | None = None) -> Plan:
    """Search under `wanted`; the state takes the new list unless a narrowing found nothing."""
    query = wanted.query or req.text
    wanted = await d.lookup(lambda: applicable(d, wanted))
    filters = wanted.filters()
    hits = await d.run(lambda: d.search.search(query, filters=filters, k=SEARCH_CAP, sort=sort))
    excluded = {b.lower() for b in wanted.exclude_brands}
    products = [h.product for h in hits if (h.product.brand or "").lower() not in excluded]
    if not products and narrowing is not None and state.results:
        return await no_match(d, state, wanted, narrowing, req)
    note = ""
    if not products and (wanted.attributes or wanted.at_least or wanted.at_most):
        # Nothing has every feature asked for: the closest are the same kind of product without
        # them, said plainly ("none is cork; here are other yoga mats").
        closest = wanted.model_copy(update={"attributes": {}, "at_least": {}, "at_most": {}})
        hits = await d.run(lambda: d.search.search(query, filters=closest.filters(), k=SEARCH_CAP, sort=sort))
        relaxed = [h.product for h in hits if (h.product.brand or "").lower() not in excluded]
        if relaxed and closest.narrows():
            note = (f"I couldn't find {wanted.stated(d.currency).described()}. "
                    f"The closest I have are {closest.stated(d.currency).described()}:")
            products, wanted = relaxed, closest
    state.search = wanted
    state.show([p.id for p in products])
    state.total = await d.lookup(lambda: count(d, wanted))
    state.suggested, state.reasons, state.anchor, state.suggest_kind, state.recipient = False, {}, None, None, None
    state.focus = products[0].id if len(products) == 1 else state.focus if state.focus in state.results else None
    plan = await show_page(d, state, req.text)
    if note:
        plan.context = replace(plan.context, store_facts=(note, *plan.context.store_facts))
    return plan


async def no_match(d: Dialogue, state: DialogueState, wanted: SearchConstraints, change: SearchConstraints,
                   req: Request) -> Plan:
    """Nothing matches the narrowed search: keep the list, say what did not match, offer the nearest."""
    shown = await d.products(state.shown())
    facts = tuple(ProductFacts.from_product(p) for p in shown)
    asked = wanted.stated(d.currency).described() or "that"
    notes = [f"I couldn't find {asked}."]
    buttons: list[str] = []
    if req.frame.cheaper and shown:
        cheapest = min(shown, key=lambda p: p.price)
        notes.append(f"The cheapest of these is the {cheapest.title} at {money(cheapest.price, cheapest.currency)}.")
        state.remember_focus(cheapest.id)
    else:
        offer = await d.lookup(lambda: nearest(d, wanted, change))
        if offer is not None:
            relaxed, found = offer
            described = relaxed.stated(d.currency).described()
            notes.append(f"There {'is 1 match' if found == 1 else f'are {found} matches'} for {described}. Shall I show them?")
            state.offered_search = relaxed
            buttons.append("Yes, show them")
    notes.append("Here are the ones I showed before.")
    context = AnswerContext("clarify", req.text, products=facts, store_facts=tuple(notes))
    return Plan(context, cards=facts, buttons=(*buttons, *(["Compare the first two"] if len(facts) >= 2 else [])))


def applicable(d: Dialogue, wanted: SearchConstraints) -> SearchConstraints:
    """The constraints without features that this kind of product never states: "hot" is a
    hot sauce's heat, not something a travel mug can be, so it does not filter travel mugs."""
    if not wanted.attributes:
        return wanted
    rest = wanted.model_copy(update={"attributes": {}})
    kept = {key: value for key, value in wanted.attributes.items()
            if d.search.count(rest.filters().model_copy(update={"stating": [key]}))}  # fmt: skip
    return wanted if len(kept) == len(wanted.attributes) else wanted.model_copy(update={"attributes": kept})


def nearest(d: Dialogue, wanted: SearchConstraints, change: SearchConstraints) -> tuple[SearchConstraints, int] | None:
    """The closest search that has matches: the new constraint kept, one earlier one dropped."""
    added = set(wanted.added_by(change))
    for name in ("size", "color", "brand", "gender", "price_max", "price_min", "attributes", "at_least", "at_most", "in_stock"):
        if name in added or getattr(wanted, name) in (None, {}, False):
            continue
        relaxed = wanted.without(name)
        matches = d.search.count(relaxed.filters())
        if matches:
            return relaxed, matches
    return None


def count(d: Dialogue, wanted: SearchConstraints) -> int | None:
    """How many products match, when that is known; None otherwise.

    A match is a product passing the shopper's filters, counted exactly over the
    catalog. A free-text query alone has no count: retrieval ranks the whole catalog,
    and SEARCH_CAP is a limit, not a number found.
    """
    if not wanted.narrows():
        return None
    filters = wanted.filters()
    total = d.search.count(filters)
    if filters.brand is None:  # "not that brand" removed these from the list
        total -= sum(d.search.count(filters.model_copy(update={"brand": b})) for b in wanted.exclude_brands)
    return max(total, 0)


async def more(d: Dialogue, state: DialogueState, req: Request) -> Plan:
    """The next page of the list on screen (or all of it again when there is no next page)."""
    if len(state.results) > state.offset + PAGE:
        state.offset += PAGE
        return await show_page(d, state, req.text)
    if state.suggested:
        return await suggestions.show_suggestions(d, state, req.text, lead="That's all I have for this; here they are again:")
    plan = await show_page(d, state, req.text)
    plan.context = replace(plan.context, store_facts=("That's everything I found for this.", *plan.context.store_facts))
    return plan


async def show_page(d: Dialogue, state: DialogueState, text: str) -> Plan:
    """The page of the current list the shopper is on, as cards and a list answer."""
    if state.suggested:
        return await suggestions.show_suggestions(d, state, text)
    page = await d.products(state.shown())
    facts = tuple(ProductFacts.from_product(p) for p in page)
    further = len(state.results) > state.offset + PAGE
    total = max(state.total, len(state.results)) if state.total is not None else None
    context = AnswerContext(
        "search", text, products=facts, constraints=state.search.stated(d.currency),
        total_results=total, more_results=further, first_result=state.offset + 1,
    )
    if state.search.in_stock and any(not f.stock_known for f in facts):
        state.offered_handoff = True  # the answer offers a person to check stock
    buttons = []
    if further:
        buttons.append("Show more")
    if len(page) >= 2:
        buttons += ["Cheaper", "Compare the first two"]
    return Plan(context, cards=facts, buttons=tuple(buttons))


async def accept(d: Dialogue, state: DialogueState, req: Request) -> Plan:
    """"Yes, show them": the nearest search offered when a refinement matched nothing."""
    offered = state.offered_search
    state.offered_search = None
    if offered is None:
        return await smalltalk.smalltalk(d, state, req)
    return await run_search(d, state, offered, req)


def _search(c: AnswerContext) -> list[str]:
    # Store facts come first: a note on the request itself ("prices here are in INR").
    notes = [f"{fact}\n" for fact in c.store_facts]
    return notes + _search_results(c)


def _search_results(c: AnswerContext) -> list[str]:
    asked = c.constraints.described()
    if not c.products:
        what = f" for {asked}" if asked else ""
        return [
            f"I couldn't find anything{what} right now. ",
            "Try different words, or tell me a category, brand or budget and I'll look again.",
        ]
    shown = min(len(c.products), MAX_LISTED)
    first, last = c.first_result, c.first_result + shown - 1
    # A total is said only when it is a real count; without one (and without more pages)
    # the products given are all there is.
    total = c.total_results
    if total is None and not c.more_results and first == 1:
        total = len(c.products)
    more = c.more_results if c.more_results is not None else total is not None and total > last
    of = f" of {total}" if total is not None else ""
    what = f" for {asked}" if asked else ""
    if first > 1:  # a later page: say which part of the list this is
        lead = f"Here are matches {first} to {last}{of}{what}:\n" if last > first else f"Here is match {first}{of}{what}:\n"
    elif more or (total is not None and total > shown):
        lead = f"Here are the top {shown}{of} matches{what}:\n"
    else:
        lead = f"Here {'is what' if shown == 1 else f'are the {shown} products'} I found{what}:\n"
    out = [lead, *numbered(c.products, product_summary), *stock_note(c)]
    if more:
        out.append("Say \"show more\" for more, or tell me a size, colour or budget to narrow it down.")
    return out


SKILL = Skill(
    name="search",
    render=_search,
    task="Introduce the products found for the shopper, naming up to three with their prices.",
    handles={"search": search_new, "narrow": narrow, "more": more, "accept": accept},
    checks=list_checks,
    model_writes=True,
    default_act="narrow",  # named for a follow-up ("show more" read as a question): the search goes on
)
