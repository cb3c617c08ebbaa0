"""The grounding checker: every claim in a generated answer must be backed by its facts.

It reads an answer sentence by sentence (so streaming can send each sentence once it
passes) and reports what is unsupported: money amounts and currencies, percentages and
discounts, promo codes, ratings and review counts, stock claims, sizes, colours, product
and brand names, materials and certifications, personal data, and echoes of the system prompt.

Amounts are grounded only by structured facts (prices, the store policy, store facts,
what the shopper asked for), never by description or review text: a review that says
"now only $1" is data, not a price. Certifications and "free of"/"proof" claims
("organic", "OEKO-TEX", "BPA-free", "waterproof") follow the same rule: only an
affirmative attribute, the title, the category, the policy or a store fact grounds them.
A material may also be grounded by the store's own description text (`product_texts`),
but review text never grounds a claim. A skill's review quote repeated verbatim inside
quotation marks is attribution ("a reviewer says: “...”"), not a claim of the store's.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.generation import claims
from bot.generation.facts import AnswerContext, ProductFacts
from bot.generation.guardrails import UNSAFE_RE
from bot.generation.prompt import COPY_PROMPT_TEXTS, STRICT_RULES, SYSTEM_PROMPT, tasks
from retrieval.catalog import normalize_color, normalize_size

BASE_COLORS = {
    "black", "white", "grey", "gray", "silver", "gold", "red", "burgundy", "maroon", "pink", "rose",
    "orange", "coral", "yellow", "mustard", "beige", "cream", "ivory", "tan", "brown", "khaki", "olive",
    "green", "sage green", "teal", "turquoise", "blue", "navy", "navy blue", "purple", "lavender",
    "lilac", "violet", "magenta", "charcoal", "cognac", "camel", "mint",
}  # fmt: skip

# Capitalised words an answer may use without a fact behind them.
COMMON_WORDS = set(
    """i i'm i'd i'll i've hi hello hey here there these this that those the a an yes no sure great
    thanks thank you your you're we we're we'd our it it's its they they're both all each every please sorry
    unfortunately however also and but or so if for with let would can could do does is are was of on
    in at to from by just only enjoy happy shopping product products price prices rating ratings stock
    size sizes colour colours color colors brand brands store customer customers service team support
    note option options first second third fourth fifth which what when where why how who absolutely
    okay ok perfect good nice best new my me shopbot ai faq us usa uk eu rs free shipping returns return
    policy payment payments order orders cart delivery standard express monday tuesday wednesday
    thursday friday saturday sunday january february march april may june july august september
    october november december today tomorrow as well one two three some most many more less
    welcome wonderful excellent lovely awesome certainly definitely of course indeed feel let's
    check take look see find found recommend recommendation recommendations compare comparison
    reviews review reviewers customers say says answer question questions information details
    hope glad morning afternoon evening overall currently right now anything else something
    apparel shoes home kitchen electronics beauty sports outdoors toys accessories men women kids
    not sold out available great choice pick picks top rated""".split()
)

LEAK_PATTERNS = re.compile(
    r"\b(?:system prompt|my (?:instructions|rules|prompt)|i (?:was|am) (?:instructed|told) to|"
    r"developer mode|jailbr(?:ea|o)k|no restrictions|unrestricted (?:ai|mode)|i am dan|as dan)\b",
    re.IGNORECASE,
)
_BUDGET_BEFORE = re.compile(
    r"\b(?:under|below|over|above|less than|more than|up to|at most|at least|within|between|budget(?: of)?|"
    r"max(?:imum)?|min(?:imum)?|and|to|from)\s*$",
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’&-]*")
_NAME_TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z0-9'’-]*|\d+[A-Za-z][A-Za-z0-9-]*")
_LEAK_NGRAM = 6
_NO_STOCK = "the catalog does not track this product's stock"
# "I can't tell whether it's in stock" states no stock; the hedge must sit in the same
# clause as the claim, so "not sure about colours, but it's in stock" is still a claim.
_HEDGE_RE = re.compile(
    r"\b(?:can't|cannot|can not|couldn't|don't|do not|not able to|unable to)\s+(?:\w+\s+){0,2}?"
    r"(?:see|tell|say|know|confirm|promise|check|guarantee)\b|\bwhether\b|\bnot sure\b",
    re.IGNORECASE,
)


def _hedged(sentence: str, at: int) -> bool:
    """True when the stock phrase at `at` is inside a hedge ("I can't see whether ... in stock")."""
    clause = re.split(r"[,;:]|\bbut\b", sentence[:at])[-1]
    return _HEDGE_RE.search(clause) is not None


@dataclass(frozen=True)
class Violation:
    """One unsupported claim: what kind, the words that made it, and why it fails."""

    kind: str
    text: str
    reason: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.text!r} ({self.reason})"


def _words(text: str) -> list[str]:
    return [w.lower().strip("'’-") for w in _WORD_RE.findall(text)]


def _ngrams(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


@functools.cache
def _prompt_ngrams() -> set[tuple[str, ...]]:
    """Word 6-grams of the instructions a model is given: an answer repeating one leaks the prompt."""
    return _ngrams(_words(" ".join([SYSTEM_PROMPT, STRICT_RULES, *tasks(), *COPY_PROMPT_TEXTS])), _LEAK_NGRAM)

# Attribute values that deny rather than state: "waterproof: no" grounds no waterproof claim.
_NEGATIVE_VALUES = {"no", "false", "none", "n/a", "0", "not", "unknown"}
# "not waterproof", "isn't listed as organic", "don't say anything about BPA": a denial or an
# admission of not knowing is not a claim. "Don't miss these organic tees" still is.
_NEGATED_BEFORE = re.compile(
    r"\b(?:not|never|isn't|aren't|wasn't|weren't|nor)\s+(?:(?:listed|described|marked|labell?ed|stated|said|"
    r"sold|advertised|claimed)\s+)?(?:as\s+|to\s+be\s+)?(?:[\w-]+\s+)?$"
    r"|\b(?:say|says|said|mention|mentions|state|states|list|lists)\s+(?:anything|nothing)\s+(?:about|on)\s+"
    r"(?:whether\s+)?(?:(?:it|they)\s+(?:is|are)\s+)?(?:[\w-]+\s+)?$",
    re.IGNORECASE,
)
# "organic: no", "dishwasher safe tray: no" in a list of attributes (a comparison) states the opposite of a claim.
_NEGATED_AFTER = re.compile(r"(?:\s+[\w-]+){0,2}\s*[:=]\s*(?:no|false|none|n/a)\b", re.IGNORECASE)
_QUOTED_RE = re.compile(r"“([^”]+)”|\"([^\"]+)\"")
# One claim implies another the catalog need not spell out.
_IMPLIES = {"waterproof": {"water-resistant"}, "oeko-tex": {"certified"}, "fsc": {"certified"}, "gots": {"certified", "organic"}}
_SPELLINGS = {"aluminium": "aluminum", "carbon fibre": "carbon fiber"}


@dataclass
class _Allowed:
    """Everything the context makes stateable, folded for fast look-up."""

    money: list[tuple[float, str]] = field(default_factory=list)
    percents: set[float] = field(default_factory=set)
    codes: set[str] = field(default_factory=set)
    tokens: set[str] = field(default_factory=set)
    text: str = ""
    discounts: bool = False
    sizes: set[str] = field(default_factory=set)
    review_counts: set[int] = field(default_factory=set)
    budget: list[tuple[float, str]] = field(default_factory=list)
    free: bool = False
    urls: set[str] = field(default_factory=set)
    certifications: set[str] = field(default_factory=set)
    material_text: str = ""
    quotes: list[str] = field(default_factory=list)


def _structured_texts(context: AnswerContext) -> list[str]:
    """Texts from the store itself (not from shoppers or reviewers)."""
    texts = list(context.store_facts)
    if context.policy:
        texts += [context.policy.title, context.policy.text]
    for f in context.findings:
        # A topic taken from the shopper's question is their words, not the store's.
        if f.source in ("attribute", "catalog"):
            texts += [f.topic, f.answer]
    for reasons in context.reasons.values():
        texts.extend(reasons)
    return texts


def _affirmative(value: str) -> bool:
    folded = value.strip().lower()
    return folded not in _NEGATIVE_VALUES and not folded.startswith(("no ", "not "))


def _claim_texts(context: AnswerContext) -> list[str]:
    """Structured texts that may ground a certification: affirmative facts only."""
    texts = list(context.store_facts)
    if context.policy:
        texts += [context.policy.title, context.policy.text]
    for reasons in context.reasons.values():
        texts.extend(reasons)
    for f in context.findings:
        if f.source in ("attribute", "catalog") and _affirmative(f.answer):
            texts.append(f"{f.topic} {f.answer}")
    for p in context.products:
        texts += [p.title, p.brand or "", p.category]
        texts += [f"{k} {v}" for k, v in p.attributes if _affirmative(v)]
    return texts


def _fold_material(text: str) -> str:
    text = text.lower()
    for spelling, canonical in _SPELLINGS.items():
        text = text.replace(spelling, canonical)
    return text


def _build_claims(allowed: _Allowed, context: AnswerContext, product_texts: Iterable[str]) -> None:
    structured = _claim_texts(context)
    for text in structured:
        for name, _, _ in claims.find_certifications(text):
            allowed.certifications |= {name, *_IMPLIES.get(name, ())}
    # The store's own prose may say what a product is made of; reviewers may not.
    prose = [*product_texts, *(f.quote for f in context.findings if f.source == "description" and f.quote)]
    allowed.material_text = _fold_material(" | ".join([*structured, *prose]))
    allowed.quotes = [" ".join(f.quote.split()).lower() for f in context.findings if f.quote]


def _build_allowed(context: AnswerContext, prose: Iterable[str] = ()) -> _Allowed:
    allowed = _Allowed()
    prose = list(prose)
    _build_claims(allowed, context, prose)
    # The shopper's budget was read in the store's currency; it may be repeated in that
    # currency only, even when nothing was found to show.
    currencies = {p.currency for p in context.products} | {context.constraints.currency}
    for p in context.products:
        allowed.money.append((p.price, p.currency))
        if p.compare_at_price:
            allowed.money.append((p.compare_at_price, p.currency))
            allowed.money.append((round(p.compare_at_price - p.price, 2), p.currency))
            allowed.discounts = True
        if p.discount_percent:
            allowed.percents.add(float(p.discount_percent))
        allowed.sizes.update(p.sizes)
        allowed.review_counts.add(p.review_count)
    for amount in context.constraints.amounts():
        allowed.budget.extend((amount, c) for c in currencies)
    allowed.free = any(p.price == 0 for p in context.products)
    allowed.urls = {u.lower().rstrip("/") for p in context.products for u in (p.product_url, p.image_url) if u}
    if context.constraints.size:
        allowed.sizes.add(normalize_size(context.constraints.size))
    structured = _structured_texts(context)
    for text in structured:
        allowed.money.extend((m.amount, m.currency) for m in claims.find_money(text))
        allowed.percents.update(v for v, _ in claims.find_percents(text))
        allowed.codes.update((m.group("code") or m.group("anycase")).upper() for m in claims.CODE_RE.finditer(text))
        allowed.codes.update(re.findall(r"\b[A-Z][A-Z0-9]{3,}\b", text))
        allowed.sizes.update(normalize_size(s) for s, _ in claims.find_sizes(text))
        allowed.review_counts.update(n for n, _ in claims.find_review_counts(text))
        if claims.DISCOUNT_WORDS_RE.search(text):
            allowed.discounts = True
        if claims.FREE_RE.search(text):
            allowed.free = True
    for p in context.products:
        for _, value in p.attributes:
            allowed.percents.update(v for v, _ in claims.find_percents(value))
        allowed.percents.update(v for v, _ in claims.find_percents(p.title))
        # "Size 4 Diapers": a size named in the title is a fact about the product.
        allowed.sizes.update(normalize_size(s) for s, _ in claims.find_sizes(p.title))
    product_texts = [
        " ".join([p.title, p.brand or "", p.category, " ".join(p.colors), " ".join(f"{k} {v}" for k, v in p.attributes)])
        for p in context.products
    ]
    constraint_text = " ".join(
        str(v) for v in vars(context.constraints).values() if isinstance(v, str)
    )
    # Names may come from the shopper's own words ("do you have Nike?") but amounts may not.
    free_text = [context.message, context.store_name, *[t.text for t in context.history]]
    free_text += [f.quote for f in context.findings if f.quote]
    free_text += prose  # names the store's own description uses
    allowed.text = " ".join([*product_texts, *structured, constraint_text]).lower()
    words = _words(" ".join([allowed.text, *free_text]))
    # "8-inch" also grounds "Inch"; "gold-plated" also "plated".
    allowed.tokens = set(words) | {part for w in words if "-" in w for part in w.split("-")}
    allowed.tokens |= {w.removesuffix("'s").removesuffix("’s") for w in allowed.tokens}
    return allowed


class GroundingChecker:
    """Checks answers against one context. `check` is stateless; `check_sentence` tracks mentions."""

    def __init__(
        self,
        context: AnswerContext,
        *,
        brands: Iterable[str] = (),
        colors: Iterable[str] = (),
        product_texts: Iterable[str] = (),
    ) -> None:
        """`product_texts`: the store's own prose about the products (descriptions). It grounds
        materials and names, never amounts or certifications."""
        self.context = context
        self.allowed = _build_allowed(context, product_texts)
        self.colors = sorted({normalize_color(c) for c in [*BASE_COLORS, *colors]}, key=len, reverse=True)
        in_context = {(p.brand or "").lower() for p in context.products}
        self.foreign_brands = {b.lower() for b in brands if b and b.lower() not in in_context}
        self.foreign_brands -= {w for w in self.allowed.tokens if w in self.foreign_brands and w in self.allowed.text}
        self._distinctive = self._distinctive_tokens(context.products)
        # Hashtags that just spell a product's brand, category or title ("#cradlewood").
        self._name_tags = {
            re.sub(r"[^a-z0-9]", "", name.lower())
            for p in context.products
            for name in [p.brand or "", p.title, *p.category.split(" > ")]
        } - {""}
        self._last_product: ProductFacts | None = None

    # -- public ------------------------------------------------------------------------

    def check(self, text: str) -> list[Violation]:
        """Every unsupported claim in a whole answer."""
        self._last_product = None
        found: list[Violation] = []
        sentences, rest = claims.split_sentences(text)
        for sentence in [*sentences, rest]:
            if sentence.strip():
                found.extend(self.check_sentence(sentence))
        return found

    def check_sentence(self, sentence: str) -> list[Violation]:
        """Unsupported claims in one sentence; products named here are remembered for the next."""
        mentions = self._mentions(sentence)
        found = [
            *self._check_money(sentence),
            *self._check_percents_and_discounts(sentence),
            *self._check_ratings(sentence, mentions),
            *self._check_stock(sentence, mentions),
            *self._check_sizes(sentence, mentions),
            *self._check_colors(sentence),
            *self._check_materials(sentence),
            *self._check_names(sentence),
            *self._check_safety(sentence),
        ]
        if mentions:
            self._last_product = mentions[-1][1]
        return found

    # -- product mentions ----------------------------------------------------------------

    @staticmethod
    def _distinctive_tokens(products: tuple[ProductFacts, ...]) -> list[tuple[ProductFacts, set[str]]]:
        """Per product, title words no other product in the context shares."""
        token_sets = [
            (p, {w.removesuffix("'s").removesuffix("’s") for w in _words(p.title) if len(w) >= 3 and w not in COMMON_WORDS})
            for p in products
        ]
        out = []
        for p, tokens in token_sets:
            others = set().union(*(t for q, t in token_sets if q is not p)) if len(token_sets) > 1 else set()
            out.append((p, tokens - others))
        return out

    def _mentions(self, sentence: str) -> list[tuple[int, ProductFacts]]:
        """Products named in a sentence, by position."""
        lowered = sentence.lower()
        found = []
        for product, tokens in self._distinctive:
            positions = [m.start() for t in tokens for m in re.finditer(rf"(?<![\w-]){re.escape(t)}(?![\w-]|['’](?!s\b))", lowered)]
            if (at := lowered.find(product.title.lower())) >= 0:
                positions.append(at)
            if positions:
                found.append((min(positions), product))
        return sorted(found, key=lambda x: x[0])

    def _referent(self, position: int, mentions: list[tuple[int, ProductFacts]]) -> list[ProductFacts]:
        """The products a claim at `position` is about: the nearest one named before it, else
        the first named after it, else the one in focus, else any in context."""
        # Products named at the same place (identical titles) are all candidates.
        before = [pos for pos, _ in mentions if pos <= position]
        at = max(before) if before else (mentions[0][0] if mentions else None)
        if at is not None:
            return [p for pos, p in mentions if pos == at]
        if self._last_product is not None:
            return [self._last_product]
        return list(self.context.products)

    # -- claim kinds ---------------------------------------------------------------------

    def _check_money(self, sentence: str) -> list[Violation]:
        found = []
        for m in claims.find_money(sentence):
            same_amount = [c for a, c in self.allowed.money if abs(a - m.amount) < 0.005]
            # The shopper's own budget may be repeated as a budget ("under $50"), never as a price.
            if _BUDGET_BEFORE.search(sentence[: m.start]):
                same_amount += [c for a, c in self.allowed.budget if abs(a - m.amount) < 0.005]
            if m.currency in same_amount:
                continue
            if same_amount:
                found.append(Violation("currency", m.text, f"the catalog states this amount in {same_amount[0]}"))
            else:
                found.append(Violation("money", m.text, "no price or amount in the facts matches"))
        return found

    def _check_percents_and_discounts(self, sentence: str) -> list[Violation]:
        found = [
            Violation("percent", text, "no discount or figure in the facts matches")
            for value, text in claims.find_percents(sentence)
            if value not in self.allowed.percents
        ]
        if not self.allowed.discounts and (m := claims.DISCOUNT_WORDS_RE.search(sentence)):
            found.append(Violation("discount", m.group(0), "no product or policy in the facts has a discount"))
        for m in claims.CODE_RE.finditer(sentence):
            if (m.group("code") or m.group("anycase")).upper() not in self.allowed.codes:
                found.append(Violation("code", m.group(0), "no such code in the store policy"))
        if (m := claims.FREE_RE.search(sentence)) and not self.allowed.free:
            found.append(Violation("money", m.group(0), "nothing in the facts is free"))
        return found

    def _check_ratings(self, sentence: str, mentions: list[tuple[int, ProductFacts]]) -> list[Violation]:
        found = []
        for value, text in claims.find_ratings(sentence):
            candidates = self._referent(sentence.find(text), mentions) if mentions else list(self.context.products)
            ratings = [p.rating for p in candidates if p.rating is not None]
            if not any(abs(r - value) < 0.051 for r in ratings):
                found.append(Violation("rating", text, "does not match the product's rating"))
        for count, text in claims.find_review_counts(sentence):
            if count not in self.allowed.review_counts:
                found.append(Violation("reviews", text, "does not match the review count"))
        return found

    def _check_stock(self, sentence: str, mentions: list[tuple[int, ProductFacts]]) -> list[Violation]:
        found: list[Violation] = []
        if not self.context.products:
            return found  # "our team is available" is not a stock claim
        sizes = {normalize_size(s) for s, _ in claims.find_sizes(sentence)}
        colors = {c for c in self.colors if re.search(rf"\b{re.escape(c)}\b", sentence, re.I)}
        negative_spans = []
        for m in claims.OUT_OF_STOCK_RE.finditer(sentence):
            negative_spans.append((m.start(), m.end()))
            referents = self._referent(m.start(), mentions)
            partly = any(
                (sizes & (set(p.sizes) - set(p.sizes_in_stock))) or (colors & (set(p.colors) - set(p.colors_in_stock)))
                for p in referents
            )
            if not partly and not any(not p.in_stock for p in referents) and not _hedged(sentence, m.start()):
                unknown = all(not p.stock_known for p in referents)
                found.append(Violation("stock", m.group(0), _NO_STOCK if unknown else "the product is in stock"))
        for m in claims.IN_STOCK_RE.finditer(sentence):
            if any(a <= m.start() < b or m.start() <= a < m.end() for a, b in negative_spans):
                continue
            referents = self._referent(m.start(), mentions)
            # A product whose stock the catalog does not track can be bought, but is not
            # known to be "in stock": only a product with stated stock backs the claim.
            if not any(p.in_stock and p.stock_known for p in referents) and not _hedged(sentence, m.start()):
                unknown = any(p.in_stock and not p.stock_known for p in referents)
                found.append(Violation("stock", m.group(0), _NO_STOCK if unknown else "the product is out of stock"))
        for count, position, text in claims.find_stock_counts(sentence):
            referents = self._referent(position, mentions)
            if not any(p.stock == count for p in referents):
                found.append(Violation("stock", text, "does not match the units in stock"))
        return found

    def _check_sizes(self, sentence: str, mentions: list[tuple[int, ProductFacts]]) -> list[Violation]:
        found = []
        for raw, position in claims.find_sizes(sentence):
            size = normalize_size(raw)
            referents = self._referent(position, mentions)
            known = set().union(*(set(p.sizes) for p in referents)) if referents else set()
            if size not in known and size not in self.allowed.sizes:
                found.append(Violation("size", raw, "the product does not come in this size"))
        return found

    def _check_colors(self, sentence: str) -> list[Violation]:
        found, lowered = [], sentence.lower()
        for color in self.colors:
            pattern = rf"\b{re.escape(color)}\b"
            if re.search(pattern, lowered) and not re.search(pattern, self.allowed.text):
                found.append(Violation("color", color, "no product in the facts comes in this colour"))
                lowered = re.sub(pattern, " ", lowered)
        return found

    def _check_materials(self, sentence: str) -> list[Violation]:
        """Certifications and materials the facts do not state (denials and attributed quotes aside)."""
        if not self.context.products:
            return []  # with no product in view ("try “waterproof boots”") nothing is claimed of one
        quoted = self._attributed_spans(sentence)
        found = []
        for name, position, text in claims.find_certifications(sentence):
            if name in self.allowed.certifications or self._exempt(sentence, position, quoted, text):
                continue
            found.append(Violation("certification", text, f"no catalog attribute says {name!r}"))
        for material, position, text in claims.find_materials(sentence):
            if self._exempt(sentence, position, quoted, text):
                continue
            folded = _fold_material(material)
            if not re.search(rf"(?<![\w-]){re.escape(folded)}(?!\w)", self.allowed.material_text):
                found.append(Violation("material", text, "the catalog does not say the product is made of this"))
        return found

    def _attributed_spans(self, sentence: str) -> list[tuple[int, int]]:
        """Quoted spans that repeat, word for word, a quote a skill chose as evidence."""
        spans = []
        for m in _QUOTED_RE.finditer(sentence):
            inner = " ".join((m.group(1) or m.group(2)).split()).lower().strip(" .!?,")
            if inner and any(inner in q for q in self.allowed.quotes):
                spans.append((m.start(), m.end()))
        return spans

    def _exempt(self, sentence: str, position: int, quoted: list[tuple[int, int]], text: str) -> bool:
        """A hashtag spelling a product's own name, an attributed quote, or a denial."""
        if sentence.startswith("#", position):
            tag = claims.HASHTAG_RE.match(sentence, position)
            return tag is not None and tag.group("tag").lower() in self._name_tags
        if any(a <= position < b for a, b in quoted):
            return True
        if _NEGATED_AFTER.match(sentence, position + len(text)):
            return True
        return _NEGATED_BEFORE.search(sentence[:position]) is not None

    def _check_names(self, sentence: str) -> list[Violation]:
        """Made-up or foreign product and brand names.

        A capitalised word or run of words the facts never use (other than a sentence's
        first word and common words), a
        CamelCase or model-number token the facts never use, or a brand the store sells
        that is not among the products in context.
        """
        found = []
        tokens = list(_NAME_TOKEN_RE.finditer(sentence))
        run: list[re.Match[str]] = []

        first_word = tokens[0].start() if tokens else 0

        def close_run() -> None:
            unknown = [t.group(0) for t in run if self._unknown(t.group(0))]
            reported = {v.text for v in found}
            # A lone capitalised first word is just how sentences start.
            lone_opening = len(run) == 1 and (
                run[0].start() == first_word or re.search(r"[“\"'(:\n*•-]\s*$", sentence[: run[0].start()]) is not None
            )
            if unknown and not lone_opening and not reported & {t.group(0) for t in run}:
                text = sentence[run[0].start() : run[-1].end()]
                found.append(Violation("name", text, f"{unknown[0]!r} is not in the facts"))
            run.clear()

        for i, t in enumerate(tokens):
            word = t.group(0)
            gap = sentence[tokens[i - 1].end() : t.start()] if i else ""
            if run and (gap.strip() not in ("", "&", "-") or not word[0].isupper()):
                close_run()
            lowered = word.lower().strip("'’")
            if lowered.removesuffix("'s").removesuffix("’s") in self.foreign_brands and word[0].isupper():
                found.append(Violation("name", word, "a brand that none of the products in the facts has"))
            elif self._weird(word) and self._unknown(word):
                found.append(Violation("name", word, "a product name that is not in the facts"))
            if word[0].isupper():
                run.append(t)
        close_run()
        return found

    @staticmethod
    def _weird(word: str) -> bool:
        """CamelCase ("TrailMax") or letters mixed with digits ("X200"): how product names look."""
        return bool(re.search(r"[a-z][A-Z]", word) or (re.search(r"\d", word) and re.search(r"[A-Za-z]", word)))

    def _unknown(self, word: str) -> bool:
        lowered = word.lower().strip("'’-").removesuffix("'s").removesuffix("’s")
        if lowered in self.allowed.tokens or lowered in COMMON_WORDS:
            return False
        # Plurals and possessives of known words ("Boots" for "boot").
        return lowered.rstrip("s") not in self.allowed.tokens and lowered + "s" not in self.allowed.tokens

    def _check_safety(self, sentence: str) -> list[Violation]:
        found = [
            Violation("personal data", sentence[s:e], f"an answer never repeats personal data ({kind})")
            for kind, s, e in claims.find_personal_data(sentence)
        ]
        for m in claims.URL_RE.finditer(sentence):
            link = m.group(0).lower().rstrip("/.,")
            if not any(link in u or u in link for u in self.allowed.urls):
                found.append(Violation("link", m.group(0), "an answer links only to the store's own product pages"))
        if m := UNSAFE_RE.search(sentence):
            found.append(Violation("unsafe", m.group(0), "content the assistant never gives"))
        if m := LEAK_PATTERNS.search(sentence):
            found.append(Violation("prompt", m.group(0), "talks about its instructions or role"))
        leaked = _ngrams(_words(sentence), _LEAK_NGRAM) & _prompt_ngrams()
        if leaked - _ngrams(_words(self.allowed.text), _LEAK_NGRAM):
            found.append(Violation("prompt", " ".join(next(iter(leaked))), "repeats the system prompt"))
        return found


