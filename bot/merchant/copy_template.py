"""Product copy written from catalog facts alone: works offline, never states an unsupported claim.

Every sentence is assembled from the product's structured facts (name, brand, category,
attributes, colours, sizes, price, rating), the store's description sentences, and a few
verbatim review highlights that the checker has already passed. Variants differ in the
opening line, which facts lead, their order, the highlight quoted and the call to action.
Whatever the builder produces is checked again and a failing sentence is dropped, so the
template copy is grounded by construction, not by hope.
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from bot.generation.checker import GroundingChecker
from bot.generation.facts import ProductFacts, money, rating_text

# -- phrase banks, per tone ---------------------------------------------------------------
# Placeholders: {title} {brand} {leaf} {store}. No bank phrase claims anything checkable
# (no stock, no certifications), and none capitalises a word mid-sentence that the facts
# would not ground.
OPENERS: dict[str, tuple[str, ...]] = {
    "friendly": (
        "Say hello to the {title}.",
        "Meet the {title} from {brand}.",
        "Looking for new {leaf}? The {title} has you covered.",
        "Here's one we think you'll love: the {title}.",
        "The {title} is the easy choice for everyday {leaf}.",
    ),
    "premium": (
        "Introducing the {title} by {brand}.",
        "The {title}. Considered in every detail.",
        "Refined {leaf}, by {brand}: the {title}.",
        "Discover the {title}, crafted for those who notice the difference.",
        "Quiet quality: the {title}.",
    ),
    "playful": (
        "Big news: the {title} just landed!",
        "Psst, your {leaf} game is about to level up with the {title}!",
        "Ready for an upgrade? Meet the {title}!",
        "Plot twist: the {leaf} you didn't know you needed is the {title}!",
        "Cue the happy dance, the {title} is here!",
    ),
    "professional": (
        "The {title} from {brand} is made for everyday use.",
        "Introducing the {title}, a dependable choice in {leaf}.",
        "The {title}: practical {leaf} from {brand}.",
        "Meet the {title}, designed with everyday use in mind.",
        "Choose the {title} for {leaf} you can rely on.",
    ),
}
HEADLINES: dict[str, tuple[str, ...]] = {
    "friendly": ("Meet the {title}", "Your new favourite: the {title}", "Say hello to the {title}"),
    "premium": ("The {title}", "{brand}, refined: the {title}", "Introducing the {title}"),
    "playful": ("Hello, {title}!", "Upgrade alert: the {title}!", "New crush: the {title}!"),
    "professional": ("The {title}", "Introducing the {title}", "The {title}: {leaf}, done properly"),
}
CALLS: dict[str, tuple[str, ...]] = {
    "friendly": ("Shop it today.", "Grab yours today.", "Come take a look.", "Treat yourself today."),
    "premium": ("Discover it now.", "Make it yours.", "Explore it today.", "Experience it for yourself."),
    "playful": ("Go on, treat yourself!", "Tap to shop!", "Add it to your cart!", "Don't wait, grab yours!"),
    "professional": ("Order yours today.", "Shop now.", "See the full details and order today.", "Order today."),
}
PRICE_LINES: dict[str, tuple[str, ...]] = {
    "friendly": ("Yours for {price}.", "All for {price}.", "It's {price}."),
    "premium": ("{price}.", "Priced at {price}.", "Yours for {price}."),
    "playful": ("Yours for just {price}!", "All that for {price}!", "Only {price}, seriously!"),
    "professional": ("Priced at {price}.", "The price: {price}.", "It costs {price}."),
}
SALE_LINES: dict[str, tuple[str, ...]] = {
    "friendly": ("Now {price}, down from {was} ({pct}% off).",),
    "premium": ("Now {price}, was {was}.",),
    "playful": ("Now just {price}, down from {was}: that's {pct}% off!",),
    "professional": ("Now {price}, reduced from {was} ({pct}% off).",),
}
QUOTE_LINES = ("One customer put it simply: “{q}”", "As one reviewer says, “{q}”", "Customers say: “{q}”")
GREETINGS = {"friendly": "Hi there,", "premium": "Hello,", "playful": "Hey you!", "professional": "Hello,"}
SUBJECTS: dict[str, tuple[str, ...]] = {
    "friendly": ("Meet the {title}", "Something new for you: the {title}", "The {title} is here"),
    "premium": ("Introducing the {title}", "The {title}, by {brand}", "Discover the {title}"),
    "playful": ("You'll want to see this: the {title}!", "New {leaf} alert!", "Say hi to the {title}!"),
    "professional": ("Introducing the {title}", "The {title} from {brand}", "Now in our {leaf} range: the {title}"),
}
TONES: tuple[str, ...] = tuple(OPENERS)

# How an attribute reads in a sentence; "{v}" is the value. None: not worth saying in copy.
_ATTRIBUTE_PHRASES: dict[str, str | None] = {
    "material": "made of {v}", "origin": "from {v}", "skin type": "for {v} skin", "age range": "for ages {v}",
    "dog size": "for {v} dogs", "breed size": "for {v} breeds", "life stage": "for {v}", "gender": None,
    "style": "{v} style", "pack count": "a pack of {v}", "piece count": "{v} pieces", "flavor notes": "notes of {v}",
    "fill": "{v} fill", "metal": "in {v}", "lining": "{v} lining", "spf": "SPF {v}", "fit": "a {v} fit",
    "sold as": "sold as {v}",
}  # fmt: skip
_UNITS = {"hours": "hours", "oz": "oz", "inches": "inches", "lb": "lb", "liters": "liters", "quarts": "quarts",
          "hz": "Hz", "days": "days", "watts": "watts", "mm": "mm", "cm": "cm"}  # fmt: skip
_ADJECTIVE_ENDINGS = ("proof", "safe", "free", "able", "ible", "ed", "ing", "ant", "ic")
_WORD_RE = re.compile(r"\S+")


def word_count(text: str) -> int:
    """Words as a reader counts them."""
    return len(_WORD_RE.findall(text))


def attribute_phrase(key: str, value: str) -> str | None:
    """One attribute as a phrase for copy ("made of recycled polyester", "battery life of 8 hours")."""
    value = value.strip()
    folded = value.lower()
    if folded in ("no", "false", "none", "n/a", "0") or not value:
        return None  # copy sells what a product has, never what it lacks
    if key in _ATTRIBUTE_PHRASES:
        phrase = _ATTRIBUTE_PHRASES[key]
        return phrase.format(v=value) if phrase else None
    if folded in ("yes", "true"):
        # "waterproof", "dishwasher safe" read as they are; "lumbar support" needs a "with".
        adjective = key in ("organic", "decaf") or key.split()[-1].endswith(_ADJECTIVE_ENDINGS)
        return key if adjective else f"with {key}"
    head, _, unit = key.rpartition(" ")
    if unit in _UNITS and head and re.fullmatch(r"[\d.,\-–+ ]+", value):
        return f"{head} of {value} {_UNITS[unit]}"
    if key.split()[-1] in folded:  # "rise: high rise"
        return value
    if len(value.split()) <= 2:
        return f"{value} {key}"  # "slim fit", "medium roast", "7/8 length"
    return f"{key} {value}"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True)
class CopyFacts:
    """What copy may use: the product's facts, its description sentences and review highlights."""

    product: ProductFacts
    description_sentences: tuple[str, ...] = ()
    highlights: tuple[str, ...] = ()
    store_name: str = "our store"

    @property
    def leaf(self) -> str:
        """The product's own category, lower-cased ("leggings")."""
        return self.product.category.split(" > ")[-1].lower() if self.product.category else "products"

    def hashtags(self) -> list[str]:
        """One or two lower-case hashtags from the brand and category: lower-case, so no made-up names."""
        tags = []
        for source in (self.product.brand or "", self.leaf):
            tag = re.sub(r"[^a-z0-9]", "", source.lower())
            if tag and tag not in tags:
                tags.append(tag)
        return [f"#{t}" for t in tags[:2]]


