"""Guardrails on what comes in: injections, abuse and unsafe requests get a short redirect,
and text quoted from reviews or descriptions must carry no claims of its own.

Shopper text, product descriptions and reviews are data. These checks decide when a
message is not a shopping request at all; the grounding checker still reads every answer.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Literal

from bot.generation import claims
from bot.generation.facts import AnswerContext

Verdict = Literal["ok", "injection", "abusive", "unsafe", "offtopic"]

INJECTION_RE = re.compile(
    r"\b(?:ignore|disregard|forget|override|bypass)\b[^.!?\n]{0,40}\b(?:instructions?|rules|prompt|guidelines|"
    r"directions|programming|system)\b"
    r"|\b(?:system|developer|hidden|initial|original)\s+(?:prompt|instructions?|message)\b"
    r"|\b(?:reveal|show|print|repeat|tell me|output|leak|display)\b[^.!?\n]{0,30}\byour\s+"
    r"(?:prompt|instructions?|rules|configuration)\b"
    r"|\byou are (?:now|no longer)\b|\bfrom now on,? you\b|\bact as (?:if you|my|an? (?:unrestricted|different|new|evil|ai|assistant|chatbot|pirate|hacker))\b|\bpretend (?:to be|you(?:'re| are))\b"
    r"|\brole-?play\b|\bjailbreak|\bdeveloper mode\b|\bDAN\b|\bdo anything now\b"
    r"|\bnew instructions?\b|</?(?:system|assistant|instructions?)>|#{2,}\s*(?:system|instruction)"
    r"|(?:^|\n)\s*\[?(?:system|assistant|developer|admin)\]?\s*:|\"role\"\s*:\s*\"(?:system|developer|assistant)\""
    r"|\b(?:tell (?:everyone|customers|shoppers|the next)|announce|claim that|always say|you must say)\b[^.!?\n]{0,40}"
    r"(?:costs?|price|is now|free|\$\s?\d)",
    re.IGNORECASE,
)
ABUSE_RE = re.compile(
    r"\b(?:idiot(?:ic)?|stupid|moron(?:ic)?|dumb(?:ass)?|retard(?:ed)?|useless piece|shut up|f[u*@#]+c?k\w*|"
    r"fck\w*|sh[i1!*]t\w*|b[i1!*]tch\w*|bastard|a[s$]{2}hole|cunt|dickhead|screw you|go to hell|kill yourself|kys)(?!\w)",
    re.IGNORECASE,
)
UNSAFE_RE = re.compile(
    r"\b(?:bomb|explosives?|detonat\w+|make (?:a )?(?:gun|weapon|poison|meth|drugs?)|ghost gun|untraceable|"
    r"poison(?:ing)? (?:someone|my|a person)|hurt (?:someone|myself|people)|kill (?:someone|myself|people|him|her)|"
    r"suicide|self[- ]harm|end my life|overdose|stolen (?:cards?|credit cards?)|carding|hack(?:ing)? (?:into|an? account)|"
    r"malware|ransomware|phishing kit|launder(?:ing)? money|fake id|counterfeit (?:money|bills)|"
    r"toxic gas|poison(?:ous)? gas|chlorine gas|mustard gas|nerve agent|mix\w*\b.{0,40}\b(?:bleach|ammonia)\b.{0,40}\b(?:bleach|ammonia))\b",
    re.IGNORECASE,
)
_SELF_HARM_RE = re.compile(r"\b(?:suicide|self[- ]harm|end my life|kill myself|hurt myself|overdose|kys)\b", re.I)

REDIRECTS: dict[str, str] = {
    "injection": "I can't change how I work or share my setup, but I'm happy to help you shop. What are you looking for?",
    "abusive": "I'm here to help with your shopping, and I'd like to keep things friendly. What can I find for you?",
    "unsafe": "I can't help with that. I can help you find products, answer questions about them, or check an order.",
    "self_harm": (
        "I'm sorry you're going through this. I'm only a shopping assistant, so please reach out to someone you "
        "trust or your local emergency number right away if you might be in danger."
    ),
    "offtopic": "I can only help with shopping here: finding products, answering questions about them, and orders. "
    "What are you looking for today?",
}


def assess(message: str, *, intent: str | None = None) -> Verdict:
    """Whether a message is a shopping request we should answer, and if not, why not."""
    if UNSAFE_RE.search(message) or _SELF_HARM_RE.search(message):
        return "unsafe"
    if INJECTION_RE.search(message):
        return "injection"
    if ABUSE_RE.search(message):
        return "abusive"
    if intent == "out_of_scope":
        return "offtopic"
    return "ok"


def redirect(context: AnswerContext, verdict: Verdict) -> AnswerContext:
    """The context of the short, polite redirect that replaces an answer."""
    key = "self_harm" if verdict == "unsafe" and _SELF_HARM_RE.search(context.message) else verdict
    return replace(context, skill="redirect", products=(), findings=(), reasons={}, policy=None, store_facts=(REDIRECTS[key],))


# Text that talks to the assistant or tells shoppers what to do, or alleges safety problems:
# a store cannot vouch for it, so it is never quoted as evidence.
ADDRESSING_RE = re.compile(
    r"\b(?:assistants?|ai|bots?|chatbots?|agents?|language models?|llms?|gpt)\b[^.!?]{0,40}\b(?:should|must|shall|need to|"
    r"have to|always|never|say|tell|recommend|answer|respond)\b"
    r"|\b(?:tell|inform|warn|remind)\s+(?:all\s+)?(?:shoppers|customers|everyone|buyers|users|people)\b"
    r"|\b(?:shoppers|customers|everyone|buyers|users)\s+(?:should|must|need to)\b"
    r"|\b(?:buy|get|order|choose)\s+(?:the\s+)?[\w'’ -]{0,30}\binstead\b"
    r"|\brecall(?:ed|s)?\b|\bunsafe\b|\bdangerous\b",
    re.IGNORECASE,
)


def safe_quote(sentence: str, max_chars: int = 240) -> bool:
    """True when a review or description sentence can be quoted: it states no price, discount,
    code, stock level, link or personal data, gives no instructions and addresses no one."""
    if len(sentence) > max_chars or INJECTION_RE.search(sentence) or ABUSE_RE.search(sentence):
        return False
    if ADDRESSING_RE.search(sentence) or UNSAFE_RE.search(sentence) or claims.URL_RE.search(sentence):
        return False
    return not (
        claims.find_money(sentence)
        or claims.find_percents(sentence)
        or claims.DISCOUNT_WORDS_RE.search(sentence)
        or claims.CODE_RE.search(sentence)
        or claims.OUT_OF_STOCK_RE.search(sentence)
        or claims.IN_STOCK_RE.search(sentence)
        or claims.find_stock_counts(sentence)
        or claims.find_personal_data(sentence)
        or claims.FREE_RE.search(sentence)
    )