_UNKNOWN_RE = re.compile(
    r"\b(?:don't|do not|doesn't|does not|can't|cannot|not sure|no information|unknown|not (?:listed|mentioned|stated)|"
    r"isn't (?:listed|mentioned)|unsure|no details?)\b",
    re.IGNORECASE,
)


def omissions(context: AnswerContext, text: str) -> list[Violation]:
    """What a whole answer leaves out that it was asked to convey.

    A fluent answer that ignores the question is as wrong as one with a false price. What
    each kind of answer must convey is its skill's own check (bot/skills/): a list names the
    products with their prices, a product answer states each finding (or says the catalog
    does not know), a policy answer carries the policy's figures.
    """
    from bot.skills import registry

    checker = GroundingChecker(context)
    named = {p.id for _, p in checker._mentions(text)}  # noqa: SLF001 - same module family
    return registry.skill(context.skill).checks(context, text, named)


def unpriced(context: AnswerContext, text: str, named: set[str]) -> list[Violation]:
    """Products the answer names without their price.

    A shopper choosing between products needs what each costs; a fluent answer that names a
    product on sale but drops its price (the usual small-model failure) is not an answer.
    Saying one is sold out needs no price.
    """
    amounts = {(m.amount, m.currency) for m in claims.find_money(text)}
    return [
        Violation("omission", p.title, "names a product without its price")
        for p in context.products
        if p.id in named and p.in_stock and (round(p.price, 2), p.currency) not in amounts
    ]


