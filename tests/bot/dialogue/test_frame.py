"""Routing, references and constraints as tables: the real entity extractor over the demo
catalog's vocabulary, an intent given per case (the classifier is one input, tested elsewhere),
and the conversation's state. No model is loaded; every case runs in milliseconds."""

from __future__ import annotations

import pytest

from bot.dialogue.constraints import SearchConstraints
from bot.dialogue.frame import Context, Superlative, understand
from bot.nlu.entities import EntityExtractor
from bot.nlu.parser import Parse
from bot.nlu.vocabulary import CatalogVocabulary
from catalog import DEMO_PRODUCTS
from retrieval.importer import read_catalog


@pytest.fixture(scope="module")
def extractor() -> EntityExtractor:
    return EntityExtractor(CatalogVocabulary.from_products(read_catalog(DEMO_PRODUCTS, "jsonl").products))


MEASURES = frozenset({"capacity_people", "weight_lb", "capacity_liters", "battery_life_hours"})
NOTHING = Context(measures=MEASURES)
# A list of earbuds is on screen (a search the shopper made).
EARBUDS = Context(has_results=True, search=SearchConstraints(query="noise cancelling earbuds", category="Earbuds"), measures=MEASURES)
# Boots are shown and the bot named one of them.
BOOTS_NAMED = Context(has_results=True, focus="SB-00058", search=SearchConstraints(query="boots", category="Hiking Boots"), measures=MEASURES)
# Gift ideas are on screen.
GIFTS = Context(has_results=True, suggested=True, search=SearchConstraints(query="gift"), measures=MEASURES)
SIZE_ASKED = Context(has_results=True, focus="SB-00001", pending_add="SB-00001")
HANDOFF_OFFERED = Context(offered_handoff=True)
NUMBER_ASKED = Context(asked="order_number")
SEARCH_OFFERED = Context(has_results=True, offered_search=True, search=SearchConstraints(query="t-shirts", color="blue", size="M"))
CART = Context(has_results=True, has_cart=True)
# The message names one product by title, two, or several about equally (nothing shown yet).
NAMED_ONE = Context(named=("SB-00094",), measures=MEASURES)
NAMED_TWO = Context(named=("SB-00094", "SB-00784"), measures=MEASURES)
NAMED_CLOSE = Context(named_close=("SB-00312", "SB-00263"), measures=MEASURES)


def frame_of(extractor: EntityExtractor, text: str, intent: str, context: Context):
    return understand(Parse(text, intent, 0.9, [(intent, 0.9)], extractor.extract(text)), context)


