"""The migrations and the models agree, on whichever database the suite runs on."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage.db import Database
from storage.migrate import current_heads
from storage.models import Base


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


def test_0016a_backfills_the_owner_at_each_stage_change(database_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Existing history gets the deal's owner, except moves made by someone who later handed
    their book to that owner: those were the mover's own (credit stays where it was earned)."""
    import os
    import uuid
    from datetime import timedelta

    from alembic import command
    from sqlalchemy import create_engine, select, text
    from sqlalchemy.engine import make_url

    from storage.migrate import alembic_config, upgrade
    from storage.models import Handover, StageChange
    from tests.conftest import START, TEAM
    from tests.funnel_data import Funnel

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
            handed = f.deal(bo, [(-30, "S"), (-20, "P"), (-5, "A")], title="Handed over")
            helped = f.deal(bo, [(-30, "S"), (-20, "P")], title="Moved by the manager")
            changes = {c.deal_id: [] for c in session.scalars(select(StageChange))}
            for change in session.scalars(select(StageChange).order_by(StageChange.changed_at)):
                changes[change.deal_id].append(change)
            for change in changes[handed.id][:2]:  # Ann moved it to P, then handed it over
                change.changed_by_id = ann.id
            changes[handed.id][2].changed_by_id = bo.id
            for change in changes[helped.id]:
                change.changed_by_id = mia.id
            session.add(
                Handover(
                    team_id=TEAM,
                    from_person_id=ann.id,
                    to_person_id=bo.id,
                    by_person_id=mia.id,
                    handed_over_at=START - timedelta(days=10),
                    deals=1,
                )
            )
        ids = {"handed": handed.id, "helped": helped.id, "ann": ann.id, "bo": bo.id}
        config = alembic_config(url)
        with db.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0001")  # the column goes, the history stays
        upgrade(db.engine)  # 0016a again: the backfill runs on existing rows
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
