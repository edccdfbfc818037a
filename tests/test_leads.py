"""Leads end to end: `/lead` in both languages, `POST /leads` with its keys, and speed to lead
(the assignee's DM at once, one nudge when the first contact falls due, one notice to the
manager when it was missed), through signed requests, the real HTTP port and the scheduler."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from bot.core.clock import ManualClock
from bot.core.settings import Settings
from bot.core.text import normalize
from dev.driver import Driver
from storage.db import Database
from storage.models import Account, Contact, Delivery, Lead, LeadKey, Person
from tests.conftest import START, TEAM
from tests.scheduler_world import as_source, dms, local, run
from tests.visit_world import account, rep

TZ = "Asia/Shanghai"
MON = date(2026, 11, 23)
CLOCK = "lead-clock"
RATE = 5


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The suite's settings with a small rate per key, so the 429 is reached in a few requests."""
    return settings.model_copy(update={"lead_rate_per_minute": RATE})


def leads(db: Database) -> list[Lead]:
    with db.transaction() as session:
        return list(session.scalars(select(Lead).order_by(Lead.id)))


def count(db: Database, model: Any) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def set_person(db: Database, person_id: int, **values: Any) -> None:
    with db.transaction() as session:
        session.execute(update(Person).where(Person.id == person_id).values(**values))


def lead_dms(driver: Driver, user: str, marker: str) -> list:
    return [m for m in dms(driver.fake, user) if marker in json.dumps(m.blocks, ensure_ascii=False)]


# ----- /lead --------------------------------------------------------------------------------------
def test_chinese_line_creates_lead_account_and_contact_and_the_rep_gets_one_dm(
    driver: Driver, db: Database, clock: ManualClock
) -> None:
    me = rep(db, driver, "U1", tz=TZ, locale="zh-CN")
    driver.command("U1", "/lead", "理光 王军 13800000000 来自展会 想了解A3")

    (lead,) = leads(db)
    assert (lead.company, lead.person_name, lead.phone, lead.email) == ("理光", "王军", "13800000000", None)
    assert (lead.source, lead.note, lead.assignee_id, lead.status) == ("展会", "想了解A3", me, "open")
    assert lead.received_at == START  # Monday 10:00 in Shanghai
    assert lead.due_at == local(MON, "15:00", TZ)  # five working hours later, the same afternoon
    with db.transaction() as session:
        acct = session.get(Account, lead.account_id)
        assert acct is not None and acct.is_lead and acct.owner_id == me and acct.name == "理光"
        person = session.get(Contact, lead.contact_id)
        assert person is not None and person.name == "王军" and person.account_id == acct.id
    answer = driver.last_ephemeral("U1")["text"]
    assert "新线索" in answer and "理光" in answer and "15:00" in answer

    run(driver, CLOCK, START + timedelta(minutes=1), clock)
    run(driver, CLOCK, START + timedelta(minutes=2), clock)
    (card,) = lead_dms(driver, "U1", "leadinfo_")
    text = json.dumps(card.blocks, ensure_ascii=False)
    assert "理光" in text and "13800000000" in text and "展会" in text and "记录首次联系" in text
    assert {"lead_contacted", "lead_not_fit", "lead_reassign"} <= set(re.findall(r'"action_id": "(\w+)"', text))


def test_english_line_for_a_rep_of_my_team(driver: Driver, db: Database) -> None:
    boss = rep(db, driver, "U9", tz=TZ, role="manager")
    raj_rep = rep(db, driver, "U2", tz="Europe/London")
    set_person(db, raj_rep, manager_id=boss)
    driver.command("U9", "/lead", "Contoso, Raj Patel raj@contoso.example, web form, wants a demo for <@U2|bo>")

    (lead,) = leads(db)
    assert (lead.company, lead.person_name, lead.email, lead.source) == (
        "Contoso",
        "Raj Patel",
        "raj@contoso.example",
        "web form",
    )
    assert (lead.note, lead.assignee_id, lead.created_by_id) == ("wants a demo", raj_rep, boss)
    # Received 02:00 London time (10:00 Shanghai): the clock starts at 09:00 London, due 14:00.
    assert lead.due_at == local(MON, "14:00", "Europe/London")
    assert "<@U2>" in driver.last_ephemeral("U9")["text"]


