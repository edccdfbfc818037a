"""The benchmark data generator at tiny sizes: counts, referential integrity, and data the app
can use (matching finds generated accounts, new rows get fresh ids, the stored shapes agree with
the domain rules the later features rely on)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text

from bench import vocab
from bench.generate import GenerateError, Sizes, generate, rep_user_id
from bot.accounts.matching import find_accounts
from bot.people.members import actor_for
from storage.db import Database
from storage.models import (
    Account,
    AccountAlias,
    Base,
    Contact,
    Deal,
    FollowUp,
    Person,
    StageChange,
    Visit,
    VisitContact,
)

TEAM = "T0BENCHTEST"
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
SIZES = Sizes(reps=12, accounts=300, contacts=900, visits=3000, followups=200)


@pytest.fixture
def generated(db: Database, database_url: str):
    return generate(database_url, SIZES, seed=7, team_id=TEAM, now=NOW, echo=lambda _line: None)


def test_counts_match_the_sizes(generated, db: Database) -> None:
    with db.transaction() as session:

        def count(model) -> int:
            return session.scalar(select(func.count()).select_from(model).where(model.team_id == TEAM))

        assert count(Person) == 1 + SIZES.n_managers + SIZES.reps
        assert count(Account) == SIZES.accounts
        assert count(Contact) == SIZES.contacts
        assert count(Visit) == SIZES.visits
        assert count(Deal) == SIZES.n_deals
        assert count(FollowUp) == SIZES.followups
        assert count(VisitContact) == generated.counts["visit_contacts"]
        assert count(AccountAlias) == generated.counts["account_aliases"]
        assert generated.counts["visits"] == SIZES.visits


def test_every_foreign_key_points_at_a_row_and_every_row_is_in_the_workspace(generated, db: Database) -> None:
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for fk in table.foreign_keys:
                child, parent = fk.parent, fk.column
                orphans = conn.execute(
                    text(
                        f'SELECT COUNT(*) FROM "{table.name}" c LEFT JOIN "{parent.table.name}" p '
                        f'ON c."{child.name}" = p."{parent.name}" '
                        f'WHERE c."{child.name}" IS NOT NULL AND p."{parent.name}" IS NULL'
                    )
                ).scalar_one()
                assert orphans == 0, f"{table.name}.{child.name} -> {parent.table.name}"
            if "team_id" in table.c and table.name != "workspaces":
                others = conn.execute(
                    text(f'SELECT COUNT(*) FROM "{table.name}" WHERE team_id <> :team'), {"team": TEAM}
                ).scalar_one()
                assert others == 0, table.name


def test_indexes_and_constraints_are_rebuilt_after_the_load(generated, db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_the_same_workspace_twice_is_refused(generated, database_url: str) -> None:
    with pytest.raises(GenerateError):
        generate(database_url, SIZES, seed=7, team_id=TEAM, now=NOW, echo=lambda _line: None)


def test_the_app_can_use_the_data(generated, db: Database) -> None:
    """Matching finds a rep's account by name and by alias; new rows get fresh ids."""
    with db.transaction() as session:
        person = session.scalar(select(Person).where(Person.team_id == TEAM, Person.slack_user_id == rep_user_id(1)))
        assert person is not None and person.role == "rep" and person.manager_id is not None
        actor = actor_for(person)
        account = session.scalar(select(Account).where(Account.owner_id == person.id).limit(1))
        assert account is not None
        assert [c.id for c in find_accounts(session, actor, account.name)] == [account.id]
        alias = session.scalar(
            select(AccountAlias)
            .join(Account, Account.id == AccountAlias.account_id)
            .where(Account.owner_id == person.id)
            .limit(1)
        )
        if alias is not None:
            assert alias.account_id in [c.id for c in find_accounts(session, actor, alias.alias)]
        visit = Visit(team_id=TEAM, rep_id=person.id, account_id=account.id, occurred_at=NOW, channel="phone")
        session.add(visit)
        session.flush()
        assert visit.id > SIZES.visits  # the sequence was moved past the generated ids


def test_stored_shapes_follow_the_domain(generated, db: Database) -> None:
    with db.transaction() as session:
        # Face-to-face visits put contacts at level 2 or more, with the meeting recorded.
        rows = session.execute(
            select(Contact.relationship_level, Contact.last_face_to_face_at, Visit.occurred_at, Visit.channel)
            .join(VisitContact, VisitContact.contact_id == Contact.id)
            .join(Visit, Visit.id == VisitContact.visit_id)
        ).all()
        assert rows
        for level, last_f2f, occurred, channel in rows:
            if channel in ("in_person", "informal"):
                assert level >= (3 if channel == "informal" else 2)
                assert last_f2f is not None and last_f2f >= occurred
        levels = [lvl for (lvl,) in session.execute(select(Contact.relationship_level))]
        assert sum(lvl >= 4 for lvl in levels) < sum(lvl <= 1 for lvl in levels)  # skewed low

        # Visits: within the last year, mostly on weekdays in the rep's own time zone.
        visits = session.execute(select(Visit.occurred_at, Person.tz).join(Person, Person.id == Visit.rep_id)).all()
        assert all(NOW - timedelta(days=372) <= when <= NOW for when, _ in visits)
        weekend = sum(when.astimezone(ZoneInfo(tz)).weekday() >= 5 for when, tz in visits)
        assert weekend < 0.1 * len(visits)
        channels = {c for (c,) in session.execute(select(Visit.channel).distinct())}
        assert channels == set(vocab.CHANNELS)

        # Deals: every outcome present; the history ends where the deal stands.
        deals = session.scalars(select(Deal)).all()
        assert {d.status for d in deals} == {"open", "won", "lost"}
        for deal in deals:
            history = session.scalars(
                select(StageChange)
                .where(StageChange.deal_id == deal.id)
                .order_by(StageChange.changed_at, StageChange.id)
            ).all()
            assert history[0].from_stage is None and history[0].to_stage == "S"
            expected_last = deal.stage_key if deal.status == "open" else deal.status
            assert history[-1].to_stage == expected_last
            if deal.status == "won":
                assert deal.stage_key == "O" and deal.closed_at is not None

        # Follow-ups: next steps of visits carry the visit's due date; some are overdue.
        next_steps = session.execute(
            select(FollowUp.due_at, Visit.next_step_due_at).join(Visit, Visit.id == FollowUp.visit_id)
        ).all()
        assert next_steps and all(due == visit_due for due, visit_due in next_steps)
        overdue = session.scalar(
            select(func.count()).select_from(FollowUp).where(FollowUp.status == "open", FollowUp.due_at < NOW)
        )
        assert overdue > 0

        # Names in both scripts.
        names = [n for (n,) in session.execute(select(Account.name))]
        assert any(n.isascii() for n in names) and any(not n.isascii() for n in names)


def test_vocabulary_needs_no_copy_escaping() -> None:
    assert all(not set(word) & {"\t", "\n", "\r", "\\"} for word in vocab.all_words())