def finding_omissions(context: AnswerContext, text: str) -> list[Violation]:
    """Findings of a product answer the text does not state (or, when unknown, does not say so)."""
    lowered = text.lower()
    missing: list[Violation] = []
    for f in context.findings:
        if f.answer == "unknown":
            if not _UNKNOWN_RE.search(text):
                missing.append(Violation("omission", f.topic, "does not say the catalog has no answer"))
        elif f.answer == "mentioned":
            if not any(w in lowered for w in _words(f.quote or "") if len(w) > 4):
                missing.append(Violation("omission", f.topic, "does not use what the product text says"))
        elif f.answer in ("yes", "no"):
            if not re.search(rf"\b{f.answer}\b", lowered) and not (f.answer == "no" and _UNKNOWN_RE.search(text)):
                missing.append(Violation("omission", f.topic, f"does not answer {f.answer!r}"))
        elif f.answer.lower() not in lowered:
            missing.append(Violation("omission", f.topic, f"does not state {f.answer!r}"))
    return missing


def policy_omissions(context: AnswerContext, text: str) -> list[Violation]:
    """A policy answer that leaves out every figure of the policy section."""
    if context.policy is None:
        return []
    lowered = text.lower()
    figures = [m.text for m in claims.find_money(context.policy.text)] + re.findall(r"\b\d+\b", context.policy.text)
    if figures and not any(f.lower() in lowered for f in figures):
        return [Violation("omission", context.policy.title, "leaves out every figure of the policy")]
    return []


def check_answer(context: AnswerContext, text: str, *, brands: Iterable[str] = ()) -> list[Violation]:
    """Every unsupported claim in `text` given `context` (a convenience over GroundingChecker)."""
    return GroundingChecker(context, brands=brands).check(text)
