"""Shopbot's error types. Raised anywhere; translated for people only at the boundary (CLI, HTTP)."""

from __future__ import annotations

from retrieval.errors import RetrievalError


class ShopbotError(Exception):
    """Base class for errors a user can fix; the message says how."""


class ConfigError(ShopbotError):
    """The configuration is missing or invalid."""


class NotReadyError(ShopbotError):
    """A resource (catalog, index, model) has not been prepared yet."""


# Errors whose message is written for the person who caused them.
USER_ERRORS: tuple[type[Exception], ...] = (ShopbotError, RetrievalError)
