"""Open the catalog, encoder and search from Settings: the one place the pieces are wired."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.agents.presence import OfficeHours, Presence
from bot.config import Settings
from bot.coordination.wiring import Coordination
from bot.generation.responder import GroundingStats, Responder
from bot.nlu.dataset import TEST_FILE, TRAIN_FILE, data_hash, load_examples
from bot.nlu.entities import CatalogVocabulary, EntityExtractor
from bot.nlu.intent import IntentClassifier, TrainConfig, load_meta, train
from bot.nlu.parser import NLU
from bot.loading import LoadingStatus
from bot.metrics import Metrics
from bot.model_cache import cached_model_dir, publish
from bot.skills.policy import StorePolicy
from bot.store.base import ConversationStore
from bot.store.orders import OrderSource
from catalog import DEMO_POLICY, is_demo_catalog
from retrieval.embeddings import Encoder, SentenceTransformerEncoder, default_model_path, resolve_precision
from retrieval.index import HnswParams
from retrieval.indexing import SyncReport, sync_index
from retrieval.search import FusionParams, ProductSearch
from retrieval.store import CatalogStore

if TYPE_CHECKING:
    from bot.assistant import Assistant
    from bot.merchant.reviews import ReviewAnalyzer
    from bot.shoppers import Personalization

logger = logging.getLogger(__name__)

# What open_assistant loads that can take a while, as the server's /ready names it.
LOADING_STEPS = ("catalog and index", "intent model", "generator", "review sentiment model", "product names and types")


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
    """The data dir's own intent model: one `shopbot train nlu` trained for it (or an older
    version kept there); it wins over the shared cache while its training data is current."""
    return settings.data_dir / "models" / "intent"


def cached_intent_model_dir(settings: Settings) -> Path:
    """Where the shared model cache keeps the intent model for the current training data."""
    return cached_model_dir(settings, "intent", data_hash(load_examples(TRAIN_FILE)), repr(TrainConfig()))


def locate_intent_model(settings: Settings) -> Path | None:
    """The folder of an intent model trained on the current data: the data dir's own, else the cache's."""
    current = data_hash(load_examples(TRAIN_FILE))
    for folder in (intent_model_dir(settings), cached_model_dir(settings, "intent", current, repr(TrainConfig()))):
        meta = load_meta(folder)
        if meta is not None and meta.data_hash == current:
            return folder
    return None


def train_intent_model(
    settings: Settings,
    config: TrainConfig | None = None,
    progress: Callable[[int, int], None] | None = None,
    *,
    folder: Path | None = None,
) -> IntentClassifier:
    """Fine-tune the intent model on the shipped training data, score it on the held-out
    split (recorded in its metadata, never used to tune), and save it in `folder` (default:
    the data dir, where it wins over the shared cache)."""
    from bot.nlu.evaluation import score

    examples = load_examples(TRAIN_FILE)
    base = settings.model_path or default_model_path()
    classifier = train(examples, base, config, progress)
    held_out = score("intent model", lambda texts: [p.intent for p in classifier.predict(texts)], load_examples(TEST_FILE))
    classifier.meta.metrics.update(test_accuracy=held_out.accuracy, test_macro_f1=held_out.macro_f1)
    publish(classifier.save, folder or intent_model_dir(settings))
    return classifier


def load_intent_model(
    settings: Settings, *, train_if_missing: bool = True, progress: Callable[[int, int], None] | None = None
) -> IntentClassifier:
    """The intent model for the current training data, from the data dir or the shared cache;
    trained into the cache first when neither has it (so the next data dir reuses it)."""
    folder = locate_intent_model(settings)
    if folder is not None:
        classifier = IntentClassifier.load(folder)
    elif not train_if_missing:
        classifier = IntentClassifier.load(intent_model_dir(settings))  # a stale model, or NotReadyError naming the command
    else:
        classifier = train_intent_model(settings, progress=progress, folder=cached_intent_model_dir(settings))
    # At the encoder's precision: in bfloat16 where the CPU computes it natively the forward
    # pass takes about half the time, and every development split scores the same.
    if resolve_precision(settings.encoder_precision) == "bfloat16":
        import torch

        classifier.model.to(torch.bfloat16)
    return classifier


def load_nlu(
    settings: Settings, store: CatalogStore, *, progress: Callable[[int, int], None] | None = None
) -> NLU:
    """Intent classifier (trained first if needed) plus entity extraction over this catalog's vocabulary."""
    classifier = load_intent_model(settings, progress=progress)
    return NLU(classifier, EntityExtractor(CatalogVocabulary.from_store(store)))


