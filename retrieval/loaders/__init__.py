"""Catalog loaders, one module per file format, looked up by name."""

from __future__ import annotations

from retrieval.errors import UnknownFormatError
from retrieval.loaders import csv_generic, dummyjson, jsonl, shopify
from retrieval.loaders.base import Loader, LoadOptions, RawRecord

# Insertion order is the order formats are listed to people.
LOADERS: dict[str, Loader] = {
    "jsonl": jsonl.load,
    "csv": csv_generic.load,
    "shopify": shopify.load,
    "dummyjson": dummyjson.load,
}


def get_loader(name: str) -> Loader:
    """The loader for format `name`; UnknownFormatError names the formats there are."""
    try:
        return LOADERS[name.strip().lower()]
    except KeyError:
        raise UnknownFormatError(
            f"unknown catalog format {name!r}; use one of: {', '.join(LOADERS)}"
        ) from None


__all__ = ["LOADERS", "LoadOptions", "Loader", "RawRecord", "get_loader"]
