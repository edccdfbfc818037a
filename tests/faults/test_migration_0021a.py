"""Upgrading a database that already has the duplicates the races produced: same-name contacts
of one account are merged into the oldest (their visits and follow-ups kept), and the oldest
admin of each workspace becomes its founder."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from storage.db import Database
from storage.migrate import upgrade

T = datetime(2026, 11, 2, 3, 0, tzinfo=UTC).isoformat()


@pytest.fixture
def old_engine(database_url: str, tmp_path) -> Iterator[Engine]:
    """An empty database of its own, at revision 0001 (before the unique keys)."""
    if not database_url.startswith("postgresql"):
        engine = Database(f"sqlite:///{tmp_path}/old.db").engine
        upgrade(engine, "0001")
        yield engine
        engine.dispose()
        return
    admin = create_engine(make_url(database_url), isolation_level="AUTOCOMMIT")
    name = f"pc_test_mig_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = Database(make_url(database_url).set(database=name).render_as_string(hide_password=False)).engine
    try:
        upgrade(engine, "0001")
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def _rows(engine: Engine, sql: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def test_upgrade_merges_duplicate_contacts_and_marks_each_workspace_founder(old_engine: Engine) -> None:
    with old_engine.begin() as conn:
        # Direct: legacy rows in the old schema (duplicates the app no longer makes) for the upgrade to fix.
        run = conn.execute
        run(text("INSERT INTO workspaces (team_id, name, config) VALUES ('T1', 'Acme', '{}'), ('T2', 'Zeta', '{}')"))
        run(
            text(
                "INSERT INTO people (id, team_id, slack_user_id, name, role, tz, is_active) VALUES "
                "(1, 'T1', 'U1', 'Ann', 'admin', 'UTC', TRUE), (2, 'T1', 'U2', 'Bo', 'admin', 'UTC', TRUE), "
                "(3, 'T1', 'U3', 'Cy', 'rep', 'UTC', TRUE), (4, 'T2', 'U4', 'Di', 'rep', 'UTC', TRUE)"
            )
        )
        run(
            text(
                "INSERT INTO accounts (id, team_id, name, name_norm, business_status, is_lead, contact_count) "
                "VALUES (10, 'T1', 'Ricoh', 'ricoh', 'no_business', FALSE, 3)"
            )
        )
        run(
            text(
                "INSERT INTO contacts (id, team_id, account_id, name, name_norm, relationship_level, "
                "decay_notified_days, last_face_to_face_at) VALUES "
                "(20, 'T1', 10, 'Kowalski', 'kowalski', 1, 0, NULL), "
                "(21, 'T1', 10, 'kowalski', 'kowalski', 3, 0, :t), "
                "(22, 'T1', 10, 'KOWALSKI', 'kowalski', 2, 0, NULL), "
                "(23, 'T1', 10, 'Zhang', 'zhang', 2, 0, NULL)"
            ),
            {"t": T},
        )
        run(
            text(
                "INSERT INTO visits (id, team_id, rep_id, account_id, occurred_at, channel, source) VALUES "
                "(30, 'T1', 3, 10, :t, 'in_person', 'command'), (31, 'T1', 3, 10, :t, 'phone', 'command'), "
                "(32, 'T1', 3, 10, :t, 'phone', 'command')"
            ),
            {"t": T},
        )
        run(
            text(
                "INSERT INTO visit_contacts (team_id, visit_id, contact_id, level_before, level_after, "
                "created_contact) VALUES ('T1', 30, 20, 0, 1, TRUE), ('T1', 31, 21, 0, 3, TRUE), "
                "('T1', 32, 21, 3, 3, FALSE), ('T1', 32, 22, 0, 2, TRUE), ('T1', 32, 23, 0, 2, TRUE)"
            )
        )
        run(
            text(
                "INSERT INTO follow_ups (id, team_id, owner_id, contact_id, kind, text, due_at, status, snooze_count) "
                "VALUES (40, 'T1', 3, 22, 'next_step', 'send the quote', :t, 'open', 0)"
            ),
            {"t": T},
        )
    upgrade(old_engine)
    assert _rows(old_engine, "SELECT id, name_norm, relationship_level FROM contacts ORDER BY id") == [
        (20, "kowalski", 3),
        (23, "zhang", 2),
    ]
    assert _rows(old_engine, "SELECT last_face_to_face_at IS NOT NULL FROM contacts WHERE id = 20") == [(True,)]
    assert _rows(old_engine, "SELECT visit_id, contact_id FROM visit_contacts ORDER BY visit_id, contact_id") == [
        (30, 20),
        (31, 20),
        (32, 20),
        (32, 23),
    ]
    assert _rows(old_engine, "SELECT contact_id FROM follow_ups") == [(20,)]
    assert _rows(old_engine, "SELECT slack_user_id FROM people WHERE founder ORDER BY id") == [("U1",)]


def test_downgrade_keeps_every_row(old_engine: Engine) -> None:
    from alembic import command

    from storage.migrate import alembic_config

    upgrade(old_engine)
    with old_engine.begin() as conn:  # Direct: rows for the downgrade to keep, in the schema it starts from
        conn.execute(text("INSERT INTO workspaces (team_id, name, config) VALUES ('T1', 'Acme', '{}')"))
        conn.execute(
            text(
                "INSERT INTO people (id, team_id, slack_user_id, name, role, tz, is_active, founder) "
                "VALUES (1, 'T1', 'U1', 'Ann', 'admin', 'UTC', TRUE, TRUE)"
            )
        )
    config = alembic_config(old_engine.url.render_as_string(hide_password=False))
    with old_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    assert _rows(old_engine, "SELECT slack_user_id, role FROM people") == [("U1", "admin")]
