"""A record's audit trail in Slack (History) and marking an account as a lead (issue 19)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.people.members import actor_for
from bot.visits.ops import VisitInput, log_visit
from dev.driver import Driver
from storage.db import Database
from storage.models import Account, Contact, Lead, Person, Visit
from tests.conftest import START
from tests.test_contact_command import _form as contact_form
from tests.test_visit_history import _edit_values
from tests.visit_world import account, all_ok, contact, get, rep, reply_text, team
from tests.visit_world import visits as stored_visits

_TEXT = {
    "en-US": {"edited": "edited", "none": "No changes", "lead": "is now a lead", "empty": "(empty)"},
    "zh-CN": {"edited": "修改", "none": "还没有修改记录", "lead": "已标记为线索", "empty": "（空）"},
}


def _count(db: Database, model: type) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _leads(db: Database) -> list[Lead]:
    with db.transaction() as session:
        return list(session.scalars(select(Lead).order_by(Lead.id)))


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_history_shows_who_changed_a_visit_note_and_a_contact_level_before_and_after(
    driver: Driver, db: Database, locale: str
) -> None:
    words = _TEXT[locale]
    me = rep(db, driver, "U1", locale=locale, name="Li Na")
    rep(db, driver, "U2", locale=locale, name="Sam")
    ricoh = account(db, me, "Ricoh")
    zhang = contact(db, ricoh, "Zhang Wei", level=2)
    with db.transaction() as session:  # a call logged with a note (`note:` in a line would start one)
        call = VisitInput(account_id=ricoh, channel="phone", purpose="pricing", notes="Old note: they want 10% off")
        log_visit(session, actor_for(session.get_one(Person, me)), call, now=START, request_key=None)
    (visit,) = stored_visits(db)
    driver.command("U1", "/visit", "list")
    listing = driver.last_ephemeral("U1")
    driver.click("U1", listing, "record_history")
    assert words["none"] in reply_text(driver.last_ephemeral("U1"))

    driver.click("U1", listing, "visit_edit")
    view = driver.last_view()
    driver.submit("U1", view, _edit_values(view, notes="客户同意 5% 折扣, sign next week"))
    assert get(db, Visit, visit.id).notes == "客户同意 5% 折扣, sign next week"

    driver.command("U1", "/contact", "Zhang Wei")
    driver.click("U1", driver.last_ephemeral("U1"), "contact_edit")
    driver.submit("U1", driver.last_view(), contact_form("coach", "CFO", "", "4", "introduced us to the CEO"))
    assert get(db, Contact, zhang).relationship_level == 4

    driver.click("U1", listing, "record_history")
    shown = reply_text(driver.last_ephemeral("U1"))
    assert "Li Na" in shown and words["edited"] in shown
    assert "Old note: they want 10% off → 客户同意 5% 折扣, sign next week" in shown

    driver.command("U1", "/contact", "Zhang Wei history" if locale == "en-US" else "Zhang Wei 历史")
    shown = reply_text(driver.last_ephemeral("U1"))
    assert "Li Na" in shown and "`level`: 2 → 4" in shown and "introduced us to the CEO" in shown
    assert f"`title`: {words['empty']} → CFO" in shown

    # another rep: the visit's History finds nothing, the contact is not found
    driver.click("U2", listing, "record_history")
    assert "→" not in reply_text(driver.last_ephemeral("U2"))
    driver.command("U2", "/contact", "Zhang Wei history")
    assert "→" not in reply_text(driver.last_ephemeral("U2"))
    all_ok(driver)


def test_history_pages_newest_first_with_an_older_button(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1", name="Li Na")
    account(db, me, "Ricoh")
    for i in range(23):
        driver.command("U1", "/account", f'{"Ricoh" if i == 0 else f"Ricoh {i}"} rename "Ricoh {i + 1}"')
    driver.command("U1", "/account", "Ricoh 23 history")
    seen: list[str] = []
    page = driver.last_ephemeral("U1")
    for _ in range(5):
        text = reply_text(page)
        seen += [line for line in text.splitlines() if line.startswith("`name`")]
        if not any(b.get("type") == "actions" for b in page["blocks"]):
            break
        assert len(page["blocks"]) <= 50
        driver.click("U1", page, "record_history_more")
        page = driver.last_ephemeral("U1")
    assert len(seen) == 23 and len(set(seen)) == 23
    assert seen[0] == "`name`: Ricoh 22 → Ricoh 23" and seen[-1] == "`name`: Ricoh → Ricoh 1"


def test_owner_marks_an_account_as_a_lead_in_english_and_other_reps_are_refused(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1", name="Li Na")
    rep(db, driver, "U2")
    ricoh = account(db, me, "Ricoh")
    contact(db, ricoh, "Zhang Wei")
    accounts_before = _count(db, Account)

    driver.command("U2", "/account", "Ricoh lead")
    assert _leads(db) == []
    driver.command("U1", "/account", "ricoh")
    driver.click("U1", driver.last_ephemeral("U1"), "account_mark_lead")
    assert "is now a lead, assigned to Li Na" in reply_text(driver.last_ephemeral("U1"))
    (lead,) = _leads(db)
    assert (lead.account_id, lead.assignee_id, lead.person_name, lead.status) == (ricoh, me, "Zhang Wei", "open")
    assert _count(db, Account) == accounts_before and get(db, Account, ricoh).is_lead

    driver.command("U1", "/account", "Ricoh lead")
    assert "already has an open lead" in reply_text(driver.last_ephemeral("U1"))
    assert len(_leads(db)) == 1
    all_ok(driver)


def test_a_manager_marks_a_team_account_as_a_lead_in_chinese_a_rep_cannot_for_a_colleague(
    driver: Driver, db: Database
) -> None:
    boss = rep(db, driver, "UB", locale="zh-CN", name="王经理")
    mine = rep(db, driver, "U1", locale="zh-CN", name="李娜")
    rep(db, driver, "U2", locale="zh-CN", name="张三")
    team(db, driver, "UB", "U1")  # the admin's `/coach team @UB @U1`
    ricoh = account(db, mine, "理光")
    accounts_before = _count(db, Account)

    driver.command("U2", "/account", "理光 线索 陈总")
    assert _leads(db) == []
    driver.command("UB", "/account", "理光 线索 陈总")
    assert "已标记为线索，负责人：李娜" in reply_text(driver.last_ephemeral("UB"))
    (lead,) = _leads(db)
    assert (lead.account_id, lead.assignee_id, lead.person_name, lead.created_by_id) == (ricoh, mine, "陈总", boss)
    assert _count(db, Account) == accounts_before
    driver.command("UB", "/account", "理光 历史")
    assert "王经理" in reply_text(driver.last_ephemeral("UB"))
    all_ok(driver)