def generator_name(settings: Settings) -> str:
    """The configured generator. `auto` is templates unless a model is configured by name: an
    OpenAI-compatible endpoint (an API key or a base URL of its own), or a local model by path or
    by name (`local_model` set).

    The packaged small local model is not picked by `auto`: its drafts are often thin or
    wrong, so it phrases answers only when asked for (`SHOPBOT_GENERATOR=local`), e.g. in demos.
    """
    if settings.generator != "auto":
        return settings.generator
    default_url = type(settings).model_fields["openai_base_url"].default
    if settings.openai_api_key is not None or settings.openai_base_url.rstrip("/") != default_url:
        return "openai"
    return "local" if settings.local_model_path or "local_model" in settings.model_fields_set else "template"


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


def load_policy(settings: Settings, store: CatalogStore | None = None) -> StorePolicy:
    """The store's policy file; the demo store's policy only for the demo catalog; else none.

    A store that has not written a policy gets honest answers ("I don't have that policy;
    I can connect you with a colleague"), never the demo store's shipping prices.
    """
    if settings.policy_file is not None:
        return StorePolicy.load(settings.policy_file)
    if store is None:
        with open_catalog(settings) as own:
            return load_policy(settings, own)
    return StorePolicy.load(DEMO_POLICY) if is_demo_catalog(store.fingerprints()) else StorePolicy.none()


@dataclass
class AssistantParts:
    """Everything a running assistant holds open, closed together."""

    search: ProductSearch
    nlu: NLU
    store: ConversationStore
    assistant: Assistant
    presence: Presence
    personalization: Personalization
    reviews: ReviewAnalyzer | None = None
    orders: OrderSource | None = None
    lookups: ThreadPoolExecutor | None = None  # the dialogue's catalog look-ups (see Dialogue.lookup)

    def follow_catalog(self) -> None:
        """After a newly published index: derive again what was derived from the catalog (off the event loop).

        The words entity extraction knows (brands, categories, synonyms) and the dialogue's
        product names, relevance floor, coverage types and audiences.
        """
        self.nlu.extractor = EntityExtractor(CatalogVocabulary.from_store(self.search.store))
        self.assistant.dialogue.warm()

    async def close(self) -> None:
        """Close the order source, the conversation store, the generator and the catalog."""
        if self.lookups is not None:
            self.lookups.shutdown(wait=True)
        if self.orders is not None:
            await self.orders.close()
        await self.store.close()
        await self.assistant.responder.generator.close()
        self.search.store.close()


