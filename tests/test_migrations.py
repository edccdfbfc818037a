"""The migrations and the models agree, on whichever database the suite runs on."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Integer, MetaData, create_engine, select, text
from sqlalchemy.engine import make_url

from bot.core.clock import ManualClock
from dev.fake_slack import FakeSlack
from storage.db import Database
from storage.migrate import current_heads
from storage.models import Base
from tests.conftest import START, TEAM


def test_autogenerate_finds_no_difference(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_database_is_at_head(db: Database) -> None:
    from alembic.script import ScriptDirectory

    from storage.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config(db.url))
    assert current_heads(db.engine) == set(script.get_heads())


# ----- frozen baseline, and upgrades of databases that hold data ------------------------------
# 0001 is what installed databases have: it never changes again (a schema change is a new
# revision). Its digest is pinned so an edit fails here, not on a customer's database.
INITIAL_SHA256 = "9844f5fcc3abe7d665493a168ef1a0f2c1408b7b38578ce7a659c7505f6c8915"


def test_the_initial_revision_is_frozen() -> None:
    import hashlib

    from storage.migrate import MIGRATIONS_DIR

    initial = MIGRATIONS_DIR / "versions" / "0001_initial_schema.py"
    assert hashlib.sha256(initial.read_bytes()).hexdigest() == INITIAL_SHA256, (
        "0001_initial_schema.py changed: installed databases will not see that change; add a new revision instead"
    )


def _revisions_with_a_parent() -> list[str]:
    from alembic.script import ScriptDirectory

    from storage.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return [rev.revision for rev in script.walk_revisions() if rev.down_revision is not None]


@contextmanager
def _second_database(database_url: str, directory: Path, name: str) -> Iterator[str]:
    """Another database on the same server as the suite's (or a SQLite file in `directory`),
    dropped afterwards."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{directory / f'{name}.db'}"
        return
    base = make_url(database_url)
    database = f"pc_{name}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        yield base.set(database=database).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def empty_database_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A second, empty database on the same server as the suite's (or a SQLite file)."""
    with _second_database(database_url, tmp_path, "upgrade") as url:
        yield url


