"""Whose holiday a day is: the workspace's, a sales team's, or a region's (`Holiday.scope`).

A person's region is the country of their Slack time zone (the time zone database's zone.tab:
Asia/Shanghai → CN, Europe/London → GB): Slack gives every user a time zone and nothing
else about where they are, and it is what the bot already uses for their working hours. A
person's team is the team of their manager (and, for a manager, their own team too).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from importlib.resources import files

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Holiday, Person, SalesTeam

WORKSPACE = ""


def team_scope(sales_team_id: int) -> str:
    return f"team:{sales_team_id}"


def region_scope(country: str) -> str:
    return f"region:{country.upper()}"


@lru_cache(maxsize=1)
def _zone_countries() -> dict[str, str]:
    """zone.tab's zone → country code (shipped with the `tzdata` package we depend on)."""
    countries: dict[str, str] = {}
    for line in (files("tzdata.zoneinfo") / "zone.tab").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) >= 3:
            countries[parts[2]] = parts[0]
    return countries


def country_of(tz: str) -> str | None:
    """ "Asia/Shanghai" → "CN"; None for "UTC" and zones of no one country."""
    return _zone_countries().get(tz)


def people_scopes(
    session: Session, team_id: str, people: Iterable[tuple[int, int | None, str]]
) -> dict[int, tuple[str, ...]]:
    """Each person's (id, manager id, time zone) holiday scopes besides the workspace's: their
    team's and their region's. One query for the teams, however many people."""
    rows = session.execute(select(SalesTeam.manager_id, SalesTeam.id).where(SalesTeam.team_id == team_id))
    teams = {manager_id: sales_team_id for manager_id, sales_team_id in rows}
    scopes: dict[int, tuple[str, ...]] = {}
    for person_id, manager_id, tz in people:
        own: list[str] = []
        for manages in (manager_id, person_id):
            if manages in teams:
                own.append(team_scope(teams[manages]))
        country = country_of(tz)
        if country:
            own.append(region_scope(country))
        scopes[person_id] = tuple(own)
    return scopes


def scoped_holidays(session: Session, team_id: str, since: date, until: date) -> dict[str, dict[date, str]]:
    """The team's and region's holidays from `since` to `until`, by scope."""
    found: dict[str, dict[date, str]] = {}
    rows = session.execute(
        select(Holiday.scope, Holiday.day, Holiday.name).where(
            Holiday.team_id == team_id, Holiday.scope != WORKSPACE, Holiday.day >= since, Holiday.day <= until
        )
    )
    for scope, day, name in rows:
        found.setdefault(scope, {})[day] = name
    return found


def person_holidays(session: Session, person: Person, since: date, until: date) -> dict[date, str]:
    """Every holiday of `person` from `since` to `until`: the workspace's and their own."""
    own = people_scopes(session, person.team_id, [(person.id, person.manager_id, person.tz)])[person.id]
    scopes = (WORKSPACE, *own)
    rows = session.execute(
        select(Holiday.day, Holiday.name).where(
            Holiday.team_id == person.team_id, Holiday.scope.in_(scopes), Holiday.day >= since, Holiday.day <= until
        )
    )
    return {day: name for day, name in rows}