ROUTES = [
    # (message, classifier's intent, what the conversation shows, act)
    ("show me black t-shirts in size M", "product_search", NOTHING, "search"),
    ("noise cancelling earbuds", "product_search", NOTHING, "search"),
    ("under 40 bucks", "product_search", EARBUDS, "narrow"),
    ("under 40 bucks", "refine", EARBUDS, "narrow"),
    ("in blue instead", "product_search", EARBUDS, "narrow"),
    ("anything cheaper?", "refine", EARBUDS, "narrow"),
    ("only the ones in stock", "refine", EARBUDS, "narrow"),
    ("in red?", "refine", BOOTS_NAMED, "narrow"),
    ("women's", "product_search", BOOTS_NAMED, "narrow"),
    ("what about speakers", "product_search", EARBUDS, "search"),
    ("how much are hiking boots?", "product_question", NOTHING, "search"),
    ("does it have a hood?", "product_question", NOTHING, "question"),
    # A stated need or taste narrows what is shown, whatever it names; with nothing shown it searches.
    ("nope I am only interested in wireless ones", "inform", EARBUDS, "narrow"),
    ("cost is not a problem for me", "inform", EARBUDS, "narrow"),
    ("long battery life is a plus for me", "inform", BOOTS_NAMED, "narrow"),
    ("I need something waterproof for hiking", "inform", NOTHING, "search"),
    ("show me running shoes", "product_search", EARBUDS, "search"),
    ("show more", "refine", EARBUDS, "more"),
    ("next", "refine", EARBUDS, "more"),
    ("is it waterproof?", "product_question", BOOTS_NAMED, "question"),
    ("is it waterproof?", "refine", BOOTS_NAMED, "question"),
    ("does it come in size 10?", "product_question", BOOTS_NAMED, "question"),
    ("tell me more about the first one", "product_question", EARBUDS, "question"),
    ("tell me more about the first one", "compare", EARBUDS, "question"),
    ("how much is the second one", "compare", EARBUDS, "question"),
    ("compare the first two", "compare", EARBUDS, "compare"),
    ("what's the difference between them", "compare", EARBUDS, "compare"),
    ("which is the cheapest?", "compare", EARBUDS, "choose"),
    ("which one is cheapest", "product_question", EARBUDS, "choose"),
    ("which has the best reviews?", "compare", EARBUDS, "choose"),
    ("which has the best reviews?", "product_question", EARBUDS, "choose"),
    ("which of them is the most expensive", "compare", EARBUDS, "choose"),
    ("the cheapest TV", "product_search", NOTHING, "search"),
    ("add the first one to my cart", "add_to_cart", EARBUDS, "cart_add"),
    ("add it to my cart", "add_to_cart", BOOTS_NAMED, "cart_add"),
    ("add the cheapest one", "add_to_cart", EARBUDS, "cart_add"),
    ("M", "product_search", SIZE_ASKED, "cart_add"),
    ("size 10", "product_search", SIZE_ASKED, "cart_add"),
    ("what's in my cart?", "place_order", CART, "cart_view"),
    ("remove it from my cart", "add_to_cart", CART, "cart_remove"),
    ("check out", "place_order", CART, "checkout"),
    ("yes please", "affirm", HANDOFF_OFFERED, "handoff"),
    # Asked for an order number, a reply without one is about the order, whatever it sounds like;
    # a store question asked meanwhile is that question.
    ("I don't know the number", "account_help", NUMBER_ASKED, "order"),
    ("I don't know it", "deny", NUMBER_ASKED, "order"),
    ("what's your returns policy?", "return_refund", NUMBER_ASKED, "policy"),
    # The offered button says yes whatever the model reads in it.
    ("Yes, connect me", "goodbye", HANDOFF_OFFERED, "handoff"),
    ("yes connect me!", "out_of_scope", HANDOFF_OFFERED, "handoff"),
    ("yes, show them", "affirm", SEARCH_OFFERED, "accept"),
    ("where is my order 10002?", "order_status", NOTHING, "order"),
    # "When would it arrive?" with a product in focus and no order of the shopper's: its shipping;
    # naming their own order (or with nothing in focus) it is the order.
    ("when would it arrive?", "order_status", BOOTS_NAMED, "policy"),
    ("when will my order arrive?", "order_status", BOOTS_NAMED, "order"),
    ("I bought it last week, when will it arrive?", "order_status", BOOTS_NAMED, "order"),
    ("when will it arrive?", "order_status", NOTHING, "order"),
    ("cancel my order", "order_cancel", NOTHING, "order"),
    ("what's your return policy?", "return_refund", EARBUDS, "policy"),
    ("how long does shipping take", "shipping_info", NOTHING, "policy"),
    ("let me talk to a person", "human_handoff", EARBUDS, "handoff"),
    ("hello", "greet", NOTHING, "smalltalk"),
    ("thanks!", "thanks", EARBUDS, "smalltalk"),
    ("a gift for my wife", "recommend", NOTHING, "recommend"),
    ("it's for my daughter, she's 8", "recommend", GIFTS, "narrow"),
    ("it's for my daughter, she's 8", "feedback", GIFTS, "narrow"),
    ("she loves animals", "feedback", GIFTS, "narrow"),
    ("she loves animals", "recommend", GIFTS, "narrow"),
    ("under $30", "refine", GIFTS, "narrow"),
    ("recommend something", "recommend", GIFTS, "recommend"),
    ("what would you suggest?", "recommend", GIFTS, "recommend"),
    ("more like the first one", "recommend", EARBUDS, "similar"),
    ("what goes with it?", "recommend", BOOTS_NAMED, "complements"),
    ("not for me", "feedback", GIFTS, "dismiss"),
    ("I wear a size 10", "feedback", NOTHING, "preference"),
    ("what do people say about it?", "product_question", BOOTS_NAMED, "reviews"),
    ("not that brand", "refine", EARBUDS, "narrow"),
    # The classifier's intent is one input: what is on screen decides as much.
    ("cheaper", "product_search", EARBUDS, "narrow"),
    ("cheaper ones", "compare", EARBUDS, "narrow"),
    ("in black", "greet", EARBUDS, "narrow"),
    ("size 10", "product_search", BOOTS_NAMED, "narrow"),
    ("men's", "refine", BOOTS_NAMED, "narrow"),
    ("waterproof ones only", "refine", BOOTS_NAMED, "narrow"),
    ("between $50 and $100", "refine", BOOTS_NAMED, "narrow"),
    ("over $100", "product_search", BOOTS_NAMED, "narrow"),
    ("any from TrailMax?", "product_search", BOOTS_NAMED, "narrow"),
    ("what about tents", "product_search", BOOTS_NAMED, "search"),
    ("show me kettles", "product_search", BOOTS_NAMED, "search"),
    ("show me kettles", "recommend", BOOTS_NAMED, "recommend"),
    ("I need a kettle", "product_search", NOTHING, "search"),
    ("waterproof hiking boots under $150", "product_search", NOTHING, "search"),
    ("the cheapest tent", "product_search", NOTHING, "search"),
    ("the best rated kettle", "product_search", NOTHING, "search"),
    ("more", "refine", EARBUDS, "more"),
    ("show me more", "product_search", EARBUDS, "more"),
    ("any others?", "refine", EARBUDS, "more"),
    ("what else do you have", "product_search", EARBUDS, "more"),
    ("more", "refine", GIFTS, "more"),
    # Questions about what is shown or named.
    ("is the first one waterproof?", "product_question", EARBUDS, "question"),
    ("is the first one waterproof?", "compare", EARBUDS, "question"),
    ("how much is it?", "product_question", BOOTS_NAMED, "question"),
    ("what sizes does it come in?", "product_question", BOOTS_NAMED, "question"),
    ("what is it made of?", "product_question", BOOTS_NAMED, "question"),
    ("does the second one come in black?", "product_question", EARBUDS, "question"),
    ("tell me about the last one", "product_question", EARBUDS, "question"),
    ("what do reviewers say about the second one?", "product_question", EARBUDS, "reviews"),
    ("any complaints about it?", "product_question", BOOTS_NAMED, "reviews"),
    ("do you have any red ones under $50?", "product_question", EARBUDS, "narrow"),
    ("do you have waterproof boots under $100?", "product_question", NOTHING, "search"),
    # Choosing one of those shown.
    ("which one is cheaper?", "compare", EARBUDS, "choose"),
    ("which is rated highest?", "compare", EARBUDS, "choose"),
    ("which one has the most reviews", "product_question", EARBUDS, "choose"),
    ("which is the lightest?", "product_question", EARBUDS, "choose"),
    ("which has the longest battery life?", "compare", EARBUDS, "choose"),
    ("what's the best one?", "recommend", EARBUDS, "choose"),
    ("add the best rated one to my cart", "add_to_cart", EARBUDS, "cart_add"),
    # Comparing.
    ("compare the first and the third", "compare", EARBUDS, "compare"),
    ("compare all of them", "compare", EARBUDS, "compare"),
    ("which is better, the first or the second?", "compare", EARBUDS, "compare"),
    ("compare them", "compare", EARBUDS, "compare"),
    # The cart.
    ("add to cart", "add_to_cart", BOOTS_NAMED, "cart_add"),
    ("I'll take it", "add_to_cart", BOOTS_NAMED, "cart_add"),
    ("add 2 of the first one", "add_to_cart", EARBUDS, "cart_add"),
    ("XL", "product_search", SIZE_ASKED, "cart_add"),
    ("size 9.5", "refine", SIZE_ASKED, "cart_add"),
    ("show my cart", "place_order", CART, "cart_view"),
    ("what's in my cart", "add_to_cart", CART, "cart_view"),
    ("delete it from the cart", "add_to_cart", CART, "cart_remove"),
    ("checkout", "place_order", CART, "checkout"),
    ("I want to buy the new ones", "place_order", NOTHING, "search"),
    # Orders, policy, people.
    ("order 12345", "order_status", NOTHING, "order"),
    ("has order 12345 shipped", "shipping_info", NOTHING, "policy"),
    ("what's the status of order 12345", "product_question", NOTHING, "order"),
    ("I want to cancel order 10002", "order_cancel", NOTHING, "order"),
    ("do you ship to Canada?", "shipping_info", EARBUDS, "policy"),
    ("can I pay with PayPal", "payment_info", NOTHING, "policy"),
    ("any discount codes?", "promotions", NOTHING, "policy"),
    ("can I return it", "return_refund", BOOTS_NAMED, "policy"),
    ("get me a human", "human_handoff", NOTHING, "handoff"),
    ("this is ridiculous, my order never came", "complaint", NOTHING, "complaint"),
    ("no thanks", "deny", HANDOFF_OFFERED, "smalltalk"),
    ("yes", "affirm", NOTHING, "smalltalk"),
    ("are you a bot?", "bot_challenge", NOTHING, "smalltalk"),
    ("bye", "goodbye", EARBUDS, "smalltalk"),
    ("what's the weather tomorrow", "out_of_scope", NOTHING, "smalltalk"),
    # Gifts and follow-ups on suggestions.
    ("something for my dad who likes cooking", "recommend", NOTHING, "recommend"),
    ("he likes hiking", "feedback", GIFTS, "narrow"),
    ("she is into yoga", "recommend", GIFTS, "narrow"),
    ("he already has a coffee maker", "add_to_cart", GIFTS, "narrow"),
    ("not coffee makers", "refine", GIFTS, "narrow"),
    ("anything but coffee makers", "product_search", EARBUDS, "narrow"),
    ("more like the second one", "recommend", GIFTS, "similar"),
    ("what goes with the first one?", "product_question", GIFTS, "complements"),
    ("not the second one", "feedback", GIFTS, "dismiss"),
    ("I don't like that one", "deny", GIFTS, "dismiss"),
    ("my budget is $80", "feedback", NOTHING, "preference"),
    ("I love TrailMax", "feedback", NOTHING, "preference"),
    # A product named by title (the catalog's name index says which; see tests/retrieval/test_names.py).
    ("how many Northfen Breeze boots do you have left?", "product_search", NAMED_ONE, "question"),
    ("how much are the Northfen Breeze hiking boots?", "product_search", NAMED_ONE, "question"),
    ("is the Northfen Breeze waterproof", "refine", NAMED_ONE, "question"),
    ("what do reviewers say about the Northfen Breeze?", "product_search", NAMED_ONE, "reviews"),
    ("add the Northfen Breeze to my cart", "add_to_cart", NAMED_ONE, "cart_add"),
    ("compare the Northfen Breeze with the TrailMax Orbit", "product_search", NAMED_TWO, "compare"),
    ("Northfen Breeze or TrailMax Orbit, which is lighter?", "product_question", NAMED_TWO, "compare"),
    ("is the Northfen Breeze any good?", "out_of_scope", NAMED_ONE, "question"),
    ("price of the Northfen Breeze?", "promotions", NAMED_ONE, "question"),
    ("how much is the Brewsmith kettle?", "product_question", NAMED_CLOSE, "question"),
    # Named, but asking for products: the search shows them (the named one among them).
    ("show me Northfen Breeze boots", "product_search", NAMED_ONE, "search"),
    ("can you recommend Northfen Breeze boots for my hikes?", "recommend", NAMED_ONE, "recommend"),
    ("do you have any Northfen Breeze boots?", "product_search", NAMED_ONE, "search"),
    # A policy question about a named product stays with the policy (which reads the product's own terms).
    ("can I return the Northfen Breeze?", "return_refund", NAMED_ONE, "policy"),
    # With a product in focus, how it is used and how many are left are about it.
    ("how do you set it up?", "capabilities", BOOTS_NAMED, "question"),
    ("how do I clean them?", "product_search", BOOTS_NAMED, "question"),
    ("how many do you have?", "product_search", BOOTS_NAMED, "question"),
    ("how many tents do you have?", "product_search", BOOTS_NAMED, "search"),
    # Someone to buy for and no kind of product: gift ideas for them.
    ("something for a 6 year old", "product_search", NOTHING, "recommend"),
    ("a present for my wife", "product_search", NOTHING, "recommend"),
    ("running shoes for my wife", "product_search", NOTHING, "search"),
]