def test_a_rep_cannot_give_a_lead_to_someone_else(driver: Driver, db: Database) -> None:
    rep(db, driver, "U1", tz=TZ)
    rep(db, driver, "U2", tz=TZ)
    driver.command("U1", "/lead", "Contoso, Raj Patel, web form for <@U2>")
    assert leads(db) == [] and count(db, Account) == 0
    assert "only managers" in driver.last_ephemeral("U1")["text"]


def test_a_lead_for_an_existing_company_is_attached_and_its_owner_told(
    driver: Driver, db: Database, clock: ManualClock
) -> None:
    rep(db, driver, "U1", tz=TZ)
    bo = rep(db, driver, "U2", tz=TZ)
    ricoh = account(db, bo, "Ricoh", "理光")
    driver.command("U1", "/lead", "理光 王军 13800000000 来自展会")

    (lead,) = leads(db)
    assert lead.account_id == ricoh and lead.assignee_id == bo
    assert count(db, Account) == 1  # never a duplicate account
    with db.transaction() as session:
        acct = session.get(Account, ricoh)
        assert acct is not None and not acct.is_lead  # an account with history stays what it was
    assert "already exists" in driver.last_ephemeral("U1")["text"]
    run(driver, CLOCK, START + timedelta(minutes=1), clock)
    assert len(lead_dms(driver, "U2", "leadinfo_")) == 1 and lead_dms(driver, "U1", "leadinfo_") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Contoso", "Who is the person at Contoso?"),
        ("Contoso   ,  , web form", "Who is the person at Contoso?"),
        (", , raj@contoso.example", "I need the company's name first"),
    ],
)
def test_bad_lines_are_answered_with_the_text_and_store_nothing(
    driver: Driver, db: Database, text: str, expected: str
) -> None:
    rep(db, driver, "U1", tz=TZ)
    driver.command("U1", "/lead", text)
    answer = driver.last_ephemeral("U1")
    assert expected in answer["text"] and text.strip() in answer["text"]
    assert leads(db) == [] and count(db, Account) == 0


def test_help_in_chinese(driver: Driver, db: Database) -> None:
    rep(db, driver, "U1", tz=TZ, locale="zh-CN")
    driver.command("U1", "/lead", "帮助")
    assert "一句话录入线索" in driver.last_ephemeral("U1")["text"] and leads(db) == []


# ----- speed to lead --------------------------------------------------------------------------------
def test_a_lead_posted_at_night_reaches_the_rep_when_their_day_starts(
    driver: Driver, db: Database, clock: ManualClock
) -> None:
    rep(db, driver, "UADMIN", tz=TZ, role="admin")
    key = new_key(driver)
    clock.set(local(MON, "23:30", TZ))
    assert post(driver, {"company": "Haier", "name": "Zhou Min"}, key)[0] == 201
    (lead,) = leads(db)
    assert lead.due_at == local(MON + timedelta(days=1), "14:00", TZ)  # from 09:00 on Tuesday
    for when in ("23:31", "23:59"):
        run(driver, CLOCK, local(MON, when, TZ), clock)
    run(driver, CLOCK, local(MON + timedelta(days=1), "07:59", TZ), clock)
    assert lead_dms(driver, "UADMIN", "leadinfo_") == []
    run(driver, CLOCK, local(MON + timedelta(days=1), "08:00", TZ), clock)
    run(driver, CLOCK, local(MON + timedelta(days=1), "08:01", TZ), clock)
    assert len(lead_dms(driver, "UADMIN", "leadinfo_")) == 1


