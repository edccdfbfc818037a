"""`/contact NAME` (联系人): the card in both languages, Edit with the reason kept in the audit
trail, and other reps' contacts never shown or changed."""

from __future__ import annotations

import json

from sqlalchemy import select

from dev.driver import Driver
from storage.db import Database
from storage.models import Contact, FollowUp, RecordChange, VisitContact
from tests.visit_world import account, all_ok, buttons, contact, count, get, rep, reply_text


def _trail(db: Database) -> list[RecordChange]:
    with db.transaction() as session:
        return list(session.scalars(select(RecordChange).where(RecordChange.kind == "contact")))


def _form(role: str | None, title: str, department: str, level: str, reason: str | None) -> dict:
    def option(value: str | None) -> dict | None:
        return {"text": {"type": "plain_text", "text": value}, "value": value} if value else None

    return {
        "role": {"role": {"type": "static_select", "selected_option": option(role)}},
        "title": {"title": {"type": "plain_text_input", "value": title}},
        "department": {"department": {"type": "plain_text_input", "value": department}},
        "level": {"level": {"type": "static_select", "selected_option": option(level)}},
        "reason": {"reason": {"type": "plain_text_input", "value": reason}},
    }


def test_a_contacts_card_in_english_shows_what_a_rep_needs(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1")
    ricoh = account(db, me, "Ricoh")
    contact(db, ricoh, "Zhang Wei", level=1, role="decision_maker")
    driver.command("U1", "/visit", "Ricoh with Zhang Wei in person: demo")

    driver.command("U1", "/contact", "zhang")
    card = driver.last_ephemeral("U1")
    text = reply_text(card)
    wanted = (
        "Zhang Wei",
        "decision maker",
        "2 · met face to face",
        "Met 0 days ago",
        "Recent visits",
        "Ricoh · in person",
    )
    for expected in wanted:
        assert expected in text or expected in json.dumps(card), expected
    assert [b["action_id"] for b in buttons(card)] == ["contact_edit", "record_history"]
    all_ok(driver)


def test_several_matches_are_asked_about_and_a_name_in_chinese(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1", locale="zh-CN")
    ricoh, canon = account(db, me, "理光"), account(db, me, "佳能")
    contact(db, ricoh, "张总")
    zhang_canon = contact(db, canon, "张经理", level=3)
    driver.command("U1", "/contact", "张")
    question = driver.last_ephemeral("U1")
    assert "是哪一位" in reply_text(question)
    pick = next(b for b in buttons(question) if b["value"] == str(zhang_canon))
    driver.click("U1", question, pick["action_id"], value=str(zhang_canon))
    card = reply_text(driver.last_ephemeral("U1"))
    assert "张经理" in card and "佳能" in card and "3 · 私下交流过" in card and "还没见过面" in card


def test_edit_role_title_department_and_level_with_the_reason(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1", locale="zh-CN")
    ricoh = account(db, me, "理光")
    zhang = contact(db, ricoh, "张总", level=2)
    driver.command("U1", "/contact", "张总")
    driver.click("U1", driver.last_ephemeral("U1"), "contact_edit")
    view = driver.last_view()

    no_reason = driver.submit("U1", view, _form("coach", "采购总监", "采购部", "4", None))
    assert no_reason.json()["response_action"] == "errors" and "reason" in no_reason.json()["errors"]
    assert get(db, Contact, zhang).relationship_level == 2

    ok = driver.submit("U1", view, _form("coach", "采购总监", "采购部", "4", "饭后主动帮我们约了老板"))
    assert ok.status == 200 and not ok.body
    after = get(db, Contact, zhang)
    assert (after.buying_role, after.title, after.department, after.relationship_level) == (
        "coach",
        "采购总监",
        "采购部",
        4,
    )
    (change,) = _trail(db)
    assert change.before == {"role": None, "title": None, "department": None, "level": 2}
    assert change.after["level"] == 4 and change.reason == "饭后主动帮我们约了老板" and change.actor_id == me


def test_other_reps_contacts_are_not_found_nor_editable(driver: Driver, db: Database) -> None:
    mine, other = rep(db, driver, "U1"), rep(db, driver, "U2")
    ricoh = account(db, mine, "Ricoh")
    zhang = contact(db, ricoh, "Zhang", level=2)
    assert other
    driver.command("U2", "/contact", "Zhang")
    assert "found no contact" in reply_text(driver.last_ephemeral("U2"))
    driver.command("U1", "/contact", "Zhang")
    card = driver.last_ephemeral("U1")
    driver.click("U2", card, "contact_edit")
    assert not driver.fake.calls_to("views.open")
    driver.click("U1", card, "contact_edit")
    view = driver.last_view()
    driver.submit("U2", view, _form(None, "CEO", "", "2", None))  # a forged submission by another rep
    assert get(db, Contact, zhang).title is None and not _trail(db)


def test_merge_a_duplicate_contact_keeps_every_visit_and_follow_up(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1", locale="zh-CN")
    ricoh = account(db, me, "理光")
    dup = contact(db, ricoh, "张总", level=3, role="decision_maker")
    main = contact(db, ricoh, "张伟", level=1)
    driver.command("U1", "/visit", "理光 张总 面谈 三天前; 下一步: 明天 发报价")
    driver.command("U1", "/visit", "理光 张伟 电话 昨天")
    driver.command("U1", "/visit", "理光 张总 张伟 电话")  # a visit that "met" both
    with db.transaction() as session:
        links = {(v, c) for v, c in session.execute(select(VisitContact.visit_id, VisitContact.contact_id))}
        follow_up_contacts = list(session.scalars(select(FollowUp.contact_id)))
    visits_of = lambda cid: {v for v, c in links if c == cid}  # noqa: E731
    assert dup in follow_up_contacts

    driver.command("U1", "/contact", "张总 合并到 张伟")

    assert "已将 *张总* 合并到 *张伟*" in reply_text(driver.last_ephemeral("U1"))
    with db.transaction() as session:
        assert session.get(Contact, dup) is None
        merged = {v for (v,) in session.execute(select(VisitContact.visit_id).where(VisitContact.contact_id == main))}
        assert merged == visits_of(dup) | visits_of(main)
        assert set(session.scalars(select(FollowUp.contact_id))) == {main}
    after = get(db, Contact, main)
    assert (after.relationship_level, after.buying_role) == (3, "decision_maker")
    (change,) = [c for c in _trail(db) if c.action == "merge"]
    assert change.before["source"]["name"] == "张总" and change.after["visits_met_both"]


def test_merge_refuses_contacts_of_different_accounts(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1")
    contact(db, account(db, me, "Ricoh"), "Zhang")
    contact(db, account(db, me, "Canon"), "Li")
    driver.command("U1", "/contact", "Zhang merge into Li")
    assert "same account" in reply_text(driver.last_ephemeral("U1"))
    assert count(db, Contact) == 2


def test_help_in_both_languages(driver: Driver, db: Database) -> None:
    rep(db, driver, "U1")
    rep(db, driver, "U2", locale="zh-CN")
    driver.command("U1", "/contact", "help")
    driver.command("U2", "/contact", "帮助")
    assert "`/contact Zhang`" in reply_text(driver.last_ephemeral("U1"))
    assert "`/contact 张总`" in reply_text(driver.last_ephemeral("U2"))