@pytest.mark.parametrize(("text", "intent", "context", "act"), ROUTES, ids=[f"{r[0]}|{r[1]}" for r in ROUTES])
def test_each_message_goes_to_the_skill_its_conversation_calls_for(extractor, text, intent, context, act):
    assert frame_of(extractor, text, intent, context).act == act


CONSTRAINTS = [
    # (message, the constraints it states)
    ("cork yoga mats", {"attributes": {"material": "cork"}}),
    ("puppy food, grain free", {"attributes": {"life_stage": "puppy", "grain_free": "yes"}}),
    ("sunscreen with SPF 50", {"attributes": {"spf": "50"}}),
    ("a t-shirt for him in size L", {"gender": "men", "size": "L"}),
    ("kids' running shoes", {"gender": "kids"}),
    ("ladies hiking boots", {"gender": "women"}),
    ("a 6-person tent", {"at_least": {"capacity_people": 6.0}}),
    ("earbuds with at least 30 hours of battery", {"at_least": {"battery_life_hours": 30.0}}),
    ("not from TrailMax", {"exclude_brands": ["TrailMax"]}),
    ("under 40 bucks", {"price_max": 40.0}),
    ("a travel mug to keep my coffee hot", {"category": "Travel Mugs"}),
    ("over $100", {"price_min": 100.0}),
    ("women's hiking boots", {"gender": "women", "category": "Hiking Boots"}),
    ("men's running shoes under $80", {"gender": "men", "price_max": 80.0}),
    ("a tent for 4 people", {"at_least": {"capacity_people": 4.0}}),
    ("a 4-person tent", {"at_least": {"capacity_people": 4.0}}),
    ("waterproof boots", {"attributes": {"waterproof": "yes"}}),
    ("noise-cancelling earbuds", {"attributes": {"noise_cancelling": "yes"}}),
    ("something not waterproof", {"attributes": {"waterproof": "no"}}),
    ("only in stock please", {"in_stock": True}),
    ("in red, size 11", {"color": "red", "size": "11"}),
    ("he already has a coffee maker", {"exclude_categories": ["Coffee Makers"]}),
    ("anything but coffee makers", {"exclude_categories": ["Coffee Makers"]}),
    ("a backpack lighter than 3 lb", {"at_most": {"weight_lb": 3.0}}),
]


