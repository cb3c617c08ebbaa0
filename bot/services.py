"""Open the catalog, encoder and search from Settings: the one place the pieces are wired."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.agents.presence import OfficeHours, Presence
from bot.config import Settings
from bot.generation.responder import GroundingStats, Responder
from bot.nlu.dataset import TEST_FILE, TRAIN_FILE, data_hash, load_examples
from bot.nlu.entities import CatalogVocabulary, EntityExtractor
from bot.nlu.intent import IntentClassifier, TrainConfig, load_meta, train
from bot.nlu.parser import NLU
from bot.metrics import Metrics
from bot.skills.policy import StorePolicy
from bot.store.sqlite import SQLiteConversationStore
from retrieval.embeddings import Encoder, SentenceTransformerEncoder, default_model_path
from retrieval.index import HnswParams
from retrieval.indexing import SyncReport, sync_index
from retrieval.search import FusionParams, ProductSearch
from retrieval.store import CatalogStore

if TYPE_CHECKING:
    from bot.assistant import Assistant
    from bot.merchant.reviews import ReviewAnalyzer
    from bot.shoppers import Personalization

logger = logging.getLogger(__name__)


def open_catalog(settings: Settings) -> CatalogStore:
    """The catalog database in the data dir (created empty on first use)."""
    return CatalogStore(settings.catalog_db)


def load_encoder(settings: Settings) -> Encoder:
    """The configured sentence encoder, from a local folder."""
    return SentenceTransformerEncoder(
        settings.model_path, max_seq_length=settings.max_seq_length, precision=settings.encoder_precision
    )


def open_search(
    settings: Settings,
    *,
    store: CatalogStore | None = None,
    encoder: Encoder | None = None,
    force_rebuild: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[ProductSearch, SyncReport]:
    """A ready ProductSearch: the saved index is reused, and brought up to date if stale."""
    store = store or open_catalog(settings)
    encoder = encoder or load_encoder(settings)
    index, report = sync_index(
        store,
        encoder,
        settings.index_dir,
        kind=settings.index_kind,
        hnsw=HnswParams(m=settings.hnsw_m, ef_search=settings.hnsw_ef_search),
        force=force_rebuild,
        batch_size=settings.encode_batch_size,
        progress=progress,
    )
    search = ProductSearch(
        store, index, encoder, index_root=settings.index_dir, fusion=FusionParams(k=settings.rrf_k)
    )
    return search, report


def intent_model_dir(settings: Settings) -> Path:
    """Where the trained intent model lives."""
    return settings.data_dir / "models" / "intent"


def train_intent_model(
    settings: Settings, config: TrainConfig | None = None, progress: Callable[[int, int], None] | None = None
) -> IntentClassifier:
    """Fine-tune the intent model on the shipped training data, score it on the held-out
    split (recorded in its metadata, never used to tune), and save it in the data dir."""
    from bot.nlu.evaluation import score

    examples = load_examples(TRAIN_FILE)
    base = settings.model_path or default_model_path()
    classifier = train(examples, base, config, progress)
    held_out = score("intent model", lambda texts: [p.intent for p in classifier.predict(texts)], load_examples(TEST_FILE))
    classifier.meta.metrics.update(test_accuracy=held_out.accuracy, test_macro_f1=held_out.macro_f1)
    classifier.save(intent_model_dir(settings))
    return classifier


def load_intent_model(
    settings: Settings, *, train_if_missing: bool = True, progress: Callable[[int, int], None] | None = None
) -> IntentClassifier:
    """The saved intent model; trained first when missing or when the training data changed."""
    folder = intent_model_dir(settings)
    meta = load_meta(folder)
    if meta is not None and meta.data_hash == data_hash(load_examples(TRAIN_FILE)):
        return IntentClassifier.load(folder)
    if not train_if_missing:
        return IntentClassifier.load(folder)  # raises NotReadyError naming the command
    return train_intent_model(settings, progress=progress)


def load_nlu(
    settings: Settings, store: CatalogStore, *, progress: Callable[[int, int], None] | None = None
) -> NLU:
    """Intent classifier (trained first if needed) plus entity extraction over this catalog's vocabulary."""
    classifier = load_intent_model(settings, progress=progress)
    return NLU(classifier, EntityExtractor(CatalogVocabulary.from_store(store)))