class _Draw(random.Random):
    """The randomness of one variant: order and selection vary with the variant, while phrase
    choice starts at a place fixed per product and steps by the variant, so consecutive
    variants never open (or close) with the same phrase."""

    def __init__(self, key: str, variant: int) -> None:
        super().__init__(f"{key}|{variant}")
        self.start = zlib.crc32(key.encode())


class TemplateCopywriter:
    """Writes copy of each kind from facts only; deterministic per (product, kind, tone, variant)."""

    name = "template"

    def __init__(self, checker_for: Callable[[], GroundingChecker]) -> None:
        # A fresh checker per piece: a checker remembers the last product named.
        self._checker_for = checker_for

    def write(self, facts: CopyFacts, kind: str, tone: str, max_words: int, variant: int = 0) -> str:
        """The copy text for one variant."""
        rng = _Draw(f"{facts.product.id}|{kind}|{tone}", variant)
        builder = {"description": self._description, "ad": self._ad, "social": self._social, "email": self._email}[kind]
        text = builder(facts, tone, max_words, variant, rng)
        if self._grounded(text):
            return text
        # Every piece passed alone, so this is a bug in how they combine; never ship it.
        p = facts.product
        return " ".join(f"{p.title}. {money(p.price, p.currency)}.".split()[:max_words])

    # -- pieces -----------------------------------------------------------------------

    def _fill(self, template: str, facts: CopyFacts) -> str:
        p = facts.product
        text = template.format(title=p.title, brand=p.brand or "", leaf=facts.leaf, store=facts.store_name)
        return text.replace("the The ", "the ")

    def _phrase(self, bank: tuple[str, ...], facts: CopyFacts, variant: int, rng: random.Random) -> str:
        """A bank phrase filled in; phrases naming the brand only for products that have one."""
        brand = facts.product.brand
        # "the Fernweave Sweater from Fernweave" says the brand twice.
        redundant = bool(brand) and brand.lower() in facts.product.title.lower()  # type: ignore[union-attr]
        usable = tuple(b for b in bank if "{brand}" not in b or (brand and not (redundant and "{title}" in b))) or bank
        return self._fill(self._pick(usable, variant, rng), facts)

    def _pick(self, bank: tuple[str, ...], variant: int, rng: random.Random) -> str:
        # A seeded start, stepped by the variant: consecutive variants never share a phrase.
        return bank[(rng.start + variant) % len(bank)] if isinstance(rng, _Draw) else rng.choice(bank)

    def _grounded(self, piece: str) -> bool:
        return not self._checker_for().check(piece)

    def _features(self, facts: CopyFacts, rng: random.Random, variant: int) -> list[str]:
        phrases = [x for k, v in facts.product.attributes if (x := attribute_phrase(k, v))]
        # The material leads in the first variant (stores ask about it most); later ones shuffle.
        if variant:
            rng.shuffle(phrases)
        return phrases

    def _price(self, facts: CopyFacts, tone: str, variant: int, rng: random.Random) -> str:
        p = facts.product
        price = money(p.price, p.currency)
        if p.discount_percent and p.compare_at_price:
            line = self._pick(SALE_LINES[tone], variant, rng)
            return line.format(price=price, was=money(p.compare_at_price, p.currency), pct=p.discount_percent)
        return self._pick(PRICE_LINES[tone], variant, rng).format(price=price)

    def _rating(self, facts: CopyFacts) -> str | None:
        p = facts.product
        # Copy boasts only of a rating worth boasting of, from enough reviews to mean something.
        if p.rating is None or p.rating < 4.0 or p.review_count < 3:
            return None
        return f"Rated {rating_text(p.rating)} out of 5 across {p.review_count} reviews."

    def _options(self, facts: CopyFacts) -> str | None:
        p = facts.product
        parts = []
        if p.colors:
            parts.append(f"in {_join(list(p.colors))}" if len(p.colors) <= 5 else f"in {len(p.colors)} colours")
        if p.sizes:
            sizes = list(p.sizes)
            parts.append(f"in sizes {_join(sizes)}" if len(sizes) <= 6 else f"in sizes {sizes[0]} to {sizes[-1]}")
        return f"Comes {' and '.join(parts)}." if parts else None

    def _quote(self, facts: CopyFacts, variant: int, rng: random.Random) -> str | None:
        if not facts.highlights:
            return None
        q = facts.highlights[variant % len(facts.highlights)]
        return self._pick(QUOTE_LINES, variant, rng).format(q=q)

    def _feature_sentence(self, features: list[str], tone: str) -> str | None:
        if not features:
            return None
        lead = {"premium": "Details", "playful": "The good stuff", "professional": "Key details",
                "friendly": "What you get"}[tone]  # fmt: skip
        return f"{lead}: {_join(features[:3])}{'!' if tone == 'playful' else '.'}"

    # -- fitting ----------------------------------------------------------------------

    def _fit(self, pieces: list[tuple[int, str]], max_words: int, name_line: str | None = None) -> list[str]:
        """Pieces (priority, text) in their given order, keeping the most important that fit.

        The first-ranked piece names the product; when it is too long for the budget,
        `name_line` (the bare product name) takes its place, so short copy still says what it sells.
        """
        pieces = [(rank, text) for rank, text in pieces if text and self._grounded(text)]
        if name_line and pieces:
            top = min(range(len(pieces)), key=lambda i: pieces[i][0])
            if word_count(pieces[top][1]) > max_words - 3 and word_count(name_line) < word_count(pieces[top][1]):
                pieces[top] = (pieces[top][0], name_line)
        keep: set[int] = set()
        used = 0
        for i in sorted(range(len(pieces)), key=lambda i: pieces[i][0]):
            words = word_count(pieces[i][1])
            if used + words <= max_words:
                keep.add(i)
                used += words
            elif pieces[i][0] == 0:
                break  # without the product's name nothing else is worth saying
        if not keep and pieces:
            # Nothing fits whole: the most important piece, cut to the limit.
            best = min(range(len(pieces)), key=lambda i: pieces[i][0])
            words = _WORD_RE.findall(pieces[best][1])[:max_words]
            return [" ".join(words).rstrip(",:;") + ("" if words[-1][-1:] in ".!?”" else "…")]
        return [text for i, (_, text) in enumerate(pieces) if i in keep]

    # -- kinds ------------------------------------------------------------------------

    def _description(self, facts: CopyFacts, tone: str, max_words: int, variant: int, rng: random.Random) -> str:
        features = self._features(facts, rng, variant)
        opener = self._phrase(OPENERS[tone], facts, variant, rng)
        described = [s for s in facts.description_sentences if self._grounded(s)]
        middle: list[tuple[int, str | None]] = [
            (2, self._feature_sentence(features, tone)),
            (5, described[variant % len(described)] if described else None),
            (4, self._options(facts)),
            (3, self._rating(facts)),
            (6, self._quote(facts, variant, rng)),
        ]
        if variant:
            rng.shuffle(middle)
        pieces = [(0, opener), *[(r, t) for r, t in middle if t], (1, self._price(facts, tone, variant, rng))]
        pieces.append((7, self._pick(CALLS[tone], variant, rng)))
        return " ".join(self._fit(pieces, max_words, f"{facts.product.title}."))

    def _ad(self, facts: CopyFacts, tone: str, max_words: int, variant: int, rng: random.Random) -> str:
        headline = self._phrase(HEADLINES[tone], facts, variant, rng)
        features = self._features(facts, rng, variant)[:2]
        price = self._price(facts, tone, variant, rng)
        line = (
            f"{features[0][0].upper()}{features[0][1:]}{', ' + features[1] if len(features) > 1 else ''}. {price}"
            if features
            else price
        )
        call = self._pick(CALLS[tone], variant, rng)
        pieces = self._fit([(0, headline), (2, line), (1, call)], max_words, facts.product.title)
        if len(pieces) == 3 or word_count(line) + word_count(headline) + word_count(call) <= max_words:
            return "\n".join(pieces)
        # The selling line did not fit whole: at least say the price between headline and call.
        fallback = self._fit([(0, headline), (1, price), (2, call)], max_words, facts.product.title)
        return "\n".join(fallback)

    def _social(self, facts: CopyFacts, tone: str, max_words: int, variant: int, rng: random.Random) -> str:
        features = self._features(facts, rng, variant)
        tags = " ".join(facts.hashtags())
        opener = self._phrase(OPENERS[tone], facts, variant, rng)
        feature = f"{features[0][0].upper()}{features[0][1:]}." if features else None
        pieces: list[tuple[int, str | None]] = [(0, opener), (2, feature), (1, self._price(facts, tone, variant, rng))]
        if variant % 2:
            pieces.insert(2, (3, self._quote(facts, variant, rng) or self._rating(facts)))
        budget = max(max_words - word_count(tags), 1)
        text = " ".join(self._fit([(r, t) for r, t in pieces if t], budget, f"{facts.product.title}."))
        tagged = f"{text} {tags}".strip()
        return tagged if word_count(tagged) <= max_words and self._grounded(tagged) else text

    def _email(self, facts: CopyFacts, tone: str, max_words: int, variant: int, rng: random.Random) -> str:
        subject = "Subject: " + self._phrase(SUBJECTS[tone], facts, variant, rng)
        features = self._features(facts, rng, variant)
        body: list[tuple[int, str | None]] = [
            (0, GREETINGS[tone]),
            (1, self._phrase(OPENERS[tone], facts, variant, rng)),
            (3, self._feature_sentence(features, tone)),
            (6, self._options(facts)),
            (4, self._rating(facts)),
            (5, self._quote(facts, variant, rng)),
            (2, self._price(facts, tone, variant, rng)),
            (2, self._pick(CALLS[tone], variant, rng)),
        ]
        if facts.store_name != "our store":
            body.append((7, f"The team at {facts.store_name}"))
        kept = self._fit(
            [(r, t) for r, t in body if t], max(max_words - word_count(subject), 1), f"{facts.product.title}."
        )
        # Greeting, body, then the call to action and sign-off on lines of their own.
        own_line = {GREETINGS[tone], body[-1][1] if facts.store_name != "our store" else None, *CALLS[tone]}
        lines: list[str] = []
        for piece in kept:
            if piece in own_line or not lines or lines[-1] in own_line:
                lines.append(piece)
            else:
                lines[-1] += " " + piece
        return f"{subject}\n\n" + "\n".join(lines)