@pytest.mark.parametrize(("text", "expected"), CONSTRAINTS, ids=[c[0] for c in CONSTRAINTS])
def test_constraints_are_read_from_the_message(extractor, text, expected):
    stated = frame_of(extractor, text, "product_search", NOTHING).constraints
    for name, value in expected.items():
        got = getattr(stated, name)
        if name in ("category",) or name == "exclude_categories":
            got = [g.lower() for g in got] if isinstance(got, list) else (got or "").lower()
            value = [v.lower() for v in value] if isinstance(value, list) else value.lower()
        assert got == value, f"{name}: {got!r}"


def test_a_question_about_it_does_not_become_a_filter(extractor):
    frame = frame_of(extractor, "is it waterproof?", "product_question", BOOTS_NAMED)
    assert frame.act == "question" and frame.feature == "waterproof"


SUPERLATIVES = [
    ("which is the cheapest?", Superlative("price", False)),
    ("the least expensive one", Superlative("price", False)),
    ("which one is the priciest", Superlative("price", True)),
    ("which has the best reviews?", Superlative("rating", True)),
    ("the best rated one", Superlative("rating", True)),
    ("which has the most reviews", Superlative("review_count", True)),
    ("which is the lightest", Superlative("weight_lb", False)),
    ("which tent holds the most people? the biggest capacity", Superlative("capacity_liters", True)),
    ("which has the longest battery life", Superlative("battery_life_hours", True)),
    ("which one is cheaper?", Superlative("price", False)),
    ("which is more expensive", Superlative("price", True)),
    ("which is rated highest?", Superlative("rating", True)),
    ("which of them has better reviews", Superlative("rating", True)),
    ("the worst rated one", Superlative("rating", False)),
    ("anything cheaper?", None),
    ("tell me about the first one", None),
]


