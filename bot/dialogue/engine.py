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
from typing import Any, TypeVar

from bot.dialogue.leave_message import offline_note
from bot.dialogue.resolve import reference_of, resolve
from bot.dialogue.state import PAGE, CartLine, DialogueState
from bot.generation.facts import AnswerContext, Constraints, ProductFacts, Turn, money
from bot.nlu.parser import Parse
from bot.skills.policy import INTENT_TOPICS, StorePolicy
from bot.skills.product_qa import answer_question
from bot.store.orders import OrderError, OrderSource
from retrieval.catalog import Product, normalize_size
from retrieval.embeddings import Encoder
from retrieval.filters import SearchFilters
from retrieval.search import ProductSearch, Sort
from retrieval.store import CatalogStore

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


@dataclass
class Plan:
    """What to say (as facts), which products to show, which quick replies to offer."""

    context: AnswerContext
    cards: tuple[ProductFacts, ...] = ()
    buttons: tuple[str, ...] = ()
    handoff: bool = False
    payload: dict[str, Any] = field(default_factory=dict)


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

    # -- routing -------------------------------------------------------------------------

    async def plan(self, state: DialogueState, parse: Parse, history: tuple[Turn, ...] = ()) -> Plan:
        """The reply plan for one parsed message; `state` is updated in place."""
        intent = self._route(state, parse)
        handler = {
            "product_search": self._search_new,
            "refine": self._refine,
            "product_question": self._question,
            "compare": self._compare,
            "recommend": self._recommend,
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
        if plan.context.skill != "fallback":
            state.fallbacks = 0
        state.last_intent = intent
        plan.context = replace(plan.context, history=history[-6:], store_name=self.store_name)
        plan.payload.update(intent=intent, confidence=parse.confidence)
        return plan

    def _route(self, state: DialogueState, parse: Parse) -> str:
        intent = parse.intent
        reference = reference_of(parse.entities)
        types = {e.type for e in parse.entities}
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
            elif e.type == "price" and isinstance(e.value, dict):
                if e.value.get("min") is not None or e.value.get("max") is not None:
                    state.price_min, state.price_max = e.value.get("min"), e.value.get("max")

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
        state.query = parse.text
        self._apply_entities(state, parse)

    async def _search_new(self, state: DialogueState, parse: Parse, intent: str) -> Plan:
        if (plan := self._vague(state, parse)) is not None:
            return plan
        self._start_over(state, parse)
        return await self._run_search(state, parse.text)

    async def _refine(self, state: DialogueState, parse: Parse, intent: str) -> Plan:
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
        self._apply_entities(state, parse)
        if isinstance(price, dict) and price.get("qualifier") == "cheap" and price.get("max") is None and shown:
            state.price_max = round(min(p.price for p in shown) - 0.01, 2)
            state.price_min = None
        elif isinstance(price, dict) and price.get("qualifier") == "premium" and price.get("min") is None and shown:
            state.price_min = round(max(p.price for p in shown) + 0.01, 2)
        return await self._run_search(state, parse.text)

    def _filters(self, state: DialogueState) -> SearchFilters:
        return SearchFilters(
            category=state.category, brand=state.brand, color=state.color, size=state.size,
            min_price=state.price_min, max_price=state.price_max,
        )  # fmt: skip

    def _constraints(self, state: DialogueState) -> Constraints:
        return Constraints(
            category=state.category, brand=state.brand, color=state.color, size=state.size,
            price_min=state.price_min, price_max=state.price_max,
        )  # fmt: skip

    async def _run_search(self, state: DialogueState, text: str, sort: Sort = "relevance") -> Plan:
        query = state.query or text
        filters = self._filters(state)
        hits = await self.run(lambda: self.search.search(query, filters=filters, k=40, sort=sort))
        products = [h.product for h in hits if h.product.brand not in state.exclude_brands]
        state.results = [p.id for p in products]
        state.offset = 0
        state.focus = products[0].id if len(products) == 1 else state.focus if state.focus in state.results else None
        return await self._show_page(state, text)

    async def _show_page(self, state: DialogueState, text: str) -> Plan:
        page = await self._products(state.shown())
        facts = tuple(ProductFacts.from_product(p) for p in page)
        context = AnswerContext(
            "search", text, products=facts, constraints=self._constraints(state),
            total_results=len(state.results), first_result=state.offset + 1,
        )
        buttons = []
        if len(state.results) > state.offset + PAGE:
            buttons.append("Show more")
        if len(page) >= 2:
            buttons += ["Cheaper", "Compare the first two"]
        return Plan(context, cards=facts, buttons=tuple(buttons))

    async def _recommend(self, state: DialogueState, parse: Parse, intent: str) -> Plan:
        if (plan := self._vague(state, parse)) is not None and not state.results:
            return plan
        self._start_over(state, parse)
        filters = self._filters(state).model_copy(update={"in_stock": True})
        hits = await self.run(lambda: self.search.search(parse.text, filters=filters, k=20))
        candidates = [h.product for h in hits if h.product.brand not in state.exclude_brands]
        # Relevance first, then quality: the best rated of the most relevant.
        picked = sorted(candidates[:10], key=lambda p: -(p.rating or 0) * min(p.review_count, 20))[:3]
        state.results = [p.id for p in picked]
        state.offset = 0
        reasons = {p.id: self._reasons(state, p) for p in picked}
        facts = tuple(ProductFacts.from_product(p) for p in picked)
        context = AnswerContext("recommend", parse.text, products=facts, reasons=reasons, constraints=self._constraints(state))
        return Plan(context, cards=facts, buttons=("Tell me about the first one", "Compare the first two"))

    @staticmethod
    def _reasons(state: DialogueState, p: Product) -> tuple[str, ...]:
        """True reasons, from the facts that ranked it."""
        reasons = []
        if p.rating is not None and p.rating >= 4.0 and p.review_count:
            reasons.append(f"rated {p.rating:g} out of 5 by {p.review_count} reviewers")
        if state.size and state.size in p.sizes_in_stock():
            reasons.append(f"in stock in your size {state.size}")
        if state.price_max is not None:
            reasons.append(f"within your budget of {money(state.price_max, p.currency)}")
        if p.discount_percent:
            reasons.append(f"on sale, {p.discount_percent}% off")
        return tuple(reasons) or ("a close match for what you asked",)

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
        return Plan(context, cards=(facts,), buttons=buttons)

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
            question = f"Which size would you like for the {product.title}? In stock: {', '.join(sizes)}."
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
            buttons=("Show my cart", "Check out"),
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
        if self.orders is None:
            return await self._handoff(state, parse, intent)
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
