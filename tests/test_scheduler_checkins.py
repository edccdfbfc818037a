"""Daily PDCA check-ins: at each person's local 08:45 / 18:00 across daylight saving, only on
working days, never twice a day; the plan and review forms; time off; `/coach why`."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.core.clock import ManualClock
from dev.driver import Driver
from storage.db import Database
from storage.models import CheckIn
from tests.conftest import START, TEAM
from tests.digest_world import World
from tests.scheduler_world import as_source, dms, follow_up, join, local, run, visit

MORNING, EVENING = "checkin-morning", "checkin-evening"
PLAN_HEADER, REVIEW_HEADER = "Plan your day", "Review your day"

# Working days either side of both daylight-saving changes of 2026 in New York (8 March and
# 1 November), and the weekends on which the clocks change.
WORKDAYS = [date(2026, 3, 6), date(2026, 3, 9), date(2026, 10, 30), date(2026, 11, 2)]
WEEKENDS = [date(2026, 3, 7), date(2026, 3, 8), date(2026, 10, 31), date(2026, 11, 1)]


@pytest.mark.parametrize("tz", ["Asia/Shanghai", "America/New_York"])
def test_morning_checkin_at_local_0845_across_dst_once_a_day_not_on_weekends(
    driver: Driver, clock: ManualClock, tz: str
) -> None:
    join(driver, "U1", "Ann", tz=tz)
    for day in WORKDAYS:
        before = len(dms(driver.fake, "U1", header=PLAN_HEADER))
        run(driver, MORNING, local(day, "08:44", tz), clock)
        assert len(dms(driver.fake, "U1", header=PLAN_HEADER)) == before, f"too early on {day}"
        run(driver, MORNING, local(day, "08:45", tz), clock)
        assert len(dms(driver.fake, "U1", header=PLAN_HEADER)) == before + 1, f"not sent at 08:45 on {day}"
        for later in ("08:50", "11:00", "17:55"):
            run(driver, MORNING, local(day, later, tz), clock)
        assert len(dms(driver.fake, "U1", header=PLAN_HEADER)) == before + 1, f"sent twice on {day}"
    for day in WEEKENDS:
        for when in ("08:45", "09:00", "12:00"):
            run(driver, MORNING, local(day, when, tz), clock)
    prompts = dms(driver.fake, "U1", header=PLAN_HEADER)
    assert len(prompts) == len(WORKDAYS)
    assert all(c.response["ok"] for c in driver.fake.calls if c.method == "chat.postMessage")


def test_dst_moves_the_utc_instant_not_the_local_time(driver: Driver, clock: ManualClock) -> None:
    join(driver, "UNY", "Ned", tz="America/New_York")
    # Friday before the change: 08:45 EST is 13:45 UTC; 12:45 UTC is 07:45 local, too early.
    run(driver, MORNING, local(date(2026, 3, 6), "07:45", "America/New_York"), clock)
    assert dms(driver.fake, "UNY") == []
    assert local(date(2026, 3, 6), "08:45", "America/New_York").hour == 13
    # Monday after: 08:45 EDT is 12:45 UTC, and that is when it comes.
    monday = local(date(2026, 3, 9), "08:45", "America/New_York")
    assert monday.hour == 12
    run(driver, MORNING, monday, clock)
    assert len(dms(driver.fake, "UNY", header=PLAN_HEADER)) == 1


def test_no_checkins_on_holidays_or_time_off(driver: Driver, db: Database, clock: ManualClock) -> None:
    tz = "Asia/Shanghai"
    join(driver, "U1", "Ann", tz=tz)
    join(driver, "U2", "张伟", tz=tz, locale="zh-CN")
    with db.transaction() as session:  # added by the admin, Ann (the workspace's first person)
        World(session, START).holiday(date(2026, 12, 1), "Founders' day")
    clock.set(local(date(2026, 11, 27), "12:00", tz))  # Friday
    driver.command("U1", "/checkin", "off until 2026-12-04")
    assert "Fri 4 Dec 2026" in driver.last_ephemeral("U1")["text"]
    assert "Mon 7 Dec 2026" in driver.last_ephemeral("U1")["text"]  # back on
    driver.command("U2", "/checkin", "休假到 12月3日")
    assert "2026年12月3日" in driver.last_ephemeral("U2")["text"]
    sent: dict[date, set[str]] = {}
    for n in range(8):
        day = date(2026, 11, 30) + timedelta(days=n)
        before = {u: len(dms(driver.fake, u)) for u in ("U1", "U2")}
        run(driver, MORNING, local(day, "09:00", tz), clock)
        run(driver, EVENING, local(day, "18:30", tz), clock)
        sent[day] = {u for u in ("U1", "U2") if len(dms(driver.fake, u)) > before[u]}
    assert sent[date(2026, 11, 30)] == set()  # both on time off
    assert sent[date(2026, 12, 1)] == set()  # holiday
    assert sent[date(2026, 12, 4)] == {"U2"}  # U2 is back (time off ended on the 3rd)
    assert sent[date(2026, 12, 5)] == set()  # Saturday
    assert sent[date(2026, 12, 7)] == {"U1", "U2"}
    assert [m.blocks[0]["text"]["text"] for m in dms(driver.fake, "U2")][:1] == ["今日计划 · 2026年12月4日 周五"]


def test_checkin_back_ends_time_off_early(driver: Driver, clock: ManualClock) -> None:
    tz = "Asia/Shanghai"
    join(driver, "U1", "Ann", tz=tz)
    clock.set(local(date(2026, 11, 23), "08:00", tz))
    driver.command("U1", "/checkin", "off until 2026-11-27")
    run(driver, MORNING, local(date(2026, 11, 23), "09:00", tz), clock)
    assert dms(driver.fake, "U1") == []
    clock.set(local(date(2026, 11, 24), "07:00", tz))
    driver.command("U1", "/checkin", "back")
    assert "Welcome back" in driver.last_ephemeral("U1")["text"]
    run(driver, MORNING, local(date(2026, 11, 24), "09:00", tz), clock)
    assert len(dms(driver.fake, "U1", header=PLAN_HEADER)) == 1


def test_bad_time_off_dates_get_a_friendly_answer(driver: Driver, clock: ManualClock) -> None:
    join(driver, "U1", "Ann", tz="Asia/Shanghai")
    driver.command("U1", "/checkin", "off until someday")
    assert "couldn't read the end date" in driver.last_ephemeral("U1")["text"]
    driver.command("U1", "/checkin", "off until 2020-01-01")
    assert "between today and a year" in driver.last_ephemeral("U1")["text"]


def test_plan_form_is_prefilled_limited_to_seven_and_saved(driver: Driver, db: Database, clock: ManualClock) -> None:
    tz = "Asia/Shanghai"
    rep = join(driver, "U1", "Ann", tz=tz)
    monday = date(2026, 11, 23)
    follow_up(db, TEAM, rep, "Send the quote to Haier", local(monday, "15:00", tz))
    run(driver, MORNING, local(monday, "08:45", tz), clock)
    prompt = dms(driver.fake, "U1", header=PLAN_HEADER)[0]
    assert "1 follow-up" in str(prompt.blocks)
    driver.click("U1", as_source(prompt), "checkin_open_plan", channel_id=prompt.channel)
    view = driver.last_view()
    assert view["callback_id"] == "checkin_plan"
    routine = next(b for b in view["blocks"] if b.get("block_id") == "plan_routine")
    assert "Send the quote to Haier" in routine["element"]["initial_value"]

    eight = "\n".join(f"item {i}" for i in range(8))
    response = driver.submit("U1", view, {"plan_key": {"text": {"type": "plain_text_input", "value": eight}}})
    assert response.json()["response_action"] == "errors"
    assert "keep it to 7" in response.json()["errors"]["plan_key"]

    values = {
        "plan_key": {"text": {"type": "plain_text_input", "value": "Ricoh demo\nCanon proposal"}},
        "plan_routine": {"text": {"type": "plain_text_input", "value": "Send the quote to Haier"}},
        "plan_adhoc": {"text": {"type": "plain_text_input", "value": None}},
        "plan_other_visits": {"text": {"type": "plain_text_input", "value": "Ricoh"}},
    }
    driver.submit("U1", view, values)
    with db.transaction() as session:
        checkin = session.scalars(select(CheckIn)).one()
        assert checkin.local_date == monday
        assert [(i["text"], i["tag"]) for i in checkin.plan_items] == [
            ("Ricoh demo", "key"),
            ("Canon proposal", "key"),
            ("Send the quote to Haier", "routine"),
        ]
        assert checkin.planned_visits == [{"name": "Ricoh"}]
    updated = dms(driver.fake, "U1", header=PLAN_HEADER)[0]
    assert "Plan saved" in str(updated.blocks) and "checkin_open_plan" not in str(updated.blocks)
    # Opening it again the same day shows the saved plan.
    driver.command("U1", "/checkin", "plan")
    key = next(b for b in driver.last_view()["blocks"] if b.get("block_id") == "plan_key")
    assert key["element"]["initial_value"] == "Ricoh demo\nCanon proposal"


def test_evening_review_shows_plan_beside_visits_and_keeps_a_streak(
    driver: Driver, db: Database, clock: ManualClock
) -> None:
    tz = "Asia/Shanghai"
    rep = join(driver, "U1", "Ann", tz=tz)
    from tests.scheduler_world import account

    ricoh = account(db, TEAM, rep, "Ricoh")
    streaks = []
    for day in (date(2026, 11, 26), date(2026, 11, 27), date(2026, 11, 30)):  # Thu, Fri, (weekend), Mon
        clock.set(local(day, "09:00", tz))
        driver.command("U1", "/checkin", "plan")
        plan = {"plan_key": {"text": {"type": "plain_text_input", "value": "Ricoh demo"}}}
        driver.submit("U1", driver.last_view(), plan)
        visit(db, TEAM, rep, ricoh, local(day, "10:00", tz), logged=local(day, "10:05", tz))
        run(driver, EVENING, local(day, "18:00", tz), clock)
        prompt = dms(driver.fake, "U1", header=REVIEW_HEADER)[-1]
        assert "You planned 1 item and logged 1 visit today." in str(prompt.blocks)
        driver.click("U1", as_source(prompt), "checkin_open_review", channel_id=prompt.channel)
        view = driver.last_view()
        fields = next(b for b in view["blocks"] if b["type"] == "section")["fields"]
        assert "Ricoh demo" in fields[0]["text"]
        assert "10:00 Ricoh" in fields[1]["text"]
        review = {
            "review_done_text": {"text": {"type": "plain_text_input", "value": "1 visit, demo done"}},
            "review_problems": {"text": {"type": "plain_text_input", "value": "DM absent"}},
            "review_countermeasures": {"text": {"type": "plain_text_input", "value": "Book the DM for Tue"}},
        }
        driver.submit("U1", view, review)
        saved = dms(driver.fake, "U1", header=REVIEW_HEADER)[-1]
        streaks.append(str(saved.blocks))
    assert "Streak: 1" in streaks[0] and "Streak: 2" in streaks[1] and "Streak: 3" in streaks[2]
    with db.transaction() as session:
        last = session.scalars(select(CheckIn).order_by(CheckIn.local_date.desc())).first()
        assert last is not None and last.countermeasures == "Book the DM for Tue"


def test_checkin_command_opens_the_form_of_the_moment(driver: Driver, clock: ManualClock) -> None:
    tz = "America/New_York"
    join(driver, "U1", "Ann", tz=tz)
    clock.set(local(date(2026, 11, 24), "10:00", tz))
    driver.command("U1", "/checkin")
    assert driver.last_view()["callback_id"] == "checkin_plan"
    clock.set(local(date(2026, 11, 24), "18:30", tz))
    driver.command("U1", "/checkin")
    assert driver.last_view()["callback_id"] == "checkin_review"


def test_own_checkin_times_and_quiet_hours(driver: Driver, clock: ManualClock) -> None:
    tz = "Asia/Shanghai"
    join(driver, "U1", "Ann", tz=tz)
    driver.command("U1", "/checkin", "time 7:30 17:15")
    assert "07:30 and 17:15" in driver.last_ephemeral("U1")["text"]
    driver.command("U1", "/checkin", "quiet 09:00 19:00")
    monday = date(2026, 11, 23)
    run(driver, MORNING, local(monday, "08:59", tz), clock)  # 07:30 has passed, but quiet until 09:00
    assert dms(driver.fake, "U1") == []
    run(driver, MORNING, local(monday, "09:00", tz), clock)
    run(driver, EVENING, local(monday, "17:15", tz), clock)
    assert len(dms(driver.fake, "U1", header=PLAN_HEADER)) == 1
    assert len(dms(driver.fake, "U1", header=REVIEW_HEADER)) == 1


def test_coach_why_says_what_was_sent_and_what_was_held(driver: Driver, db: Database, clock: ManualClock) -> None:
    tz = "Asia/Shanghai"
    rep = join(driver, "U1", "Ann", tz=tz)
    friday, saturday = date(2026, 11, 27), date(2026, 11, 28)
    follow_up(db, TEAM, rep, "Call Canon", local(friday, "08:00", tz))
    run(driver, MORNING, local(friday, "08:45", tz), clock)
    run(driver, "followup-nudges", local(saturday, "10:00", tz), clock)  # Saturday: held
    clock.set(local(saturday, "11:00", tz))
    driver.command("U1", "/coach", "why")
    text = driver.last_ephemeral("U1")["text"]
    assert "Asia/Shanghai" in text and "08:00" in text and "20:00" in text
    assert "Today is not one of your working days" in text
    assert "Morning plan: sent" in text
    assert "Follow-up reminder: held back, not a working day (1 overdue follow-up)" in text


def test_plan_form_lists_each_account_once(db: Database, clock: ManualClock) -> None:
    """Recent visits repeat accounts; the planned-visits menu must not."""
    from bot.accounts.create import create_account
    from bot.checkins.plan import account_options
    from bot.people.members import actor_for, ensure_person
    from bot.visits.ops import VisitInput, log_visit

    with db.transaction() as session:
        person = ensure_person(session, TEAM, "UREP1", clock.now())
        actor = actor_for(person)
        taken_on = clock.now() - timedelta(days=30)
        accounts = [create_account(session, TEAM, n, person.id, taken_on) for n in ("Acme", "Ricoh")]
        for i in reversed(range(6)):  # a call a day, oldest first, alternating between the two
            called = clock.now() - timedelta(days=i + 1)
            call = VisitInput(account_id=accounts[i % 2].id, channel="phone", occurred_at=called)
            log_visit(session, actor, call, now=called, request_key=None)
        options = account_options(session, actor, [accounts[1].id])
    ids = [account_id for account_id, _ in options]
    assert sorted(ids) == sorted(a.id for a in accounts)
    assert ids[0] == accounts[1].id
