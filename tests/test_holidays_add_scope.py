"""`/coach holidays add|remove DATE … team @manager | region CC` (and 团队 / 地区): a day off for
one team or one region only, kept apart from the workspace's day; and a team's own holiday
moves that team's daily digest the way a workspace holiday moves everyone's."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.core.clock import ManualClock
from bot.people.members import actor_for
from bot.people.teams import rename_team, set_up_team
from dev.driver import Driver
from storage.db import Database
from storage.models import Holiday, Person, SalesTeam
from tests.conftest import START
from tests.scheduler_world import dms, join, local, run

LDN = "Europe/London"
MONDAY = date(2027, 3, 8)  # an ordinary working day everywhere


def _teams(driver: Driver, db: Database) -> None:
    """Ada (admin); Mia manages North (Ren), 魏斯 manages South (Sam); all in London."""
    join(driver, "UADM", "Ada", tz=LDN)  # the first person is the admin
    join(driver, "UMGR", "Mia", tz=LDN)
    join(driver, "UREP", "Ren", tz=LDN)
    join(driver, "UWES", "魏斯", tz=LDN, locale="zh-CN")
    join(driver, "USAM", "Sam", tz=LDN)
    with db.transaction() as session:
        people = {p.slack_user_id: p for p in session.scalars(select(Person))}
        for manager, rep, name in (("UMGR", "UREP", "North"), ("UWES", "USAM", "South")):
            set_up_team(session, actor_for(people["UADM"]), manager, [rep], START)  # the admin's `/coach team`
            rename_team(session, actor_for(people[manager]), name, START)  # the manager names it


def _days(db: Database) -> set[tuple[date, str, str]]:
    with db.transaction() as session:
        return set(session.execute(select(Holiday.day, Holiday.name, Holiday.scope)).all())


def test_add_and_remove_for_a_team_or_a_region_leave_the_workspaces_day_alone(
    driver: Driver, db: Database, clock: ManualClock
) -> None:
    _teams(driver, db)
    clock.set(local(date(2027, 3, 1), "10:00", LDN))
    with db.transaction() as session:
        ids = dict(session.execute(select(SalesTeam.name, SalesTeam.id)).all())
    north, south = ids["North"], ids["South"]

    driver.command("UADM", "/coach", "holidays add 2027-03-08 Company day")
    driver.command("UADM", "/coach", "holidays add 2027-03-08 North offsite TEAM <@UMGR|mia>")
    assert "is now a holiday" in driver.last_ephemeral("UADM")["text"]
    driver.command("UADM", "/coach", "holidays 添加 2027年3月8日 妇女节 团队 <@UWES|wes>")
    driver.command("UADM", "/coach", "holidays add 2027/3/8 Women's Day region cn")
    driver.command("UADM", "/coach", "holidays 增加 2027-03-08  地区 GB")
    assert _days(db) == {
        (MONDAY, "Company day", ""),
        (MONDAY, "North offsite", f"team:{north}"),
        (MONDAY, "妇女节", f"team:{south}"),
        (MONDAY, "Women's Day", "region:CN"),
        (MONDAY, "", "region:GB"),
    }
    driver.command("UADM", "/coach", "holidays add 2027-03-08 team")  # whose team?
    assert "team @manager" in driver.last_ephemeral("UADM")["text"]
    driver.command("UADM", "/coach", "holidays add 2027-03-08 Day region US-CA")  # time zones name countries
    assert "team @manager" in driver.last_ephemeral("UADM")["text"]
    driver.command("UMGR", "/coach", "holidays add 2027-03-09 Mine team <@UMGR|mia>")  # admins only
    assert "admin" in driver.last_ephemeral("UMGR")["text"].lower()
    driver.command("UADM", "/coach", "holidays add 2027-03-09 Team building day")  # a name, not a scope
    assert (date(2027, 3, 9), "Team building day", "") in _days(db)

    driver.command("UADM", "/coach", "holidays remove 2027-03-08 team <@UMGR|mia>")
    assert "is an ordinary day again" in driver.last_ephemeral("UADM")["text"]
    driver.command("UADM", "/coach", "holidays remove 2027-03-08 team <@UMGR|mia>")
    assert "is not a holiday" in driver.last_ephemeral("UADM")["text"]
    driver.command("UADM", "/coach", "holidays 删除 2027年3月8日 地区 cn")
    driver.command("UADM", "/coach", "holidays remove 2027-03-08")
    assert _days(db) == {
        (MONDAY, "妇女节", f"team:{south}"),
        (MONDAY, "", "region:GB"),
        (date(2027, 3, 9), "Team building day", ""),
    }
    driver.command("UADM", "/coach", "holidays 移除 2027-03-08 团队 <@UWES|wes>")
    driver.command("UADM", "/coach", "holidays remove 2027-03-08 Region GB")
    assert _days(db) == {(date(2027, 3, 9), "Team building day", "")}


def _digests(driver: Driver, manager: str) -> int:
    return len(dms(driver.fake, manager))


def test_a_teams_holiday_moves_that_teams_daily_digest_only(driver: Driver, db: Database, clock: ManualClock) -> None:
    _teams(driver, db)
    clock.set(local(date(2027, 3, 1), "10:00", LDN))
    driver.command("UADM", "/coach", "holidays add 2027-03-08 North offsite team <@UMGR|mia>")
    driver.command("UADM", "/coach", "holidays add 2027-03-08 Women's Day region GB")  # not a team's: no shift
    before = {m: _digests(driver, m) for m in ("UMGR", "UWES")}

    run(driver, "manager-digest", local(MONDAY, "09:05", LDN), clock)
    after_monday = {m: _digests(driver, m) for m in ("UMGR", "UWES")}
    assert after_monday == {"UMGR": before["UMGR"], "UWES": before["UWES"] + 1}  # North is off

    run(driver, "manager-digest", local(date(2027, 3, 9), "09:05", LDN), clock)  # both teams
    assert _digests(driver, "UMGR") == before["UMGR"] + 1
    assert "Daily digest for North, Fri 5 Mar 2027" in dms(driver.fake, "UMGR")[-1].text  # skips its holiday
    assert "South 每日简报，2027年3月8日 周一" in dms(driver.fake, "UWES")[-1].text  # a GB day: no shift
