"""Races closed by the database: the same new contact named in close-together visits is created
once (the loser re-reads the winner's row), and a fresh workspace gets exactly one first admin."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from bot.core.clock import ManualClock
from bot.people.members import load_actor
from bot.visits.ops import Logged, do_log_line
from dev.driver import Driver
from storage.db import Database
from storage.models import Contact, Person, Visit, VisitContact
from tests.conftest import START, TEAM
from tests.visit_world import account


def _all_at_once(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Run `work(i)` in n threads released together; their results (or exceptions)."""
    gate = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        gate.wait()
        try:
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_close_together_visits_naming_the_same_new_contact_create_it_once(
    db: Database, postgres_url: str, clock: ManualClock
) -> None:
    owner = load_actor(db, TEAM, "U1", START)[0]
    ricoh = account(db, owner.person_id, "Ricoh")
    lines = [
        "Ricoh with Kowalski in person: renewal terms",
        "ricoh with kowalski phone: toner prices",
        "Ricoh  with  KOWALSKI  in person; next: send quote by Friday",
    ]
    # A rep's 12 visits arrive in the same instant (a burst of /visit lines, a retried form…).
    outcomes = _all_at_once(
        12,
        lambda i: do_log_line(db, owner, lines[i % len(lines)], now=clock.now(), request_key=f"burst-{i}"),
    )
    assert [type(o).__name__ for o in outcomes] == ["Logged"] * 12, outcomes
    assert all(isinstance(o, Logged) and not o.duplicate for o in outcomes)
    with db.transaction() as session:
        contacts = session.scalars(select(Contact).where(Contact.account_id == ricoh)).all()
        assert [c.name_norm for c in contacts] == ["kowalski"]
        linked = session.scalar(
            select(func.count()).select_from(VisitContact).where(VisitContact.contact_id == contacts[0].id)
        )
        assert linked == 12
        assert session.scalar(select(func.count()).select_from(Visit)) == 12
        # Exactly one visit says it created the contact.
        created = session.scalar(
            select(func.count()).select_from(VisitContact).where(VisitContact.created_contact.is_(True))
        )
        assert created == 1
    # And the next visit naming him is not asked "which Kowalski?".
    again = do_log_line(db, owner, "Ricoh with Kowalski phone", now=clock.now(), request_key="after")
    assert isinstance(again, Logged)


def test_the_first_people_to_write_in_a_fresh_workspace_produce_exactly_one_admin(db: Database) -> None:
    users = [f"UFRESH{i}" for i in range(8)]
    actors = _all_at_once(8, lambda i: load_actor(db, "T0000FRESH", users[i], START)[0])
    assert not [a for a in actors if isinstance(a, Exception)], actors
    assert sorted(a.role for a in actors) == ["admin"] + ["rep"] * 7
    with db.transaction() as session:
        founders = session.scalars(select(Person).where(Person.team_id == "T0000FRESH", Person.founder.is_(True))).all()
        assert [p.role for p in founders] == ["admin"]


def test_the_first_person_to_write_becomes_admin_and_the_second_does_not(driver: Driver, db: Database) -> None:
    for user in ("U9FIRST", "U9SECOND"):
        driver.fake.add_user(user, user, tz="Asia/Shanghai")
        driver.command(user, "/visit", "help")
    with db.transaction() as session:
        roles = dict((p.slack_user_id, p.role) for p in session.scalars(select(Person).where(Person.team_id == TEAM)))
    assert roles == {"U9FIRST": "admin", "U9SECOND": "rep"}
