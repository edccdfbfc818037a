"""PostgreSQL outages made on the server's side, for the tests of acknowledged work.

`refusing_connections` is what an operator sees during a restart or maintenance: the database
accepts no new connection (`ALTER DATABASE … ALLOW_CONNECTIONS false`, SQLSTATE 55000 or
57P03 on connect) and every open one is terminated (`pg_terminate_backend`, 57P01), until the
block ends. No proxy is needed. (Branch i21 adds a TCP-proxy fault suite in tests/faults/;
this module is the one place the lead merges with it.)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url


def needs_postgresql(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL outage (SQLite has no server to lose)")


def _admin(database_url: str) -> tuple[Engine, str]:
    url = make_url(database_url)
    return create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT"), str(url.database)


def terminate_backends(database_url: str) -> int:
    """Terminate every connection to the test database (a crash or an operator's kill); how many."""
    admin, name = _admin(database_url)
    try:
        with admin.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            ).all()
        return len(rows)
    finally:
        admin.dispose()


def set_allow_connections(database_url: str, allowed: bool) -> None:
    admin, name = _admin(database_url)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {"true" if allowed else "false"}'))
    finally:
        admin.dispose()


@contextmanager
def refusing_connections(database_url: str) -> Iterator[None]:
    """The database refuses new connections and has lost its open ones, for the block's length."""
    set_allow_connections(database_url, False)
    try:
        terminate_backends(database_url)
        yield
    finally:
        set_allow_connections(database_url, True)
