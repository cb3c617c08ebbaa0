"""The built-in generator backends, registered by name like any extension would be.

Factories import their backend lazily, so an unused backend's libraries never load.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.generation.backends.base import GenerationError, Generator, available_backends, create_generator, register

if TYPE_CHECKING:
    from bot.config import Settings


def _template(settings: Settings) -> Generator:
    from bot.generation.backends.template import TemplateGenerator

    return TemplateGenerator()


def _local(settings: Settings) -> Generator:
    from bot.generation.backends.local import LocalGenerator

    return LocalGenerator.from_settings(settings)


def _openai(settings: Settings) -> Generator:
    from bot.generation.backends.openai_backend import OpenAIGenerator

    return OpenAIGenerator.from_settings(settings)


register("template", _template)
register("local", _local)
register("openai", _openai)

__all__ = ["GenerationError", "Generator", "available_backends", "create_generator", "register"]
