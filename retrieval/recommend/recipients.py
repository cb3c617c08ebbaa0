"""Who a gift is for, matched against the categories this catalog actually has.

A `Recipient` (gender, life stage, or a pet) comes from the shopper's message. `Audiences`
reads, once per catalog, who each category says it is made for: the words of its own path
("womens-jewellery", "apparel > kids > t-shirts", "toys&games", "baby > feeding") and of
its products' titles ("Women's Leather Bag"). It also embeds each category (its path and a
few of its most popular titles) with the catalog's sentence encoder. `Audiences.fit` then
says, for every catalog row:

- whether it may be suggested at all: never a product made for someone else (men's
  watches for a wife; baby bottles, a women's bag or a laptop for a six-year-old), and,
  when the shopper named no budget, only within the price range most of the store sells
  in (a $2,500 sofa or a $9,000 watch is not a birthday present nobody asked for);
- how well it suits them: the encoder's similarity between a description of the recipient
  and the category, relative to a description of anyone (so what is specific to them
  counts, not that every category is "a present"), plus a lean towards things one gives
  rather than restocks, and a bonus where the catalog itself says who it is made for.

A child, a baby or a pet needs products made for them; when the catalog has none, the fit
says so (`section=False`) so the answer can be honest about it: a child is offered the few
nearest, modestly priced things (a football), a baby or a pet nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from retrieval.filters import product_gender
from retrieval.recommend.columns import CatalogColumns
from retrieval.store import FilterRow

Gender = Literal["women", "men"]
Stage = Literal["baby", "child", "teen", "adult"]
Encode = Callable[[Sequence[str]], np.ndarray]

# Words of a category path that say who it is made for. A path word matches whole
# ("mens" is not in "womens"); "girls" and "boys" are both a gender and an age.
_CUES: dict[str, frozenset[str]] = {
    "women": frozenset("women womens woman ladies lady female maternity girls girl".split()),
    "men": frozenset("men mens man male gents gentlemen boys boy".split()),
    "kids": frozenset("kids kid children childrens child junior juniors youth toddler toddlers boys boy girls girl".split()),
    "baby": frozenset("baby babies infant infants newborn newborns nursery diaper diapers diapering".split()),
    "play": frozenset("toys toy".split()),
    "dog": frozenset("dog dogs puppy puppies".split()),
    "cat": frozenset("cat cats kitten kittens".split()),
    "pet": frozenset("pet pets".split()),
}
_PETS = frozenset({"dog", "cat", "pet"})
_WORD = re.compile(r"[a-z]+")
# A title that says a product is for an animal ("Dog Food", "toys for cats"); a bare "cat"
# is not enough ("Cat Eye Sunglasses").
_FOR_PETS = re.compile(
    r"\b(?:dog|cat|pet|puppy|kitten)s?\s+(?:food|treats?|toys?|beds?|litter|bowls?|leash(?:es)?|collars?|shampoo)\b"
    r"|\bfor\s+(?:dogs?|cats?|pets?|pupp(?:y|ies)|kittens?)\b", re.IGNORECASE,
)

# What every recipient is compared against: the part of a category's similarity to "a
# present for a woman" that it also has to "a present for someone" says nothing about her.
ANYONE = "a present for someone"
# Things one gives versus things one restocks: cables, refills, cat litter and olive oil
# are sold in most stores but are rarely what a shopper means by a gift.
GIFTLIKE = "a lovely gift, a present to unwrap"
SUPPLIES = "everyday household supplies, spare parts, cables and refills"
GIFTLIKE_WEIGHT = 0.5
# Without a budget, a gift is priced like most of what the store sells: between these
# quantiles of its in-stock prices (a child's, where the store has nothing made for
# children, at most the median).
PRICE_FLOOR_QUANTILE = 0.10
PRICE_CAP_QUANTILE = 0.80
FALLBACK_CAP_QUANTILE = 0.50
# With nothing made for the recipient, how many of the nearest products may be offered.
FALLBACK_ROWS = 8
# The fit's parts: how the category suits them, how the product itself does (its embedding),
# and whether the catalog says it is made for them.
CATEGORY_SHARE = 0.25
ROW_SHARE = 0.35
CUE_SHARE = 0.4
GENDERED_SHARE = 0.05
# A product whose title alone says it is for children counts when it reads at least this
# close to them (a share of the closest such product).
TITLE_CUE_SHARE = 0.5


@dataclass(frozen=True)
class Recipient:
    """Who a gift is for, as far as the shopper said; every field may be unknown."""

    gender: Gender | None = None
    stage: Stage | None = None
    pet: str | None = None  # "dog", "cat", or "pet" for an animal the shopper did not name
    label: str = ""  # the shopper's word for them ("coworker"), when nothing else is known

    @property
    def needs_section(self) -> bool:
        """True when only products made for them will do (a baby, a child, a pet)."""
        return self.pet is not None or self.stage in ("baby", "child")

    def description(self, gendered: bool = True) -> str:
        """A phrase for the encoder: who this is, in the plainest words.

        With `gendered` False (a catalog that says nothing about who its products are
        for), a gender is left out: it would only find the encoder's stereotypes.
        """
        # Babies, children and pets are given things to play with: saying so is what tells
        # a toy from a tool in a catalog that does not say who its products are for.
        if self.pet is not None:
            return f"toys and treats for a pet {self.pet if self.pet != 'pet' else 'animal'}"
        girl_boy = {"women": "girl", "men": "boy"} if gendered else {}
        if self.stage == "baby":
            return "toys and presents for a baby"
        if self.stage == "child":
            return f"toys and games for a young {girl_boy.get(self.gender or '', 'child')}"
        if self.stage == "teen":
            who = f"a teenage {girl_boy.get(self.gender or '', 'kid')}"
        elif self.gender is not None and gendered:
            who = "a woman" if self.gender == "women" else "a man"
        elif self.label:
            who = f"a {self.label}"
        else:
            return ""
        return f"a present for {who}"


@dataclass(frozen=True)
class Fit:
    """How each catalog row suits one recipient."""

    allowed: np.ndarray  # bool per row: may be suggested
    score: np.ndarray  # per row in [0, 1]: how well it suits them (0 where not allowed)
    section: bool  # the catalog has products made for them (True when they need none)
    categories: np.ndarray  # category codes that may be suggested, best fitting first

    @property
    def suitable(self) -> int:
        """How many rows may be suggested."""
        return int(self.allowed.sum())


def _cues(text: str) -> frozenset[str]:
    words = set(_WORD.findall(text.lower()))
    return frozenset(name for name, vocabulary in _CUES.items() if words & vocabulary)


def _normalized(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


def _scaled(values: np.ndarray, among: np.ndarray) -> np.ndarray:
    """Values mapped to [0, 1] by their range among the `among` entries (all 1 when they are equal)."""
    if not among.any():
        return np.zeros(len(values))
    lo, hi = float(values[among].min()), float(values[among].max())
    return np.clip((values - lo) / (hi - lo), 0, 1) if hi > lo else np.ones(len(values))


class Audiences:
    """Who each category and product of one catalog is made for, and its embedding."""

    def __init__(self, columns: CatalogColumns, rows: list[FilterRow], encode: Encode,
                 row_vectors: Callable[[], np.ndarray]) -> None:
        """Read the cues of every category and row, and embed every category once.

        `row_vectors` returns the products' stored embeddings, aligned with the columns' rows.
        """
        self.columns = columns
        self.encode = encode
        self.row_vectors = row_vectors
        n = len(columns.row_ids)
        by_id = {r.id: r for r in rows}
        self.category_cues = [_cues(name) for name in columns.category_names]
        # Who a product is made for: its gender attribute, else its category or title words.
        self.row_gender = np.full(n, "", dtype=object)
        self.row_play = np.zeros(n, dtype=bool)
        self.row_baby = np.zeros(n, dtype=bool)
        self.row_sex = np.full(n, "", dtype=object)  # "Girl Summer Dress": a girl's, whatever her age
        self.row_pet = np.zeros(n, dtype=bool)
        self.gendered_categories = np.array([bool(c & {"women", "men"}) for c in self.category_cues], dtype=bool)
        members: list[list[int]] = [[] for _ in columns.category_names]
        for row, pid in enumerate(columns.row_ids):
            fr = by_id.get(pid) if pid is not None else None
            if fr is None:
                continue
            self.row_gender[row] = product_gender(fr.attributes, fr.category.replace("-", " "), fr.title) or ""
            said = _cues(fr.title)
            self.row_play[row] = "play" in said
            self.row_baby[row] = "baby" in said
            if len(said & {"women", "men"}) == 1:
                self.row_sex[row] = next(iter(said & {"women", "men"}))
            self.row_pet[row] = _FOR_PETS.search(fr.title) is not None
            if columns.category[row] >= 0:
                members[columns.category[row]].append(row)
        # A catalog speaks of gender when a category does, or a fair share of its titles do
        # (not one smartwatch "for Men Women and Kids" among a thousand gadgets).
        self.gendered = bool(self.gendered_categories.any()
                             or np.isin(self.row_gender, ["women", "men"]).mean() >= GENDERED_SHARE) if n else False
        # A category is the mean of its products' stored embeddings: nothing is encoded
        # again, and a category reads as what it actually holds, whatever its name.
        stored = row_vectors()
        dim = stored.shape[1] if stored.ndim == 2 else 1
        centroids = np.zeros((len(members), dim), dtype=np.float32)
        for code, rows_of in enumerate(members):
            if rows_of:
                centroids[code] = stored[rows_of].mean(axis=0)
        self.vectors = _normalized(centroids)
        giftlike, supplies = _normalized(encode([GIFTLIKE, SUPPLIES]))
        self.giftlike = np.einsum("id,d->i", self.vectors, giftlike - supplies)
        prices = columns.price[columns.available & (columns.price > 0)]
        self._quantile = (lambda q: float(np.quantile(prices, q))) if len(prices) else (lambda q: 0.0)

    def price_window(self, fallback: bool = False) -> tuple[float, float]:
        """The (floor, cap) a gift's price sits in when the shopper named no budget."""
        cap = FALLBACK_CAP_QUANTILE if fallback else PRICE_CAP_QUANTILE
        return self._quantile(PRICE_FLOOR_QUANTILE), self._quantile(cap)

    def fit(self, recipient: Recipient, *, budget: tuple[float | None, float | None] = (None, None)) -> Fit:
        """Which rows suit `recipient` and how well; `budget` is the shopper's (min, max), if any."""
        cols = self.columns
        cat_allowed = np.array([self._category_allowed(c, recipient) for c in self.category_cues], dtype=bool)
        own_cat = np.array([self._own(c, recipient) for c in self.category_cues], dtype=bool)
        row_ok = np.array([self._row_allowed(str(g), recipient) for g in self.row_gender], dtype=bool)
        row_ok = row_ok | self.row_pet if recipient.pet is not None else row_ok & ~self.row_pet
        if recipient.gender is not None:
            row_ok &= self.row_sex != ("men" if recipient.gender == "women" else "women")
        allowed = self._per_row(cat_allowed, True) & row_ok  # an uncategorised product is judged by its title
        for_them = self._who(recipient)
        row_raw = np.zeros(len(cols.row_ids))
        if for_them is not None:
            # einsum, not BLAS: a threaded BLAS slows the encoder's next forward pass (candidates.py).
            row_raw = np.einsum("id,d->i", self.row_vectors(), for_them)
        own_category = self._per_row(own_cat, False)
        titled = self._own_rows(recipient) & ~own_category
        if recipient.needs_section and titled.any():
            # A title's word alone is weak ("Laundry Basket, Toys Organiser"): outside a section
            # made for them, a product counts as theirs only when it also reads like it.
            titled &= row_raw >= TITLE_CUE_SHARE * max(float(row_raw[titled].max()), 0.0)
        own = own_category | titled
        section = True
        if recipient.needs_section:
            section = bool((allowed & own & cols.available).any())
            if section:
                allowed &= own
            elif recipient.pet is not None or recipient.stage == "baby":
                # A pet cannot use what is made for people, nor a baby what is made for
                # grown-ups; an older child can (a football), so they get the nearest few.
                allowed[:] = False
        # What is made for a child or a pet is a fine small present however cheap; the floor
        # keeps the store's cheapest staples (a bottle of water) off everyone else's list.
        allowed &= self._priced(budget, fallback=not section, floor=not (recipient.needs_section and section))
        cat_raw = self.giftlike * GIFTLIKE_WEIGHT
        if for_them is not None:
            cat_raw = cat_raw + np.einsum("id,d->i", self.vectors, for_them)
        live = allowed & cols.available
        present = np.zeros(len(cols.category_names), dtype=bool)
        present[cols.category[live & (cols.category >= 0)]] = True
        cat_score = self._per_row(_scaled(cat_raw, present), 0.0)
        if not section and live.any():
            # Nothing here is made for them: only the few products nearest to them, and
            # among those the kind one gives rather than restocks.
            giftlike = self._per_row(self.giftlike, 0.0)
            if len(self.giftlike):
                live &= giftlike >= float(np.median(self.giftlike))  # no groceries or cables as "the nearest"
            near = row_raw + GIFTLIKE_WEIGHT * giftlike
            nearest = np.flatnonzero(live)[np.argsort(-near[live], kind="stable")[:FALLBACK_ROWS]]
            allowed &= np.isin(np.arange(len(allowed)), nearest)
            live = allowed & cols.available
        row_score = _scaled(row_raw, live)
        score = np.where(allowed, CATEGORY_SHARE * cat_score + ROW_SHARE * row_score + CUE_SHARE * own, 0.0)
        codes = np.unique(cols.category[live & (cols.category >= 0)])
        order = codes[np.argsort(-_scaled(cat_raw, present)[codes], kind="stable")] if len(codes) else codes
        return Fit(allowed, score, section, order)

    def _per_row(self, per_category: np.ndarray, default: bool | float) -> np.ndarray:
        """A per-category value spread over the rows; `default` for uncategorised rows."""
        codes = self.columns.category
        if not len(per_category):
            return np.full(len(codes), default)
        return np.where(codes >= 0, per_category[np.maximum(codes, 0)], default)

    def _who(self, r: Recipient) -> np.ndarray | None:
        """The direction of "for them rather than for anyone" in the encoder's space."""
        description = r.description(self.gendered)
        if not description:
            return None
        who, anyone = _normalized(self.encode([description, ANYONE]))
        return who - anyone

    # -- rules ---------------------------------------------------------------------------

    @staticmethod
    def _category_allowed(cues: frozenset[str], r: Recipient) -> bool:
        """Whether a category (by its cues) may hold a gift for `r`."""
        if r.pet is not None:
            return bool(cues & _PETS) and (r.pet == "pet" or not (cues & _PETS) - {r.pet, "pet"})
        if cues & _PETS:
            return False
        if r.gender is not None:
            other = "men" if r.gender == "women" else "women"
            if other in cues and r.gender not in cues:
                return False
        if r.stage == "baby":
            return True  # narrowed to what is made for babies and play below
        if r.stage == "child":
            # Made for adults (a women's bag, men's shoes) or only for babies (strollers, diapers) is not for a child.
            adult = bool(cues & {"women", "men"}) and not cues & {"kids"}
            return not adult and not ("baby" in cues and not cues & {"kids", "play"})
        if r.stage == "teen":
            return "baby" not in cues
        if r.stage == "adult":
            return not cues & {"kids", "baby"}  # toys stay: a board game suits a coworker
        return "baby" not in cues  # age unknown: anything but baby things

    @staticmethod
    def _own(cues: frozenset[str], r: Recipient) -> bool:
        """Whether a category says it is made for someone like `r`."""
        if r.pet is not None:
            return bool(cues & _PETS)
        if r.stage == "baby":
            return bool(cues & {"baby", "play"})
        if r.stage == "child":
            return bool(cues & {"kids", "play"})
        return r.gender is not None and r.gender in cues and (r.stage == "teen" or "kids" not in cues)

    @staticmethod
    def _row_allowed(gender: str, r: Recipient) -> bool:
        """Whether a product (by who its title or attributes say it is for) may be a gift for `r`."""
        if not gender or r.pet is not None:
            return True
        if r.stage in ("baby", "child"):
            return gender == "kids"
        if gender == "kids":
            return r.stage not in ("adult",)
        return r.gender is None or gender == r.gender

    def _own_rows(self, r: Recipient) -> np.ndarray:
        """Rows whose own title or attributes say they are made for someone like `r`."""
        if r.pet is not None:
            return self.row_pet.copy()
        if r.stage == "baby":
            return self.row_baby.copy()
        if r.stage == "child":
            return (self.row_gender == "kids") | self.row_play
        if r.gender is not None and r.stage != "teen":
            return self.row_gender == r.gender
        if r.gender is None and r.stage in (None, "adult"):
            # Not knowing whether they are a man or a woman, what is made for either is a gamble.
            return (self.row_gender == "") & ~self._per_row(self.gendered_categories, False)
        return np.zeros(len(self.row_gender), dtype=bool)

    def _priced(self, budget: tuple[float | None, float | None], fallback: bool, floor: bool = True) -> np.ndarray:
        """Rows priced like a gift: the shopper's budget when given, else the store's usual range."""
        low, high = budget
        cheapest, cap = self.price_window(fallback)
        price = self.columns.price
        mask = np.ones(len(price), dtype=bool)
        if high is None and low is None:  # "over $300" asks for dearer things: no cap of ours either
            mask &= price <= cap
        # Under "$10" the shopper asked for cheap things: no floor of ours stands in the way.
        if floor and low is None and (high is None or high >= 4 * cheapest):
            mask &= price >= cheapest
        return mask


__all__ = ["ANYONE", "Audiences", "Fit", "Gender", "Recipient", "Stage"]
