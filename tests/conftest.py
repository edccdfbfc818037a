"""Fixtures: a real database (SQLite by default, PostgreSQL with TEST_DATABASE_URL), the fake
Slack server, and the app served over HTTP with a driver that sends signed requests.

Each test session gets its own database (a temporary SQLite file, or a fresh PostgreSQL
database created next to the one TEST_DATABASE_URL names, dropped at the end), migrated with
Alembic; each test starts with every table empty.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.core.clock import ManualClock
from bot.core.settings import Settings
from bot.visits.names import forget_indexes
from dev.driver import Driver, LocalServer
from dev.fake_slack import FakeSlack
from runtime.app import build_app
from runtime.executor import TrackingExecutor
from runtime.web import WebApp
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Base

TEAM = "T0000TEST"
SECRET = "test-signing-secret"
# Monday 23 November 2026, 10:00 in Shanghai.
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def pytest_report_header(config: pytest.Config) -> str:
    return f"database: {_base_url().split('://')[0]}"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say which database the suite ran on (CI runs it on both; -q hides the header)."""
    terminalreporter.write_line(f"database: {_base_url().split('://')[0].split('+')[0]}")


def _base_url() -> str:
    return os.environ.get("TEST_DATABASE_URL", "sqlite")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = _base_url()
    if base == "sqlite" or base.startswith("sqlite"):
        path = Path(tmp_path_factory.mktemp("db")) / "test.db"
        url = f"sqlite:///{path}"
        engine = Database(url).engine
        upgrade(engine)
        engine.dispose()
        yield url
        return
    admin_url = make_url(base)
    name = f"pc_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    engine = Database(url).engine
    upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def empty_all_tables(db: Database) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if db.dialect == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    empty_all_tables(database)
    forget_indexes()  # every test starts from empty tables: no name index of a previous one
    yield database
    database.dispose()


@pytest.fixture
def empty_database_url(db: Database, database_url: str) -> str:
    """The session database with every table empty, for a process the test starts: it must not
    see what earlier tests left (job runs stamped with the suite's fixed date would make its
    /healthz answer 503 once the real date is far enough from that date)."""
    return database_url


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack(team_id=TEAM).start()
    yield fake
    fake.stop()


@pytest.fixture
def settings(fake_slack: FakeSlack, database_url: str) -> Settings:
    return Settings(
        slack_bot_token="xoxb-test-token",
        slack_signing_secret=SECRET,
        slack_api_url=fake_slack.api_url,
        database_url=database_url,
        scheduler_enabled=False,
    )


@pytest.fixture
def driver(settings: Settings, db: Database, clock: ManualClock, fake_slack: FakeSlack) -> Iterator[Driver]:
    """The app served over HTTP (the WSGI stack `serve` runs) and a driver to talk to it."""
    executor = TrackingExecutor()
    app = build_app(settings, db=db, clock=clock, executor=executor)
    server = LocalServer(WebApp(app))
    yield Driver(
        app, fake_slack, signing_secret=SECRET, team_id=TEAM, executor=executor, url=f"{server.url}/slack/events"
    )
    executor.wait_idle(10)
    server.stop()
    executor.shutdown(wait=False)
