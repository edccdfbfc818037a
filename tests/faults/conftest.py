"""Fixtures of the fault-injection suite: a TCP proxy in front of PostgreSQL, and a way to skip
what only PostgreSQL can show (several connections racing, a backend terminated) on SQLite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.faults.proxy import TcpProxy


@pytest.fixture
def postgres_url(database_url: str) -> str:
    """The test database's URL when it is PostgreSQL; the test is skipped on SQLite."""
    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    return database_url


@pytest.fixture
def pg_proxy(postgres_url: str) -> Iterator[TcpProxy]:
    """A proxy in front of the test PostgreSQL server, forwarding until told otherwise."""
    with TcpProxy.for_url(postgres_url) as proxy:
        yield proxy