def test_one_nudge_and_one_manager_notice_when_the_first_contact_is_missed(
    driver: Driver, db: Database, clock: ManualClock
) -> None:
    boss = rep(db, driver, "U9", tz=TZ, role="manager")
    ann = rep(db, driver, "U1", tz=TZ)
    set_person(db, ann, manager_id=boss)
    clock.set(local(MON, "16:00", TZ))  # two working hours left today: due Tuesday 12:00
    driver.command("U1", "/lead", "Haier, Li Na 13912345678, trade show")
    (lead,) = leads(db)
    assert lead.due_at == local(MON + timedelta(days=1), "12:00", TZ)

    for when in ("16:01", "17:59", "23:00"):
        run(driver, CLOCK, local(MON, when, TZ), clock)
    run(driver, CLOCK, local(MON + timedelta(days=1), "11:59", TZ), clock)
    assert len(dms(driver.fake, "U1")) == 1 and dms(driver.fake, "U9") == []  # only the new lead's DM
    for when in ("12:00", "12:01", "12:30", "15:00"):
        run(driver, CLOCK, local(MON + timedelta(days=1), when, TZ), clock)

    nudges = lead_dms(driver, "U1", "First contact with Haier is due now")
    notices = dms(driver.fake, "U9")
    assert len(nudges) == 1 and len(notices) == 1
    assert "<@U1>" in notices[0].text and "Haier" in notices[0].text
    assert "5 working hours" in json.dumps(notices[0].blocks)
    with db.transaction() as session:
        keys = sorted(session.scalars(select(Delivery.dedupe_key).where(Delivery.job == CLOCK)))
    assert keys == [f"due:{lead.id}", f"missed:{lead.id}", f"new:{lead.id}:{ann}"]
    driver.command("U1", "/coach", "why")
    why = driver.last_ephemeral("U1")["text"]
    assert "Haier: came in Mon 23 Nov 2026, 16:00, due Tue 24 Nov 2026, 12:00" in why
    assert "(5 working hours, 09:00–18:00 on working days, Asia/Shanghai)" in why and "manager was told" in why
    assert "Speed to lead" in why


def test_a_logged_visit_stops_the_clock(driver: Driver, db: Database, clock: ManualClock) -> None:
    boss = rep(db, driver, "U9", tz=TZ, role="manager")
    ann = rep(db, driver, "U1", tz=TZ)
    set_person(db, ann, manager_id=boss)
    driver.command("U1", "/lead", "理光 王军 13800000000 来自展会 想了解A3")
    clock.set(local(MON, "11:30", TZ))
    driver.command("U1", "/visit", "理光 王军 电话 介绍A3")
    (lead,) = leads(db)
    assert lead.status == "contacted" and lead.first_contact_at == local(MON, "11:30", TZ)
    for when in ("15:00", "15:05", "18:00"):
        run(driver, CLOCK, local(MON, when, TZ), clock)
    assert lead_dms(driver, "U1", "due now") == [] and dms(driver.fake, "U9") == []


