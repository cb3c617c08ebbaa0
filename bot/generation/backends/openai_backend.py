"""Answers phrased by any OpenAI-compatible chat endpoint: OpenAI, Azure, vLLM, Ollama, llama.cpp.

Every failure, whatever its shape, leaves as a `GenerationError` naming what happened, so
the responder can fall back to templates. Error messages carry status codes and error
classes only, never response bodies: a provider's 401 body echoes part of the key.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import openai

from bot.generation.backends.base import GenerationError, Generator
from bot.generation.facts import AnswerContext
from bot.generation.prompt import build_messages

if TYPE_CHECKING:
    from bot.config import Settings

# Local servers ignore the key, but the client refuses to start without one (and would
# otherwise pick up OPENAI_API_KEY from the environment and send it somewhere unexpected).
NO_KEY = "not-needed"


class OpenAIGenerator(Generator):
    """Streams an answer from `POST {base_url}/chat/completions` with `stream: true`."""

    name = "openai"

    def __init__(
        self, *, base_url: str, model: str, api_key: str | None = None, temperature: float = 0.2,
        max_tokens: int = 120, timeout: float = 20.0, max_retries: int = 1,
    ) -> None:  # fmt: skip
        self.base_url = base_url
        self.model = model
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.timeout = timeout  # for the whole answer, retries included, not per read
        self.max_retries = max_retries
        self._api_key = api_key or NO_KEY
        self._client: openai.AsyncOpenAI | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenAIGenerator:
        """The generator the deployment's settings describe."""
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
        return cls(
            base_url=settings.openai_base_url, model=settings.openai_model, api_key=key,
            temperature=settings.generator_temperature, max_tokens=settings.generator_max_tokens,
            timeout=settings.generator_timeout, max_retries=settings.openai_max_retries,
        )  # fmt: skip

    def __repr__(self) -> str:  # the key stays out of reprs, hence out of logs and tracebacks
        return f"OpenAIGenerator(base_url={self.base_url!r}, model={self.model!r})"

    def _get_client(self) -> openai.AsyncOpenAI:
        # Created on first use, inside the running event loop its connections belong to.
        if self._client is None:
            self._client = openai.AsyncOpenAI(
                base_url=self.base_url, api_key=self._api_key, timeout=self.timeout, max_retries=self.max_retries
            )
        return self._client

    async def stream(self, context: AnswerContext, *, strict: bool = False) -> AsyncIterator[str]:
        """Yield the answer's pieces as the endpoint sends them; GenerationError on any failure.

        A stream that ends cleanly without `[DONE]` still counts if it carried text: some
        local servers omit the marker. A dropped connection, by contrast, is an error.
        """
        # The client's timeout bounds each read; this bounds the whole answer, so a server
        # trickling one token every few seconds still ends in the template answer.
        deadline = asyncio.get_running_loop().time() + self.timeout
        try:
            async with asyncio.timeout_at(deadline):
                chunks = await self._get_client().chat.completions.create(
                    model=self.model,
                    messages=build_messages(context, strict=strict),  # type: ignore[arg-type]
                    temperature=self.temperature,
                    max_tokens=self.max_tokens,
                    stream=True,
                )
        except (openai.OpenAIError, TimeoutError) as exc:
            raise GenerationError(self._describe(exc)) from None
        produced = False
        async with chunks:  # closes the response even when the consumer stops early
            while True:
                try:
                    async with asyncio.timeout_at(deadline):
                        piece = _content(await anext(chunks))
                except StopAsyncIteration:
                    break
                except (openai.OpenAIError, TimeoutError, ValueError) as exc:
                    raise GenerationError(self._describe(exc)) from None
                if piece:
                    produced = True
                    yield piece
        if not produced:
            raise GenerationError(f"{self.model} at {self.base_url} returned an empty answer")

    def _describe(self, exc: BaseException) -> str:
        """What went wrong, in a few words: status codes and error classes, no bodies."""
        where = f"{self.model} at {self.base_url}"
        if isinstance(exc, (TimeoutError, openai.APITimeoutError)):
            return f"{where} did not answer within {self.timeout:g}s"
        if isinstance(exc, openai.APIStatusError):
            return f"{where} answered HTTP {exc.status_code} ({type(exc).__name__})"
        if isinstance(exc, openai.APIConnectionError):
            return f"could not reach {where} (connection failed or dropped)"
        if isinstance(exc, openai.APIError):
            return f"{where} reported an error mid-stream"
        if isinstance(exc, _MalformedChunk):
            return f"{where} sent a malformed chunk ({exc})"
        if isinstance(exc, ValueError):  # json.JSONDecodeError from the client's SSE parsing
            return f"{where} sent a malformed chunk (invalid JSON)"
        return f"{where} failed ({type(exc).__name__})"  # any other client-side OpenAIError

    async def close(self) -> None:
        """Close the HTTP client and its connections."""
        if self._client is not None:
            await self._client.close()
            self._client = None


class _MalformedChunk(ValueError):
    """A chunk that parsed as JSON but is not shaped like a chat completion chunk."""


def _content(chunk: Any) -> str | None:
    """The text delta of one chunk; None for role-only, stop and empty-choices chunks.

    The client builds chunks without validating them, so each field is checked here.
    """
    choices = getattr(chunk, "choices", None)
    if not isinstance(choices, list):
        raise _MalformedChunk("no choices")
    if not choices:  # Azure's filter results and usage-only chunks carry no choices
        return None
    delta = getattr(choices[0], "delta", None)
    content = getattr(delta, "content", None)
    if content is not None and not isinstance(content, str):
        raise _MalformedChunk("content is not text")
    return content