@pytest.fixture(scope="module")
def demo_database(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The demo workspace at head, built once for every upgrade below (through the app's
    operations it takes a second or two) in a database of its own."""
    from dev.demo import load_demo
    from storage.migrate import upgrade

    with _second_database(database_url, tmp_path_factory.mktemp("demo"), "demo") as url:
        demo = Database(url)
        try:
            upgrade(demo.engine)
            load_demo(demo, FakeSlack(team_id=TEAM), ManualClock(START))
            yield demo
        finally:
            demo.dispose()


@pytest.mark.parametrize("revision", _revisions_with_a_parent())
def test_upgrade_keeps_the_data_of_a_database_at_the_previous_revision(
    revision: str, demo_database: Database, empty_database_url: str
) -> None:
    """A database at the revision before `revision`, filled with the demo workspace (every table
    the demo uses, realistic rows, built at head through the app's operations), is upgraded:
    every row and every old column's value is still there afterwards."""
    from alembic.script import ScriptDirectory

    from storage.migrate import alembic_config, upgrade

    script = ScriptDirectory.from_config(alembic_config(demo_database.url))
    previous = script.get_revision(revision).down_revision
    assert isinstance(previous, str)

    old = Database(empty_database_url)
    try:
        upgrade(old.engine, previous)
        old_tables = MetaData()
        old_tables.reflect(old.engine)
        copied = _copy_rows(demo_database, old, old_tables)
        upgrade(old.engine, revision)
        with old.engine.connect() as conn:
            for name, rows in copied.items():
                table = old_tables.tables[name]
                keys = [c.name for c in table.primary_key.columns] or [c.name for c in table.columns]
                stored = {tuple(r._mapping[k] for k in keys): dict(r._mapping) for r in conn.execute(select(table))}
                assert len(stored) == len(rows), f"{name}: {len(rows)} rows before {revision}, {len(stored)} after"
                for row in rows:
                    after = stored[tuple(row[k] for k in keys)]
                    assert {k: after[k] for k in row} == row, f"{name}: a row changed in the upgrade to {revision}"
    finally:
        old.dispose()


def _copy_rows(source: Database, target: Database, old_tables: MetaData) -> dict[str, list[dict[str, object]]]:
    """Every row of the source, read through the older schema's tables (so only its columns)."""
    copied: dict[str, list[dict[str, object]]] = {}
    with source.engine.connect() as src, target.engine.begin() as dst:
        # Rows referring to rows of their own table (a rep's manager) come in any order: check
        # foreign keys at commit (SQLite) or not at all for this copy (PostgreSQL).
        if target.dialect == "sqlite":
            dst.execute(text("PRAGMA defer_foreign_keys = ON"))
        else:
            dst.execute(text("SET LOCAL session_replication_role = replica"))
        for table in old_tables.sorted_tables:
            if table.name == "alembic_version":
                continue
            rows = [dict(r._mapping) for r in src.execute(select(table))]  # old columns, typed
            if rows:
                dst.execute(table.insert(), rows)
            copied[table.name] = rows
        if target.dialect == "postgresql":  # inserted ids: move each serial sequence past them
            for table in old_tables.sorted_tables:
                for column in table.primary_key.columns:
                    if table.name == "alembic_version" or not isinstance(column.type, Integer):
                        continue
                    seq = f"pg_get_serial_sequence('\"{table.name}\"', '{column.name}')"
                    dst.execute(
                        text(
                            f'SELECT setval({seq}, COALESCE(MAX("{column.name}"), 1)) '
                            f'FROM "{table.name}" WHERE {seq} IS NOT NULL'
                        )
                    )
    return copied


def test_0003_backfills_the_owner_at_each_stage_change(database_url: str, tmp_path: Path) -> None:
    """Existing history gets the deal's owner, except moves made by someone who later handed
    their book to that owner: those were the mover's own (credit stays where it was earned)."""
    import os
    import uuid

    from alembic import command
    from sqlalchemy import create_engine, select, text
    from sqlalchemy.engine import make_url

    from bot.deals.handover import handover
    from bot.deals.ops import move_deal
    from bot.people.members import actor_for
    from storage.migrate import alembic_config, upgrade
    from storage.models import StageChange
    from tests.funnel_data import Funnel, day

    admin = None
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'backfill.db'}"
    else:
        admin = create_engine(make_url(database_url), isolation_level="AUTOCOMMIT")
        name = f"pc_mig_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(database_url).set(database=name).render_as_string(hide_password=False)
    db = Database(url)
    try:
        upgrade(db.engine)
        with db.transaction() as session:
            f = Funnel(session)
            mia = f.person("UMIA", "Mia", role="manager")
            ann, bo = f.person("UANN", "Ann", manager=mia), f.person("UBO", "Bo", manager=mia)
            # Ann moved it to P, then her manager handed her book to Bo, who moved it on.
            handed = f.deal(ann, [(-30, "S"), (-20, "P")], title="Handed over")
            handover(session, actor_for(mia), ann.id, bo.id, day(-10))
            move_deal(session, actor_for(bo), handed.id, "A", day(-5), override=True)
            helped = f.deal(bo, [(-30, "S")], title="Moved by the manager")
            move_deal(session, actor_for(mia), helped.id, "P", day(-20), override=True)  # Bo's manager moved it
        ids = {"handed": handed.id, "helped": helped.id, "ann": ann.id, "bo": bo.id}
        config = alembic_config(url)
        with db.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0002")  # the column goes, the history stays
        upgrade(db.engine)  # 0003 again: the backfill runs on existing rows
        with db.transaction() as session:
            rows = session.execute(
                select(StageChange.deal_id, StageChange.to_stage, StageChange.owner_id).order_by(
                    StageChange.deal_id, StageChange.changed_at
                )
            ).all()
        owners = {(deal, stage): owner for deal, stage, owner in rows}
        assert owners == {
            (ids["handed"], "S"): ids["ann"],
            (ids["handed"], "P"): ids["ann"],
            (ids["handed"], "A"): ids["bo"],
            (ids["helped"], "S"): ids["bo"],
            (ids["helped"], "P"): ids["bo"],
        }
    finally:
        db.dispose()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}"'))
            admin.dispose()
