"""Engines and transactions.

`Database` is the one object the rest of the code uses to reach storage: `db.transaction()`
yields a session inside a transaction that commits on success and rolls back on error. SQLite
runs with WAL, foreign keys on and a busy timeout, so the app, the scheduler and the shell can
share one file.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

# Client-side limits on every PostgreSQL connection (seconds). A server that is down answers
# at once; a host that black-holes packets never does, so without these a request, a sweep or
# /healthz would hang for the kernel's TCP timeout (many minutes).
CONNECT_TIMEOUT = 5
STATEMENT_TIMEOUT = 60  # server-side: no query of this app runs anywhere near this long
TCP_USER_TIMEOUT = 20  # unacknowledged data on an established connection: give up after this

# SQLSTATE classes and codes that mean "the connection is gone or cannot be had", as opposed
# to "this statement is wrong": class 08 (connection exception), 57P01 admin_shutdown,
# 57P02 crash_shutdown, 57P03 cannot_connect_now, 53300 too_many_connections,
# 53000 insufficient_resources (often out of connection slots).
_CONNECTION_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "53300", "53000"})


P = ParamSpec("P")
R = TypeVar("R")


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


def make_engine(url: str, *, statement_timeout: float = STATEMENT_TIMEOUT, **kwargs: Any) -> Engine:
    """Create an engine for `url` with the settings this product relies on.

    `hide_parameters`: a database error's message would otherwise carry the statement's values
    (what users typed) into the logs. `statement_timeout` (PostgreSQL, seconds; 0: none) is
    for bulk work that legitimately runs long (benchmark data loading).
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
    kwargs.setdefault("pool_timeout", 10)
    if url.startswith("postgresql"):
        connect_args = dict(kwargs.pop("connect_args", {}) or {})
        for key, value in postgres_timeouts(statement=statement_timeout).items():
            connect_args.setdefault(key, value)
        kwargs["connect_args"] = connect_args
    return create_engine(url, **kwargs)


def postgres_timeouts(
    *,
    connect: float = CONNECT_TIMEOUT,
    statement: float = STATEMENT_TIMEOUT,
    tcp_user: float = TCP_USER_TIMEOUT,
) -> dict[str, Any]:
    """libpq connection parameters bounding every wait on the database (see the constants)."""
    return {
        "connect_timeout": max(2, int(connect)),  # libpq's minimum is 2 s
        "options": f"-c statement_timeout={int(statement * 1000)}",
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 5,
        "keepalives_count": 3,
        "tcp_user_timeout": int(tcp_user * 1000),
    }


class Database:
    """An engine plus a session factory. Cheap to pass around; one per process."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        """`engine_kwargs`: `make_engine`'s (`statement_timeout`, pool sizes, connect_args…)."""
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
            except Exception as exc:  # closing a session whose connection died: already reported
                if not is_connection_error(exc):
                    raise

    def ping(self) -> bool:
        """True when a trivial query succeeds (health checks)."""
        return self.check() is None

    def check(self) -> str | None:
        """None when a trivial query succeeds, else why not (one line, for /healthz)."""
        from sqlalchemy import text

        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return None
        except Exception as exc:
            return _reason(exc) if is_connection_error(exc) else f"{type(exc).__name__}"

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


def is_connection_error(exc: BaseException) -> bool:
    """Whether `exc` (or what it wraps) means the database could not be reached or the
    connection was lost, so the work should be kept and retried later, as opposed to a
    statement the database refused (a bug or a constraint, which retrying does not fix).

    Decided by error class, never by message text (messages change with server version and
    locale): SQLAlchemy's disconnect detection (`connection_invalidated`, which uses the
    driver's own `is_disconnect`), psycopg's `OperationalError` whose SQLSTATE is a connection
    class (or that has none: it failed before the server said anything), the SQLSTATEs above,
    SQLAlchemy's pool timeout, and OS-level socket errors.
    """
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DatabaseUnavailable | PoolTimeout | ConnectionError | TimeoutError):
            return True
        if isinstance(current, DBAPIError):
            if current.connection_invalidated:
                return True
            if current.orig is not None and _driver_connection_error(current.orig):
                return True
        elif _driver_connection_error(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def _driver_connection_error(exc: BaseException) -> bool:
    sqlstate = getattr(exc, "sqlstate", None)
    if isinstance(sqlstate, str) and (sqlstate.startswith("08") or sqlstate in _CONNECTION_SQLSTATES):
        return True
    try:
        import psycopg
    except ImportError:  # pragma: no cover - SQLite-only install
        psycopg = None  # type: ignore[assignment]
    if psycopg is not None:
        if isinstance(exc, psycopg.OperationalError) and sqlstate is None:
            return True  # failed before the server answered: refused, reset, timed out, closed
        if isinstance(exc, psycopg.InterfaceError):
            return True  # "the connection is closed"
    import sqlite3

    if isinstance(exc, sqlite3.OperationalError):
        code = getattr(exc, "sqlite_errorcode", None)
        return code is not None and code & 0xFF in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR)
    return False


def _reason(exc: BaseException) -> str:
    """One line saying what failed, without statement parameters."""
    orig = getattr(exc, "orig", None) or exc
    first = (str(orig).strip().splitlines() or [""])[0]
    return f"{type(orig).__name__}: {first}"[:300]


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


def in_transaction(op: Callable[Concatenate[Session, P], R]) -> Callable[Concatenate[Database, P], R]:
    """The `do_*` form of a session-level operation: `op` run in a transaction of its own.

    Operations are written against a session so that one caller can run several in one
    transaction (the demo builds a workspace that way); requests want each in its own. One
    wrapper for all of them, so a `do_*` never repeats its operation's signature.
    """

    @functools.wraps(op)
    def run(db: Database, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with db.transaction() as session:
            return op(session, *args, **kwargs)

    return run
