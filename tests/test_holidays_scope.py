"""Holidays of a region or a team: `/coach holidays load CN 2027 region` is a day off for the
people whose Slack time zone is in China only, `load … team @manager` for that team only; the
others get their check-ins as usual, and the list says whose each day is."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.core.clock import ManualClock
from bot.core.i18n import t
from bot.people.members import actor_for
from bot.people.teams import rename_team, set_up_team
from dev.driver import Driver
from storage.db import Database
from storage.models import Holiday, Person
from tests.conftest import START
from tests.scheduler_world import dms, join, local, run

SH, LDN = "Asia/Shanghai", "Europe/London"
PLAN = {"en": "Plan your day", "zh": "今日计划"}
QINGMING = date(2027, 4, 5)  # Monday: Tomb-Sweeping Day in China, a working day in the UK


def _plans(driver: Driver, user: str) -> int:
    """Morning plans `user` got (in either language)."""
    return sum(len(dms(driver.fake, user, header=header)) for header in PLAN.values())


def test_a_regions_holiday_is_off_for_people_there_only(driver: Driver, db: Database, clock: ManualClock) -> None:
    join(driver, "UADM", "Ada", tz=LDN)  # the first person is the admin
    join(driver, "USH", "王芳", tz=SH, locale="zh-CN")
    join(driver, "ULDN", "Liam", tz=LDN)

    driver.command("UADM", "/coach", "holidays load us-ca 2027 region")  # time zones name countries only
    assert "team @manager" in driver.last_ephemeral("UADM")["text"]
    driver.command("UADM", "/coach", "holidays load cn 2027 Region")
    assert "public holidays of CN for 2027." in driver.last_ephemeral("UADM")["text"]
    with db.transaction() as session:
        assert set(session.scalars(select(Holiday.scope))) == {"region:CN"}

    clock.set(local(date(2027, 4, 1), "10:00", SH))
    driver.command("USH", "/coach", "holidays")
    listed = driver.last_ephemeral("USH")["text"]
    assert f"Tomb-Sweeping Day ({t('zh', 'holidays.scope.region', region='CN')})" in listed  # named as loaded

    run(driver, "checkin-morning", local(QINGMING, "09:00", SH), clock)
    run(driver, "checkin-morning", local(QINGMING, "09:00", LDN), clock)
    assert (_plans(driver, "USH"), _plans(driver, "ULDN")) == (0, 1)  # Shanghai off, London at work
    run(driver, "checkin-morning", local(date(2027, 4, 6), "09:00", SH), clock)
    assert _plans(driver, "USH") == 1  # the next day, as usual


def test_a_teams_holiday_is_off_for_that_team_only(driver: Driver, db: Database, clock: ManualClock) -> None:
    join(driver, "UADM", "Ada", tz=LDN)
    join(driver, "UMGR", "Mia", tz=LDN)
    join(driver, "UREP", "Ren", tz=LDN)
    join(driver, "UOTHER", "Oli", tz=LDN)
    with db.transaction() as session:
        people = {p.slack_user_id: p for p in session.scalars(select(Person))}
        set_up_team(session, actor_for(people["UADM"]), "UMGR", ["UREP"], START)  # the admin's `/coach team`
        rename_team(session, actor_for(people["UMGR"]), "North", START)  # Mia names her team

    driver.command("UADM", "/coach", "holidays load CN 2027 team <@UMGR|mia>")
    assert "public holidays of CN for 2027" in driver.last_ephemeral("UADM")["text"]
    driver.command("UMGR", "/coach", "holidays load CN 2027 team <@UMGR|mia>")  # admins only
    assert "admin" in driver.last_ephemeral("UMGR")["text"].lower()

    run(driver, "checkin-morning", local(QINGMING, "09:00", LDN), clock)
    plans = {user: _plans(driver, user) for user in ("UMGR", "UREP", "UOTHER")}
    assert plans == {"UMGR": 0, "UREP": 0, "UOTHER": 1}
    driver.command("UREP", "/coach", "holidays")
    assert "(only North)" in driver.last_ephemeral("UREP")["text"]
