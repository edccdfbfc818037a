"""`/visit list …` in both languages (paged, Edit and Delete on each visit, managers see their
team's) and corrections at any time with an audit trail and the consequences recomputed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.core.clock import ManualClock
from dev.driver import Driver
from storage.db import Database
from storage.models import Contact, FollowUp, RecordChange, Visit
from tests.conftest import START, TEAM
from tests.scheduler_world import visit
from tests.visit_world import account, all_ok, buttons, contact, count, form_values, get, rep, reply_text, team
from tests.visit_world import visits as stored_visits


def _listed(message: dict) -> list[int]:
    """The visit ids a history page offers Edit on, in order."""
    return [int(b["value"]) for b in buttons(message) if b["action_id"] == "visit_edit"]


def _changes(db: Database) -> list[RecordChange]:
    with db.transaction() as session:
        return list(session.scalars(select(RecordChange).order_by(RecordChange.id)))


def test_list_filters_by_account_contact_date_and_channel_without_logging_anything(
    driver: Driver, db: Database
) -> None:
    me = rep(db, driver, "U1")
    wide, ricoh = account(db, me, "Wide World"), account(db, me, "Ricoh", "理光")
    contact(db, ricoh, "Zhang")
    driver.command("U1", "/visit", "Wide World phone 3 days ago")
    driver.command("U1", "/visit", "Ricoh with Zhang in person yesterday")
    driver.command("U1", "/visit", "Ricoh email")
    by_account = {v.account_id: v.id for v in stored_visits(db) if v.channel != "email"}
    email = next(v.id for v in stored_visits(db) if v.channel == "email")

    driver.command("U1", "/visit", "list Wide World")
    assert count(db, Visit) == 3  # read as a query, not as a visit to log
    assert _listed(driver.last_ephemeral("U1")) == [by_account[wide]]
    driver.command("U1", "/visit", "list zhang")
    assert _listed(driver.last_ephemeral("U1")) == [by_account[ricoh]]
    driver.command("U1", "/visit", "list since yesterday")
    assert _listed(driver.last_ephemeral("U1")) == [email, by_account[ricoh]]
    driver.command("U1", "/visit", "list ricoh email")
    page = driver.last_ephemeral("U1")
    assert _listed(page) == [email] and "Visits 1–1 of 1" in reply_text(page)
    driver.command("U1", "/visit", "list Canon")
    assert "No visits match" in reply_text(driver.last_ephemeral("U1"))
    all_ok(driver)


def test_list_in_chinese(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1", locale="zh-CN")
    ricoh = account(db, me, "理光")
    contact(db, ricoh, "张总")
    driver.command("U1", "/visit", "理光 张总 电话 昨天")
    driver.command("U1", "/visit", "理光 面谈 三天前")
    phone = next(v.id for v in stored_visits(db) if v.channel == "phone")

    driver.command("U1", "/visit", "列表 理光 从昨天")
    page = driver.last_ephemeral("U1")
    assert _listed(page) == [phone]
    assert "共 1 条" in reply_text(page) and "编辑" in json.dumps(page, ensure_ascii=False)
    driver.command("U1", "/visit", "最近 电话")
    assert _listed(driver.last_ephemeral("U1")) == [phone]
    driver.command("U1", "/visit", "列表 张总 11月22日以来")
    assert _listed(driver.last_ephemeral("U1")) == [phone]


def test_a_long_history_pages_with_more_buttons(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1")
    ricoh = account(db, me, "Ricoh")
    for i in reversed(range(25)):  # a call an hour, logged as made
        visit(db, TEAM, me, ricoh, START - timedelta(hours=i + 1), channel="phone")
    ids = [v.id for v in sorted(stored_visits(db), key=lambda v: v.occurred_at, reverse=True)]

    driver.command("U1", "/visit", "list Ricoh")
    seen, page = [], driver.last_ephemeral("U1")
    while True:
        seen += _listed(page)
        assert len(page["blocks"]) <= 50
        more = [b for b in buttons(page) if b["action_id"] == "visit_list_more"]
        if not more:
            break
        driver.click("U1", page, "visit_list_more")
        page = driver.last_ephemeral("U1")
    assert seen == ids  # every visit once, newest first, over three pages
    assert "Visits 21–25 of 25" in reply_text(page)
    all_ok(driver)


def test_managers_see_their_teams_visits_and_reps_only_their_own(driver: Driver, db: Database) -> None:
    rep(db, driver, "UB", name="Mia")
    mine, other = rep(db, driver, "U1", name="Bo"), rep(db, driver, "U2")
    team(db, driver, "UB", "U1")
    account(db, mine, "Ricoh")
    account(db, other, "Zeta")
    driver.command("U1", "/visit", "Ricoh phone")
    driver.command("U2", "/visit", "Zeta phone")
    ricoh_visit = next(v.id for v in stored_visits(db) if v.channel == "phone" and v.rep_id == mine)

    driver.command("UB", "/visit", "list")
    page = driver.last_ephemeral("UB")
    assert _listed(page) == [ricoh_visit] and "Bo" in reply_text(page)
    driver.command("UB", "/visit", "list @bo")
    assert _listed(driver.last_ephemeral("UB")) == [ricoh_visit]
    driver.command("U2", "/visit", "list @Bo")
    refused = driver.last_ephemeral("U2")
    assert "not in your team" in reply_text(refused) and not _listed(refused)
    driver.command("U2", "/visit", "list")
    assert ricoh_visit not in _listed(driver.last_ephemeral("U2"))


def test_the_author_corrects_an_old_visit_and_the_change_is_audited(
    driver: Driver, db: Database, clock: ManualClock
) -> None:
    me = rep(db, driver, "U1")
    ricoh = account(db, me, "Ricoh")
    zhang = contact(db, ricoh, "Zhang", level=1)
    driver.command("U1", "/visit", "Ricoh with Zhang in person: demo; next: quote by Fri")
    (visit,) = stored_visits(db)
    assert get(db, Contact, zhang).relationship_level == 2
    clock.advance(timedelta(days=3))  # long after the 10-minute undo

    driver.command("U1", "/visit", "list")
    driver.click("U1", driver.last_ephemeral("U1"), "visit_edit")
    view = driver.last_view()
    values = form_values(
        account=f"a:{ricoh}",
        contacts=[f"c:{zhang}"],
        channel="phone",
        day="2026-11-23",
        purpose="demo by phone",
        next_step="quote",
        due_date="2026-12-01",
        due_time="10:00",
    )
    response = driver.submit("U1", view, values)
    assert response.status == 200 and not response.body

    edited = get(db, Visit, visit.id)
    assert (edited.channel, edited.purpose) == ("phone", "demo by phone")
    after = get(db, Contact, zhang)
    assert after.relationship_level == 1 and after.last_face_to_face_at is None  # no longer face to face
    (follow_up,) = [f for f in _follow_ups(db) if f.kind == "next_step"]
    assert follow_up.due_at == datetime(2026, 12, 1, 2, 0, tzinfo=UTC) and follow_up.status == "open"
    (change,) = _changes(db)
    assert (change.action, change.actor_id, change.object_id) == ("edit", me, visit.id)
    assert change.before["channel"] == "in_person" and change.after["channel"] == "phone"
    assert change.before["purpose"] == "demo" and change.after["purpose"] == "demo by phone"
    assert "notes" not in change.before  # only what changed
    all_ok(driver)


def _follow_ups(db: Database) -> list[FollowUp]:
    with db.transaction() as session:
        return list(session.scalars(select(FollowUp)))


def test_delete_recomputes_levels_and_the_face_to_face_clock_and_keeps_the_visit_in_the_trail(
    driver: Driver, db: Database, clock: ManualClock
) -> None:
    me = rep(db, driver, "U1", locale="zh-CN")
    ricoh = account(db, me, "理光")
    zhang = contact(db, ricoh, "张总", level=1)
    driver.command("U1", "/visit", "理光 张总 面谈 三天前")
    driver.command("U1", "/visit", "理光 张总 饭局 昨天; 下一步: 周五前报价")
    older, newer = sorted(stored_visits(db), key=lambda v: v.occurred_at)
    assert get(db, Contact, zhang).relationship_level == 3
    clock.advance(timedelta(days=2))

    driver.command("U1", "/visit", "列表")
    page = driver.last_ephemeral("U1")
    delete = next(b for b in buttons(page) if b["action_id"] == "visit_delete" and b["value"] == str(newer.id))
    assert delete["confirm"]["title"]["text"] == "删除这次拜访？"  # Slack asks before the click arrives
    driver.click("U1", page, "visit_delete", value=str(newer.id))

    assert [v.id for v in stored_visits(db)] == [older.id]
    after = get(db, Contact, zhang)
    assert after.relationship_level == 2 and after.last_face_to_face_at == older.occurred_at
    assert not [f for f in _follow_ups(db) if f.visit_id == newer.id]
    (change,) = _changes(db)
    assert change.action == "delete" and change.after is None
    assert change.before["channel"] == "informal" and change.before["contacts"][0][1] == "张总"
    assert "已删除" in reply_text(driver.last_ephemeral("U1"))


def test_correcting_an_older_visit_leaves_what_a_later_visit_set(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1")
    ricoh = account(db, me, "Ricoh")
    zhang = contact(db, ricoh, "Zhang", level=1)
    driver.command("U1", "/visit", "Ricoh with Zhang in person 3 days ago")
    driver.command("U1", "/visit", "Ricoh with Zhang dinner yesterday")
    older, newer = sorted(stored_visits(db), key=lambda v: v.occurred_at)
    driver.command("U1", "/visit", "list")
    driver.click("U1", driver.last_ephemeral("U1"), "visit_edit", value=str(older.id))
    values = form_values(account=f"a:{ricoh}", contacts=[f"c:{zhang}"], channel="phone", day="2026-11-20")
    driver.submit("U1", driver.last_view(), values)
    after = get(db, Contact, zhang)
    assert get(db, Visit, older.id).channel == "phone"
    assert after.relationship_level == 3 and after.last_face_to_face_at == newer.occurred_at


def test_the_account_owners_manager_may_correct_other_reps_may_not(driver: Driver, db: Database) -> None:
    boss, mine, other = rep(db, driver, "UB"), rep(db, driver, "U1"), rep(db, driver, "U2")
    team(db, driver, "UB", "U1")
    account(db, mine, "Ricoh")
    driver.command("U1", "/visit", "Ricoh phone: pricing")
    (visit,) = stored_visits(db)
    driver.command("U1", "/visit", "list")
    page = driver.last_ephemeral("U1")

    for intruder in ("U2",):  # another rep: the visit does not exist for them
        driver.click(intruder, page, "visit_edit", value=str(visit.id))
        driver.click(intruder, page, "visit_delete", value=str(visit.id))
        assert "couldn't find" in reply_text(driver.last_ephemeral(intruder))
    assert get(db, Visit, visit.id).purpose == "pricing" and not _changes(db)
    assert not driver.fake.calls_to("views.open")
    assert other

    driver.click("UB", page, "visit_delete", value=str(visit.id))
    assert count(db, Visit) == 0
    (change,) = _changes(db)
    assert change.actor_id == boss