def test_buttons_log_first_contact_and_drop(driver: Driver, db: Database, clock: ManualClock) -> None:
    rep(db, driver, "U1", tz=TZ)
    driver.command("U1", "/lead", "Contoso, Raj Patel raj@contoso.example, web form")
    driver.command("U1", "/lead", "Fabrikam, Mei Chen +86 139 1234 5678, referral")
    run(driver, CLOCK, START + timedelta(minutes=1), clock)
    contoso, fabrikam = leads(db)
    assert fabrikam.phone == "+8613912345678"
    cards = {m.text: m for m in lead_dms(driver, "U1", "leadinfo_")}
    first = cards["New lead: Contoso"]
    original = json.loads(json.dumps(as_source(first)))  # as it was before the click redrew it
    driver.click("U1", as_source(first), "lead_contacted", value=str(contoso.id), channel_id=first.channel)
    second = cards["New lead: Fabrikam"]
    driver.click("U1", as_source(second), "lead_not_fit", value=str(fabrikam.id), channel_id=second.channel)
    form = driver.last_view()  # Not a fit asks why, and (1 contact or fewer than 7) for an override
    assert form["callback_id"] == "lead_drop" and "override" in json.dumps(form)
    reason = {"reason": {"value": {"type": "static_select", "selected_option": {"value": "duplicate"}}}}
    refused = driver.submit("U1", form, reason)
    assert "override" in refused.json()["errors"] and leads(db)[1].status == "open"
    tick = {"override": {"value": {"type": "checkboxes", "selected_options": [{"value": "yes"}]}}}
    driver.submit("U1", form, {**reason, **tick})
    contoso, fabrikam = leads(db)
    assert contoso.status == "contacted" and fabrikam.status == "dropped"
    assert fabrikam.dropped_reason == "duplicate [override]"
    with db.transaction() as session:
        assert session.get(Account, fabrikam.account_id).archived_at is not None  # type: ignore[union-attr]
        assert session.get(Account, contoso.account_id).contact_count == 1  # type: ignore[union-attr]
    redrawn = lead_dms(driver, "U1", "First contact logged")
    assert len(redrawn) == 1 and "lead_contacted" not in json.dumps(redrawn[0].blocks)
    assert len(lead_dms(driver, "U1", "*Fabrikam*: dropped (Duplicate or spam).")) == 1
    run(driver, CLOCK, local(MON, "15:00", TZ), clock)
    assert lead_dms(driver, "U1", "due now") == []
    # Someone else's button is refused.
    rep(db, driver, "U3", tz=TZ)
    driver.click("U3", original, "lead_contacted", value=str(contoso.id), channel_id=first.channel)
    assert "couldn't find" in driver.last_ephemeral("U3")["text"]


# ----- POST /leads ----------------------------------------------------------------------------------
def post(driver: Driver, body: bytes | dict | None, key: str | None, **headers: str) -> tuple[int, dict]:
    assert driver.url is not None
    url = driver.url.removesuffix("/slack/events") + "/leads"
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method="POST", headers={"Content-Type": "application/json"})
    if key is not None:
        request.add_header("Authorization", f"Bearer {key}")
    for name, value in headers.items():
        request.add_header(name.replace("_", "-"), value)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def new_key(driver: Driver, user: str = "UADMIN") -> str:
    driver.command(user, "/coach", "leads key")
    found = re.search(r"pc_lead_[\w-]+", driver.last_ephemeral(user)["text"])
    assert found, driver.last_ephemeral(user)["text"]
    return found.group(0)


FORM = {
    "company": "Contoso",
    "name": "Raj Patel",
    "email": "raj@contoso.example",
    "phone": "+1 425 555 0100",
    "source": "web form",
    "note": "wants a demo",
}


def test_post_leads_creates_once_per_external_id_and_idempotency_key(
    driver: Driver, db: Database, clock: ManualClock
) -> None:
    admin = rep(db, driver, "UADMIN", tz=TZ, role="admin")
    key = new_key(driver)
    with db.transaction() as session:
        (row,) = session.scalars(select(LeadKey))
        assert key not in (row.key_hash, row.prefix) and len(row.key_hash) == 64  # only a fingerprint

    status, answer = post(driver, {**FORM, "external_id": "hubspot-1"}, key)
    assert status == 201 and answer["duplicate"] is False
    (lead,) = leads(db)
    assert answer["id"] == lead.id and lead.channel == "http" and lead.assignee_id == admin
    assert (lead.company, lead.person_name, lead.email, lead.source) == (
        "Contoso",
        "Raj Patel",
        "raj@contoso.example",
        "web form",
    )
    assert post(driver, {**FORM, "external_id": "hubspot-1", "note": "again"}, key) == (
        200,
        {"id": lead.id, "duplicate": True},
    )
    ricoh = {**FORM, "company": "理光", "name": "王军"}
    status, second = post(driver, ricoh, key, Idempotency_Key="abc-1")
    assert status == 201 and second["id"] != lead.id
    assert post(driver, ricoh, key, Idempotency_Key="abc-1") == (200, {"id": second["id"], "duplicate": True})
    assert len(leads(db)) == 2 and count(db, Account) == 2
    run(driver, CLOCK, START + timedelta(minutes=1), clock)
    assert len(lead_dms(driver, "UADMIN", "leadinfo_")) == 2


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (b"{not json", 400, "body"),
        (b"[1, 2]", 400, "body"),
        ({"name": "Raj Patel"}, 400, "company"),
        ({"company": "Contoso", "name": "  "}, 400, "name"),
        ({"company": "Contoso", "name": "Raj", "email": ["x"]}, 400, "email"),
        ({**FORM, "note": "x" * (64 * 1024)}, 413, "body"),
    ],
)
def test_post_leads_refuses_bad_bodies_naming_the_field(
    driver: Driver, db: Database, body: Any, status: int, field: str
) -> None:
    rep(db, driver, "UADMIN", tz=TZ, role="admin")
    key = new_key(driver)
    got, answer = post(driver, body, key)
    assert (got, answer.get("field")) == (status, field)
    assert leads(db) == [] and count(db, Account) == 0


