"""`/coach handover @from @to` (docs/method.md §10): accounts, open deals and open follow-ups move;
history (stage changes, visits, closed deals) stays; admins anyone, managers their own team."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.followups.rules import complete_follow_up
from bot.people.members import actor_for, ensure_person
from bot.people.teams import set_up_team
from bot.visits.ops import VisitInput, add_follow_up, log_visit
from dev.driver import Driver
from storage.db import Database
from storage.models import Account, Deal, FollowUp, Handover, Person, StageChange, Visit
from tests.conftest import START, TEAM
from tests.deal_world import ADMIN, MGR, REP, ZH, all_calls_ok, build_team, forged

REP2 = "UREP2"


@pytest.fixture
def world(driver: Driver, db: Database) -> dict[str, int]:
    ids = build_team(driver, db)
    driver.command(REP, "/deal", 'new Ricoh "A3 copiers" 120k')
    driver.command(REP, "/deal", "Ricoh copiers → P")
    driver.command(REP, "/deal", 'new Ricoh "Old order"')
    driver.command(REP, "/deal", "won Ricoh old order")
    driver.submit(REP, driver.last_view(), {})
    with db.transaction() as session:
        people = {p.slack_user_id: p for p in session.scalars(select(Person))}
        rep2 = ensure_person(session, TEAM, REP2, START)
        set_up_team(session, actor_for(people[ADMIN]), MGR, [REP2], START)  # `/coach team @Mia @rep2`
        ids[REP2] = rep2.id
        # Ren's visit to Ricoh yesterday, its next step open; a second step noted on it is done.
        ren = actor_for(people[REP])
        visit = VisitInput(
            account_id=ids["Ricoh"],
            channel="in_person",
            occurred_at=START - timedelta(days=1),
            next_step="send proposal",
            next_due=START,
        )
        logged = log_visit(session, ren, visit, now=START, request_key=None)
        add_follow_up(session, ren, logged.visit.id, "done already", START, now=START)
        session.flush()
        done = session.scalars(select(FollowUp).where(FollowUp.text == "done already")).one()
        complete_follow_up(session, ren, done.id, START)
    driver.fake.reset()
    return ids


def _owners(db: Database) -> dict[str, object]:
    with db.transaction() as session:
        return {
            "accounts": sorted((a.name, a.owner_id) for a in session.scalars(select(Account))),
            "deals": sorted((d.title, d.owner_id) for d in session.scalars(select(Deal))),
            "follow_ups": sorted((f.text, f.owner_id) for f in session.scalars(select(FollowUp))),
            "visits": [v.rep_id for v in session.scalars(select(Visit))],
            "history": [
                (c.deal_id, c.from_stage, c.to_stage, c.changed_by_id)
                for c in session.scalars(select(StageChange).order_by(StageChange.id))
            ],
        }


def test_an_admin_hands_over_after_confirming(driver: Driver, db: Database, world: dict[str, int]) -> None:
    before = _owners(db)
    driver.command(ADMIN, "/coach", f"handover <@{REP}|ren> <@{ZH}|zw>")
    question = driver.last_ephemeral(ADMIN)
    assert "1 account, 1 open deal, 1 open follow-up" in question["text"]
    assert _owners(db) == before
    driver.click(ADMIN, question, "handover_confirm")
    assert "Handed over from" in driver.last_ephemeral(ADMIN)["text"]
    after = _owners(db)
    rep, zh = world[REP], world[ZH]
    assert after["accounts"] == [("Canon", zh), ("Ricoh", zh)]
    assert after["deals"] == [("A3 copiers", zh), ("Old order", rep)]  # a closed deal stays credited to its rep
    assert after["follow_ups"] == [("done already", rep), ("send proposal", zh)]
    assert after["visits"] == before["visits"] == [rep]
    assert after["history"] == before["history"]
    with db.transaction() as session:
        record = session.scalars(select(Handover)).one()
        assert (record.from_person_id, record.to_person_id, record.by_person_id) == (rep, zh, world[ADMIN])
        assert (record.accounts, record.deals, record.follow_ups) == (1, 1, 1)
    # The new owner can now work the deal; the old one no longer sees it.
    driver.command(ZH, "/deal", "Ricoh copiers → A")
    assert "进入 A · 需求分析 前，需求、时间 尚未满足" in driver.last_ephemeral(ZH)["text"]
    driver.command(REP, "/deal", "Ricoh copiers → A")
    assert "couldn't find" in driver.last_ephemeral(REP)["text"]
    all_calls_ok(driver)


def test_a_manager_hands_over_within_the_team_only(driver: Driver, db: Database, world: dict[str, int]) -> None:
    before = _owners(db)
    driver.command(MGR, "/coach", f"handover <@{REP}|ren> <@{ZH}|zw>")  # ZH is not in Mia's team
    assert "only managers and admins" in driver.last_ephemeral(MGR)["text"]
    assert _owners(db) == before
    driver.command(MGR, "/coach", f"handover <@{REP}|ren> <@{REP2}|r2>")
    driver.click(MGR, driver.last_ephemeral(MGR), "handover_confirm")
    assert ("Ricoh", world[REP2]) in _owners(db)["accounts"]


def test_reps_and_forged_buttons_move_nothing(driver: Driver, db: Database, world: dict[str, int]) -> None:
    before = _owners(db)
    driver.command(ZH, "/coach", f"handover <@{REP}|ren> <@{ZH}|zw>")
    assert "只有经理和管理员" in driver.last_ephemeral(ZH)["text"]
    driver.click(ZH, forged("handover_confirm", {"f": world[REP], "t": world[ZH]}), "handover_confirm")
    driver.click(MGR, forged("handover_confirm", {"f": world[REP], "t": world[ZH]}), "handover_confirm")
    driver.click(MGR, forged("handover_confirm", {"f": "x", "t": None}), "handover_confirm")
    assert _owners(db) == before
    with db.transaction() as session:
        assert session.scalars(select(Handover)).all() == []


def test_cancel_usage_and_same_person(driver: Driver, db: Database, world: dict[str, int]) -> None:
    before = _owners(db)
    driver.command(ADMIN, "/coach", f"handover <@{REP}|ren> <@{ZH}|zw>")
    driver.click(ADMIN, driver.last_ephemeral(ADMIN), "handover_cancel")
    assert "nothing moved" in driver.last_ephemeral(ADMIN)["text"]
    driver.command(ADMIN, "/coach", f"handover <@{REP}|ren>")
    assert "Usage: `/coach handover @from @to`" in driver.last_ephemeral(ADMIN)["text"]
    driver.command(ADMIN, "/coach", f"handover <@{REP}|ren> <@{REP}|ren>")
    assert "the same person" in driver.last_ephemeral(ADMIN)["text"]
    driver.command(ADMIN, "/coach", f"handover <@{REP2}|r2> <@{REP}|ren>")
    assert "has nothing to hand over" in driver.last_ephemeral(ADMIN)["text"]
    assert _owners(db) == before


def test_an_admin_may_hand_over_to_someone_new(driver: Driver, db: Database, world: dict[str, int]) -> None:
    driver.command(ADMIN, "/coach", f"handover <@{REP}|ren> <@UNEW|new>")
    driver.click(ADMIN, driver.last_ephemeral(ADMIN), "handover_confirm")
    with db.transaction() as session:
        new = session.scalars(select(Person).where(Person.slack_user_id == "UNEW")).one()
        assert session.scalars(select(Account).where(Account.name == "Ricoh")).one().owner_id == new.id
