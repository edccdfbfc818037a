"""`/coach holidays`: everyone lists them, admins add, remove and load a country's public
holidays (python-holidays); nobody gets check-ins on them; every change is in the settings
history. Also: a work-days setting changed through the CLI is what the scheduler obeys."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.core.clock import ManualClock
from dev.driver import Driver
from storage.db import Database
from storage.models import Holiday
from tests.deal_world import cli
from tests.scheduler_world import dms, join, local, run

NY, SH = "America/New_York", "Asia/Shanghai"
PLAN_HEADER = "Plan your day"


def _days(db: Database) -> dict[date, str]:
    with db.transaction() as session:
        return {h.day: h.name for h in session.scalars(select(Holiday).order_by(Holiday.day))}


def test_admin_loads_a_countrys_holidays_and_nobody_gets_checkins_on_them(
    driver: Driver, db: Database, clock: ManualClock
) -> None:
    join(driver, "UADM", "Ada", tz=NY)  # the first person in a workspace is its admin
    join(driver, "UREP", "Ren", tz=NY)
    driver.command("UREP", "/coach", "holidays")
    assert "No holidays are set" in driver.last_ephemeral("UREP")["text"]
    driver.command("UREP", "/coach", "holidays load US 2026")
    assert "admin" in driver.last_ephemeral("UREP")["text"].lower()
    assert _days(db) == {}

    driver.command("UADM", "/coach", "holidays load US-NY 2026")
    loaded = _days(db)
    assert loaded[date(2026, 11, 26)] == "Thanksgiving Day"
    assert loaded[date(2026, 12, 25)] == "Christmas Day"
    assert f"Loaded {len(loaded)} public holidays of US-NY for 2026." in driver.last_ephemeral("UADM")["text"]
    driver.command("UADM", "/coach", "holidays load US-NY 2026")
    assert f"{len(loaded)} days were holidays already and kept" in driver.last_ephemeral("UADM")["text"]
    assert _days(db) == loaded

    driver.command("UREP", "/coach", "holidays")
    listed = driver.last_ephemeral("UREP")["text"]
    assert "Thu 26 Nov 2026  Thanksgiving Day" in listed and "Fri 25 Dec 2026  Christmas Day" in listed
    assert "Mon 7 Sep 2026" not in listed  # Labor Day is behind us

    sent = {}
    for day in (date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 27)):
        before = len(dms(driver.fake, "UREP", header=PLAN_HEADER))
        run(driver, "checkin-morning", local(day, "09:00", NY), clock)
        sent[day] = len(dms(driver.fake, "UREP", header=PLAN_HEADER)) - before
    assert sent == {date(2026, 11, 25): 1, date(2026, 11, 26): 0, date(2026, 11, 27): 1}


def test_add_and_remove_days_sloppy_dates_in_chinese_and_history(driver: Driver, db: Database) -> None:
    join(driver, "UADM", "王芳", tz=SH, locale="zh-CN")
    driver.command("UADM", "/coach", "节假日 导入 CN 2027")
    assert _days(db)[date(2027, 10, 1)] == "国庆节"
    driver.command("UADM", "/coach", "holidays add 2027年1月4日 公司年会")
    assert "2027年1月4日 周一 已设为节假日" in driver.last_ephemeral("UADM")["text"]
    driver.command("UADM", "/coach", "holidays remove 2027/10/1")
    assert date(2027, 10, 1) not in _days(db) and _days(db)[date(2027, 1, 4)] == "公司年会"
    driver.command("UADM", "/coach", "holidays remove 2027-13-40")
    answer = driver.last_ephemeral("UADM")["text"]
    assert "无法识别日期“2027-13-40”" in answer and "remove 2027-13-40" in answer  # echoed back
    driver.command("UADM", "/coach", "holidays load XX 2027")
    assert "不认识“XX”" in driver.last_ephemeral("UADM")["text"]
    driver.command("UADM", "/coach", "settings history")
    history = driver.last_ephemeral("UADM")["text"]
    assert "节假日: 2027-10-01 国庆节 → –" in history
    assert "节假日: – → 2027-01-04 公司年会" in history
    assert "节假日: – → CN 2027 (+" in history


def test_work_days_set_from_the_cli_are_what_the_scheduler_obeys(
    driver: Driver, db: Database, clock: ManualClock, settings: object
) -> None:
    join(driver, "UADM", "Ada", tz=SH)
    saturday = date(2026, 11, 28)
    run(driver, "checkin-morning", local(saturday, "09:00", SH), clock)
    assert dms(driver.fake, "UADM", header=PLAN_HEADER) == []
    assert cli(["settings", "set", "--team", driver.team_id, "schedule.working_days", "Mon-Sat"], settings) == 0  # type: ignore[arg-type]
    run(driver, "checkin-morning", local(saturday, "09:30", SH), clock)
    assert len(dms(driver.fake, "UADM", header=PLAN_HEADER)) == 1
