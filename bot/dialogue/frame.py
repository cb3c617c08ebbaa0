"""Understanding a turn: the parsed message and what the conversation shows, in one typed frame.

`understand(parse, context)` is pure: no model, no catalog, no I/O, so the routing and the
reading of references and constraints are tested as tables of cases in milliseconds. The
intent classifier is one input; the state (what was just shown, named and asked) is the
other: "under 40 bucks" after earbuds narrows the earbuds, "is it waterproof?" after the
bot named the cheapest boot asks about that boot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.dialogue.constraints import SearchConstraints
from bot.dialogue.plan import HANDOFF_BUTTONS
from bot.nlu.entities.prices import foreign_currency
from bot.nlu.parser import Parse
from bot.skills.policy import INTENT_TOPICS
from bot.skills.recommend import GOES_WITH_RE, SIMILAR_RE, request_query
from bot.skills.reviews import asks_about_reviews
from retrieval.catalog import normalize_size

# What the shopper wants this turn; each act is one skill's name.
Act = Literal[
    "search", "narrow", "more", "question", "reviews", "compare", "choose", "recommend", "similar",
    "complements", "dismiss", "preference", "cart_add", "cart_remove", "cart_view", "checkout", "order",
    "policy", "handoff", "complaint", "smalltalk", "clarify", "accept",
]  # fmt: skip
ACTS: tuple[str, ...] = Act.__args__  # type: ignore[attr-defined]
POLICY_INTENTS = frozenset({*INTENT_TOPICS, "account_help", "newsletter"})
SMALLTALK_INTENTS = frozenset({"greet", "goodbye", "thanks", "affirm", "deny", "bot_challenge", "capabilities", "feedback", "out_of_scope"})
# The intent each act stands for when a caller names the act (a Rasa action), for metrics and replies.
ACT_INTENTS: dict[str, str] = {
    "search": "product_search", "narrow": "refine", "more": "refine", "question": "product_question",
    "reviews": "product_question", "compare": "compare", "choose": "product_question", "recommend": "recommend",
    "similar": "recommend", "complements": "recommend", "dismiss": "feedback", "preference": "recommend",
    "cart_add": "add_to_cart", "cart_remove": "add_to_cart", "cart_view": "place_order", "checkout": "place_order",
    "order": "order_status", "handoff": "human_handoff", "complaint": "complaint", "accept": "affirm",
}  # fmt: skip
# The act each intent leads to when nothing in the conversation says otherwise.
_NATURAL_ACTS: dict[str, str] = {
    "product_search": "search", "refine": "narrow", "inform": "narrow", "product_question": "question",
    "compare": "compare", "recommend": "recommend", "add_to_cart": "cart_add", "place_order": "checkout", "order_status": "order",
    "order_cancel": "order", "order_modify": "order", "human_handoff": "handoff", "complaint": "complaint",
    **{intent: "policy" for intent in POLICY_INTENTS}, **{intent: "smalltalk" for intent in SMALLTALK_INTENTS},
}  # fmt: skip


def intent_of(act: str, intent: str) -> str:
    """The intent a turn counts as: the classifier's when its act is that intent's own, else
    the act's ("tell me about the first one" read as small talk by the model is a product
    question), so transcripts, metrics and the agent console say what the bot did."""
    if _NATURAL_ACTS.get(intent) == act:
        return intent
    return ACT_INTENTS.get(act, intent)


@dataclass(frozen=True)
class Superlative:
    """"The cheapest", "the best rated", "the lightest": a field and which end of it."""

    field: str  # "price", "rating", "review_count" or a numeric attribute name
    highest: bool

    def sort(self) -> str | None:
        """The search sort that puts this end first, when search sorts by the field."""
        if self.field == "price":
            return "price_desc" if self.highest else "price_asc"
        if self.field == "rating" and self.highest:
            return "rating"
        return None


@dataclass(frozen=True)
class Context:
    """What the conversation shows when the message arrives (a read-only view of the state)."""

    has_results: bool = False
    suggested: bool = False  # the results are suggestions (recommend, similar, complements)
    focus: str | None = None  # the product last named or discussed
    pending_add: str | None = None  # the bot asked which size to add
    offered_handoff: bool = False  # the bot asked "shall I connect you with a person?"
    offered_search: bool = False  # the bot offered the nearest search ("blue in other sizes?")
    asked: str | None = None  # what the bot's last question asked for ("order_number")
    has_cart: bool = False
    search: SearchConstraints = field(default_factory=SearchConstraints)
    currency: str = "USD"
    measures: frozenset[str] = frozenset()  # the catalog's numeric attribute names
    # Products the message names by title (retrieval/names.py): clearly, or several about equally.
    named: tuple[str, ...] = ()
    named_close: tuple[str, ...] = ()


@dataclass(frozen=True)
class Frame:
    """One turn, understood: the act, the products meant, the constraints stated."""

    act: Act
    intent: str
    text: str
    reference: dict[str, Any] | None = None
    superlative: Superlative | None = None
    # What this message states about the search (narrowing or starting one).
    constraints: SearchConstraints = field(default_factory=SearchConstraints)
    new_topic: bool = False
    cheaper: bool = False  # "anything cheaper?": below the cheapest shown
    pricier: bool = False
    asks_reviews: bool = False
    feature: str | None = None  # the attribute a question is about ("waterproof")
    recipient: Any = None
    order_number: str | None = None
    quantity: int = 1
    asked: str | None = None  # what the bot had asked for, which this message may answer
    other_brand: bool = False  # "not that brand", "other brands", "no more" of it
    about: bool = False  # "tell me about", "what about": the product itself, not one fact
    size_alone: str | None = None  # "M", "size 10": a size said on its own (an answer to "which size?")
    named: tuple[str, ...] = ()  # the products the message names by title, in its order
    named_close: tuple[str, ...] = ()  # products it names about equally well: ask which


_SHOW_THEM = re.compile(r"^\s*(?:yes|yeah|yep|sure|ok(?:ay)?|please)?[\s,!]*(?:show|see)\s+(?:me\s+)?(?:them|those)\b", re.I)
_ABOUT_RECIPIENT = re.compile(r"^\s*(?:she|he|they|her|his|their|it'?s for|its for|(?:she|he|they)'?(?:s|re|'s|'re))\b", re.I)
_CART_VIEW = re.compile(r"\b(?:what'?s in|show|see|view|check)\b.*\bcart\b|\bmy cart\b\s*\??$", re.I)
_PUT_IN = re.compile(r"^\s*(?:please\s+)?(?:add|put|place|throw)\b", re.I)  # "add X to my cart" is not a look at it
_REMOVE = re.compile(r"\b(?:remove|delete|take out|drop)\b", re.I)
_MORE = re.compile(
    r"^\s*(?:show\s+(?:me\s+)?)?(?:more|next(?:\s+page)?|others?|any\s+others?|any\s*(?:thing|one)?\s*else|what\s+else)"
    r"(?:\s+(?:do\s+you\s+have|is\s+there|have\s+you\s+got))?(?:\s+(?:please|results|options|ones))?\s*[?.!]*\s*$",
    re.I,
)
_OTHER_BRAND = re.compile(r"\b(?:not (?:that|this) brand|other brands?|different brand)\b", re.I)
# What a skill reads as ruling out a brand once the act is chosen ("no more" of it, too).
_OTHER_BRAND_WIDE = re.compile(r"\b(?:not (?:that|this) brand|other brands?|different brand|no more)\b", re.I)
_DISMISS = re.compile(
    r"\b(?:not for me|not interested(?: in (?:it|that|this|the \w+ one))?|(?:i )?don'?t (?:like|want) (?:it|that|this|the \w+ one)"
    r"|not (?:that|this|the \w+) one|hide (?:it|this|that|the \w+ one))\b",
    re.I,
)
# "I wear a size 10", "my favourite colour is green": a statement about the shopper, not a request.
_STATEMENT = re.compile(
    r"^\s*(?:i wear|i'?m (?:a )?size|i am (?:a )?size|my size is|i take (?:a )?size|i (?:really )?(?:like|love|prefer)"
    r"|i'?m a (?:big )?fan of|my (?:favou?rite|preferred)|my budget)\b",
    re.I,
)
_HAVE_ANY = re.compile(r"\b(?:do you (?:have|sell|carry|stock)|have you got|are there|is there|any|show|find|looking for|need)\b", re.I)
_ASKING = re.compile(r"\b(?:show|find|recommend|suggest|looking|need|want|search|get me|any)\b", re.I)
_IN_STOCK = re.compile(r"(?<!not )(?<!out of )\bin[ -]stock\b|\bavailable (?:now|today)\b", re.I)
_BARE_SIZE = re.compile(r"(?:size\s+)?(?:\d{1,2}(?:\.5)?|XXS|XS|S|M|L|XL|XXL|XXXL)", re.I)
_ORDER_WORDS = re.compile(r"\b(?:cart|check ?out|order|basket|buy (?:it|them|these|those))\b", re.I)
# "not coffee makers", "anything but rugs", "he already has a coffee maker": the next name is ruled out.
_EXCLUDING = re.compile(
    r"\b(?:not|no|except|excluding|other than|but|without|instead of|anything but|(?:already|alrdy) (?:has|have|owns?|got)"
    r"|(?:has|have|owns?) (?:already|got))\s+(?:from\s+|by\s+|made by\s+)?(?:an?\s+|any\s+|the\s+|one\s+|some\s+|more\s+)?$",
    re.I,
)
_COMPARE_WORDS = re.compile(r"\b(?:compare|comparison|difference|differ|versus|vs\.?|better|which (?:one|of))\b", re.I)
_ABOUT = re.compile(r"\b(?:tell me (?:more )?about|more (?:info|information|details)|details (?:of|on|about)|describe)\b", re.I)
# A question asking for the product itself ("what about the second one?"), once it is a question.
_ABOUT_PRODUCT = re.compile(
    r"\b(?:tell me (?:more )?about|more (?:info|information|details)|details (?:of|on|about)|what about|describe)\b", re.I
)

# Superlatives over a field, as shoppers write them. Attribute superlatives are read from the
# attribute's own name: "the lightest" is the lowest weight_*, "the biggest capacity" capacity_*.
# "Which is cheaper?" asks for one of those shown; "anything cheaper?" narrows (frame.cheaper).
_WHICH = r"\b(?:which|what|who)\b[^?.!]{0,30}?"
_PRICE_LOW = re.compile(
    rf"\b(?:cheapest|cheaper one|least expensive|lowest[\s-]price[ds]?|most affordable|less expensive one)\b"
    rf"|{_WHICH}\b(?:cheaper|less expensive|more affordable)\b",
    re.I,
)
_PRICE_HIGH = re.compile(
    rf"\b(?:most expensive|priciest|pricier one|highest[\s-]price[ds]?|more expensive one)\b|{_WHICH}\b(?:pricier|more expensive)\b",
    re.I,
)
_RATING_HIGH = re.compile(
    r"\b(?:(?:best|highest|top)[\s-](?:rated|reviewed|reviews|ratings?)|best reviews|most (?:liked|loved)|highest[\s-]rating"
    r"|rated (?:the )?(?:highest|best)|reviewed (?:the )?best|best (?:one|of (?:them|those|these|the \w+)))\b"
    rf"|{_WHICH}\b(?:better[\s-](?:rated|reviewed|reviews)|rated better|has better reviews)\b",
    re.I,
)
_RATING_LOW = re.compile(r"\b(?:worst[\s-](?:rated|reviewed)|lowest[\s-]rat(?:ed|ing))\b", re.I)
_MOST_REVIEWS = re.compile(r"\bmost (?:reviews|reviewed|popular)\b", re.I)
_ATTRIBUTE_SUPERLATIVES = (
    (re.compile(r"\b(?:lightest|least heavy)\b", re.I), "weight", False),
    (re.compile(r"\bheaviest\b", re.I), "weight", True),
    (re.compile(r"\b(?:largest|biggest|most|highest|greatest)\s+capacity\b|\bholds? the most\b", re.I), "capacity", True),
    (re.compile(r"\b(?:smallest|lowest)\s+capacity\b", re.I), "capacity", False),
    (re.compile(r"\blongest[\s-](?:lasting\s+)?battery\b|\bbattery (?:that )?lasts? (?:the )?longest\b", re.I), "battery_life", True),
    (re.compile(r"\b(?:biggest|largest)\s+screen\b", re.I), "screen_size", True),
    (re.compile(r"\b(?:smallest)\s+screen\b", re.I), "screen_size", False),
    (re.compile(r"\bkeeps? (?:\w+ )?(?:hot|warm) (?:the )?longest\b", re.I), "keeps_hot", True),
)
_QUESTION_START = re.compile(r"^\s*(?:which|what|who|is|are|does|do|can|how|whats|what's)\b", re.I)


def superlative_of(text: str, measures: frozenset[str] = frozenset()) -> Superlative | None:
    """The field and end a message asks for ("the cheapest" -> price, lowest), if any."""
    if _PRICE_LOW.search(text):
        return Superlative("price", False)
    if _PRICE_HIGH.search(text):
        return Superlative("price", True)
    if _MOST_REVIEWS.search(text):
        return Superlative("review_count", True)
    if _RATING_HIGH.search(text):
        return Superlative("rating", True)
    if _RATING_LOW.search(text):
        return Superlative("rating", False)
    for pattern, head, highest in _ATTRIBUTE_SUPERLATIVES:
        if pattern.search(text):
            keys = sorted(k for k in measures if k.startswith(head))
            if keys:
                return Superlative(keys[0], highest)
    return None


def stated_constraints(parse: Parse, currency: str) -> tuple[SearchConstraints, dict[str, Any]]:
    """The search constraints a message states, and the price value (for "cheaper")."""
    values: dict[str, Any] = {"attributes": {}, "at_least": {}, "at_most": {}, "exclude_brands": [], "exclude_categories": []}
    price_value: dict[str, Any] = {}
    for e in parse.entities:
        excluded = _EXCLUDING.search(parse.text, max(0, e.start - 24), e.start) is not None
        if e.type == "category":
            if excluded:
                values["exclude_categories"].append(e.value)
            elif "category" not in values:
                # The first kind named is the product; later ones say what it is for
                # ("a travel mug to keep my coffee hot", "a bag for my laptop").
                values["category"] = e.value
        elif e.type == "brand":
            if excluded:
                values["exclude_brands"].append(e.value)
            else:
                values["brand"] = e.value
        elif e.type == "color" and not excluded:
            values["color"] = e.value
        elif e.type == "size":
            values["size"] = normalize_size(str(e.value))
        elif e.type == "gender":
            values["gender"] = e.value
        elif e.type == "feature":
            values["attributes"][e.value["key"]] = e.value["value"]
        elif e.type == "measure":
            if e.value.get("min") is not None:
                values["at_least"][e.value["key"]] = e.value["min"]
            if e.value.get("max") is not None:
                values["at_most"][e.value["key"]] = e.value["max"]
        elif e.type == "price" and isinstance(e.value, dict) and not foreign_currency(e.value, currency):
            price_value = e.value
            if e.value.get("min") is not None or e.value.get("max") is not None:
                values["price_min"], values["price_max"] = e.value.get("min"), e.value.get("max")
    if _IN_STOCK.search(parse.text):
        values["in_stock"] = True
    return SearchConstraints(**values), price_value


def _reference(parse: Parse) -> dict[str, Any] | None:
    """The products the message points at; "the first and the third" is one reference to both."""
    found = [e.value for e in parse.entities if e.type == "reference"]
    positions = [r["index"] for r in found if "index" in r]
    if len(positions) > 1:
        return {"indices": list(dict.fromkeys(positions))}
    return found[0] if found else None


def understand(parse: Parse, context: Context) -> Frame:
    """The frame of one message in its conversation (see the module docstring)."""
    text = parse.text
    intent = parse.intent
    types = {e.type for e in parse.entities}
    reference = _reference(parse)
    superlative = superlative_of(text, context.measures)
    stated, price = stated_constraints(parse, context.currency)
    qualifier = price.get("qualifier") if price else None
    recipient = next((e.value for e in parse.entities if e.type == "recipient"), None)
    order_number = next((str(e.value) for e in parse.entities if e.type == "order_number"), None)
    quantity = next((int(e.value) for e in parse.entities if e.type == "quantity" and str(e.value).isdigit()), 1)
    feature = next((e.value["key"] for e in parse.entities if e.type == "feature"), None)
    current = context.search
    new_category = stated.category is not None and (current.category or "").lower() != stated.category.lower()
    # A topic is on when something was shown or asked for: then constraints narrow it.
    topic = context.has_results or not current.is_empty()
    new_topic = not topic or new_category

    def frame(act: Act, **extra: Any) -> Frame:
        return Frame(
            act=act, intent=intent, text=text, reference=reference, superlative=superlative, constraints=stated,
            new_topic=new_topic, cheaper=qualifier == "cheap" and stated.price_max is None,
            pricier=qualifier == "premium" and stated.price_min is None, asks_reviews=asks_about_reviews(text),
            feature=feature, recipient=recipient, order_number=order_number, quantity=quantity, asked=context.asked,
            other_brand=_OTHER_BRAND_WIDE.search(text) is not None,
            about=_ABOUT_PRODUCT.search(text) is not None or _only_points(parse),
            size_alone=_size_alone(text), named=context.named, named_close=context.named_close, **extra,
        )  # fmt: skip

    shows_products = context.has_results or context.focus is not None or bool(reference and "index" in reference)
    constraint_types = types & {"category", "brand", "color", "size", "price", "gender", "feature", "measure"}

    # Answers to a question the bot just asked come first.
    if context.pending_add and ("size" in types or _size_alone(text)):
        return frame("cart_add")
    if context.offered_handoff and not constraint_types and (
        intent in ("affirm", "human_handoff") or _words(text) == _words(HANDOFF_BUTTONS[0])
    ):
        # Yes to the offered person, in words or with the button (which means yes whatever
        # the model reads in it).
        return frame("handoff")
    if context.offered_search and not constraint_types and (intent == "affirm" or _SHOW_THEM.search(text)):
        return frame("accept")
    # The cart.
    if _CART_VIEW.search(text) and not reference and not _PUT_IN.search(text):
        return frame("cart_view")
    if _REMOVE.search(text) and (intent == "add_to_cart" or "cart" in text.lower()):
        return frame("cart_remove")
    # Follow-ups on what is shown.
    if shows_products and GOES_WITH_RE.search(text):
        return frame("complements")
    if shows_products and SIMILAR_RE.search(text):
        return frame("similar")
    if context.suggested and context.has_results and _DISMISS.search(text):
        return frame("dismiss")
    if _STATEMENT.search(text) and not _ASKING.search(text) and "category" not in types and constraint_types | {"recipient"} & types:
        return frame("preference")
    if context.suggested and _ABOUT_RECIPIENT.search(text) and not _ASKING.search(text):
        # "She loves animals", "he already has a coffee maker" after gift ideas: about who it is for.
        return frame("narrow")
    if (stated.exclude_categories or stated.exclude_brands) and reference is None and intent not in POLICY_INTENTS:
        # "Not coffee makers", "anything but Nike": rules products out of what is being looked for.
        return frame("narrow" if topic else "search")
    if context.asked == "order_number" and not constraint_types and reference is None:
        # The bot asked for an order number: "I don't know it" is an answer about the order,
        # whatever the classifier read in it ("I don't know the number" sounds like an account
        # question); a store question asked meanwhile ("what's your returns policy?") is that.
        if intent not in POLICY_INTENTS:
            if intent in ("deny", "affirm", "out_of_scope", "feedback", "order_status", "order_cancel") or not _ASKING.search(text):
                return frame("order")
        elif not _ASKING.search(text) and not _QUESTION_SHAPE.search(text):
            return frame("order")
    if context.has_results and not constraint_types and _MORE.search(text):
        return frame("more")
    if context.has_results and _OTHER_BRAND.search(text):
        return frame("narrow")
    if intent == "order_status" and not order_number and context.focus and _ONE_THING.search(text) and not _OWN_ORDER.search(text):
        # "When would it arrive?" about the product in focus, from a shopper who names no order of
        # theirs: how long that product takes to ship (its own terms, else the store's policy).
        return frame("policy")
    if intent in ("order_status", "order_cancel", "order_modify") or (order_number and intent not in POLICY_INTENTS):
        return frame("order")
    if superlative is not None and context.has_results and not new_category and not (intent == "add_to_cart" and not reference):
        # "Which is the cheapest?", "add the best rated one": over what is shown.
        return frame("cart_add" if intent == "add_to_cart" else "choose")
    if reference is not None and intent not in POLICY_INTENTS:
        return frame(_act_on_reference(intent, text, reference))
    if context.focus and reference is None and intent not in POLICY_INTENTS and not constraint_types & {"category", "brand"} and (
        _HOW_TO.search(text) or _HOW_MANY_LEFT.search(text)
    ):
        # "How do you set it up?", "how many do you have?" with a product in focus: about it.
        return frame("question")
    if (context.named or context.named_close) and (intent not in POLICY_INTENTS or _PRICE_ASK.search(text)):
        # A product named by its title ("how many Cricket Helmets are left?", "compare the
        # Galaxy Tab White with the iPhone 6"): whatever the classifier read, the message is
        # about that product when it asks something of it.
        if act := _act_on_named(intent, text, len(context.named)):
            return frame(act)
    if intent in POLICY_INTENTS and (not constraint_types or context.named) and not (context.named and _PRICE_ASK.search(text)):
        # "Can I return the Northfen Breeze?": the policy, which reads the product's own terms.
        return frame("policy")
    if intent == "human_handoff":
        return frame("handoff")
    if intent == "complaint":
        return frame("complaint")
    if intent == "add_to_cart":
        return frame("cart_add")
    if intent == "place_order":
        if context.has_cart or _ORDER_WORDS.search(text):
            return frame("checkout")
        return frame("search")
    if intent == "compare" and not (constraint_types and reference is None):
        return frame("compare")
    if intent == "product_question" and not shows_products and not context.named and not context.named_close and not (
        constraint_types & {"category", "brand", "feature", "measure"}
    ) and _runner_up(parse) in POLICY_INTENTS:
        # "How much is shipping?" read as a product question with no product in sight: the
        # store question the classifier ranked next is what it asks.
        return frame("policy")
    if intent == "product_question":
        # A question about a product (shown, in focus or named: a title may hold "Women's" or a
        # colour); one that asks whether the store has such products ("do you have any red
        # ones under $50?") is a search.
        if asks_about_reviews(text):
            return frame("reviews")
        if "category" in constraint_types and not shows_products and not context.named and reference is None and not _ONE_THING.search(text):
            # "How much are hiking boots?" with nothing in sight asks about that kind: show it
            # ("does it have a hood?" asks about one product: which one is asked next).
            return frame("search")
        if constraint_types & {"price", "color", "size", "gender", "measure"} and _HAVE_ANY.search(text):
            return frame("narrow" if topic and not new_category else "search")
        return frame("question")
    if superlative is not None and (new_topic or constraint_types):
        return frame("search")  # "the cheapest laptop", "the lightest tent": the kind ranked by the field
    # Shopping requests: a new topic starts a search; anything else narrows the current one.
    # "inform" states a need or taste ("nope, only indoor", "stabilisation is a plus"): it narrows
    # what is shown, or starts a search when nothing is.
    wants_products = intent in _WANTS_PRODUCTS or bool(constraint_types) or recipient is not None
    if wants_products:
        if recipient is not None and new_topic and not constraint_types & {"category", "brand"}:
            return frame("recommend")  # "something for a 6 year old": gift ideas for them
        if intent == "recommend" and (new_topic or not context.suggested or not (constraint_types or request_query(parse))):
            # "Recommend something" over suggestions already shown says nothing to narrow them
            # by: suggest again. "She loves animals" or "under $30" narrows them.
            return frame("recommend")
        if new_topic and not (context.suggested and not new_category):
            return frame("search" if intent != "recommend" else "recommend")
        return frame("narrow")
    if context.suggested and intent in ("feedback", "inform", "affirm") and len(text.split()) > 2:
        # "She loves animals" after gift ideas: an interest that narrows them.
        return frame("narrow")
    if intent in SMALLTALK_INTENTS:
        return frame("smalltalk")
    if intent == "product_question":
        return frame("question")
    return frame("smalltalk")


def _words(text: str) -> list[str]:
    """The words of a text, lower case, without punctuation."""
    return re.findall(r"[a-z0-9']+", text.lower())


_ONE_THING = re.compile(r"\b(?:it|its|it's|this|that)\b", re.I)
# Words that speak of an order the shopper already has ("my order", "I bought", "the parcel").
_OWN_ORDER = re.compile(
    r"\b(?:my|our)\s+(?:order|parcel|package|delivery|purchase|stuff)\b|\bI\s+(?:ordered|bought|paid)\b"
    r"|\b(?:parcel|package|tracking|shipped|dispatched|order\s+number)\b",
    re.I,
)


def _runner_up(parse: Parse) -> str | None:
    """The intent the classifier ranked second, if any."""
    return parse.ranking[1][0] if len(parse.ranking) > 1 else None


_POINTING = re.compile(r"\b(?:i mean|i meant|the|that|this|one|ones|please|pls|ok|okay|yes|let'?s (?:go with|see)|go with|how about)\b", re.I)


def _only_points(parse: Parse) -> bool:
    """True when the message only points at a product ("the second one", "I mean the 8 oz one"):
    it asks for that product itself, not for one fact about it."""
    spans = [e for e in parse.entities if e.type == "reference"]
    if not spans:
        return False
    text = parse.text
    for e in sorted(spans, key=lambda e: -e.start):
        text = text[: e.start] + " " + text[e.end :]
    return not re.sub(r"[^\w]+", " ", _POINTING.sub(" ", text)).strip()


def _size_alone(text: str) -> str | None:
    """The size a message is made of ("M", "size 10"), normalised; None otherwise."""
    said = text.strip()
    if not _BARE_SIZE.fullmatch(said):
        return None
    return normalize_size(re.sub(r"(?i)^size\s+", "", said))


# A question about a product rather than for products: "how much is", "how many are left", its terms.
_ASKS_FACT = re.compile(
    r"\b(?:how (?:much|many|long|big|heavy|fast|soon|good)|in stock|left|price of|cost of|warranty|guarantee|return"
    r"|ship|deliver|arrive|dimensions?|weigh|made of|tell me about|details|describe|specs?|what(?:'s| is) the"
    r"|any good|worth (?:it|buying|the money)|rated|reviews?)\b",
    re.I,
)
_HOW_TO = re.compile(
    r"\bhow (?:do|does|can|should|would) (?:i|you|we|one) (?:\w+ ){1,2}?(?:it|them|this|that)\b"
    r"|\bhow (?:do|does) (?:it|they) (?:work|fit|open|close|fold|charge|attach|connect)\b",
    re.I,
)
_PRICE_ASK = re.compile(r"\b(?:price|cost|costs|how much)\b", re.I)  # of a named product: never a policy question
_HOW_MANY_LEFT = re.compile(r"\bhow many (?:do you have|have you got|are (?:there|left)|(?:are )?left|(?:are )?in stock)\b", re.I)
_QUESTION_SHAPE = re.compile(r"\?\s*$|^\s*(?:which|what|whats|what's|is|are|does|did|can|could|will|would|how|when|where|why)\b", re.I)
_SHOW_ME = re.compile(r"^\s*(?:show|find|search|list|browse|looking for|i(?:'m| am) looking|i (?:need|want))\b", re.I)


def _act_on_named(intent: str, text: str, clear: int) -> Act | None:
    """What a message naming a product by title wants, or None when it asks for products ("show
    me red shoes" names the Red Shoes but asks for shoes; "do you have cricket balls?" too)."""
    if intent == "add_to_cart":
        return "cart_add"
    if asks_about_reviews(text):
        return "reviews"
    several = clear >= 2
    if several and (intent == "compare" or _COMPARE_WORDS.search(text)):
        return "compare"
    if _ASKS_FACT.search(text):
        return "compare" if several else "question"
    if _SHOW_ME.search(text) or _HAVE_ANY.search(text):
        return None
    # "Is the Breeze waterproof?" asks of the product; "can you recommend a smartwatch for my
    # runs?" is shaped as a question but asks for products.
    if intent in ("product_question", "compare") or _YES_NO.search(text) or (
        _QUESTION_SHAPE.search(text) and intent not in _WANTS_PRODUCTS
    ):
        return "compare" if several else "question"
    return None


_WANTS_PRODUCTS = frozenset({"product_search", "refine", "inform", "recommend"})
_YES_NO = re.compile(r"^\s*(?:is|are|does|did|has|was|were)\b", re.I)


def _act_on_reference(intent: str, text: str, reference: dict[str, Any]) -> Act:
    """What a message that points at shown products ("the second one", "both", "it") wants."""
    if intent == "add_to_cart":
        return "cart_add"
    if asks_about_reviews(text):
        return "reviews"
    several = "indices" in reference or reference.get("all")
    if several and (intent == "compare" or _COMPARE_WORDS.search(text)):
        return "compare"
    if several and _COMPARE_WORDS.search(text) is None and intent != "product_question":
        return "compare"
    if "index" in reference or reference.get("focus") or _ABOUT.search(text):
        return "question"
    return "compare" if intent == "compare" else "question"
