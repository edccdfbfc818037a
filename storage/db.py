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
        """A session in a transaction: commit on success, roll back on any error. A failure
        that means the database cannot be reached is raised as `DatabaseUnavailable`."""
        session = self._sessions()
        try:
            with session.begin():
                yield session
        except DatabaseUnavailable:
            raise
        except Exception as exc:
            if is_connection_error(exc):
                raise DatabaseUnavailable(_reason(exc)) from exc
            raise
        finally:
            try:
                session.close()
            except Exception as exc:  # closing a session whose connection died: reported above
                if not is_connection_error(exc):
                    raise

    def ping(self) -> bool:
        """True when a trivial query succeeds (health checks)."""
        from sqlalchemy import text

        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    def dispose(self) -> None:
        self.engine.dispose()


# SQLSTATEs that mean "no connection can be had or it was lost", as opposed to "this statement
# is wrong": class 08 (connection exception), 57P01 admin_shutdown (pg_terminate_backend),
# 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up, or ALLOW_CONNECTIONS false),
# 53300 too_many_connections, 53000 insufficient_resources.
# NOTE for the merge: branch i21 has the full version of this (same name and meaning); keep one.
_CONNECTION_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "53300", "53000"})


def is_connection_error(exc: BaseException) -> bool:
    """Whether `exc` (or an error it wraps) means the database is unreachable or the connection
    was lost, so the work must be kept and retried, rather than a statement the database refused.
    Decided by class and SQLSTATE (SQLAlchemy's disconnect detection, psycopg's error classes),
    never by message text, which changes with the server's version and language."""
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DatabaseUnavailable | PoolTimeout | ConnectionError):
            return True
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return True
        if _driver_connection_error(getattr(current, "orig", None) or current):
            return True
        current = current.__cause__ or current.__context__
    return False


def _driver_connection_error(exc: BaseException) -> bool:
    sqlstate = getattr(exc, "sqlstate", None)
    if isinstance(sqlstate, str) and (sqlstate.startswith("08") or sqlstate in _CONNECTION_SQLSTATES):
        return True
    import sqlite3

    if isinstance(exc, sqlite3.OperationalError):  # the file cannot be opened or read
        code = getattr(exc, "sqlite_errorcode", None)
        return code is not None and code & 0xFF in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR)
    try:
        import psycopg
    except ImportError:  # pragma: no cover - an install without PostgreSQL
        return False
    # No SQLSTATE: it failed before the server said anything (refused, reset, closed).
    return isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError) and sqlstate is None


def _reason(exc: BaseException) -> str:
    """One line saying what failed, without statement parameters."""
    orig = getattr(exc, "orig", None) or exc
    first = (str(orig).strip().splitlines() or [""])[0]
    return f"{type(orig).__name__}: {first}"[:300]
