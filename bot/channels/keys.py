"""Typed application keys shared by the app and its channels."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Generic, TypeVar

from aiohttp import web

from bot.assistant import Assistant
from bot.config import Settings
from bot.coordination.rates import RateLimiter
from bot.coordination.wiring import Coordination
from bot.loading import LoadingStatus
from bot.merchant.reviews import ReviewAnalyzer
from bot.metrics import Metrics
from bot.nlu.parser import NLU
from bot.shoppers import Personalization
from bot.store.base import ConversationStore
from retrieval.search import ProductSearch

T = TypeVar("T")

SETTINGS = web.AppKey("settings", Settings)
EXECUTOR = web.AppKey("executor", ThreadPoolExecutor)
METRICS = web.AppKey("metrics", Metrics)
LIMITER = web.AppKey("limiter", RateLimiter)
# What the processes of a deployment share (in this process unless SHOPBOT_REDIS_URL is set).
COORDINATION = web.AppKey("coordination", Coordination)
# What the server still loads (GET /ready); the Loaded keys below are filled in when it is done.
LOADING = web.AppKey("loading", LoadingStatus)


class Loaded(Generic[T]):
    """A part the server loads after its port opens (bot/startup.py): `get()` it once loaded.

    aiohttp freezes an application's keys once it has started, and loading ends later, so
    each such key holds one of these from the start and loading fills it in. Routes reading
    one sit behind the loading gate, which answers 503 until everything is loaded: `get()`
    before then is a bug in the server, never something a client can cause.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._value: T | None = None
        self._set = False

    @classmethod
    def holding(cls, name: str, value: T) -> Loaded[T]:
        """One already filled in (tests that mount a single channel)."""
        loaded: Loaded[T] = cls(name)
        loaded.set(value)
        return loaded

    def set(self, value: T) -> None:
        """Fill it in (once loading has it)."""
        self._value, self._set = value, True

    def get(self) -> T:
        """The loaded part."""
        if not self._set:
            raise RuntimeError(f"the {self.name} is not loaded yet; this route should be behind the loading gate")
        return self._value  # type: ignore[return-value]


SEARCH = web.AppKey("search", Loaded[ProductSearch])
NLU_PIPELINE = web.AppKey("nlu", Loaded[NLU])
ASSISTANT = web.AppKey("assistant", Loaded[Assistant])
STORE = web.AppKey("store", Loaded[ConversationStore])
PERSONALIZATION = web.AppKey("personalization", Loaded[Personalization])
# Holds None when no sentiment model is trained yet (`shopbot train sentiment`).
REVIEWS = web.AppKey("reviews", Loaded["ReviewAnalyzer | None"])  # type: ignore[arg-type]
