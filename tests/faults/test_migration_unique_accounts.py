"""Upgrading a database that holds the duplicate accounts the races produced: same-name live
accounts of one owner are merged into the oldest, with everything that hung off them; archived
ones and a teammate's own account of that name are left alone."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Engine

from storage.migrate import upgrade
from tests.faults.test_migration_0021a import T, _rows, old_engine  # noqa: F401  (the fixture)


def test_upgrade_merges_duplicate_accounts_of_one_owner_into_the_oldest(old_engine: Engine) -> None:  # noqa: F811
    upgrade(old_engine, "0008")
    with old_engine.begin() as conn:
        # Direct: legacy rows in the 0008 schema (one owner's duplicate accounts) for the upgrade to merge.
        run = conn.execute
        run(text("INSERT INTO workspaces (team_id, name, config) VALUES ('T1', 'Acme', '{}')"))
        run(
            text(
                "INSERT INTO people (id, team_id, slack_user_id, name, role, tz, is_active) VALUES "
                "(1, 'T1', 'U1', 'Ann', 'admin', 'UTC', TRUE), (2, 'T1', 'U2', 'Bo', 'rep', 'UTC', TRUE)"
            )
        )
        run(
            text(
                "INSERT INTO accounts (id, team_id, name, name_norm, owner_id, business_status, is_lead, "
                "contact_count, archived_at) VALUES "
                "(10, 'T1', 'Nimbus Labs', 'nimbuslabs', 2, 'no_business', FALSE, 1, NULL), "
                "(11, 'T1', 'nimbus-labs', 'nimbuslabs', 2, 'no_business', TRUE, 2, NULL), "
                "(12, 'T1', 'Nimbus Labs', 'nimbuslabs', 1, 'no_business', FALSE, 0, NULL), "
                "(13, 'T1', 'Nimbus Labs', 'nimbuslabs', 2, 'no_business', FALSE, 0, :t), "
                "(14, 'T1', '理光', '理光', NULL, 'no_business', TRUE, 0, NULL), "
                "(15, 'T1', '理光', '理光', NULL, 'no_business', TRUE, 0, NULL)"
            ),
            {"t": T},
        )
        run(text("INSERT INTO account_aliases (team_id, account_id, alias, alias_norm) VALUES ('T1', 11, 'NL', 'nl')"))
        run(
            text(
                "INSERT INTO contacts (id, team_id, account_id, name, name_norm, relationship_level, "
                "decay_notified_days) VALUES (20, 'T1', 10, 'Li Na', 'lina', 1, 0), "
                "(21, 'T1', 11, 'li na', 'lina', 3, 0), (22, 'T1', 11, '王伟', '王伟', 2, 0)"
            )
        )
        run(
            text(
                "INSERT INTO visits (id, team_id, rep_id, account_id, occurred_at, channel, source) VALUES "
                "(30, 'T1', 2, 10, :t, 'phone', 'command'), (31, 'T1', 2, 11, :t, 'in_person', 'command'), "
                "(32, 'T1', 2, 15, :t, 'phone', 'command')"
            ),
            {"t": T},
        )
        run(
            text(
                "INSERT INTO visit_contacts (team_id, visit_id, contact_id, level_before, level_after, "
                "created_contact) VALUES ('T1', 30, 20, 0, 1, TRUE), ('T1', 31, 21, 0, 3, TRUE), "
                "('T1', 31, 22, 0, 2, TRUE)"
            )
        )
        run(
            text(
                "INSERT INTO follow_ups (id, team_id, owner_id, account_id, contact_id, kind, text, due_at, "
                "status, snooze_count) VALUES (40, 'T1', 2, 11, 21, 'next_step', 'send samples', :t, 'open', 0)"
            ),
            {"t": T},
        )
        run(
            text(
                "INSERT INTO deals (id, team_id, account_id, owner_id, title, title_norm, stage_key, stage_entered_at, "
                "status, currency) VALUES (50, 'T1', 11, 2, 'Printers', 'printers', 'qualify', :t, 'open', 'CNY')"
            ),
            {"t": T},
        )
        run(
            text(
                "INSERT INTO leads (id, team_id, account_id, company, person_name, channel, status, "
                "received_at, due_at) VALUES (60, 'T1', 15, '理光', '张', 'form', 'open', :t, :t)"
            ),
            {"t": T},
        )
    upgrade(old_engine)
    assert _rows(old_engine, "SELECT id, owner_id, is_lead, contact_count FROM accounts ORDER BY id") == [
        (10, 2, True, 3),
        (12, 1, False, 0),  # the admin's own account of that name
        (13, 2, False, 0),  # archived: kept apart
        (14, None, True, 0),
    ]
    assert _rows(old_engine, "SELECT alias FROM account_aliases WHERE account_id = 10 ORDER BY alias") == [("NL",)]
    assert _rows(old_engine, "SELECT id, account_id, relationship_level FROM contacts ORDER BY id") == [
        (20, 10, 3),
        (22, 10, 2),
    ]
    assert _rows(old_engine, "SELECT id, account_id FROM visits ORDER BY id") == [(30, 10), (31, 10), (32, 14)]
    assert _rows(old_engine, "SELECT visit_id, contact_id FROM visit_contacts ORDER BY visit_id, contact_id") == [
        (30, 20),
        (31, 20),
        (31, 22),
    ]
    assert _rows(old_engine, "SELECT account_id, contact_id FROM follow_ups") == [(10, 20)]
    assert _rows(old_engine, "SELECT account_id FROM deals") == [(10,)]
    assert _rows(old_engine, "SELECT account_id FROM leads") == [(14,)]