def test_post_leads_refuses_missing_wrong_and_revoked_keys(driver: Driver, db: Database) -> None:
    rep(db, driver, "UADMIN", tz=TZ, role="admin")
    rep(db, driver, "U1", tz=TZ)
    assert post(driver, FORM, None) == (401, {"error": "missing_key", "field": "authorization"})
    assert post(driver, FORM, "pc_lead_guessed")[0] == 401
    driver.command("U1", "/coach", "leads key")  # a rep cannot make keys
    assert "only a workspace admin" in driver.last_ephemeral("U1")["text"] and count(db, LeadKey) == 0
    key = new_key(driver)
    driver.command("UADMIN", "/coach", "leads key revoke")
    assert "1 key revoked" in driver.last_ephemeral("UADMIN")["text"]
    assert post(driver, FORM, key) == (401, {"error": "invalid_key", "field": "authorization"})
    assert leads(db) == []


def test_post_leads_is_limited_per_key_and_minute(driver: Driver, db: Database, clock: ManualClock) -> None:
    rep(db, driver, "UADMIN", tz=TZ, role="admin")
    key, other = new_key(driver), new_key(driver)
    for n in range(RATE):
        assert post(driver, {**FORM, "external_id": f"r{n}"}, key)[0] == 201
    assert post(driver, {**FORM, "external_id": "over"}, key) == (429, {"error": "rate_limited"})
    assert post(driver, {**FORM, "external_id": "other-key"}, other)[0] in (200, 201)  # its own allowance
    clock.set(START + timedelta(seconds=61))
    assert post(driver, {**FORM, "external_id": "next-minute"}, key)[0] == 201
    stored = {lead.request_key for lead in leads(db)}
    assert "ext:over" not in stored and "ext:next-minute" in stored
    with db.transaction() as session:
        assert session.scalar(select(func.count()).where(Account.name_norm == normalize("Contoso"))) == 1


def test_cli_makes_a_key_that_posts(
    driver: Driver, db: Database, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    from runtime.cli import main

    rep(db, driver, "UADMIN", tz=TZ, role="admin")
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["leads", "key", "--team", TEAM]) == 0
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert post(driver, FORM, key)[0] == 201
    assert main(["leads", "key", "--team", TEAM, "--revoke"]) == 0
    assert post(driver, FORM, key)[0] == 401


def test_a_plain_html_form_posts_with_its_key_field(driver: Driver, db: Database) -> None:
    rep(db, driver, "UADMIN", tz=TZ, role="admin")
    key = new_key(driver)
    assert driver.url is not None
    url = driver.url.removesuffix("/slack/events") + "/leads"
    form = urllib.parse.urlencode({"key": key, "company": "理光", "name": "王军", "phone": "13800000000"}).encode()
    request = urllib.request.Request(url, data=form, method="POST")  # urllib sends it urlencoded, as browsers do
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
    (lead,) = leads(db)
    assert (lead.company, lead.person_name, lead.phone) == ("理光", "王军", "13800000000")
    bad = urllib.parse.urlencode({"key": key + "x", "company": "Contoso", "name": "Raj"}).encode()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(url, data=bad, method="POST"), timeout=10)
    assert refused.value.code == 401 and len(leads(db)) == 1


