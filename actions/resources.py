"""What every action uses, opened once per action-server process: the same assistant the chat server runs.

`python -m rasa_sdk --actions actions` imports this package itself, so there is no entry
point of ours that could open things before the server starts. Instead the first action
call opens them (catalog, FAISS index, encoder, intent model and entity extractor,
conversation/orders database, dialogue, generator) through `bot.services.open_assistant`,
and every later call, concurrent ones included, reuses that one set. Settings are read
once: the ones `configure` was given (`shopbot actions`), else `bot.config.load_settings()`
(SHOPBOT_* variables and SHOPBOT_CONFIG), the same function the CLI uses.
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.dialogue.engine import Dialogue
    from bot.generation.responder import Responder
    from bot.nlu.batching import BatchingNLU
    from bot.nlu.entities import CatalogVocabulary, EntityExtractor
    from bot.services import AssistantParts
    from retrieval.store import CatalogStore

logger = logging.getLogger(__name__)

# Model calls (encoder, intent classifier, FAISS) leave the action server's event loop
# for these threads; two matches the chat server and the 2-core machines it targets.
MODEL_THREADS = 2


@dataclass
class Resources:
    """The opened core, as the actions use it."""

    settings: Settings
    parts: AssistantParts
    load_seconds: float

    @property
    def dialogue(self) -> Dialogue:
        """The dialogue engine: skills over the catalog, search, policy and orders."""
        return self.parts.assistant.dialogue

    @property
    def responder(self) -> Responder:
        """The configured generator behind the grounding checker (templates when it fails)."""
        return self.parts.assistant.responder

    @property
    def nlu(self) -> BatchingNLU:
        """Shopbot's own intent classifier and entity extraction, batched across requests."""
        return self.parts.assistant.nlu

    @property
    def catalog(self) -> CatalogStore:
        """The product catalog."""
        return self.parts.search.store

    @property
    def extractor(self) -> EntityExtractor:
        """The catalog-aware entity extractor (brands, categories, colours, sizes, prices)."""
        return self.parts.nlu.extractor

    @property
    def vocabulary(self) -> CatalogVocabulary:
        """The catalog's brands, categories, colours and sizes."""
        vocabulary = self.parts.nlu.extractor.vocabulary
        assert vocabulary is not None, "open_assistant always builds the extractor over the catalog"
        return vocabulary


_settings: Settings | None = None
_resources: Resources | None = None
_lock: asyncio.Lock | None = None


def configure(settings: Settings) -> None:
    """Use these settings instead of reading them from the environment (before the first call)."""
    global _settings
    if _resources is not None:
        raise RuntimeError("the action resources are already open; configure them before the first action call")
    _settings = settings


async def get() -> Resources:
    """The process's resources, opened on the first call; concurrent first calls wait for one opening.

    A failed opening (no catalog yet, a broken config) raises and is tried again on the
    next call, so fixing the data dir does not need a restart.
    """
    global _resources, _lock
    if _resources is not None:
        return _resources
    if _lock is None:
        _lock = asyncio.Lock()
    async with _lock:
        if _resources is None:
            _resources = await _open()
    return _resources


async def _open() -> Resources:
    from bot.config import load_settings
    from bot.metrics import Metrics
    from bot.services import open_assistant

    global _settings
    started = time.perf_counter()
    settings = _settings if _settings is not None else load_settings()
    _settings = settings
    executor = ThreadPoolExecutor(max_workers=MODEL_THREADS, thread_name_prefix="shopbot-actions")
    parts = await open_assistant(settings, executor, Metrics())
    hours = parts.presence.hours
    # The agent console runs in the chat server, not here, so nobody ever signs in to this
    # process's Presence. A Rasa deployment hands off through its own channel; within the
    # configured agent hours a person is assumed to be there to take it.
    parts.assistant.dialogue.agents_available = lambda: hours.open_at(datetime.now())
    seconds = time.perf_counter() - started
    logger.info("shopbot actions ready in %.1f s (data dir %s)", seconds, settings.data_dir)
    return Resources(settings, parts, seconds)