def generator_name(settings: Settings) -> str:
    """The configured generator; `auto` is the local model when it is installed, else templates."""
    from bot.generation.backends.local import LocalGenerator

    if settings.generator != "auto":
        return settings.generator
    return "local" if settings.local_model_path or LocalGenerator.installed() else "template"


def open_responder(
    settings: Settings,
    store: CatalogStore | None = None,
    *,
    generator: str | None = None,
    stats: GroundingStats | None = None,
) -> Responder:
    """A Responder over the configured generator, checking names against this catalog's brands."""
    from bot.generation.backends import create_generator

    vocabulary = CatalogVocabulary.from_store(store or open_catalog(settings))
    backend = create_generator(generator or generator_name(settings), settings)
    return Responder(
        backend, timeout=settings.generator_timeout, brands=vocabulary.brands, colors=vocabulary.colors, stats=stats
    )


def load_policy(settings: Settings) -> StorePolicy:
    """The store policy file (the shipped example unless configured)."""
    return StorePolicy.load(settings.policy_file)


@dataclass
class AssistantParts:
    """Everything a running assistant holds open, closed together."""

    search: ProductSearch
    nlu: NLU
    store: SQLiteConversationStore
    assistant: Assistant
    presence: Presence
    personalization: Personalization
    reviews: ReviewAnalyzer | None = None

    async def close(self) -> None:
        """Close the conversation store, the generator and the catalog."""
        await self.store.close()
        await self.assistant.responder.generator.close()
        self.search.store.close()


async def open_assistant(settings: Settings, executor: Executor, metrics: Metrics) -> AssistantParts:
    """Open catalog, index, intent model (trained if missing), generator, conversation store and
    orders (demo orders seeded into an empty table), wired into one Assistant."""
    from bot.assistant import Assistant
    from bot.dialogue.engine import Dialogue
    from bot.nlu.batching import BatchingNLU
    from bot.shoppers import Personalization
    from bot.store.shoppers import ShopperStore
    from bot.merchant.reviews import open_review_analyzer
    from bot.store.orders import SQLiteOrderSource, seed_demo_orders

    loop = asyncio.get_running_loop()

    async def run(fn: Callable[[], Any]) -> Any:
        return await loop.run_in_executor(executor, fn)

    encoder = await run(lambda: load_encoder(settings))
    search, report = await run(lambda: open_search(settings, encoder=encoder))
    logger.info("catalog ready: %d products in a %s index (%s)", report.total, report.kind, report.reason)

    def log_training(step: int, total: int) -> None:
        if step == 1 or step % 50 == 0 or step == total:
            logger.info("training the intent model (first start): step %d of %d", step, total)

    nlu = await run(lambda: load_nlu(settings, search.store, progress=log_training))
    store = SQLiteConversationStore(settings.conversations_db)
    orders = SQLiteOrderSource(store)
    if settings.demo_orders:
        sample = await run(lambda: search.store.sample_products(60))
        await seed_demo_orders(orders, [(p.id, p.title, p.price) for p in sample])
    responder = open_responder(settings, search.store, stats=None)
    await responder.generator.warm_up()
    vocabulary = CatalogVocabulary.from_store(search.store)
    presence = Presence(OfficeHours.parse(settings.agent_hours))
    personalization = await Personalization.open(
        ShopperStore(store), search, run, demo_shoppers=settings.demo_shoppers
    )
    reviews = await run(lambda: open_review_analyzer(settings))
    dialogue = Dialogue(
        search, search.store, load_policy(settings), orders, encoder=encoder, store_name=settings.store_name,
        categories=_top_categories(vocabulary, search.store), run=run,
        agents_available=presence.available, agent_hours=presence.hours.text,
        recommender=lambda: personalization.recommender, reviews=reviews,
    )  # fmt: skip
    assistant = Assistant(store, BatchingNLU(nlu, executor), dialogue, responder, metrics,
                          personalization=personalization)
    return AssistantParts(search, nlu, store, assistant, presence, personalization, reviews)


def _top_categories(vocabulary: CatalogVocabulary, store: CatalogStore) -> list[str]:
    """Top-level departments, for quick replies."""
    return store.top_categories() or vocabulary.categories[:5]
