"""How each third-party source's labels map to Shopbot's intents.

The question asked of every label: said to a shop's assistant, what would its messages
mean? Three answers:
- the same as one of our intents (HWU64 `general_negate` "that's not what I wanted" is
  `deny`; Banking77 `transaction_charged_twice` is `billing`);
- nothing a shop helps with: `out_of_scope` (alarms, weather, bank transfers, trivia);
- it depends: the label is dropped, neither trained on nor scored. HWU64's shopping lists
  could be cart edits or to-do lists; Banking77's `apple_pay_or_google_pay` is about topping
  up a bank account as often as about paying; SNIPS `SearchCreativeWork` mixes "find the
  book X" with "play the trailer of X".
A label missing from a source's table takes the source's default.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

OOS = "out_of_scope"


@dataclass(frozen=True)
class Source:
    """One third-party file: where its text and label are, and what its labels mean to a shop."""

    name: str
    file: str
    text_column: str
    label_column: str | None
    # Source label -> intent; None drops the label.
    mapping: Mapping[str, str | None]
    # The intent of labels not in `mapping`; None drops them.
    default: str | None
    # How many of its training lines a model trains on (bot/nlu/sources.training_sample).
    train_budget: int
    # Labels whose messages only mean what the label says when they name this word
    # ("card" for a bank card's delivery: "how long is delivery to the US?" alone is a
    # shop's shipping question, so it is dropped).
    needs_word: Mapping[str, str] = field(default_factory=dict)
    # A TSV beside the source folder whose `query` column must never be trained on.
    reserved_file: str | None = None

    def intent_of(self, label: str, text: str) -> str | None:
        """The intent a line with this label and text maps to, or None when it is dropped."""
        word = self.needs_word.get(label)
        if word is not None and word not in text.lower():
            return None
        return self.mapping[label] if label in self.mapping else self.default

    def reserved_texts(self, root: Path) -> set[str]:
        """Case-folded texts that must stay in the development part (empty when none)."""
        if self.reserved_file is None:
            return set()
        try:
            with (root.parent / self.reserved_file).open(encoding="utf-8", newline="") as handle:
                return {" ".join(row["query"].split()).casefold() for row in csv.DictReader(handle, delimiter="\t")}
        except (OSError, KeyError):
            return set()


HWU64 = Source(
    name="hwu64",
    file="hwu64.csv",
    text_column="text",
    label_column="intent",
    mapping={
        "general_affirm": "affirm",
        "general_negate": "deny",
        "general_praise": "thanks",
        # "any one will be ok for me": a stated preference of no preference, the
        # `dontcare` value of an inform act in dialogue-state benchmarks.
        "general_dontcare": "inform",
        "general_joke": OOS,
        "general_quirky": OOS,
        # Dialogue acts Shopbot has no intent for: neither in nor out of scope.
        "general_confirm": None,
        "general_repeat": None,
        "general_explain": None,
        "general_commandstop": None,
        # Shopping and to-do lists: a cart edit or a note to self.
        "lists_createoradd": None,
        "lists_query": None,
        "lists_remove": None,
        # Food orders: order and delivery words about a restaurant's order.
        "takeaway_order": None,
        "takeaway_query": None,
        # "I like jazz" is a taste a shopper might state to narrow a search as often as a music command.
        "music_likeness": None,
    },
    default=OOS,
    train_budget=2400,
)

SNIPS = Source(
    name="snips",
    file="snips.csv",
    text_column="text",
    label_column="intent",
    mapping={
        # "give four stars to The Cattle King": rating a product is leaving feedback on it.
        "RateBook": "feedback",
        "SearchCreativeWork": None,
    },
    default=OOS,
    train_budget=1200,
)

BANKING77 = Source(
    name="banking77",
    file="banking77.csv",
    text_column="text",
    label_column="category",
    mapping={
        "request_refund": "return_refund",
        "Refund_not_showing_up": "return_refund",
        "transaction_charged_twice": "billing",
        "extra_charge_on_statement": "billing",
        "card_payment_fee_charged": "billing",
        "declined_card_payment": "payment_info",
        "terminate_account": "account_help",
        "edit_personal_details": "account_help",
        "passcode_forgotten": "account_help",
        # A payment still pending or sent back: a shop's billing or payment question alike.
        "pending_card_payment": None,
        "reverted_card_payment?": None,
        # Mostly about topping up or where a bank card works, sometimes "do you take my card".
        "card_acceptance": None,
        "apple_pay_or_google_pay": None,
        "supported_cards_and_currencies": None,
        "visa_or_mastercard": None,
        # An unknown charge on a statement: a shop's billing question when the shop made it.
        "card_payment_not_recognised": None,
        "direct_debit_payment_not_recognised": None,
        "card_payment_wrong_exchange_rate": None,
        "verify_my_identity": None,
        "unable_to_verify_identity": None,
        "why_verify_identity": None,
        # Said to a shop these are payment, account or delivery questions: "I would like to pay
        # by cheque", "what currencies are supported?", "my card isn't working", "is my country
        # supported?", "someone is using my account", "how do I add my new card?".
        "top_up_by_cash_or_cheque": None,
        "fiat_currency_support": None,
        "card_not_working": None,
        "contactless_not_working": None,
        "virtual_card_not_working": None,
        "getting_virtual_card": None,
        "card_linking": None,
        "country_support": None,
        "age_limit": None,
        "compromised_card": None,
        "lost_or_stolen_phone": None,
        "cash_withdrawal_not_recognised": None,
        "transfer_into_account": None,
        "topping_up_by_card": None,
        "receiving_money": None,
    },
    default=OOS,
    train_budget=2400,
    # A bank card's delivery and a transfer's cancellation, only when the line says so.
    needs_word={"card_arrival": "card", "card_delivery_estimate": "card", "order_physical_card": "card",
                "cancel_transfer": "transfer"},
)

WANDS = Source(
    name="wands",
    file="wands_queries.csv",
    text_column="query",
    label_column="query_class",
    mapping={},
    default="product_search",
    train_budget=480,
    reserved_file="wands_eval/queries.tsv",
)

SUBJQA = Source(
    name="subjqa",
    file="subjqa_questions.csv",
    text_column="text",
    label_column="domain",
    mapping={},
    default="product_question",
    train_budget=800,
)

SOURCES: tuple[Source, ...] = (HWU64, SNIPS, BANKING77, WANDS, SUBJQA)
