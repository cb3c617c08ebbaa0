"""Errors raised by the retrieval library. Callers (CLI, server) translate them for people."""

from __future__ import annotations


class RetrievalError(Exception):
    """Base class: something a store owner or shopper can fix by changing their input."""


class UnknownFormatError(RetrievalError):
    """A catalog file's format was not given and cannot be told from its name."""


class CatalogFileError(RetrievalError):
    """A catalog file cannot be read at all (missing, not a file, wrong top-level shape)."""


class ImportRejectedError(RetrievalError):
    """A strict import found bad rows, so nothing was written."""


class FilterError(RetrievalError):
    """A search filter has a value that cannot be applied (e.g. min price above max price)."""


class IndexStateError(RetrievalError):
    """The vector index is missing or was built for another model or catalog."""