def test_lead_alone_opens_the_form_and_its_submission_stores_once(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1", tz=TZ)
    driver.command("U1", "/lead", "")
    view = driver.last_view()
    assert view["callback_id"] == "lead_form"
    missing = driver.submit("U1", view, {"company": {"value": {"type": "plain_text_input", "value": "Contoso"}}})
    assert missing.json()["errors"] == {"name": "Please fill this in."} and leads(db) == []
    values = {
        "company": {"value": {"type": "plain_text_input", "value": "Contoso"}},
        "name": {"value": {"type": "plain_text_input", "value": "Raj Patel"}},
        "email": {"value": {"type": "plain_text_input", "value": "raj@contoso.example"}},
        "source": {"value": {"type": "plain_text_input", "value": "trade show"}},
    }
    driver.submit("U1", view, values)
    driver.submit("U1", view, values)  # a double click on Save
    (lead,) = leads(db)
    assert (lead.company, lead.person_name, lead.email, lead.source, lead.assignee_id) == (
        "Contoso",
        "Raj Patel",
        "raj@contoso.example",
        "trade show",
        me,
    )


def test_make_a_lead_shortcut_prefills_the_form_from_the_message(driver: Driver, db: Database) -> None:
    rep(db, driver, "U1", tz=TZ, locale="zh-CN")
    message = {"type": "message", "ts": "1700000000.000100", "text": "理光 王军 13800000000 来自展会 想了解A3"}
    driver.message_shortcut("U1", "make_lead_message", message)
    view = driver.last_view()
    initial = {b["block_id"]: b["element"].get("initial_value") for b in view["blocks"] if b["type"] == "input"}
    assert initial["company"] == "理光" and initial["name"] == "王军" and initial["phone"] == "13800000000"
    assert initial["source"] == "展会" and view["title"]["text"] == "新线索"


def test_routing_round_robin_skips_reps_on_leave_and_region_keywords(
    driver: Driver, db: Database, clock: ManualClock
) -> None:
    def send(form: dict) -> int:
        clock.set(clock.now() + timedelta(minutes=1))  # one a minute: within the key's rate
        return post(driver, form, key)[0]

    rep(db, driver, "UADMIN", tz=TZ, role="admin")
    ann, bo, cy = (rep(db, driver, u, tz=TZ) for u in ("U1", "U2", "U3"))
    key = new_key(driver)
    driver.command("U1", "/coach", "leads route round-robin <@U1> <@U2>")  # reps may not
    assert "only a workspace admin" in driver.last_ephemeral("U1")["text"]
    driver.command("UADMIN", "/coach", "leads route round-robin <@U1> <@U2|bo> <@U3>")
    assert "in turn" in driver.last_ephemeral("UADMIN")["text"]
    driver.command("U2", "/checkin", "off until 2026-11-30")  # Bo is on leave this week
    for n in range(4):
        assert send({"company": f"Company {n}", "name": "Li Na"}) == 201
    assert [lead.assignee_id for lead in leads(db)] == [ann, cy, ann, cy]
    # A company that exists goes to its owner and spends no turn.
    account(db, bo, "Ricoh", "理光")
    assert send({"company": "理光", "name": "王军"}) == 201
    assert send({"company": "Company 5", "name": "Li Na"}) == 201
    assert [lead.assignee_id for lead in leads(db)][-2:] == [bo, ann]

    driver.command("UADMIN", "/coach", "leads route region 华东=<@U3> north=<@U1>")
    assert "华东 → <@U3>" in driver.last_ephemeral("UADMIN")["text"]
    assert send({"company": "Haier", "name": "Zhou", "note": "华东区 展会"}) == 201
    assert send({"company": "Acme", "name": "Zhou", "source": "North trade show"}) == 201
    assert [lead.assignee_id for lead in leads(db)][-2:] == [cy, ann]
    driver.command("UADMIN", "/coach", "leads route sideways <@U9>")
    answer = driver.last_ephemeral("UADMIN")["text"]
    assert "Nothing was changed" in answer and "sideways" in answer


def test_csv_import_of_leads_is_all_or_nothing_routed_and_safe_to_repeat(
    driver: Driver, db: Database, tmp_path: Any
) -> None:
    import io

    from bot.csv_io.commands import run_import

    rep(db, driver, "UADMIN", tz=TZ, role="admin")
    ann, bo = rep(db, driver, "U1", tz=TZ), rep(db, driver, "U2", tz=TZ)
    ricoh = account(db, bo, "Ricoh", "理光")
    driver.command("UADMIN", "/coach", "leads route round-robin <@U1> <@U2>")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "公司,联系人,电话,来源,备注,编号\n海尔,周敏,13900000000,展会,要报价,A1\n美的,,,展会,,A2\n", "utf-8-sig"
    )
    out = io.StringIO()
    assert run_import(db, TEAM, "leads", bad, START, out) == 1
    assert "line 3: the contact name is empty." in out.getvalue() and leads(db) == []
    good = tmp_path / "good.csv"
    rows = "company,name,email,source,external id\nHaier,Zhou Min,zm@haier.example,trade show,A1\n理光,王军,,展会,A2\n"
    good.write_text(rows + "Midea,Li Lei,,trade show,A3\n", "utf-8")
    assert run_import(db, TEAM, "leads", good, START, io.StringIO()) == 0
    stored = leads(db)
    assert [(x.company, x.channel, x.assignee_id) for x in stored] == [
        ("Haier", "csv", ann),
        ("理光", "csv", bo),  # an existing company: its owner, no routing turn spent
        ("Midea", "csv", bo),
    ]
    assert stored[1].account_id == ricoh and count(db, Account) == 3
    out = io.StringIO()
    assert run_import(db, TEAM, "leads", good, START, out) == 0  # again: nothing new
    assert len(leads(db)) == 3 and "3" in out.getvalue()


