"""Engines and transactions.

`Database` is the one object the rest of the code uses to reach storage: `db.transaction()`
yields a session inside a transaction that commits on success and rolls back on error. SQLite
runs with WAL, foreign keys on and a busy timeout, so the app, the scheduler and the shell can
share one file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


class DatabaseUnavailable(RuntimeError):
    """The database could not be reached; callers apologise and echo the user's text."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling is turned off so that SQLAlchemy's BEGIN is the one
    # that counts (needed for BEGIN IMMEDIATE and correct isolation under concurrency).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    # IMMEDIATE takes the write lock at BEGIN, so two writers queue on busy_timeout instead of
    # failing with "database is locked" when a read transaction tries to upgrade.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for `url` with the settings this product relies on.

    `hide_parameters`: a database error's message would otherwise carry the statement's values
    (what users typed) into the logs.
    """
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return create_engine(url, **kwargs)


class Database:
    """An engine plus a session factory. Cheap to pass around; one per process."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in a transaction: commit on success, roll back on any error."""
        from sqlalchemy.exc import OperationalError

        try:
            session = self._sessions()
        except OperationalError as exc:  # pragma: no cover - connection refused at checkout
            raise DatabaseUnavailable(str(exc)) from exc
        try:
            with session.begin():
                yield session
        except OperationalError as exc:
            if _is_connection_error(exc):
                raise DatabaseUnavailable(str(exc.orig)) from exc
            raise
        finally:
            session.close()

    def ping(self) -> bool:
        """True when a trivial query succeeds (health checks)."""
        from sqlalchemy import text

        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    def check_connection(self) -> None:
        """Connect once, so that a wrong `DATABASE_URL` stops the program at start with the
        reason (`DatabaseUnavailable`, its message made for an operator) instead of failing in
        the first request, a worker or a scheduler thread."""
        from sqlalchemy import text
        from sqlalchemy.exc import DBAPIError

        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except DBAPIError as exc:
            raise DatabaseUnavailable(describe_connect_error(exc, self.engine)) from exc

    def dispose(self) -> None:
        self.engine.dispose()


def _is_connection_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return any(
        marker in text
        for marker in (
            "connection refused",
            "could not connect",
            "server closed the connection",
            "unable to open database",
            "connection is closed",
            "terminating connection",
            "disk i/o error",
        )
    )


def describe_connect_error(exc: Exception, engine: Engine) -> str:
    """Why a connection failed, in one line an operator can act on (no password shown)."""
    url = engine.url
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    first = reason[0] if reason else type(exc).__name__
    lowered = " ".join(reason).lower()
    if url.get_backend_name() == "sqlite":
        return f"cannot open the SQLite file {url.database!r} ({first}): its folder must exist and be writable"
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    if "does not exist" in lowered and "database" in lowered:
        return f"database {url.database!r} does not exist on {where}: create it (createdb {url.database}) first"
    if "connection refused" in lowered:
        return f"nothing accepts connections on {where} (connection refused): start PostgreSQL or correct host/port"
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return f"{where} refused user {url.username!r} (password authentication failed): correct user/password"
    first = first.removeprefix("connection failed: ")
    return f"cannot connect to {where}: {first}"
