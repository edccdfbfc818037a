"""Meetings become visits (issue 20): a rep's private ICS calendar, served from 127.0.0.1,
read by the `meeting-prompts` job as the injected clock moves; exactly which prompts go out
when, once each, and what the visit form opened from one holds. Both databases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.core.clock import ManualClock
from bot.core.config import WorkspaceConfig as Config
from bot.core.settings import Settings
from bot.digests.daily import build_daily
from bot.digests.render import render_daily
from bot.records.accounts import add_alias
from dev.driver import Driver
from dev.fake_slack import FakeSlack
from runtime.app import services_of
from storage.db import Database
from storage.models import (
    Account,
    AccountDomain,
    CalendarConnection,
    CalendarMeeting,
    Contact,
    Delivery,
    Person,
    Visit,
)
from tests.calendar_world import IcsServer, Route, calendar, event
from tests.conftest import SECRET, TEAM
from tests.scheduler_world import account, as_source, contact, dms, join, local, run
from tests.visit_world import form_values

TZ = "Europe/Berlin"
JOB = "meeting-prompts"
MON = date(2026, 10, 19)  # the clocks go back on Sunday 25 October 2026 in Berlin
MON2 = date(2026, 10, 26)
ME = ("Ann Rep", "ann@ourco.example")
ZHANG = ("Zhang Wei", "zhang.wei@ricoh.example")
LINA = ("Li Na", "li.na@ricoh.example")


@pytest.fixture
def settings(fake_slack: FakeSlack, database_url: str) -> Settings:
    return Settings(
        slack_bot_token="xoxb-test-token",
        slack_signing_secret=SECRET,
        slack_api_url=fake_slack.api_url,
        database_url=database_url,
        scheduler_enabled=False,
        secret_key="calendar-test-secret",
        calendar_allow_private=True,
        calendar_fetch_timeout=0.5,
    )


@pytest.fixture
def ics() -> Iterator[IcsServer]:
    server = IcsServer().start()
    yield server
    server.stop()


def weekly_ricoh() -> list[str]:
    """A weekly Ricoh review (video), its 26 Oct occurrence moved to 14:00 in the Tokyo office,
    its 2 Nov occurrence cancelled."""
    people = (ZHANG, LINA, ME)
    return [
        event(
            "ricoh-weekly",
            "20261019T100000",
            "20261019T110000",
            "Ricoh – weekly review",
            rrule="FREQ=WEEKLY;COUNT=4",
            location="https://zoom.us/j/123456",
            organizer=ME[1],
            attendees=people,
        ),
        event(
            "ricoh-weekly",
            "20261026T140000",
            "20261026T150000",
            "Ricoh – A3 demo",
            recurrence_id="20261026T100000",
            location="Ricoh office\\, 3F demo room",
            organizer=ME[1],
            attendees=people,
        ),
        event(
            "ricoh-weekly",
            "20261102T100000",
            "20261102T110000",
            "Ricoh – weekly review",
            recurrence_id="20261102T100000",
            status="CANCELLED",
            organizer=ME[1],
            attendees=people,
        ),
    ]


def others() -> list[str]:
    return [
        # internal only (everyone at our domain), although the title names Ricoh
        event(
            "prep",
            "20261019T120000",
            "20261019T123000",
            "Ricoh pricing prep",
            organizer=ME[1],
            attendees=(ME, ("Bo", "bo@ourco.example")),
        ),
        # private: never looked at
        event("private", "20261019T130000", "20261019T140000", "Ricoh lunch", klass="PRIVATE", attendees=(ZHANG,)),
        # no attendees: matched by the Chinese alias in the title; a physical place
        event("haier", "20261019T150000", "20261019T160000", "海尔 – 方案演示", location="海尔青岛总部"),
        # both end in quiet hours (from 20:00): one message the next morning
        event(
            "dinner", "20261020T190000", "20261020T210000", "Dinner with Zhang", location="Kyoto", attendees=(ZHANG,)
        ),
        event(
            "late-call",
            "20261020T213000",
            "20261020T220000",
            "理光 电话会议",
            description="Dial-in: tel:+81312345678",
        ),
    ]


def world(driver: Driver, db: Database) -> dict[str, int]:
    rep = join(driver, "U1", "Ann", tz=TZ)
    ricoh = account(db, TEAM, rep, "Ricoh")
    haier = account(db, TEAM, rep, "Haier")
    zhang = contact(db, TEAM, ricoh, ZHANG[0], email=ZHANG[1], buying_role="decision_maker")
    with db.transaction() as session:
        # Direct: only the CSV import gives an account its email domain (no operation adds one).
        session.add(AccountDomain(team_id=TEAM, account_id=ricoh, domain="ricoh.example"))
        for account_id, alias in ((ricoh, "理光"), (haier, "海尔")):  # `/account … alias add`
            row = session.get(Account, account_id)
            assert row is not None
            add_alias(session, row, alias)
    return {"rep": rep, "ricoh": ricoh, "haier": haier, "zhang": zhang}


def prompts(driver: Driver, user: str = "U1") -> list[Any]:
    return [m for m in dms(driver.fake, user) if any("meeting_log_visit" in str(b) for b in m.blocks or [])]


def titles(message: Any) -> list[str]:
    lines = [b for b in message.blocks if str(b.get("block_id", "")).startswith("mtg_")]
    return [str(b["text"]["text"]).split("*")[1] for b in lines]


def connect(driver: Driver, clock: ManualClock, url: str, at: Any) -> None:
    clock.set(at)
    driver.command("U1", "/coach", f"calendar {url}")


def test_prompts_go_out_once_each_when_meetings_end(
    driver: Driver, db: Database, clock: ManualClock, ics: IcsServer
) -> None:
    world(driver, db)
    ics.routes["/ann.ics"] = Route(calendar(*weekly_ricoh(), *others()), etag='"v1"')
    connect(driver, clock, ics.url("/ann.ics"), local(MON, "07:50", TZ))
    # In the next 14 days: the series on 19 and 26 Oct, Haier, the dinner and the late call.
    assert "Customer meetings found so far: 5" in driver.last_ephemeral("U1")["text"]

    sent: list[tuple[str, list[str]]] = []

    def at(day: date, hhmm: str) -> None:
        before = len(prompts(driver))
        run(driver, JOB, local(day, hhmm, TZ), clock)
        sent.extend((f"{day.isoformat()} {hhmm}", titles(m)) for m in prompts(driver)[before:])

    for when in ("08:00", "11:05", "11:09", "11:10", "11:15", "12:45", "14:15", "16:09", "16:10", "19:55"):
        at(MON, when)
    tue = MON + timedelta(days=1)
    for when in ("09:00", "20:30", "21:15", "22:15", "23:59"):
        at(tue, when)
    at(MON + timedelta(days=2), "07:59")
    at(MON + timedelta(days=2), "08:00")
    at(MON + timedelta(days=2), "08:05")
    # After the DST change: the moved occurrence at 14:00 local, nothing at the old 10:00 slot.
    for when in ("11:10", "15:09", "15:10", "15:30"):
        at(MON2, when)
    for when in ("11:10", "12:00"):  # cancelled occurrence
        at(MON2 + timedelta(days=7), when)
    for when in ("11:09", "11:10", "11:20"):  # the last one of the series, in winter time
        at(MON2 + timedelta(days=14), when)

    assert sent == [
        ("2026-10-19 11:10", ["Ricoh – weekly review"]),
        ("2026-10-19 16:10", ["海尔 – 方案演示"]),
        ("2026-10-21 08:00", ["Dinner with Zhang", "理光 电话会议"]),
        ("2026-10-26 15:10", ["Ricoh – A3 demo"]),
        ("2026-11-09 11:10", ["Ricoh – weekly review"]),
    ]
    first = prompts(driver)[0]
    assert first.text == "How did “Ricoh – weekly review” go?"
    assert "Mon 19 Oct 2026, 10:00–11:00" in str(first.blocks)
    batch = prompts(driver)[2]
    assert batch.text == "How did these 2 meetings go?"
    # Conditional reads: the server answers 304 unless the last full read is 6 hours old (the
    # window of days read moves on); the first read of each day is a full one.
    assert ics.seen[0].if_none_match is None and ics.seen[0].status == 200
    conditional = [s for s in ics.seen if s.if_none_match]
    assert all(s.if_none_match == '"v1"' and s.status == 304 for s in conditional)
    assert len(conditional) >= 10 and len(ics.seen) - len(conditional) <= 14
    # Only what was needed is stored, and one ledger row per prompt.
    with db.transaction() as session:
        rows = session.scalars(select(CalendarMeeting).order_by(CalendarMeeting.starts_at)).all()
        assert {r.uid for r in rows} == {"ricoh-weekly", "haier", "dinner", "late-call"}
        assert all(r.status == "prompted" for r in rows)
        weekly = [r for r in rows if r.uid == "ricoh-weekly"]
        assert {e["email"] for e in weekly[0].attendees} == {ZHANG[1], LINA[1]}  # not the rep's own address
        channels = {r.title: r.channel for r in rows}
        assert channels == {
            "Ricoh – weekly review": "video",
            "海尔 – 方案演示": "in_person",
            "Dinner with Zhang": "in_person",
            "理光 电话会议": "phone",
            "Ricoh – A3 demo": "in_person",
        }
        assert len(session.scalars(select(Delivery).where(Delivery.job == JOB)).all()) == 5


def test_log_visit_opens_the_prefilled_form_and_logs_the_meeting(
    driver: Driver, db: Database, clock: ManualClock, ics: IcsServer
) -> None:
    ids = world(driver, db)
    ics.routes["/ann.ics"] = Route(calendar(*weekly_ricoh()))
    connect(driver, clock, ics.url("/ann.ics"), local(MON, "08:00", TZ))
    run(driver, JOB, local(MON, "11:10", TZ), clock)
    (prompt,) = prompts(driver)
    clock.set(local(MON, "11:30", TZ))
    driver.click("U1", as_source(prompt), "meeting_log_visit", channel_id=prompt.channel)
    view = driver.last_view()
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["account"]["element"]["initial_option"]["value"] == f"a:{ids['ricoh']}"
    assert [o["value"] for o in blocks["contacts"]["element"]["initial_options"]] == [f"c:{ids['zhang']}"]
    assert blocks["new_contacts"]["element"]["initial_value"] == "Li Na"
    assert blocks["channel"]["element"]["initial_option"]["value"] == "video"
    assert blocks["date"]["element"]["initial_date"] == "2026-10-19"
    assert blocks["purpose"]["element"]["initial_value"] == "Ricoh – weekly review"

    values = form_values(
        account=f"a:{ids['ricoh']}",
        contacts=[f"c:{ids['zhang']}"],
        new_contacts="Li Na",
        channel="video",
        day="2026-10-19",
        purpose="Ricoh – weekly review",
        notes="They want the A3 demo next week",
    )
    driver.submit("U1", view, values)
    with db.transaction() as session:
        (visit,) = session.scalars(select(Visit)).all()
        assert visit.occurred_at == local(MON, "10:00", TZ)  # the meeting's start, not the submission time
        assert visit.channel == "video" and visit.account_id == ids["ricoh"]
        meeting = session.scalars(select(CalendarMeeting).where(CalendarMeeting.visit_id == visit.id)).one()
        assert meeting.status == "logged"
        lina = session.scalars(select(Contact).where(Contact.name == "Li Na")).one()
        assert lina.email == LINA[1]  # the next meeting with her is recognised by her address
    # A second click: already logged, no second form.
    opened = len([c for c in driver.fake.calls if c.method == "views.open"])
    driver.click("U1", as_source(prompt), "meeting_log_visit", channel_id=prompt.channel)
    assert "already logged" in driver.last_ephemeral("U1")["text"]
    assert len([c for c in driver.fake.calls if c.method == "views.open"]) == opened


def test_not_a_customer_meeting_later_and_someone_elses_button(
    driver: Driver, db: Database, clock: ManualClock, ics: IcsServer
) -> None:
    world(driver, db)
    join(driver, "U2", "Bo", tz=TZ)
    ics.routes["/ann.ics"] = Route(calendar(*others()))
    connect(driver, clock, ics.url("/ann.ics"), local(MON, "08:00", TZ))
    run(driver, JOB, local(MON + timedelta(days=2), "08:00", TZ), clock)
    (prompt,) = prompts(driver)
    driver.click("U2", as_source(prompt), "meeting_dismiss", channel_id=prompt.channel)
    assert "couldn't find" in driver.last_ephemeral("U2")["text"]
    # Nothing ran since Monday morning: the three meetings that ended since come together.
    assert titles(prompt) == ["海尔 – 方案演示", "Dinner with Zhang", "理光 电话会议"]
    _, dinner, call = (b["block_id"][4:] for b in prompt.blocks if str(b.get("block_id", "")).startswith("mtg_"))
    driver.click("U1", as_source(prompt), "meeting_dismiss", value=dinner, channel_id=prompt.channel)
    updated = [c for c in driver.fake.calls if c.method == "chat.update"]
    assert updated and "Not a customer meeting: noted." in str(updated[-1].params.get("blocks"))
    driver.click("U1", as_source(prompt), "meeting_later", value=call, channel_id=prompt.channel)
    later_blocks = str([c for c in driver.fake.calls if c.method == "chat.update"][-1].params.get("blocks"))
    assert "Later: the *Log visit* button stays here." in later_blocks and "meeting_log_visit" in later_blocks
    with db.transaction() as session:
        states = dict(session.execute(select(CalendarMeeting.uid, CalendarMeeting.status)).all())
    assert states["dinner"] == "dismissed" and states["late-call"] == "later"
    run(driver, JOB, local(MON + timedelta(days=2), "12:00", TZ), clock)
    assert len(prompts(driver)) == 1  # answered or not, nothing is prompted again


def test_a_meeting_logged_by_hand_is_not_prompted(
    driver: Driver, db: Database, clock: ManualClock, ics: IcsServer
) -> None:
    ids = world(driver, db)
    ics.routes["/ann.ics"] = Route(calendar(*others()))
    connect(driver, clock, ics.url("/ann.ics"), local(MON, "08:00", TZ))
    clock.set(local(MON, "16:05", TZ))
    driver.command("U1", "/visit", "海尔 方案演示 面谈")
    run(driver, JOB, local(MON, "16:10", TZ), clock)
    assert prompts(driver) == []
    with db.transaction() as session:
        meeting = session.scalars(select(CalendarMeeting).where(CalendarMeeting.uid == "haier")).one()
        visit = session.scalars(select(Visit)).one()
        assert (meeting.status, meeting.visit_id, visit.account_id) == ("logged", visit.id, ids["haier"])


def test_bad_feeds_back_off_and_the_rep_is_told_once(
    driver: Driver, db: Database, clock: ManualClock, ics: IcsServer
) -> None:
    world(driver, db)
    ics.routes["/slow.ics"] = Route(calendar(*others()), delay=2.0)
    connect(driver, clock, ics.url("/slow.ics"), local(MON, "08:00", TZ))
    assert "the first read failed: the calendar server did not answer in time" in driver.last_ephemeral("U1")["text"]

    def notices() -> list[Any]:
        return [m for m in dms(driver.fake, "U1") if "can't read your calendar" in m.text]

    def connection() -> CalendarConnection:
        with db.transaction() as session:
            row = session.scalars(select(CalendarConnection)).one()
            session.expunge(row)
            return row

    # A timeout is retried with growing gaps; the rep hears after the third failure in a row, once.
    first = connection()
    assert first.failures == 1 and first.next_fetch_at == local(MON, "08:30", TZ)
    run(driver, JOB, local(MON, "08:29", TZ), clock)
    assert connection().failures == 1  # not due yet: nothing read
    run(driver, JOB, local(MON, "08:30", TZ), clock)
    assert connection().failures == 2 and notices() == []
    run(driver, JOB, local(MON, "09:30", TZ), clock)
    assert connection().failures == 3 and len(notices()) == 1
    assert "did not answer in time" in notices()[0].text
    run(driver, JOB, local(MON, "11:30", TZ), clock)
    assert connection().failures == 4 and len(notices()) == 1
    # It works again: the state resets; a 6 MB file later is refused at once and reported once.
    ics.routes["/slow.ics"] = Route(calendar(*others()))
    run(driver, JOB, local(MON, "15:30", TZ), clock)
    back = connection()
    assert (back.failures, back.last_error, back.error_notified) == (0, None, False)
    big = calendar(*others(), *[event(f"x{i}", "20261101T100000", "20261101T110000", "x" * 60) for i in range(40_000)])
    assert len(big) > 6_000_000
    ics.routes["/slow.ics"] = Route(big)
    run(driver, JOB, local(MON, "15:45", TZ), clock)
    assert connection().last_error == "too_large" and len(notices()) == 2
    run(driver, JOB, local(MON, "16:30", TZ), clock)
    assert len(notices()) == 2
    # Meetings read before the breakage are still prompted.
    assert [titles(m) for m in prompts(driver)] == [["海尔 – 方案演示"]]


def test_the_address_is_a_secret_and_off_deletes_everything(
    driver: Driver, db: Database, clock: ManualClock, ics: IcsServer
) -> None:
    world(driver, db)
    ics.routes["/private-token-abc123/basic.ics"] = Route(calendar(*others()))
    url = ics.url("/private-token-abc123/basic.ics")
    connect(driver, clock, url, local(MON, "08:00", TZ))
    driver.command("U1", "/coach", "calendar")
    status = driver.last_ephemeral("U1")["text"]
    assert "http://127.0.0.1/…" in status and "Customer meetings found: 3" in status
    with db.transaction() as session:
        stored = session.scalars(select(CalendarConnection.url_secret)).one()
    assert stored.startswith("fernet:") and "abc123" not in stored
    assert all("abc123" not in str(m.text) + str(m.blocks) for m in driver.fake.messages)

    # A private address is refused unless CALENDAR_ALLOW_PRIVATE (this test world allows it).
    services_of(driver.app).settings.calendar_allow_private = False
    driver.command("U1", "/coach", "calendar http://169.254.169.254/latest/meta-data")
    assert "private or local network" in driver.last_ephemeral("U1")["text"]
    driver.command("U1", "/coach", "calendar ftp://example.com/cal.ics")
    assert "not an http, https or webcal address" in driver.last_ephemeral("U1")["text"]

    driver.command("U1", "/coach", "calendar off")
    assert "Everything read from it is deleted" in driver.last_ephemeral("U1")["text"]
    with db.transaction() as session:
        assert session.scalars(select(CalendarConnection)).all() == []
        assert session.scalars(select(CalendarMeeting)).all() == []
    driver.command("U1", "/coach", "calendar")
    assert "No calendar connected" in driver.last_ephemeral("U1")["text"]


def test_chinese_rep(driver: Driver, db: Database, clock: ManualClock, ics: IcsServer) -> None:
    join(driver, "U3", "王芳", tz="Asia/Shanghai", locale="zh-CN")
    driver.command("U3", "/coach", "日历")
    assert "尚未连接日历" in driver.last_ephemeral("U3")["text"]
    driver.command("U3", "/coach", "日历 不是地址")
    assert "这个地址用不了" in driver.last_ephemeral("U3")["text"]
    ics.routes["/wang.ics"] = Route(calendar())
    clock.set(local(MON, "09:00", "Asia/Shanghai"))
    driver.command("U3", "/coach", f"日历 webcal://127.0.0.1:{ics.url('/').split(':')[2].rstrip('/')}/wang.ics")
    assert "日历已连接" in driver.last_ephemeral("U3")["text"] or "日历已保存" in driver.last_ephemeral("U3")["text"]
    driver.command("U3", "/coach", "日历 关闭")
    assert "日历已断开" in driver.last_ephemeral("U3")["text"]


def test_plan_review_and_daily_digest_show_the_meetings(
    driver: Driver, db: Database, clock: ManualClock, ics: IcsServer
) -> None:
    ids = world(driver, db)
    ics.routes["/ann.ics"] = Route(calendar(*weekly_ricoh(), *others()))
    connect(driver, clock, ics.url("/ann.ics"), local(MON, "07:50", TZ))
    run(driver, "checkin-morning", local(MON, "08:45", TZ), clock)
    (plan,) = dms(driver.fake, "U1", header="Plan your day")
    agenda = str(plan.blocks)
    assert "Customer meetings today" in agenda
    assert "10:00–11:00 *Ricoh – weekly review* · Ricoh" in agenda and "15:00–16:00 *海尔 – 方案演示* · Haier" in agenda
    assert "pricing prep" not in agenda and "lunch" not in agenda and "Dinner" not in agenda  # internal, private, Tue

    run(driver, JOB, local(MON, "11:10", TZ), clock)
    ricoh_prompt = prompts(driver)[-1]
    driver.click("U1", as_source(ricoh_prompt), "meeting_log_visit", channel_id=ricoh_prompt.channel)
    values = form_values(account=f"a:{ids['ricoh']}", contacts=[f"c:{ids['zhang']}"], channel="video", day="2026-10-19")
    driver.submit("U1", driver.last_view(), values)
    run(driver, JOB, local(MON, "16:10", TZ), clock)
    haier_prompt = prompts(driver)[-1]
    driver.click("U1", as_source(haier_prompt), "meeting_dismiss", channel_id=haier_prompt.channel)

    run(driver, "checkin-evening", local(MON, "18:00", TZ), clock)
    (review,) = dms(driver.fake, "U1", header="Review your day")
    shown = str(review.blocks)
    assert "*Ricoh – weekly review* · Ricoh — :white_check_mark: logged" in shown
    assert "*海尔 – 方案演示* · Haier — :heavy_minus_sign: not a customer meeting" in shown

    with db.transaction() as session:
        person = session.get(Person, ids["rep"])
        assert person is not None
        digest = build_daily(session, TEAM, "East", [person], MON, TZ, local(MON2, "09:00", TZ), Config())
    assert digest.reps[0].meetings == (2, 1, 1)
    assert "meetings: 2 prompted, 1 logged, 1 dismissed" in str(render_daily("en", digest).parent.blocks)
    assert "会面：提醒 2，已记录 1，非客户 1" in str(render_daily("zh", digest).parent.blocks)


def test_a_prompt_slack_refused_is_sent_once_later_under_the_same_key(
    driver: Driver, db: Database, clock: ManualClock, ics: IcsServer
) -> None:
    world(driver, db)
    ics.routes["/ann.ics"] = Route(calendar(*weekly_ricoh(), *others()))
    connect(driver, clock, ics.url("/ann.ics"), local(MON, "08:00", TZ))
    driver.fake.fail_next("chat.postMessage", status=200, error="internal_error")
    run(driver, JOB, local(MON, "11:10", TZ), clock)
    assert prompts(driver) == []
    with db.transaction() as session:
        (row,) = session.scalars(select(Delivery).where(Delivery.job == JOB)).all()
        assert (row.status, row.last_error) == ("failed", "internal_error")
        queued = session.scalars(select(CalendarMeeting.status).where(CalendarMeeting.uid == "ricoh-weekly")).all()
        assert "queued" in queued
    for when in ("11:15", "11:20", "16:10"):
        run(driver, JOB, local(MON, when, TZ), clock)
    assert [titles(m) for m in prompts(driver)] == [["Ricoh – weekly review"], ["海尔 – 方案演示"]]
    with db.transaction() as session:
        rows = session.scalars(select(Delivery).where(Delivery.job == JOB).order_by(Delivery.id)).all()
        assert [(r.status, r.attempts) for r in rows] == [("sent", 1), ("sent", 0)]