def test_a_deal_opened_on_a_lead_remembers_it_and_stops_its_clock(driver: Driver, db: Database) -> None:
    rep(db, driver, "U1", tz=TZ)
    driver.command("U1", "/lead", "Contoso, Raj Patel raj@contoso.example, web form, wants a demo")
    driver.command("U1", "/deal", 'new Contoso "Demo units" 50k close Dec')
    (lead,) = leads(db)
    with db.transaction() as session:
        from storage.models import Deal

        (deal,) = session.scalars(select(Deal))
    assert lead.deal_id == deal.id and lead.status == "contacted" and deal.account_id == lead.account_id


def test_after_three_contacts_the_rep_is_asked_once_to_qualify_or_drop(
    driver: Driver, db: Database, clock: ManualClock
) -> None:
    rep(db, driver, "U1", tz=TZ)
    driver.command("U1", "/lead", "理光 王军 13800000000 来自展会 想了解A3")
    driver.command("U1", "/lead", "Haier, Zhou Min, trade show")
    for n, hour in enumerate(("11:00", "14:00", "16:00")):
        clock.set(local(MON + timedelta(days=n), hour, TZ))
        driver.command("U1", "/visit", "理光 王军 电话 介绍A3")
    with db.transaction() as session:
        haier = session.scalar(select(Account).where(Account.name == "Haier"))
        assert haier is not None
        haier.contact_count = 7  # contacted often already (more than the rule's 6)
    for minutes in (1, 2, 3):
        run(driver, CLOCK, local(MON + timedelta(days=2), "16:00", TZ) + timedelta(minutes=minutes), clock)
    asks = lead_dms(driver, "U1", "leadjudge_")
    assert sorted(m.text for m in asks) == ["Qualify or drop Haier?", "Qualify or drop 理光?"]  # once each
    ricoh_ask = next(m for m in asks if "理光" in m.text)
    ricoh, haier_lead = leads(db)
    driver.click("U1", as_source(ricoh_ask), "lead_qualify", value=str(ricoh.id), channel_id=ricoh_ask.channel)
    with db.transaction() as session:
        from storage.models import Deal

        (deal,) = session.scalars(select(Deal))
    assert leads(db)[0].deal_id == deal.id and deal.title == "理光 – new business"
    haier_ask = next(m for m in asks if "Haier" in m.text)
    driver.click("U1", as_source(haier_ask), "lead_not_fit", value=str(haier_lead.id), channel_id=haier_ask.channel)
    form = driver.last_view()
    assert "override" not in json.dumps(form)  # seven contacts: no override needed
    note = {"note": {"value": {"type": "plain_text_input", "value": "已经买了竞品"}}}
    driver.submit(
        "U1", form, {"reason": {"value": {"type": "static_select", "selected_option": {"value": "competitor"}}}, **note}
    )
    assert leads(db)[1].dropped_reason == "competitor: 已经买了竞品"
    assert len(lead_dms(driver, "U1", "*Haier*: dropped (Went with a competitor).")) == 1
    run(driver, CLOCK, local(MON + timedelta(days=2), "17:00", TZ), clock)
    assert len(dms(driver.fake, "U1")) == 3  # Haier's card (理光 was contacted already), two questions: once