async def open_assistant(
    settings: Settings,
    executor: Executor,
    metrics: Metrics,
    loading: LoadingStatus | None = None,
    coordination: Coordination | None = None,
) -> AssistantParts:
    """Open catalog, index, intent model (trained if missing), generator, conversation store and
    orders (demo orders seeded into an empty table), wired into one Assistant.

    `loading` hears which of LOADING_STEPS are done and how far a long one (encoding,
    training) is, for the server's /ready; a shutdown meanwhile stops those long steps.
    `coordination` is what the server's processes share (live updates, turn locks, agent
    presence); without it, this process alone."""
    from bot.assistant import Assistant
    from bot.dialogue.engine import Dialogue
    from bot.nlu.batching import BatchingNLU
    from bot.shoppers import Personalization
    from bot.store.backends import open_conversation_store, shopper_store
    from bot.merchant.reviews import open_review_analyzer

    loop = asyncio.get_running_loop()

    async def run(fn: Callable[[], Any]) -> Any:
        return await loop.run_in_executor(executor, fn)

    status = loading or LoadingStatus()
    status.expect(*LOADING_STEPS)
    encoder = await run(lambda: load_encoder(settings))
    encoding = status.progress("catalog and index", "encoding {done} of {total} products")
    search, report = await run(lambda: open_search(settings, encoder=encoder, progress=encoding))
    logger.info("catalog ready: %d products in a %s index (%s)", report.total, report.kind, report.reason)
    status.done("catalog and index")

    def log_training(step: int, total: int) -> None:
        status.report("intent model", f"training, step {step} of {total}")
        if step == 1 or step % 50 == 0 or step == total:
            logger.info("training the intent model (first start): step %d of %d", step, total)

    nlu = await run(lambda: load_nlu(settings, search.store, progress=log_training))
    status.done("intent model")
    store = await open_conversation_store(settings)
    orders = await open_orders(settings, store, search.store, run)
    responder = open_responder(settings, search.store, stats=None)
    await responder.generator.warm_up()
    status.done("generator")
    vocabulary = CatalogVocabulary.from_store(search.store)
    coordination = coordination or Coordination(settings.rate_limit_per_minute)
    presence = await coordination.presence(OfficeHours.parse(settings.agent_hours))
    personalization = await Personalization.open(
        shopper_store(store), search, run, demo_shoppers=settings.demo_shoppers
    )
    reviews = await run(lambda: open_review_analyzer(settings))
    status.done("review sentiment model")
    lookups = ThreadPoolExecutor(max_workers=1, thread_name_prefix="shopbot-catalog")

    async def lookup(fn: Callable[[], Any]) -> Any:
        return await loop.run_in_executor(lookups, fn)

    dialogue = Dialogue(
        search, search.store, load_policy(settings, search.store), orders, encoder=encoder, store_name=settings.store_name,
        categories=_top_categories(vocabulary, search.store), run=run, lookup=lookup,
        agents_available=presence.available, agent_hours=presence.hours.text,
        recommender=lambda: personalization.recommender, reviews=reviews,
    )  # fmt: skip
    assistant = Assistant(store, BatchingNLU(nlu, executor), dialogue, responder, metrics, coordination.hub,
                          personalization=personalization, locks=coordination.locks)
    # Before ready, not in the background: a process that takes shoppers at half speed while it
    # builds these (seconds at 1k products, a minute at 100k) would slow every turn behind it.
    await run(dialogue.warm)
    status.done("product names and types")
    return AssistantParts(search, nlu, store, assistant, presence, personalization, reviews, orders, lookups)


async def open_orders(
    settings: Settings, store: ConversationStore, catalog: CatalogStore, run: Callable[[Callable[[], Any]], Any]
) -> OrderSource:
    """The store's order source. Demo orders go into an empty orders table only for the demo catalog."""
    from bot.store.order_api import HttpOrderSource
    from bot.store.backends import order_table
    from bot.store.orders import seed_demo_orders

    if settings.order_source == "http":
        assert settings.order_api_url is not None  # Settings checks this
        token = settings.order_api_token.get_secret_value() if settings.order_api_token else None
        currency = await run(lambda: catalog.currency() or "USD")
        return HttpOrderSource(settings.order_api_url, token, settings.platform_timeout, currency=currency)
    orders = order_table(store)
    if settings.demo_orders and await run(lambda: is_demo_catalog(catalog.fingerprints())):
        sample = await run(lambda: catalog.sample_products(60))
        await seed_demo_orders(orders, [(p.id, p.title, p.price) for p in sample])
    return orders



def _top_categories(vocabulary: CatalogVocabulary, store: CatalogStore) -> list[str]:
    """Top-level departments, for quick replies."""
    return store.top_categories() or vocabulary.categories[:5]
