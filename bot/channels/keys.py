"""Typed application keys shared by the app and its channels."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from bot.assistant import Assistant
from bot.channels.limits import RateLimiter
from bot.config import Settings
from bot.merchant.reviews import ReviewAnalyzer
from bot.metrics import Metrics
from bot.nlu.parser import NLU
from bot.shoppers import Personalization
from bot.store.base import ConversationStore
from retrieval.search import ProductSearch

SETTINGS = web.AppKey("settings", Settings)
SEARCH = web.AppKey("search", ProductSearch)
NLU_PIPELINE = web.AppKey("nlu", NLU)
EXECUTOR = web.AppKey("executor", ThreadPoolExecutor)
ASSISTANT = web.AppKey("assistant", Assistant)
STORE = web.AppKey("store", ConversationStore)
METRICS = web.AppKey("metrics", Metrics)
LIMITER = web.AppKey("limiter", RateLimiter)
PERSONALIZATION = web.AppKey("personalization", Personalization)
# None when no sentiment model is trained yet (`shopbot train sentiment`).
REVIEWS = web.AppKey("reviews", ReviewAnalyzer | None)  # type: ignore[arg-type]