def test_reassign_gives_the_lead_and_its_new_account_to_a_colleague(
    driver: Driver, db: Database, clock: ManualClock
) -> None:
    from dev import slack_requests as sr

    boss = rep(db, driver, "U9", tz=TZ, role="manager")
    ann, bo = rep(db, driver, "U1", tz=TZ), rep(db, driver, "U2", tz=TZ)
    set_person(db, ann, manager_id=boss)
    set_person(db, bo, manager_id=boss)
    driver.command("U1", "/lead", "Contoso, Raj Patel raj@contoso.example, web form")
    run(driver, CLOCK, START + timedelta(minutes=1), clock)
    (card,) = lead_dms(driver, "U1", "leadinfo_")
    (lead,) = leads(db)

    def pick(user: str, chosen: str) -> None:
        action = {"action_id": "lead_reassign", "block_id": f"lead_{lead.id}", "type": "users_select"}
        action["selected_user"] = chosen
        message = {"type": "message", "ts": card.ts, "text": card.text, "blocks": card.blocks}
        container = {"type": "message", "message_ts": card.ts, "channel_id": card.channel, "is_ephemeral": False}
        payload = sr.block_actions(
            team_id=TEAM,
            user_id=user,
            action=action,
            response_url=driver.fake.response_url(user, card.channel),
            channel_id=card.channel,
            message=message,
            container=container,
        )
        driver.send(sr.interaction_form(payload), sr.FORM)

    pick("U3", "U2")  # a stranger's click is refused
    assert leads(db)[0].assignee_id == ann
    pick("U1", "U2")
    (moved,) = leads(db)
    with db.transaction() as session:
        acct = session.get(Account, moved.account_id)
        assert moved.assignee_id == bo and acct is not None and acct.owner_id == bo
    run(driver, CLOCK, START + timedelta(minutes=2), clock)
    assert len(lead_dms(driver, "U2", "leadinfo_")) == 1  # the new assignee gets the lead's DM
    assert "Given to <@U2>" in json.dumps(dms(driver.fake, "U1")[0].blocks)


def test_undoing_the_first_contact_starts_the_clock_again(driver: Driver, db: Database, clock: ManualClock) -> None:
    rep(db, driver, "U1", tz=TZ)
    driver.command("U1", "/lead", "理光 王军 13800000000 来自展会")
    clock.set(local(MON, "11:00", TZ))
    driver.command("U1", "/visit", "理光 王军 电话 介绍A3")
    assert leads(db)[0].status == "contacted"
    clock.set(local(MON, "11:05", TZ))
    driver.click("U1", driver.last_ephemeral("U1"), "visit_undo")
    (lead,) = leads(db)
    assert (lead.status, lead.first_contact_at) == ("open", None)
    run(driver, CLOCK, local(MON, "15:00", TZ), clock)
    assert len(lead_dms(driver, "U1", "First contact with 理光 is due now")) == 1
