"""Store fixtures: a throwaway PostgreSQL per test module that asks for one, a fresh database per test."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import asyncpg
import pytest

from tests.support.servers import Postgres, postgres

_names = itertools.count(1)


@pytest.fixture(scope="module")
def pg_server() -> Iterator[Postgres]:
    """One PostgreSQL server for the whole test module (started only if a test asks for it)."""
    with postgres() as pg:
        yield pg


def fresh_database(pg: Postgres) -> str:
    """The URL of a new, empty database on `pg`, so each test starts from nothing."""
    name = f"test_{next(_names)}"

    async def create() -> None:
        connection = await asyncpg.connect(pg.url)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()

    # On a thread of its own: this runs from sync fixtures, whatever event loop the test has.
    with ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(asyncio.run, create()).result()
    return pg.url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture
def postgres_url(pg_server: Postgres) -> str:
    """A fresh database on the module's PostgreSQL."""
    return fresh_database(pg_server)
