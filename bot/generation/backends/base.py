"""The generator interface: facts in, a stream of text out. Backends are looked up by name."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, ClassVar

from bot.errors import ConfigError, ShopbotError
from bot.generation.facts import AnswerContext

if TYPE_CHECKING:
    from bot.config import Settings


class GenerationError(ShopbotError):
    """A backend could not produce an answer (unreachable, timed out, malformed output).

    The responder catches it and answers from templates; a shopper never sees it.
    """


class Generator(ABC):
    """Phrases the facts of an answer. One abstract method; everything else is built on it."""

    name: ClassVar[str]
    # A model that writes free text needs its output checked; templates render facts only.
    writes_free_text: ClassVar[bool] = True
    # How many stricter second tries an ungrounded draft gets before the template answer.
    retries: ClassVar[int] = 1

    @abstractmethod
    def stream(self, context: AnswerContext, *, strict: bool = False) -> AsyncIterator[str]:
        """Yield the answer's text in pieces as it is produced.

        `strict` asks for a more literal answer after an ungrounded first attempt.
        Raises GenerationError when no answer can be produced.
        """

    async def generate(self, context: AnswerContext, *, strict: bool = False) -> str:
        """The whole answer at once."""
        return "".join([piece async for piece in self.stream(context, strict=strict)])

    async def warm_up(self) -> None:  # noqa: B027 - optional hook
        """Load whatever the first answer would otherwise wait for (a model, a connection)."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections or models."""


Factory = Callable[["Settings"], Generator]
_REGISTRY: dict[str, Factory] = {}


def register(name: str, factory: Factory) -> None:
    """Make a backend available by name in configuration (built-ins register the same way)."""
    _REGISTRY[name] = factory


def create_generator(name: str, settings: Settings) -> Generator:
    """The backend registered under `name`, built from settings."""
    from bot.generation import backends  # noqa: F401 - registers the built-ins

    try:
        factory = _REGISTRY[name]
    except KeyError:
        raise ConfigError(f"unknown generator {name!r}; known: {', '.join(sorted(_REGISTRY))}") from None
    return factory(settings)


def available_backends() -> list[str]:
    """Names of the registered backends."""
    from bot.generation import backends  # noqa: F401

    return sorted(_REGISTRY)
