"""One dialogue turn: a parsed message and the conversation's state in, the facts of the reply out.

    guardrails -> understand (bot/dialogue/frame.py) -> the skill for the act -> its Plan

`understand` reads the message in its conversation into a typed frame: the act, the
products meant, the constraints stated. The act names a skill (bot/skills/registry.py),
which fills the state, calls search, the catalog, the policy or the order source, and
returns a `Plan`: the AnswerContext the responder phrases, plus product cards and quick
replies. Nothing here writes words a shopper reads except through the responder.

The mechanics every skill relies on hold here, by construction: the product a reply names
is the one "it" means next; an offer ("shall I show blue in other sizes?") stands for one
message; a refused message changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from bot.dialogue import preferences
from bot.dialogue.frame import Context, intent_of, understand
from bot.dialogue.plan import Plan, Request
from bot.dialogue.resolve import by_name, resolve
from bot.dialogue.state import DialogueState
from bot.generation import guardrails
from bot.generation.facts import AnswerContext, ProductFacts, Turn, money
from bot.nlu.entities.prices import foreign_currency
from bot.nlu.parser import Parse
from bot.skills import registry
from bot.skills.policy import StorePolicy
from bot.store.orders import OrderSource
from retrieval.catalog import Product
from retrieval.embeddings import Encoder
from retrieval.money import symbol
from retrieval.names import ProductNames
from retrieval.recommend import Recommender, ShopperProfile
from retrieval.search import ProductSearch
from retrieval.store import CatalogStore

if TYPE_CHECKING:
    from bot.merchant.reviews import ReviewAnalyzer

__all__ = ["Dialogue", "Plan", "Request"]

T = TypeVar("T")
# The acts about particular products: a name several products fit is asked about in these.
_ABOUT_PRODUCTS = frozenset({"question", "reviews", "compare", "cart_add", "choose"})
Runner = Callable[[Callable[[], T]], Awaitable[T]]


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
        lookup: Runner[Any] | None = None,
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
        # Catalog look-ups that run no model (names, products by id) get their own lane, so a
        # turn never queues behind another conversation's model inference for a dictionary read.
        self.lookup: Runner[Any] = lookup or self.run
        self.fallbacks_before_handoff = fallbacks_before_handoff
        self.agents_available = agents_available
        self.agent_hours = agent_hours
        self._recommender = recommender
        self._own_recommender: Recommender | None = None
        self.reviews = reviews
        self._currency: tuple[int, str] | None = None  # (catalog version, code)
        self._names: tuple[int, ProductNames] | None = None  # (catalog version, index)

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
        """The store's currency: the one most products are priced in (USD for an empty catalog),
        as of the start of the current turn (skills read it many times; the catalog once)."""
        if self._currency is None:
            self._refresh_currency()
        return self._currency[1]  # type: ignore[index]

    def _refresh_currency(self) -> None:
        version = self.catalog.version
        if self._currency is None or self._currency[0] != version:
            self._currency = (version, self.catalog.currency() or "USD")

    def context(self, state: DialogueState, named: tuple[str, ...] = (), named_close: tuple[str, ...] = ()) -> Context:
        """What the conversation shows, as the frame reader sees it."""
        return Context(
            has_results=bool(state.results), suggested=state.suggested, focus=state.focus,
            pending_add=state.pending_add, offered_handoff=state.offered_handoff, has_cart=bool(state.cart),
            offered_search=state.offered_search is not None, asked=state.asked,
            search=state.search, currency=self.currency, measures=self.search.numeric_attributes(),
            named=named, named_close=named_close,
        )  # fmt: skip

    def names(self) -> ProductNames:
        """The catalog's product names, rebuilt when the catalog changes (call off the event loop)."""
        version = self.catalog.version
        if self._names is None or self._names[0] != version:
            self._names = (version, ProductNames(self.catalog.names()))
        return self._names[1]

    def warm(self) -> None:
        """Build, ahead of the first shopper, what turns otherwise build on first use: the product
        names, the relevance floor, the product types coverage compares by meaning, the policy's
        section vectors and who each category is for. Call off the event loop."""
        self.names()
        _ = self.search.floor
        _ = self.search.coverage.threshold
        if self.encoder is not None:
            self.policy.warm(self.encoder)
        _ = self.recommender.audiences

    async def naming(self, text: str, state: DialogueState) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The products `text` names by title: (clearly named, in its order; named about equally).
        A name several products share is read in the categories on screen."""

        def work() -> tuple[tuple[str, ...], tuple[str, ...]]:
            names = self.names()
            on_screen = {c for pid in [*state.shown(), *([state.focus] if state.focus else [])] if (c := names.category.get(pid))}
            return names.several(text, prefer=on_screen), names.resolve(text, prefer=on_screen).close

        return await self.lookup(work)

    # -- the turn --------------------------------------------------------------------------

    async def turn(self, state: DialogueState, parse: Parse, history: tuple[Turn, ...] = (),
                   profile: ShopperProfile | Callable[[], Awaitable[ShopperProfile]] | None = None,
                   *, skill: str | None = None, act: str | None = None) -> Plan:
        """The whole turn every entry point runs (chat server, `shopbot chat`, agent assist, Rasa
        actions): guardrails, then understanding, the skill and its facts.

        A message the guardrails refuse changes nothing: no search, no cart, no slot.
        """
        verdict = guardrails.assess(parse.text, intent=parse.intent)
        # Off-topic messages still go through the dialogue: they count towards a handoff.
        named = skill is not None or act is not None
        if verdict in ("ok", "offtopic") or (verdict == "abusive" and parse.intent == "complaint" and not named):
            return await self.plan(state, parse, history, profile, skill=skill, act=act)
        plan = Plan(AnswerContext("fallback", parse.text, store_name=self.store_name))
        plan.payload.update(intent=parse.intent, confidence=parse.confidence, refused=verdict)
        return plan

    async def plan(self, state: DialogueState, parse: Parse, history: tuple[Turn, ...] = (),
                   profile: ShopperProfile | Callable[[], Awaitable[ShopperProfile]] | None = None,
                   *, skill: str | None = None, act: str | None = None) -> Plan:
        """The reply plan for one parsed message; `state` is updated in place.

        `skill` names the skill when the caller has already chosen it (a Rasa action): the
        message is never re-routed to another skill (within it, the act the message reads as,
        else the skill's own default); `act` names the act outright. `profile` is what is
        known about the shopper, or a coroutine function loading it (only the turns that
        rank for the shopper read it). Preferences stated in this message count from this
        turn on (`Plan.remember`).
        """
        chosen = registry.skill(skill) if skill is not None else None  # unknown names fail before anything changes
        if act is not None and chosen is not None and registry.owner(act) != chosen.name:
            raise registry.UnknownSkillError(f"the {chosen.name} skill does not handle {act!r}")
        run = registry.runner(act) if act is not None else None
        self._refresh_currency()  # once per turn: a catalog import may have changed it
        remembered = preferences.stated(parse, self.currency)
        named, close = await self.naming(parse.text, state)
        frame = understand(parse, self.context(state, named, close))
        if act is None and chosen is not None and registry.owner(frame.act) != chosen.name:
            act = chosen.fallback_act()
        if act is not None:
            frame = replace(frame, act=act)  # type: ignore[arg-type]

        async def shopper() -> ShopperProfile:
            known = (await profile() if callable(profile) else profile) or ShopperProfile()
            if remembered:
                merged = preferences.merge(known.preferences(), remembered)
                known = known.model_copy(update=merged.model_dump())
            return known

        offered, focus_before = state.offered_search, state.focus
        state.asked = None  # a question the bot asked is answered (or dropped) by this message
        request = Request(frame, parse, shopper)
        if frame.named_close and not frame.named and frame.act in _ABOUT_PRODUCTS:
            request.close = await self.products(list(frame.named_close))
        plan = await (run or registry.runner(frame.act))(self, state, request)
        if state.offered_search is offered:
            state.offered_search = None  # an offer stands for the next message only
        if plan.context.skill in ("search", "recommend") and (note := self.currency_note(parse)):
            plan.context = replace(plan.context, store_facts=(note, *plan.context.store_facts))
        if plan.context.skill != "fallback":
            state.fallbacks = 0
        if len(plan.cards) == 1 and plan.context.skill not in ("compare",):
            # The product a reply is about is the one "it" means next.
            state.remember_focus(plan.cards[0].id)
        intent = intent_of(frame.act, parse.intent)
        state.last_intent = intent
        state.previous_act = reply_act(state, plan)
        plan.context = replace(plan.context, history=history[-6:], store_name=self.store_name)
        plan.payload.update(intent=intent, confidence=parse.confidence, act=frame.act)
        if state.focus and state.focus != focus_before and state.focus in {c.id for c in plan.cards}:
            plan.payload["focus"] = state.focus  # the product this reply is about ("the cheapest laptop")
        plan.remember = remembered
        return plan

    def currency_note(self, parse: Parse) -> str | None:
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

    # -- what skills share: products, and which ones a message means ------------------------

    async def products(self, ids: list[str]) -> list[Product]:
        """The catalog's products for these ids, in order (ids no longer in the catalog are left out)."""
        found = await self.lookup(lambda: self.catalog.get_many(list(ids)))
        return [found[i] for i in ids if i in found]

    async def product(self, product_id: str | None) -> Product | None:
        """One product by id, None when there is none."""
        if not product_id:
            return None
        return (await self.products([product_id]) or [None])[0]

    async def referred(self, state: DialogueState, req: Request) -> list[Product]:
        """The products a message points at among those shown, in focus, or named from earlier lists."""
        if req.frame.named and not req.frame.reference:
            return await self.products(list(req.frame.named))  # named by title: that product, shown or not
        ids = list(dict.fromkeys([*state.results, *([state.focus] if state.focus else [])]))
        products = {p.id: p for p in await self.products(ids)}
        found = resolve(state, products, req.text, req.frame.reference)
        if found or req.frame.reference:
            return found
        # A name from an earlier list ("the Summit boots" after a new search).
        earlier = [pid for ids in reversed(state.earlier) for pid in ids if pid not in products]
        return by_name(req.text, await self.products(list(dict.fromkeys(earlier))[:60])) if earlier else []

    def which(self, req: Request, state: DialogueState) -> Plan:
        """Ask which product the shopper means: among those the message names about equally
        well, shown as cards (then "the second one" picks one), else in general."""
        if req.close:
            facts = tuple(ProductFacts.from_product(p) for p in req.close)
            state.show([p.id for p in req.close])
            state.suggested = False
            listed = "; ".join(f"{p.title} ({money(p.price, p.currency)})" for p in req.close)
            question = f"I have more than one product by that name: {listed}. Which one do you mean?"
            return Plan(AnswerContext("clarify", req.text, products=facts, store_facts=(question,)), cards=facts)
        question = "Which product do you mean? Pick one from the list, or tell me its name."
        if not state.results:
            question = "Which product do you mean? Tell me what you're looking for and I'll find it."
        return Plan(AnswerContext("clarify", req.text, store_facts=(question,)))

    async def named(self, state: DialogueState, req: Request) -> list[Product]:
        """The product a message names: by distinctive title words among what was shown and the
        closest search hits, or, when it names a brand or category, the best hit of that brand."""
        if req.frame.named:
            return await self.products(list(req.frame.named))
        if req.close:
            return []  # several fit the name as well: the skill asks which (see `which`)
        parse = req.parse
        shown = await self.products(state.shown())
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


def reply_act(state: DialogueState, plan: Plan) -> str | None:
    """What a reply did, as the next message's context for the intent model: it asked the
    shopper something, showed a list, or talked about one product (None: none of these)."""
    if state.asked or state.pending_add or state.offered_handoff or state.offered_search or plan.context.skill == "clarify":
        return "asked_question"
    if len(plan.cards) >= 2:
        return "showed_list"
    if plan.cards or plan.payload.get("focus"):
        return "named_product"
    return None
