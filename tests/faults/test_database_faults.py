"""Connection-class failures recognised by what they are, not by their wording; every wait on
the database bounded; /healthz answering in time, with the reason, whatever the database does."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from bot.core.clock import ManualClock
from bot.core.settings import Settings
from runtime.app import build_app
from runtime.web import WebApp
from storage.db import Database, DatabaseUnavailable, is_connection_error, postgres_timeouts
from storage.models import Person
from tests.conftest import TEAM
from tests.faults.proxy import TcpProxy


def _error_of(db: Database, sql: str = "SELECT 1") -> BaseException:
    try:
        with db.engine.connect() as conn:
            conn.execute(text(sql))
    except Exception as exc:
        return exc
    raise AssertionError("no error")


@pytest.fixture
def proxied(pg_proxy: TcpProxy, postgres_url: str) -> Iterator[Database]:
    database = Database(
        pg_proxy.url(postgres_url),
        pool_pre_ping=False,
        connect_args=postgres_timeouts(connect=2, statement=5, tcp_user=3),
    )
    yield database
    database.dispose()


def test_refused_reset_and_black_holed_connections_are_connection_errors(pg_proxy: TcpProxy, proxied: Database) -> None:
    pg_proxy.refuse()
    assert is_connection_error(_error_of(proxied))
    pg_proxy.reset()
    assert is_connection_error(_error_of(proxied))
    pg_proxy.black_hole()
    started = time.monotonic()
    exc = _error_of(proxied)
    assert is_connection_error(exc)
    assert time.monotonic() - started < 4.5  # the connect timeout (2 s), not the kernel's minutes
    pg_proxy.heal()
    assert proxied.check() is None


def test_a_connection_reset_mid_transaction_raises_database_unavailable(pg_proxy: TcpProxy, proxied: Database) -> None:
    with pytest.raises(DatabaseUnavailable), proxied.transaction() as session:
        session.execute(text("SELECT 1"))
        pg_proxy.reset()
        session.execute(text("SELECT 2"))
    pg_proxy.heal()
    with proxied.transaction() as session:  # the pool recovers by itself
        assert session.scalar(text("SELECT 3")) == 3


def test_a_terminated_backend_is_a_connection_error(db: Database, postgres_url: str) -> None:
    with db.engine.connect() as victim:
        pid = victim.execute(text("SELECT pg_backend_pid()")).scalar()
        victim.commit()
        with db.engine.connect() as killer:
            killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        with pytest.raises(Exception) as caught:
            victim.execute(text("SELECT 1"))
    assert is_connection_error(caught.value)


def test_statement_errors_are_not_connection_errors(db: Database) -> None:
    """A bad statement or a constraint is a bug or a conflict: retrying later would not help."""
    # sqlite3 calls a bad column an OperationalError: the class alone must not mean "connection"
    with pytest.raises((ProgrammingError, OperationalError)) as bad, db.transaction() as session:
        session.execute(text("SELECT no_such_column FROM people"))
    assert not is_connection_error(bad.value)
    with pytest.raises(IntegrityError) as dup, db.transaction() as session:
        for _ in range(2):  # Direct: a deliberate duplicate row, to provoke the constraint error
            session.add(Person(team_id=TEAM, slack_user_id="U1", name="", role="rep", tz="UTC", is_active=True))
            session.flush()
    assert not is_connection_error(dup.value)


def test_an_unopenable_sqlite_file_is_a_connection_error(tmp_path) -> None:
    broken = Database(f"sqlite:///{tmp_path}/missing-dir/x.db")
    exc = _error_of(broken)
    assert is_connection_error(exc)
    assert isinstance(exc.__cause__ or getattr(exc, "orig", None), sqlite3.OperationalError)
    assert broken.check() is not None


def test_postgres_sessions_carry_a_statement_timeout(db: Database, postgres_url: str) -> None:
    with db.transaction() as session:
        assert session.scalar(text("SHOW statement_timeout")) == "1min"
        params = session.connection().connection.dbapi_connection.info.get_parameters()
    # Client side (libpq): a connection attempt and unacknowledged writes are bounded too.
    assert (params["connect_timeout"], params["tcp_user_timeout"]) == ("5", "20000")


def test_healthz_answers_within_two_seconds_with_the_reason_when_the_database_host_black_holes(
    pg_proxy: TcpProxy, proxied: Database, settings: Settings, clock: ManualClock
) -> None:
    web = WebApp(build_app(settings, db=proxied, clock=clock))
    answers: list[tuple[str, bytes, float]] = []

    def get() -> None:
        captured: list[str] = []
        started = time.monotonic()
        body = b"".join(
            web({"PATH_INFO": "/healthz", "REQUEST_METHOD": "GET"}, lambda status, _h, *_a: captured.append(status))
        )
        answers.append((captured[0], body, time.monotonic() - started))

    get()
    assert answers[-1][0].startswith("200")
    proxied.engine.dispose()  # no pooled connection: the next check must connect
    pg_proxy.black_hole()
    callers = [threading.Thread(target=get) for _ in range(3)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join(10)
    for status, body, elapsed in answers[1:]:
        assert status.startswith("503") and elapsed < 2.0
        assert b"timeout" in body
    pg_proxy.refuse()
    time.sleep(2.5)  # the black-holed check gives up (connect timeout 2 s)
    get()
    status, body, elapsed = answers[-1]
    assert status.startswith("503") and elapsed < 2.0
    assert b"unreachable" in body and b"OperationalError" in body
    pg_proxy.heal()
    get()
    assert answers[-1][0].startswith("200")
