"""One dialogue turn: a parsed message and the conversation's state in, the facts of the reply out.

Routing is by intent, corrected by what the state makes likely (a size right after "which
size?" is an add-to-cart; "tell me about the second one" is a question, not a comparison).
Each skill fills slots, calls search, the catalog, the policy or the order source, and
returns a `Plan`: the AnswerContext the responder phrases, plus product cards and quick
replies. Nothing here writes words a shopper reads except through the responder.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

from bot.dialogue import preferences
from bot.dialogue.leave_message import offline_note
from bot.dialogue.resolve import by_name, reference_of, resolve
from bot.dialogue.state import PAGE, CartLine, DialogueState
from bot.generation.facts import AnswerContext, Constraints, ProductFacts, Turn, money
from bot.nlu.entities.prices import foreign_currency
from bot.nlu.parser import Parse
from bot.skills.policy import INTENT_TOPICS, StorePolicy
from bot.skills import recommend as suggest
from bot.skills.product_qa import answer_question
from bot.skills.reviews import asks_about_reviews, review_answer
from bot.store.orders import OrderError, OrderSource
from retrieval.catalog import Product, normalize_size
from retrieval.embeddings import Encoder
from retrieval.filters import SearchFilters
from retrieval.money import symbol
from retrieval.recommend import Recommender, ShopperProfile, SignalKind
from retrieval.search import ProductSearch, Sort
from retrieval.store import CatalogStore

if TYPE_CHECKING:
    from bot.merchant.reviews import ReviewAnalyzer

T = TypeVar("T")
Runner = Callable[[Callable[[], T]], Awaitable[T]]

POLICY_INTENTS = {*INTENT_TOPICS, "account_help", "newsletter"}
ANGRY_RE = re.compile(
    r"!!|\b(?:ridiculous|unacceptable|worst|furious|angry|disgusted|scam|rip[- ]?off|useless|terrible|awful|"
    r"never again|sue|lawyer|refund now)\b",
    re.IGNORECASE,
)
_VAGUE = set(
    "i i'm im want need looking look for some something anything a an the to buy get find show me please products "
    "product stuff things items item can you have do any what got sell good nice new recommend ideas idea".split()
)
_CART_VIEW_RE = re.compile(r"\b(?:what'?s in|show|see|view|check)\b.*\bcart\b|\bmy cart\b\s*\??$", re.I)
_BARE_SIZE_RE = re.compile(r"(?:size\s+)?(?:\d{1,2}(?:\.5)?|XXS|XS|S|M|L|XL|XXL|XXXL)", re.I)
_ABOUT_RE = re.compile(r"\b(?:tell me (?:more )?about|more (?:info|information|details)|details (?:of|on|about)|what about|describe)\b", re.I)
_REMOVE_RE = re.compile(r"\b(?:remove|delete|take out|drop)\b", re.I)
_MORE_RE = re.compile(r"\b(?:more|next|others?|else)\b", re.I)
_OTHER_BRAND_RE = re.compile(r"\b(?:not (?:that|this) brand|other brands?|different brand|no more)\b", re.I)
_DISMISS_RE = re.compile(
    r"\b(?:not for me|not interested(?: in (?:it|that|this|the \w+ one))?|(?:i )?don'?t (?:like|want) (?:it|that|this|the \w+ one)"
    r"|not (?:that|this|the \w+) one|hide (?:it|this|that|the \w+ one))\b",
    re.I,
)
# "I wear a size 10", "my favourite colour is green": a statement about the shopper, not a request.
_STATEMENT_RE = re.compile(
    r"^\s*(?:i wear|i'?m (?:a )?size|i am (?:a )?size|my size is|i take (?:a )?size|i (?:really )?(?:like|love|prefer)"
    r"|i'?m a (?:big )?fan of|my (?:favou?rite|preferred)|my budget)\b",
    re.I,
)
_ASKING_RE = re.compile(r"\b(?:show|find|recommend|suggest|looking|need|want|search|get me|any)\b", re.I)
# Suggestions computed per request: enough for two more pages after the first.
SUGGESTIONS = 15
# Search hits kept per request (eight pages): a limit, never reported as a number found.
SEARCH_CAP = 40
# "Only the ones in stock", "any garden hoses in stock?" (not "out of stock").
_IN_STOCK_RE = re.compile(r"(?<!not )(?<!out of )\bin[ -]stock\b|\bavailable (?:now|today)\b", re.I)


@dataclass
class Plan:
    """What to say (as facts), which products to show, which quick replies to offer."""

    context: AnswerContext
    cards: tuple[ProductFacts, ...] = ()
    buttons: tuple[str, ...] = ()
    handoff: bool = False
    payload: dict[str, Any] = field(default_factory=dict)
    # What the shopper did this turn (product id, kind) and the preferences they stated:
    # the assistant stores both with the shopper's profile.
    signals: list[tuple[str, SignalKind]] = field(default_factory=list)
    remember: dict[str, Any] = field(default_factory=dict)


async def _inline(fn: Callable[[], T]) -> T:
    return fn()


class Dialogue:
    """Decides each turn's skill and facts over one store's catalog, policy and orders."""

    def __init__(
        self,
        search: ProductSearch,
        catalog: CatalogStore,
        policy: StorePolicy,
        orders: OrderSource | None = None,
        *,
        encoder: Encoder | None = None,
        store_name: str = "our store",
        categories: list[str] | None = None,
        run: Runner[Any] | None = None,
        fallbacks_before_handoff: int = 3,
        agents_available: Callable[[], bool] = lambda: True,
        agent_hours: str = "any time",
        recommender: Callable[[], Recommender] | None = None,
        reviews: ReviewAnalyzer | None = None,
    ) -> None:
        self.search = search
        self.catalog = catalog
        self.policy = policy
        self.orders = orders
        self.encoder = encoder
        self.store_name = store_name
        self.categories = categories or []
        self.run: Runner[Any] = run or _inline
        self.fallbacks_before_handoff = fallbacks_before_handoff
        self.agents_available = agents_available
        self.agent_hours = agent_hours
        self._recommender = recommender
        self._own_recommender: Recommender | None = None
        self.reviews = reviews
        self._currency: tuple[int, str] | None = None  # (catalog version, code)

    @property
    def recommender(self) -> Recommender:
        """The server's recommender (kept fresh by personalization), or one over the catalog alone."""
        if self._recommender is not None:
            return self._recommender()
        if self._own_recommender is None:
            self._own_recommender = Recommender(self.search)
        return self._own_recommender

    @property
    def currency(self) -> str:
        """The store's currency: the one most products are priced in (USD for an empty catalog)."""
        version = self.catalog.version
        if self._currency is None or self._currency[0] != version:
            self._currency = (version, self.catalog.currency() or "USD")
        return self._currency[1]

    # -- routing -------------------------------------------------------------------------

    async def plan(self, state: DialogueState, parse: Parse, history: tuple[Turn, ...] = (),
                   profile: ShopperProfile | Callable[[], Awaitable[ShopperProfile]] | None = None) -> Plan:
        """The reply plan for one parsed message; `state` is updated in place.

        `profile` is what is known about the shopper, or a coroutine function loading it
        (then only the turns that rank for the shopper read it). Preferences stated in
        this message count from this turn on (and are returned in `Plan.remember`).
        """
        remembered = preferences.stated(parse, self.currency)
        intent = self._route(state, parse)

        async def shopper() -> ShopperProfile:
            known = (await profile() if callable(profile) else profile) or ShopperProfile()
            if remembered:
                merged = preferences.merge(known.preferences(), remembered)
                known = known.model_copy(update=merged.model_dump())
            return known

        def personal(method: Callable[[DialogueState, Parse, str, ShopperProfile], Awaitable[Plan]]) -> Any:
            async def run(st: DialogueState, pa: Parse, it: str) -> Plan:
                return await method(st, pa, it, await shopper())

            return run

        handler = {
            "product_search": self._search_new,
            "refine": personal(self._refine),
            "product_question": self._question,
            "compare": self._compare,
            "recommend": personal(self._recommend),
            "similar": personal(self._similar),
            "complements": personal(self._complements),
            "dismiss": personal(self._dismiss),
            "preference": personal(self._preference),
            "add_to_cart": self._cart,
            "place_order": self._checkout,
            "order_status": self._order,
            "order_cancel": self._order,
            "human_handoff": self._handoff,
            "complaint": self._complaint,
        }.get(intent)
        if handler is None:
            handler = self._policy if intent in POLICY_INTENTS else self._smalltalk
        plan = await handler(state, parse, intent)
        if plan.context.skill in ("search", "recommend") and (note := self._currency_note(parse)):
            plan.context = replace(plan.context, store_facts=(note, *plan.context.store_facts))
        if plan.context.skill != "fallback":
            state.fallbacks = 0
        state.last_intent = intent
        plan.context = replace(plan.context, history=history[-6:], store_name=self.store_name)
        plan.payload.update(intent=intent, confidence=parse.confidence)
        plan.remember = remembered
        return plan

    def _route(self, state: DialogueState, parse: Parse) -> str:
        intent = parse.intent
        reference = reference_of(parse.entities)
        types = {e.type for e in parse.entities}
        has_products = bool(state.focus or state.results or (reference and "index" in reference))
        if has_products and suggest.GOES_WITH_RE.search(parse.text):
            return "complements"
        if has_products and suggest.SIMILAR_RE.search(parse.text):
            return "similar"
        if state.suggested and state.results and _DISMISS_RE.search(parse.text):
            return "dismiss"
        if _STATEMENT_RE.search(parse.text) and not _ASKING_RE.search(parse.text) and "category" not in types:
            if preferences.stated(parse, self.currency):
                return "preference"
        if state.pending_add and ("size" in types or _BARE_SIZE_RE.fullmatch(parse.text.strip())):
            return "add_to_cart"
        if _CART_VIEW_RE.search(parse.text) and not reference and intent not in ("add_to_cart",):
            return "place_order"
        if _OTHER_BRAND_RE.search(parse.text) and state.results:
            return "refine"
        if reference and "index" in reference and intent not in ("add_to_cart", "order_status", "order_cancel"):
            return "product_question"
        if intent == "place_order" and not state.cart and not re.search(r"\b(?:cart|check ?out|order)\b", parse.text, re.I):
            return "product_search"
        if intent in ("affirm",) and state.offered_handoff:
            return "human_handoff"
        if intent in ("greet", "affirm", "deny", "thanks") and types & {"category", "brand", "price", "color"}:
            return "refine" if state.results else "product_search"
        if intent == "add_to_cart" and _CART_VIEW_RE.search(parse.text) and not reference:
            return "place_order"
        return intent

    # -- search --------------------------------------------------------------------------

    def _apply_entities(self, state: DialogueState, parse: Parse) -> None:
        for e in parse.entities:
            if e.type == "category":
                state.category = e.value
            elif e.type == "brand":
                state.brand = e.value
                state.exclude_brands = [b for b in state.exclude_brands if b != e.value]
            elif e.type == "color":
                state.color = e.value
            elif e.type == "size":
                state.size = normalize_size(str(e.value))
            elif e.type == "price" and isinstance(e.value, dict) and not foreign_currency(e.value, self.currency):
                if e.value.get("min") is not None or e.value.get("max") is not None:
                    state.price_min, state.price_max = e.value.get("min"), e.value.get("max")

    def _currency_note(self, parse: Parse) -> str | None:
        """What to say when the shopper named an amount in a currency the store does not sell in.

        Such an amount is not applied (see bot.nlu.entities.prices): with no exchange rate,
        "$50" read as ₹50 would filter for the wrong products, and echoed as "$50" would
        promise prices the catalog does not have. The shopper is told the store's currency.
        """
        named = next((c for e in parse.entities if e.type == "price" and (c := foreign_currency(e.value, self.currency))), None)
        if named is None:
            return None
        sign = symbol(self.currency)
        return (f"Prices here are in {self.currency}{f' ({sign})' if sign != self.currency else ''}, so I haven't used "
                f"that {named} amount as a budget. Tell me your budget in {self.currency} to narrow it down.")

    def _vague(self, state: DialogueState, parse: Parse) -> Plan | None:
        """One clarifying question when a request names nothing to search for."""
        words = [w for w in re.findall(r"[a-z']+", parse.text.lower()) if w not in _VAGUE]
        if parse.entities or words or state.clarified:
            return None
        state.clarified = True
        question = "What kind of product are you looking for? Tell me a category, a brand or what it's for."
        return Plan(AnswerContext("clarify", parse.text, store_facts=(question,)), buttons=tuple(self.categories[:5]))

    def _start_over(self, state: DialogueState, parse: Parse) -> None:
        """A new request starts from a clean slate: a size chosen for boots is no filter for earbuds."""
        for name in ("category", "brand", "color", "size", "price_min", "price_max"):
            setattr(state, name, None)
        state.exclude_brands = []
        state.in_stock = _IN_STOCK_RE.search(parse.text) is not None
        state.query = parse.text
        self._apply_entities(state, parse)

    async def _search_new(self, state: DialogueState, parse: Parse, intent: str) -> Plan:
        if (plan := self._vague(state, parse)) is not None:
            return plan
        self._start_over(state, parse)
        return await self._run_search(state, parse.text)

    async def _refine(self, state: DialogueState, parse: Parse, intent: str, profile: ShopperProfile) -> Plan:
        if state.suggested:
            return await self._suggest_again(state, parse, profile)
        if not state.has_search_slots():
            return await self._search_new(state, parse, intent)
        price = next((e.value for e in parse.entities if e.type == "price"), None)
        shown = await self._products(state.shown())
        if _OTHER_BRAND_RE.search(parse.text):
            focus = await self._product(state.focus) if state.focus else None
            brands = {p.brand for p in ([focus] if focus else shown[:1]) if p and p.brand}
            state.exclude_brands = sorted({*state.exclude_brands, *brands})
            state.brand = None
        elif not parse.entities and _MORE_RE.search(parse.text) and len(state.results) > state.offset + PAGE:
            state.offset += PAGE
            return await self._show_page(state, parse.text)
        if _IN_STOCK_RE.search(parse.text):
            state.in_stock = True
        self._apply_entities(state, parse)
        if isinstance(price, dict) and price.get("qualifier") == "cheap" and price.get("max") is None and shown:
            state.price_max = round(min(p.price for p in shown) - 0.01, 2)
            state.price_min = None
        elif isinstance(price, dict) and price.get("qualifier") == "premium" and price.get("min") is None and shown:
            state.price_min = round(max(p.price for p in shown) + 0.01, 2)
        return await self._run_search(state, parse.text)

    def _filters(self, state: DialogueState) -> SearchFilters:
        # in_stock keeps products whose stock the catalog does not track (they can be
        # bought); the answer then says it cannot see their stock.
        return SearchFilters(
            category=state.category, brand=state.brand, color=state.color, size=state.size,
            min_price=state.price_min, max_price=state.price_max, in_stock=state.in_stock,
        )  # fmt: skip

    def _constraints(self, state: DialogueState) -> Constraints:
        return Constraints(
            category=state.category, brand=state.brand, color=state.color, size=state.size,
            price_min=state.price_min, price_max=state.price_max, currency=self.currency,
            in_stock=state.in_stock,
        )  # fmt: skip

    async def _run_search(self, state: DialogueState, text: str, sort: Sort = "relevance") -> Plan:
        query = state.query or text
        filters = self._filters(state)
        hits = await self.run(lambda: self.search.search(query, filters=filters, k=SEARCH_CAP, sort=sort))
        products = [h.product for h in hits if h.product.brand not in state.exclude_brands]
        state.results = [p.id for p in products]
        state.total = await self.run(lambda: self._count(state, filters))
        state.offset = 0
        state.suggested, state.reasons, state.anchor, state.suggest_kind, state.recipient = False, {}, None, None, None
        state.focus = products[0].id if len(products) == 1 else state.focus if state.focus in state.results else None
        return await self._show_page(state, text)

    def _count(self, state: DialogueState, filters: SearchFilters) -> int | None:
        """How many products match, when that is known; None otherwise.

        A match is a product passing the shopper's filters (category, brand, colour, size,
        price), counted exactly over the catalog. A free-text query alone has no count:
        retrieval ranks the whole catalog, and SEARCH_CAP is a limit, not a number found.
        """
        narrowed = (state.category, state.brand, state.color, state.size, state.price_min, state.price_max)
        if all(x is None for x in narrowed):
            return None
        total = self.search.count(filters)
        if filters.brand is None:  # "not that brand" removed these from the list
            total -= sum(self.search.count(filters.model_copy(update={"brand": b})) for b in state.exclude_brands)
        return max(total, len(state.results))

    async def _show_page(self, state: DialogueState, text: str) -> Plan:
        if state.suggested:
            return await self._show_suggestions(state, text)
        page = await self._products(state.shown())
        facts = tuple(ProductFacts.from_product(p) for p in page)
        more = len(state.results) > state.offset + PAGE
        context = AnswerContext(
            "search", text, products=facts, constraints=self._constraints(state),
            total_results=state.total, more_results=more, first_result=state.offset + 1,
        )
        if state.in_stock and any(not f.stock_known for f in facts):
            state.offered_handoff = True  # the answer offers a person to check stock
        buttons = []
        if more:
            buttons.append("Show more")
        if len(page) >= 2:
            buttons += ["Cheaper", "Compare the first two"]
        return Plan(context, cards=facts, buttons=tuple(buttons))

    # -- recommendations -----------------------------------------------------------------

    async def _recommend(self, state: DialogueState, parse: Parse, intent: str, profile: ShopperProfile) -> Plan:
        self._start_over(state, parse)
        state.query = suggest.request_query(parse)
        who = next((e.value for e in parse.entities if e.type == "recipient"), None)
        who = who.get("who") if isinstance(who, dict) else who
        state.recipient = (f"your {who}" if re.search(r"\bmy\b", parse.text, re.I) else f"a {who}") if who else None
        return await self._suggest(state, parse, "recommend", profile)

    async def _preference(self, state: DialogueState, parse: Parse, intent: str, profile: ShopperProfile) -> Plan:
        """"I wear a size 10": remember it, and show what fits the shopper now."""
        self._start_over(state, parse)
        state.query, state.recipient = "", None
        state.size = state.color = state.brand = None  # a taste to rank by, not a filter
        state.price_min = state.price_max = None
        return await self._suggest(state, parse, "recommend", profile)

    async def _similar(self, state: DialogueState, parse: Parse, intent: str, profile: ShopperProfile) -> Plan:
        anchor = await self._anchor(state, parse)
        if anchor is None:
            return self._which(parse, state)
        return await self._suggest(state, parse, "similar", profile, anchor)

    async def _complements(self, state: DialogueState, parse: Parse, intent: str, profile: ShopperProfile) -> Plan:
        anchor = await self._anchor(state, parse)
        if anchor is None:
            return self._which(parse, state)
        state.remember_focus(anchor.id)
        return await self._suggest(state, parse, "complements", profile, anchor)

    async def _dismiss(self, state: DialogueState, parse: Parse, intent: str, profile: ShopperProfile) -> Plan:
        """"Not for me": never suggest it again, and show the rest of the list."""
        products = await self._referred(state, parse) if reference_of(parse.entities) else []
        target = products[0] if products else await self._product(state.focus) if state.focus in state.results else None
        if target is None:
            question = "Which one isn't for you? Say, for example, \"not the second one\"."
            return Plan(AnswerContext("clarify", parse.text, store_facts=(question,)))
        state.results = [pid for pid in state.results if pid != target.id]
        state.reasons.pop(target.id, None)
        if state.focus == target.id:
            state.focus = None
        state.offset = min(state.offset, max(0, len(state.results) - 1))
        plan = await self._show_suggestions(state, parse.text, lead=f"OK, I won't suggest the {target.title} again.")
        plan.signals.append((target.id, "dismissed"))
        return plan

    async def _suggest_again(self, state: DialogueState, parse: Parse, profile: ShopperProfile) -> Plan:
        """A follow-up on suggestions ("not that brand", "cheaper", "in black", "show more")."""
        shown = await self._products(state.shown())
        if _OTHER_BRAND_RE.search(parse.text):
            # The brand of the suggestion referred to, else of the first one shown (the
            # anchor of "what goes with this" is not a suggestion).
            referred = (await self._referred(state, parse)) if reference_of(parse.entities) else []
            brands = {p.brand for p in (referred[:1] or shown[:1]) if p.brand}
            state.exclude_brands = sorted({*state.exclude_brands, *brands})
            state.brand = None
        elif not parse.entities and _MORE_RE.search(parse.text):
            if len(state.results) > state.offset + PAGE:
                state.offset += PAGE
                return await self._show_suggestions(state, parse.text)
            return await self._show_suggestions(state, parse.text, lead="That's all I have for this; here they are again:")
        price = next((e.value for e in parse.entities if e.type == "price"), None)
        if _IN_STOCK_RE.search(parse.text):
            state.in_stock = True
        self._apply_entities(state, parse)
        if isinstance(price, dict) and price.get("qualifier") == "cheap" and price.get("max") is None and shown:
            state.price_max = round(min(p.price for p in shown) - 0.01, 2)
            state.price_min = None
        anchor = await self._product(state.anchor) if state.anchor else None
        return await self._suggest(state, parse, state.suggest_kind or "recommend", profile, anchor)

    async def _anchor(self, state: DialogueState, parse: Parse) -> Product | None:
        """The product "this" means: the one referred to, else the one in focus, else the first shown."""
        reference = reference_of(parse.entities)
        if reference:
            products = await self._referred(state, parse)
            if products:
                return products[0]
        if state.focus:
            return await self._product(state.focus)
        shown = state.shown()
        return await self._product(shown[0]) if shown else None

    async def _suggest(self, state: DialogueState, parse: Parse, kind: str, profile: ShopperProfile,
                       anchor: Product | None = None) -> Plan:
        recommender = self.recommender
        filters = self._filters(state)
        if kind == "similar":
            # Like the anchor, within the budget asked for; the search's category is the anchor's own.
            filters = SearchFilters(min_price=state.price_min, max_price=state.price_max)
        elif kind == "complements":
            filters = SearchFilters()  # different things that go with it: no slot of the search applies
        excluded = list(state.exclude_brands)
        if kind == "similar" and anchor is not None:
            found = await self.run(lambda: suggest.similar(recommender, profile, anchor, filters, excluded, SUGGESTIONS))
        elif kind == "complements" and anchor is not None:
            found = await self.run(lambda: suggest.complements(recommender, profile, anchor, filters, excluded, SUGGESTIONS))
        else:
            query = state.query or ""
            found = await self.run(lambda: suggest.recommend(recommender, profile, query, filters, excluded, SUGGESTIONS))
        state.results = [p.id for p in found.products]
        state.reasons = {pid: list(r) for pid, r in found.reasons.items()}
        state.offset = 0
        state.suggested, state.anchor, state.suggest_kind = True, anchor.id if anchor else None, kind
        state.focus = anchor.id if anchor else None
        plan = await self._show_suggestions(state, parse.text, lead=self._lead(state, kind, anchor, parse, found))
        plan.payload["personalized"] = found.personalized
        return plan

    def _lead(self, state: DialogueState, kind: str, anchor: Product | None, parse: Parse,
              found: suggest.Suggestions) -> str:
        if not found.products:
            return ""
        if kind == "similar" and anchor:
            return f"More like the {anchor.title}:"
        if kind == "complements" and anchor:
            return f"These go well with the {anchor.title}:"
        said = {k: v for k, v in preferences.stated(parse, self.currency).items() if k != "recipients"}
        if kind == "recommend" and state.recipient:
            lead = f"Gift ideas for {state.recipient}:"
        elif found.personalized:
            lead = "Picked for you:"
        elif not parse.entities and not suggest.request_query(parse):
            lead = "Popular right now:"
        else:
            lead = "Here's what I'd suggest:"
        return f"Got it, I'll remember {preferences.describe(said, self.currency)}. {lead}" if said else lead

    async def _show_suggestions(self, state: DialogueState, text: str, lead: str = "") -> Plan:
        page = await self._products(state.shown())
        facts = tuple(ProductFacts.from_product(p) for p in page)
        reasons = {p.id: tuple(state.reasons.get(p.id, ())) for p in page}
        if not lead and state.offset:
            lead = f"Suggestions {state.offset + 1} to {state.offset + len(page)} of {len(state.results)}:"
        context = AnswerContext(
            "recommend", text, products=facts, reasons=reasons, constraints=self._constraints(state),
            store_facts=(lead,) if lead and page else (),
        )
        if state.in_stock and any(not f.stock_known for f in facts):
            state.offered_handoff = True  # the answer offers a person to check stock
        buttons = ["Show more"] if len(state.results) > state.offset + PAGE else []
        if page:
            buttons += ["More like the first one", "What goes with the first one?"]
        return Plan(context, cards=facts, buttons=tuple(buttons))

    # -- products --------------------------------------------------------------------------

    async def _products(self, ids: list[str]) -> list[Product]:
        found = await self.run(lambda: self.catalog.get_many(list(ids)))
        return [found[i] for i in ids if i in found]

    async def _product(self, product_id: str | None) -> Product | None:
        if not product_id:
            return None
        return (await self._products([product_id]) or [None])[0]

    async def _referred(self, state: DialogueState, parse: Parse) -> list[Product]:
        ids = list(dict.fromkeys([*state.results, *([state.focus] if state.focus else [])]))
        products = {p.id: p for p in await self._products(ids)}
        return resolve(state, products, parse.text, reference_of(parse.entities))

    def _which(self, parse: Parse, state: DialogueState) -> Plan:
        question = "Which product do you mean? Pick one from the list, or tell me its name."
        if not state.results:
            question = "Which product do you mean? Tell me what you're looking for and I'll find it."
        return Plan(AnswerContext("clarify", parse.text, store_facts=(question,)))

    async def _question(self, state: DialogueState, parse: Parse, intent: str) -> Plan:
        if asks_about_reviews(parse.text):
            return await self._review_summary(state, parse)
        products = await self._referred(state, parse)
        if not products:
            return self._which(parse, state)
        product = products[0]
        state.remember_focus(product.id)
        encoder = self.encoder
        # "Tell me about it" asks for the product itself, not one fact.
        about = _ABOUT_RE.search(parse.text) is not None
        findings = [] if about else await self.run(lambda: answer_question(product, parse.text, encoder))
        facts = ProductFacts.from_product(product)
        context = AnswerContext("product_answer", parse.text, products=(facts,), findings=tuple(findings))
        buttons = ("Add to cart", "Compare the first two") if facts.in_stock else ("Show similar",)
        if any(f.answer == "unknown" for f in findings):
            # The answer offers a person ("I can't see stock for ..."): a "yes" takes it up.
            state.offered_handoff = True
            buttons = (*buttons, "Talk to a person")
        return Plan(context, cards=(facts,), buttons=buttons, signals=[(product.id, "viewed")])

    async def _review_summary(self, state: DialogueState, parse: Parse) -> Plan:
        # "What do people say about the TrailMax boots?" names a product (maybe never shown):
        # a name beats the focus. "...about the first one / it" refers to what was shown.
        reference = reference_of(parse.entities)
        products = [] if reference else await self._named(state, parse)
        if not products:
            products = await self._referred(state, parse)
        if not products:
            return self._which(parse, state)
        product = products[0]
        state.remember_focus(product.id)
        analyzer = self.reviews
        summary = await self.run(lambda: analyzer.summary(product)) if analyzer and product.reviews else None
        facts = ProductFacts.from_product(product)
        context = AnswerContext("reviews", parse.text, products=(facts,), store_facts=tuple(review_answer(product, summary)))
        buttons = ("Add to cart", "Show similar") if facts.in_stock else ("Show similar",)
        return Plan(context, cards=(facts,), buttons=buttons, signals=[(product.id, "viewed")])

    async def _named(self, state: DialogueState, parse: Parse) -> list[Product]:
        """The product a message names: by distinctive title words among what was shown and the
        closest search hits, or, when it names a brand or category, the best hit of that brand."""
        shown = await self._products(state.shown())
        found = by_name(parse.text, shown)
        if found:
            return found
        hits = [h.product for h in await self.run(lambda: self.search.search(parse.text, k=5))]
        found = by_name(parse.text, hits)
        if found or not hits:
            return found
        brands = {str(e.value).lower() for e in parse.entities if e.type == "brand"}
        categories = any(e.type == "category" for e in parse.entities)
        best = hits[0]
        if (brands and (best.brand or "").lower() in brands) or (categories and not brands):
            return [best]
        return []

    async def _compare(self, state: DialogueState, parse: Parse, intent: str) -> Plan:
        products = await self._referred(state, parse)
        if len(products) < 2:
            products = (await self._products(state.shown()))[:2]
        if len(products) < 2:
            return self._which(parse, state)
        facts = tuple(ProductFacts.from_product(p) for p in products[:4])
        return Plan(AnswerContext("compare", parse.text, products=facts), cards=facts, buttons=("Add the first one to my cart",))

    # -- cart and orders -------------------------------------------------------------------

    async def _cart(self, state: DialogueState, parse: Parse, intent: str) -> Plan:
        if _REMOVE_RE.search(parse.text):
            return await self._remove(state, parse)
        if state.pending_add:
            product = await self._product(state.pending_add)
            products = [product] if product else []
        else:
            products = await self._referred(state, parse)
        if not products:
            return self._which(parse, state)
        product = products[0]
        state.remember_focus(product.id)
        self._apply_entities(state, parse)
        if state.pending_add and _BARE_SIZE_RE.fullmatch(parse.text.strip()):
            state.size = normalize_size(re.sub(r"(?i)^size\s+", "", parse.text.strip()))
        facts = ProductFacts.from_product(product)
        if not product.in_stock:
            note = f"Sorry, the {product.title} is out of stock right now, so I can't add it to your cart."
            return Plan(AnswerContext("cart", parse.text, products=(facts,), store_facts=(note,)), cards=(facts,))
        size = state.size if state.size in product.sizes else None
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
        color = state.color if state.color in product.colors_in_stock() else None
        quantity = next((int(e.value) for e in parse.entities if e.type == "quantity" and str(e.value).isdigit()), 1)
        state.cart.append(
            CartLine(product_id=product.id, title=product.title, price=product.price, currency=product.currency,
                     quantity=max(1, min(quantity, 20)), size=size, color=color)
        )  # fmt: skip
        added = f"Added the {product.title}{_variant(state.cart[-1])} to your cart."
        return Plan(
            AnswerContext("cart", parse.text, products=(facts,), store_facts=(added, self._cart_total(state))),
            cards=(facts,),
            buttons=("Show my cart", "Check out", "What goes with it?"),
            signals=[(product.id, "added_to_cart")],
        )

    async def _remove(self, state: DialogueState, parse: Parse) -> Plan:
        products = await self._referred(state, parse)
        ids = {p.id for p in products} or ({state.cart[-1].product_id} if state.cart else set())
        removed = [line.title for line in state.cart if line.product_id in ids]
        state.cart = [line for line in state.cart if line.product_id not in ids]
        note = f"Removed the {removed[0]} from your cart." if removed else "That product is not in your cart."
        return Plan(AnswerContext("cart", parse.text, store_facts=(note, self._cart_total(state))))

    @staticmethod
    def _cart_total(state: DialogueState) -> str:
        if not state.cart:
            return "Your cart is empty."
        count = sum(line.quantity for line in state.cart)
        total = round(sum(line.price * line.quantity for line in state.cart), 2)
        return f"Your cart has {count} item{'s' if count != 1 else ''}, {money(total, state.cart[0].currency)} in total."

    async def _checkout(self, state: DialogueState, parse: Parse, intent: str) -> Plan:
        lines = [f"{line.quantity} x {line.title}{_variant(line)}: {money(line.price, line.currency)}." for line in state.cart]
        facts = [*lines, self._cart_total(state)]
        if state.cart and intent == "place_order" and not _CART_VIEW_RE.search(parse.text):
            facts.append("You can pay and choose delivery at checkout on our website.")
        return Plan(AnswerContext("cart", parse.text, store_facts=tuple(facts)), buttons=("Check out",) if state.cart else ())

    async def _order(self, state: DialogueState, parse: Parse, intent: str) -> Plan:
        number = next((str(e.value) for e in parse.entities if e.type == "order_number"), None) or state.order_number
        if number is None:
            question = "What's your order number? You'll find it in your order confirmation email."
            return Plan(AnswerContext("clarify", parse.text, store_facts=(question,)))
        if self.orders is None or not await self.orders.has_orders():
            # This store has given Shopbot no orders to look at: a person can, the bot can't.
            plan = await self._handoff(state, parse, intent)
            plan.context = replace(plan.context, store_facts=("I can't look up orders in this chat.", *plan.context.store_facts))
            return plan
        try:
            order = await (self.orders.cancel(number) if intent == "order_cancel" else self.orders.get(number))
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

    async def _policy(self, state: DialogueState, parse: Parse, intent: str) -> Plan:
        section = self.policy.find(parse.text, intent)
        if section is None and (intent in INTENT_TOPICS or not self.policy.sections):
            # A policy question the store's policy does not answer: say so, never guess.
            state.offered_handoff = True
            return Plan(AnswerContext("policy", parse.text), buttons=("Yes, connect me", "No thanks"))
        if section is None:
            return await self._fallback(state, parse)
        return Plan(AnswerContext("policy", parse.text, policy=section.facts()))

    async def _handoff(self, state: DialogueState, parse: Parse, intent: str) -> Plan:
        state.offered_handoff = False
        if not self.agents_available():
            # Still queued for the team, who read it later; meanwhile the bot takes the message.
            state.leaving_message = True
            note = offline_note(self.agent_hours)
        else:
            state.leaving_message = False
            note = "I'm connecting you with a person from our team. They will see this conversation, so you won't need to repeat yourself."
        return Plan(AnswerContext("handoff", parse.text, store_facts=(note,)), handoff=True)

    async def _complaint(self, state: DialogueState, parse: Parse, intent: str) -> Plan:
        if ANGRY_RE.search(parse.text) or parse.text.isupper():
            return await self._handoff(state, parse, intent)
        state.offered_handoff = True
        note = "I'm sorry to hear that. Would you like me to connect you with a person from our team who can sort it out?"
        return Plan(AnswerContext("smalltalk", parse.text, store_facts=(note,)), buttons=("Yes, connect me", "No thanks"))

    async def _fallback(self, state: DialogueState, parse: Parse) -> Plan:
        state.fallbacks += 1
        if state.fallbacks >= self.fallbacks_before_handoff:
            state.fallbacks = 0
            return await self._handoff(state, parse, "fallback")
        buttons: tuple[str, ...] = ("Talk to a person",) if state.fallbacks >= 2 else tuple(self.categories[:3])
        return Plan(AnswerContext("fallback", parse.text), buttons=buttons)

    async def _smalltalk(self, state: DialogueState, parse: Parse, intent: str) -> Plan:
        store = self.store_name
        replies = {
            "greet": f"Hi! I'm the shopping assistant of {store}. I can find products, answer questions about them, "
            "compare them and check on orders. What are you looking for?",
            "capabilities": "I can find products, answer questions about them, compare them, keep a cart, "
            "answer questions about shipping, returns and payment, check or cancel an order, "
            "and connect you with a person from our team.",
            "thanks": "You're welcome! Is there anything else I can help with?",
            "goodbye": f"Thanks for visiting {store}. Goodbye!",
            "bot_challenge": "I'm an automated shopping assistant. I can connect you with a person from our team at any time.",
            "feedback": "Thank you for the feedback! I've passed it on to our team.",
            "deny": "No problem. What else can I help you with?",
            "affirm": "Great! What would you like to do next?",
        }
        if intent == "deny":
            state.offered_handoff = False
        if intent not in replies:
            return await self._fallback(state, parse)
        buttons = tuple(self.categories[:3]) if intent in ("greet", "capabilities") else ()
        return Plan(AnswerContext("smalltalk", parse.text, store_facts=(replies[intent],)), buttons=buttons)


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


def _variant(line: CartLine) -> str:
    """' (black, size M)': the colour and size the shopper chose, when there are any."""
    variant = ", ".join(x for x in (line.color, f"size {line.size}" if line.size else None) if x)
    return f" ({variant})" if variant else ""
