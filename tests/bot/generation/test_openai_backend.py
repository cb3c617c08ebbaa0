"""The OpenAI-compatible backend against a real local HTTP server that plays the model."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from bot.generation.backends import GenerationError, create_generator
from bot.generation.backends.openai_backend import NO_KEY, OpenAIGenerator
from bot.generation.facts import AnswerContext
from tests.support.openai_stub import FakeOpenAIServer, Reply, fake_openai_server

CONTEXT = AnswerContext(skill="fallback", message="hi")
ANSWER = "Sorry, I did not catch that. I can help you find products or answer store questions."


@pytest.fixture
async def server() -> AsyncIterator[FakeOpenAIServer]:
    async with fake_openai_server(ANSWER) as fake:
        yield fake


def make(server: FakeOpenAIServer, **overrides: object) -> OpenAIGenerator:
    options: dict = {
        "base_url": server.base_url, "api_key": "sk-test-123", "model": "test-model",
        "temperature": 0.3, "max_tokens": 64, "timeout": 5.0, "max_retries": 0,
    }  # fmt: skip
    return OpenAIGenerator(**(options | overrides))


async def collect(generator: OpenAIGenerator) -> list[str]:
    try:
        return [piece async for piece in generator.stream(CONTEXT)]
    finally:
        await generator.close()


async def test_streams_the_reply_in_pieces_in_order(server: FakeOpenAIServer) -> None:
    pieces = await collect(make(server))
    assert len(pieces) > 5
    assert "".join(pieces) == ANSWER


async def test_generate_joins_the_stream(server: FakeOpenAIServer) -> None:
    server.reply = lambda request: Reply(f"You said {request.last_user_message}", chunk_size=2)
    generator = make(server)
    try:
        assert "You said" in await generator.generate(CONTEXT)
    finally:
        await generator.close()


async def test_sends_model_sampling_settings_stream_flag_and_key(server: FakeOpenAIServer) -> None:
    await collect(make(server))
    [request] = server.requests
    assert request.model == "test-model"
    assert request.temperature == 0.3
    assert request.max_tokens == 64
    assert request.stream is True
    assert request.authorization == "Bearer sk-test-123"
    assert request.messages[0]["role"] == "system"
    assert any('"hi"' in str(m["content"]) for m in request.messages)


async def test_works_without_a_key(server: FakeOpenAIServer) -> None:
    assert "".join(await collect(make(server, api_key=None))) == ANSWER
    assert server.requests[0].authorization == f"Bearer {NO_KEY}"


@pytest.mark.parametrize(("status", "kind"), [(429, "RateLimitError"), (500, "InternalServerError")])
async def test_error_status_after_retries_is_a_generation_error(
    server: FakeOpenAIServer, status: int, kind: str
) -> None:
    server.reply = Reply(status=status)
    with pytest.raises(GenerationError, match=f"HTTP {status} \\({kind}\\)") as raised:
        await collect(make(server, max_retries=1))
    assert len(server.requests) == 2  # the first try and one retry
    assert "sk-test-123" not in str(raised.value)


async def test_a_retry_that_succeeds_gives_the_answer(server: FakeOpenAIServer) -> None:
    server.enqueue(Reply(status=429))
    assert "".join(await collect(make(server, max_retries=1))) == ANSWER
    assert len(server.requests) == 2


async def test_a_slow_first_chunk_beyond_the_timeout_is_a_generation_error(server: FakeOpenAIServer) -> None:
    server.reply = Reply(ANSWER, delay=2.0)
    with pytest.raises(GenerationError, match="did not answer within 0.3s"):
        await collect(make(server, timeout=0.3))


async def test_a_trickling_stream_is_bounded_by_the_whole_answer_timeout(server: FakeOpenAIServer) -> None:
    # Each chunk arrives well within a per-read timeout, but the answer as a whole does not.
    server.reply = Reply(ANSWER, chunk_delay=0.1)
    with pytest.raises(GenerationError, match="did not answer within 0.5s"):
        await collect(make(server, timeout=0.5))


async def test_a_malformed_chunk_is_a_generation_error(server: FakeOpenAIServer) -> None:
    server.reply = Reply(ANSWER, malformed=True)
    with pytest.raises(GenerationError, match="malformed chunk"):
        await collect(make(server))


async def test_a_chunk_without_choices_is_a_generation_error(server: FakeOpenAIServer) -> None:
    server.reply = Reply(events=[{"id": "chatcmpl-x", "object": "chat.completion.chunk"}])
    with pytest.raises(GenerationError, match="malformed chunk"):
        await collect(make(server))


async def test_an_error_event_mid_stream_is_a_generation_error(server: FakeOpenAIServer) -> None:
    server.reply = Reply(events=[{"error": {"message": "overloaded", "type": "server_error"}}])
    with pytest.raises(GenerationError, match="error mid-stream"):
        await collect(make(server))


async def test_chunks_with_empty_choices_are_skipped(server: FakeOpenAIServer) -> None:
    # Azure sends content-filter results, and servers send usage, in chunks with no choices.
    server.reply = Reply(events=[{"id": "a", "choices": []}, {"id": "b", "choices": [{"delta": {"content": "Hi!"}}]}])
    assert await collect(make(server)) == ["Hi!"]


async def test_a_stream_ending_without_done_keeps_its_content(server: FakeOpenAIServer) -> None:
    # Some local servers never send [DONE]; a body that ends cleanly is a finished answer.
    server.reply = Reply(ANSWER, done=False)
    assert "".join(await collect(make(server))) == ANSWER


async def test_a_dropped_connection_is_a_generation_error(server: FakeOpenAIServer) -> None:
    server.reply = Reply(ANSWER, drop=True)
    with pytest.raises(GenerationError, match="could not reach"):
        await collect(make(server))


async def test_an_empty_reply_is_a_generation_error(server: FakeOpenAIServer) -> None:
    server.reply = Reply("")
    with pytest.raises(GenerationError, match="empty answer"):
        await collect(make(server))


async def test_an_unreachable_endpoint_is_a_generation_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound but not listening: connections are refused
        generator = OpenAIGenerator(base_url=f"http://127.0.0.1:{port}/v1", model="m", max_retries=0, timeout=2)
        with pytest.raises(GenerationError, match="could not reach"):
            await collect(generator)


async def test_stopping_early_closes_cleanly(server: FakeOpenAIServer) -> None:
    generator = make(server)
    pieces = generator.stream(CONTEXT)
    first = await anext(pieces)
    await pieces.aclose()
    await generator.close()
    assert ANSWER.startswith(first)


async def test_created_from_settings_by_name(server: FakeOpenAIServer) -> None:
    settings = Settings(
        openai_base_url=server.base_url, openai_api_key="sk-from-settings", openai_model="settings-model",
        generator_temperature=0.0, generator_max_tokens=32, generator_timeout=5, openai_max_retries=0,
    )  # fmt: skip
    generator = create_generator("openai", settings)
    assert isinstance(generator, OpenAIGenerator)
    assert "sk-from-settings" not in repr(generator)
    try:
        assert await generator.generate(CONTEXT) == ANSWER
    finally:
        await generator.close()
    [request] = server.requests
    assert (request.model, request.temperature, request.max_tokens) == ("settings-model", 0.0, 32)
    assert request.authorization == "Bearer sk-from-settings"
