"""The visit form end to end: `/visit` alone, the two shortcuts, type-ahead, inline errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from dev import slack_requests as sr
from dev.driver import Driver
from storage.db import Database
from storage.models import Account, Visit
from tests.conftest import START, TEAM
from tests.visit_world import (
    account,
    all_ok,
    contact,
    contacts_of,
    count,
    follow_ups,
    form_values,
    get,
    links,
    rep,
    reply_text,
)
from tests.visit_world import visits as stored_visits


def _blocks(view: dict) -> dict[str, dict]:
    return {b.get("block_id"): b for b in view["blocks"]}


def _with_state(view: dict, values: dict) -> dict:
    return {**view, "state": {"values": values}}


def test_visit_alone_opens_the_form_and_a_submission_stores_the_visit(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1", tz="Asia/Shanghai")
    ricoh = account(db, me, "Ricoh", "理光")
    zhang = contact(db, ricoh, "Zhang", level=1)

    driver.command("U1", "/visit", "", channel_id="C0000SALES")

    (opened,) = driver.fake.calls_to("views.open")
    assert opened.params["trigger_id"]
    view = driver.last_view()
    assert view["callback_id"] == "visit_form"
    assert json.loads(view["private_metadata"])["ch"] == "C0000SALES"
    assert _blocks(view)["date"]["element"]["initial_date"] == "2026-11-23"

    # the account type-ahead lists the rep's accounts, and offers to create what is typed
    options = driver.suggest("U1", view, "account", "visit_account", "ric").json()["options"]
    assert options[0]["value"] == f"a:{ricoh}"
    options = driver.suggest("U1", view, "account", "visit_account", "Zeta").json()["options"]
    assert [o["value"] for o in options] == ["new:Zeta"]
    # the contacts type-ahead lists the chosen account's contacts
    chosen = form_values(account=f"a:{ricoh}")
    options = driver.suggest("U1", _with_state(view, chosen), "contacts", "visit_contacts", "").json()["options"]
    assert [o["value"] for o in options] == [f"c:{zhang}"]

    values = form_values(
        account=f"a:{ricoh}",
        contacts=[f"c:{zhang}"],
        levels={zhang: "4"},
        new_contacts="Li Na (decision maker), 王芳（采购）",
        new_level="3",
        channel="in_person",
        day="2026-11-22",
        purpose="demo of the A3 range",
        notes="they liked the finisher",
        next_step="send the quote",
        due_date="2026-11-25",
        due_time="10:00",
    )
    response = driver.submit("U1", view, values)
    assert response.status == 200 and not response.body
    driver.submit("U1", view, values)  # a double submit stores one visit

    (visit,) = stored_visits(db)
    assert (visit.source, visit.channel, visit.purpose, visit.notes) == (
        "modal",
        "in_person",
        "demo of the A3 range",
        "they liked the finisher",
    )
    assert visit.request_key == f"p{me}:view:{view['id']}"
    assert visit.occurred_at == datetime(2026, 11, 22, 4, 0, tzinfo=UTC)  # yesterday, noon in Shanghai
    assert visit.next_step_due_at == datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    people = {c.name: c for c in contacts_of(db, ricoh)}
    assert set(people) == {"Zhang", "Li Na", "王芳"}
    assert people["Zhang"].relationship_level == 4
    assert (people["Li Na"].buying_role, people["Li Na"].relationship_level) == ("decision_maker", 3)
    assert (people["王芳"].buying_role, people["王芳"].relationship_level) == ("purchaser", 3)
    assert people["Li Na"].last_face_to_face_at == visit.occurred_at
    assert {link.created_contact for link in links(db, visit.id) if link.contact_id != zhang} == {True}
    assert [f.text for f in follow_ups(db)] == ["send the quote"]
    first, second = driver.fake.calls_to("chat.postEphemeral")
    assert (first.params["channel"], first.params["user"]) == ("C0000SALES", "U1")
    assert "Wed 25 Nov 2026, 10:00" in reply_text(first.params)
    assert "already logged" in reply_text(second.params)
    all_ok(driver)


def test_form_errors_are_shown_inline_and_nothing_is_stored(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1", locale="zh-CN")
    ricoh = account(db, me, "Ricoh")
    driver.command("U1", "/visit", "")
    view = driver.last_view()

    no_due = driver.submit("U1", view, form_values(account=f"a:{ricoh}", day="2026-11-23", next_step="报价"))
    assert no_due.json()["response_action"] == "errors"
    assert no_due.json()["errors"] == {"next_due_date": "请为下一步设置截止日期。"}

    future = driver.submit("U1", view, form_values(account=f"a:{ricoh}", day="2026-12-01"))
    assert set(future.json()["errors"]) == {"date"}

    past_due = driver.submit(
        "U1", view, form_values(account=f"a:{ricoh}", day="2026-11-23", next_step="x", due_date="2026-11-20")
    )
    assert set(past_due.json()["errors"]) == {"next_due_date"}
    assert count(db, Visit) == 0


def test_creating_an_account_from_the_form_is_an_explicit_choice(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1")
    driver.command("U1", "/visit", "")
    view = driver.last_view()
    driver.submit("U1", view, form_values(account="new:Zeta Corp", channel="phone", day="2026-11-23"))
    (visit,) = stored_visits(db)
    zeta = get(db, Account, visit.account_id)
    assert (zeta.name, zeta.owner_id, zeta.contact_count) == ("Zeta Corp", me, 1)


def test_choosing_contacts_adds_a_level_field_per_contact(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1")
    ricoh = account(db, me, "Ricoh")
    zhang = contact(db, ricoh, "Zhang")
    li = contact(db, ricoh, "Li")
    driver.command("U1", "/visit", "")
    view = driver.last_view()
    action = {
        "action_id": "visit_contacts",
        "block_id": "contacts",
        "type": "multi_external_select",
        "selected_options": [
            {"text": {"type": "plain_text", "text": "Zhang"}, "value": f"c:{zhang}"},
            {"text": {"type": "plain_text", "text": "Li"}, "value": f"c:{li}"},
        ],
    }
    payload = sr.block_actions(
        team_id=TEAM,
        user_id="U1",
        action=action,
        response_url=None,
        view=view,
        container={"type": "view", "view_id": view["id"]},
    )
    driver.send(sr.interaction_form(payload), sr.FORM)
    (update,) = driver.fake.calls_to("views.update")
    assert update.params["view_id"] == view["id"]
    ids = [b.get("block_id") for b in driver.last_view()["blocks"]]
    assert ids[ids.index("contacts") + 1 : ids.index("contacts") + 3] == [f"level_{zhang}", f"level_{li}"]
    all_ok(driver)


def test_global_shortcut_opens_the_empty_form_and_answers_by_dm(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1")
    ricoh = account(db, me, "Ricoh")
    driver.shortcut("U1", "log_visit")
    (opened,) = driver.fake.calls_to("views.open")
    assert opened.params["trigger_id"]
    view = driver.last_view()
    assert "initial_option" not in _blocks(view)["account"]["element"]
    driver.submit("U1", view, form_values(account=f"a:{ricoh}", channel="email", day="2026-11-23"))
    (visit,) = stored_visits(db)
    assert (visit.account_id, visit.channel, visit.occurred_at, visit.source) == (ricoh, "email", START, "modal")
    (dm,) = driver.fake.dms_to("U1")
    assert "Ricoh" in dm.text
    all_ok(driver)


def test_message_shortcut_prefills_from_the_message_and_keeps_its_permalink(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1")
    ricoh = account(db, me, "Ricoh")
    zhang = contact(db, ricoh, "Zhang Wei", role="decision_maker")
    message = {
        "type": "message",
        "ts": "1763860000.000200",
        "user": "U9",
        "text": "Ricoh phone with Zhang Wei: they need 20 A3 printers; next: send quote by Friday",
    }
    driver.message_shortcut("U1", "log_visit_message", message, channel_id="C0000DEALS")

    view = driver.last_view()
    blocks = _blocks(view)
    assert blocks["notes"]["element"]["initial_value"] == message["text"]
    assert blocks["account"]["element"]["initial_option"]["value"] == f"a:{ricoh}"
    assert [o["value"] for o in blocks["contacts"]["element"]["initial_options"]] == [f"c:{zhang}"]
    assert blocks["channel"]["element"]["initial_option"]["value"] == "phone"
    assert "initial_option" not in blocks[f"level_{zhang}"]["element"]  # empty: the visit decides the level
    assert blocks["next_step"]["element"]["initial_value"] == "send quote"
    assert blocks["next_due_date"]["element"]["initial_date"] == "2026-11-27"

    values = form_values(
        account=f"a:{ricoh}",
        contacts=[f"c:{zhang}"],
        channel="phone",
        day="2026-11-23",
        notes=message["text"],
        next_step="send quote",
        due_date="2026-11-27",
        due_time="18:00",
    )
    driver.submit("U1", view, values)

    (visit,) = stored_visits(db)
    assert visit.source == "shortcut" and visit.notes == message["text"]
    assert visit.permalink == "https://fake.slack.test/archives/C0000DEALS/p1763860000000200"
    (permalink_call,) = driver.fake.calls_to("chat.getPermalink")
    assert permalink_call.params["message_ts"] == message["ts"]
    assert driver.fake.calls_to("chat.postEphemeral")[-1].params["channel"] == "C0000DEALS"
    all_ok(driver)


def test_open_the_form_from_a_line_that_could_not_be_logged(driver: Driver, db: Database) -> None:
    rep(db, driver, "U1")
    driver.command("U1", "/visit", "yesterday dinner with Zhang")
    assert count(db, Visit) == 0
    driver.click("U1", driver.last_ephemeral("U1"), "visit_open_form")
    blocks = _blocks(driver.last_view())
    assert blocks["date"]["element"]["initial_date"] == "2026-11-22"
    assert blocks["channel"]["element"]["initial_option"]["value"] == "informal"
    assert "Zhang" in blocks["new_contacts"]["element"]["initial_value"]


def test_one_character_type_ahead_finds_accounts_and_contacts(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1", locale="zh-CN")
    ricoh = account(db, me, "理光中国")
    account(db, me, "Acme")
    wang = contact(db, ricoh, "王军")
    contact(db, ricoh, "李娜")
    driver.command("U1", "/visit", "")
    view = driver.last_view()
    options = driver.suggest("U1", view, "account", "visit_account", "理").json()["options"]
    assert [o["value"] for o in options] == [f"a:{ricoh}"]
    chosen = _with_state(view, form_values(account=f"a:{ricoh}"))
    options = driver.suggest("U1", chosen, "contacts", "visit_contacts", "王").json()["options"]
    assert [o["value"] for o in options] == [f"c:{wang}"]


def test_a_contact_of_another_account_saves_nothing_and_gives_the_text_back(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1")
    ricoh = account(db, me, "Ricoh")
    acme = account(db, me, "Acme")
    li = contact(db, acme, "Li")
    driver.command("U1", "/visit", "")
    values = form_values(account=f"a:{ricoh}", contacts=[f"c:{li}"], day="2026-11-23", notes="long notes here")
    driver.submit("U1", driver.last_view(), values)
    assert count(db, Visit) == 0
    reply = reply_text(driver.last_ephemeral("U1"))
    assert "Nothing was saved" in reply and "long notes here" in reply


def test_a_message_naming_the_account_after_a_contact_or_in_a_chinese_sentence_prefills_it(
    driver: Driver, db: Database
) -> None:
    me = rep(db, driver, "U1")
    colleague = rep(db, driver, "U2", name="Alice")
    wide = account(db, me, "Wide World", "Wide World Importers")
    olivia = contact(db, wide, "Olivia Hart")
    pingan = account(db, me, "中国平安")
    account(db, colleague, "Adventure Works", "AdvWorks")

    def prefilled(text: str, ts: str) -> dict[str, dict]:
        message = {"type": "message", "ts": ts, "user": "U9", "text": text}
        driver.message_shortcut("U1", "log_visit_message", message, channel_id="C0000DEALS")
        return _blocks(driver.last_view())

    lunch = prefilled("lunch with Olivia Hart (WIDE WORLD) about renewal", "1763860000.000300")
    assert lunch["account"]["element"]["initial_option"]["value"] == f"a:{wide}"
    assert [o["value"] for o in lunch["contacts"]["element"]["initial_options"]] == [f"c:{olivia}"]
    chinese = prefilled("拜访了中国平安的刘总，下一步：周五前发方案", "1763860000.000400")
    assert chinese["account"]["element"]["initial_option"]["value"] == f"a:{pingan}"
    theirs = prefilled("AdvWorks call Ken", "1763860000.000500")  # Alice's: the rep picks, never a copy
    assert "initial_option" not in theirs["account"]["element"]
    assert count(db, Account) == 3