@pytest.mark.parametrize(("text", "expected"), SUPERLATIVES, ids=[s[0] for s in SUPERLATIVES])
def test_superlatives_name_a_field_and_an_end(extractor, text, expected):
    assert frame_of(extractor, text, "product_question", EARBUDS).superlative == expected


def test_cheaper_is_relative_to_what_is_shown(extractor):
    frame = frame_of(extractor, "anything cheaper?", "refine", EARBUDS)
    assert frame.cheaper and frame.constraints.price_max is None


def test_a_new_category_starts_a_new_topic_and_a_budget_does_not(extractor):
    assert frame_of(extractor, "show me speakers", "product_search", EARBUDS).new_topic
    assert not frame_of(extractor, "under $40", "product_search", EARBUDS).new_topic


def test_merging_narrows_and_replaces_what_the_message_restates():
    current = SearchConstraints(query="t-shirts", category="T-Shirts", color="black", size="M", price_max=50)
    narrowed = current.merged(SearchConstraints(color="blue"))
    assert (narrowed.category, narrowed.color, narrowed.size, narrowed.price_max) == ("T-Shirts", "blue", "M", 50)
    # A floor above the old ceiling replaces the range instead of making it empty.
    assert current.merged(SearchConstraints(price_min=80)).price_max is None
    assert narrowed.added_by(SearchConstraints(color="blue")) == ["color"]
    assert narrowed.without("size").size is None


def test_constraints_become_exact_filters():
    filters = SearchConstraints(gender="women", attributes={"waterproof": "yes"}, at_least={"capacity_people": 4},
                                exclude_categories=["Coffee Makers"], price_min=90, price_max=20).filters()  # fmt: skip
    assert filters.gender == "women" and filters.attributes == {"waterproof": "yes"}
    assert filters.at_least == {"capacity_people": 4} and filters.exclude_categories == ["Coffee Makers"]
    assert (filters.min_price, filters.max_price) == (20, 90)  # a reversed range is read the sensible way


def test_a_product_question_with_no_product_in_sight_takes_the_store_question_ranked_next(extractor) -> None:
    text = "how much is shipping?"
    ranked = [("product_question", 0.9), ("shipping_info", 0.05)]
    parse = Parse(text, "product_question", 0.9, ranked, extractor.extract(text))
    assert understand(parse, NOTHING).act == "policy"
    # With products on screen the same reading asks about them.
    assert understand(parse, EARBUDS).act != "policy"
    boots = "how much are hiking boots?"
    parse = Parse(boots, "product_question", 0.9, [("product_question", 0.9), ("payment_info", 0.05)], extractor.extract(boots))
    assert understand(parse, NOTHING).act != "policy"
