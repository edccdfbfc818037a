"""`/visit` one line, end to end: signed requests in, stored rows and the fake Slack's record out."""

from __future__ import annotations

from datetime import UTC, datetime

from dev import slack_requests as sr
from dev.driver import Driver
from storage.db import Database
from storage.models import Account, Contact, FollowUp, Visit
from tests.conftest import START, TEAM
from tests.visit_world import account, all_ok, contact, contacts_of, count, follow_ups, get, links, rep, reply_text
from tests.visit_world import visits as stored_visits

EXAMPLE_EN = "Ricoh with Zhang (decision maker) in person: needs confirmed; next: proposal by Fri"
EXAMPLE_ZH = "理光 张总 面谈 确认需求 下一步: 下周三前发方案"


def test_english_example_stores_the_visit_contact_and_follow_up(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1", tz="Asia/Shanghai")
    ricoh = account(db, me, "Ricoh", "理光")

    response = driver.command("U1", "/visit", EXAMPLE_EN)

    assert response.status == 200
    (visit,) = stored_visits(db)
    assert (visit.account_id, visit.rep_id, visit.channel) == (ricoh, me, "in_person")
    assert visit.purpose == "needs confirmed"
    assert visit.next_step == "proposal"
    # Monday 23 Nov 2026 in Shanghai: "by Fri" is Friday 27 Nov, end of the working day (18:00 +08:00)
    assert visit.next_step_due_at == datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    assert visit.occurred_at == START and visit.raw_text == EXAMPLE_EN and visit.source == "command"
    assert visit.request_key and visit.request_key.startswith(f"p{me}:cmd:")
    (zhang,) = contacts_of(db, ricoh)
    assert (zhang.name, zhang.buying_role, zhang.relationship_level) == ("Zhang", "decision_maker", 2)
    assert zhang.last_face_to_face_at == START and zhang.last_touch_at == START
    (link,) = links(db, visit.id)
    assert (link.level_before, link.level_after, link.created_contact) == (0, 2, True)
    (follow_up,) = follow_ups(db)
    assert (follow_up.kind, follow_up.status, follow_up.text) == ("next_step", "open", "proposal")
    assert follow_up.due_at == visit.next_step_due_at and follow_up.visit_id == visit.id
    assert follow_up.owner_id == me and follow_up.contact_id == zhang.id
    assert get(db, Account, ricoh).contact_count == 1

    reply = driver.last_ephemeral("U1")
    text = reply_text(reply)
    for expected in ("Ricoh", "Zhang", "decision maker", "level 2", "in person", "needs confirmed", "proposal"):
        assert expected in text, expected
    assert "Fri 27 Nov 2026, 18:00" in text
    buttons = [e["action_id"] for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons == ["visit_edit", "visit_undo", "visit_add_follow_up"]
    all_ok(driver)


def test_chinese_example_matches_alias_and_contact_and_answers_in_chinese(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U2", tz="Asia/Shanghai", locale="zh-CN")
    ricoh = account(db, me, "Ricoh", "理光")
    zhang = contact(db, ricoh, "张伟", level=1, role="decision_maker")

    driver.command("U2", "/visit", EXAMPLE_ZH)

    (visit,) = stored_visits(db)
    assert (visit.account_id, visit.channel, visit.purpose, visit.next_step) == (
        ricoh,
        "in_person",
        "确认需求",
        "发方案",
    )
    # 下周三 from Monday 23 Nov is Wednesday 2 Dec (next week's Wednesday), 18:00 Shanghai
    assert visit.next_step_due_at == datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    assert [c.id for c in contacts_of(db, ricoh)] == [zhang]  # 张总 is 张伟: no new contact
    (link,) = links(db, visit.id)
    assert (link.contact_id, link.level_before, link.level_after, link.created_contact) == (zhang, 1, 2, False)
    assert get(db, Contact, zhang).last_face_to_face_at == START

    text = reply_text(driver.last_ephemeral("U2"))
    for expected in ("已记录拜访", "Ricoh", "张伟", "决策人", "关系 2", "原为 1", "面谈", "确认需求", "发方案"):
        assert expected in text, expected
    assert "2026年12月2日 周三 18:00" in text
    all_ok(driver)


def test_tomorrow_10am_depends_on_the_reps_time_zone(driver: Driver, db: Database) -> None:
    """At the same instant, "tomorrow 10am" is a different day and instant in Shanghai and LA."""
    rep(db, driver, "USH", tz="Asia/Shanghai")
    rep(db, driver, "ULA", tz="America/Los_Angeles")
    account(db, None, "Ricoh")  # unassigned: visible to both

    driver.command("USH", "/visit", "Ricoh phone; next: call back tomorrow 10am")
    driver.command("ULA", "/visit", "Ricoh phone; next: call back tomorrow 10am")

    due = {f.owner_id: f.due_at for f in follow_ups(db)}
    shanghai, los_angeles = sorted(due.items())
    # 10:00 Tue 24 Nov in Shanghai (UTC+8); 10:00 Mon 23 Nov in LA (UTC-8, where it is still Sunday)
    assert shanghai[1] == datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    assert los_angeles[1] == datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
    assert "Tue 24 Nov 2026, 10:00" in reply_text(driver.last_ephemeral("USH"))
    assert "Mon 23 Nov 2026, 10:00" in reply_text(driver.last_ephemeral("ULA"))
    assert {v.channel for v in stored_visits(db)} == {"phone"}


def test_chinese_next_step_without_marker_and_back_filled_date(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1", tz="Asia/Shanghai", locale="zh-CN")
    ricoh = account(db, me, "Ricoh", "理光")

    driver.command("U1", "/visit", "理光 王经理(采购) 电话 昨天 报价 明天上午10点回电")

    (visit,) = stored_visits(db)
    assert visit.channel == "phone" and visit.purpose == "报价"
    assert visit.occurred_at == datetime(2026, 11, 22, 4, 0, tzinfo=UTC)  # yesterday, 12:00 local
    assert (visit.next_step, visit.next_step_due_at) == ("回电", datetime(2026, 11, 24, 2, 0, tzinfo=UTC))
    (wang,) = contacts_of(db, ricoh)
    assert (wang.name, wang.buying_role, wang.relationship_level) == ("王经理", "purchaser", 1)
    assert wang.last_face_to_face_at is None  # a phone call does not reset the face-to-face clock
    assert wang.last_touch_at == visit.occurred_at


def test_informal_visit_raises_level_to_three_and_explicit_level_wins(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1")
    ricoh = account(db, me, "Ricoh")
    zhang = contact(db, ricoh, "Zhang", level=1)
    li = contact(db, ricoh, "Li Wei", level=4)

    driver.command("U1", "/visit", "Ricoh dinner with Zhang, Li Wei")
    assert {c.id: c.relationship_level for c in contacts_of(db, ricoh)} == {zhang: 3, li: 4}
    driver.command("U1", "/visit", "Ricoh with Zhang level 5 phone yesterday")
    levels = {c.id: c.relationship_level for c in contacts_of(db, ricoh)}
    assert levels == {zhang: 5, li: 4}
    # the phone call yesterday does not move the face-to-face date set by today's dinner
    assert get(db, Contact, zhang).last_face_to_face_at == START
    assert get(db, Account, ricoh).contact_count == 2


def test_words_in_another_order_still_find_the_account(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1")
    ricoh = account(db, me, "Ricoh", "理光")
    wang = contact(db, ricoh, "王芳")

    driver.command("U1", "/visit", "面谈 理光 王芳 确认需求")

    (visit,) = stored_visits(db)
    assert (visit.account_id, visit.channel, visit.purpose) == (ricoh, "in_person", "确认需求")
    assert [link.contact_id for link in links(db, visit.id)] == [wang]


def test_same_request_twice_stores_one_visit(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1")
    account(db, me, "Ricoh")
    body = sr.command_form(
        command="/visit",
        text="Ricoh phone; next: send deck tomorrow",
        user_id="U1",
        team_id=TEAM,
        channel_id="C0000GENERAL",
        response_url=driver.fake.response_url("U1"),
    )
    driver.send(body, sr.FORM)
    driver.send(body, sr.FORM)
    assert count(db, Visit) == 1 and count(db, FollowUp) == 1
    assert "already logged" in reply_text(driver.last_ephemeral("U1"))
