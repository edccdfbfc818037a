"""The workspace's holidays (`/coach holidays`): everyone may list them; admins add or remove a
day, or load a country's (or region's) public holidays for a year from the maintained
`holidays` package. Each day is the workspace's, one region's or one sales team's
(`Holiday.scope`); adding or removing one scope's day leaves the others' alone. The scheduler
sends nobody anything on a holiday (`bot.people.notify.is_off_for`) and digests shift around
the workspace's and their team's (`bot.digests.service`).

Every change is recorded in the settings history (key "holidays": old → new).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import holidays as public_holidays
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.access import require_admin
from bot.core.actor import Actor
from bot.core.i18n import Lang, t
from bot.people.holiday_scope import WORKSPACE, region_scope, team_scope
from bot.settings.team import access_sales_team
from storage.db import Database, in_transaction
from storage.models import Holiday, SalesTeam, SettingsChange

NAME_LENGTH = 120  # holidays.name
LIST_DAYS_AHEAD = 366
LIST_DAYS_BEHIND = 7
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_REGION = re.compile(r"^([A-Za-z]{2,3})(?:[-_ ]([A-Za-z0-9]{1,5}))?$")


class HolidayError(ValueError):
    """Input that cannot be used: `key` and `values` make the message (the text is echoed)."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class Loaded:
    added: list[tuple[date, str]]
    already: int  # days that were holidays already (kept as they were)


def parse_holiday_date(text: str) -> date:
    """ "2027-01-04", "2027/1/4", "2027年1月4日"."""
    match = _DATE.match(text.strip())
    try:
        if match is None:
            raise ValueError(text)
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise HolidayError("holidays.error.date", text=text.strip()[:40]) from None


def _audit(session: Session, actor: Actor, old: object, new: object, now: datetime) -> None:
    session.add(
        SettingsChange(
            team_id=actor.team_id,
            key="holidays",
            old_value=old,
            new_value=new,
            changed_by=actor.user_id,
            source="slack",
            changed_at=now,
        )
    )


def list_holidays(db: Database, actor: Actor, today: date) -> list[tuple[date, str]]:
    """The coming year's holidays (and last week's), in order: everyone may see them. A team's
    or a region's say whose they are ("only CN", "only East")."""
    with db.transaction() as session:
        rows = session.execute(
            select(Holiday.day, Holiday.name, Holiday.scope)
            .where(
                Holiday.team_id == actor.team_id,
                Holiday.day >= today - timedelta(days=LIST_DAYS_BEHIND),
                Holiday.day <= today + timedelta(days=LIST_DAYS_AHEAD),
            )
            .order_by(Holiday.day, Holiday.scope)
        ).all()
        teams = {
            team_scope(i): n
            for i, n in session.execute(select(SalesTeam.id, SalesTeam.name).where(SalesTeam.team_id == actor.team_id))
        }
        return [(day, _with_scope(actor.lang, name, scope, teams.get(scope))) for day, name, scope in rows]


def _with_scope(lang: Lang, name: str, scope: str, team: str | None) -> str:
    if scope.startswith("region:"):
        return f"{name} ({t(lang, 'holidays.scope.region', region=scope.split(':', 1)[1])})"
    if scope.startswith("team:"):
        return f"{name} ({t(lang, 'holidays.scope.team', team=team or '?')})"
    return name


def holiday_scope(session: Session, actor: Actor, region: str | None, manager_user_id: str | None) -> str:
    """The scope a change is for: `region` (a country code: people's time zones name countries
    only), else the team of `manager_user_id`, else the whole workspace."""
    if region is not None:
        if not re.fullmatch(r"[A-Za-z]{2}", region.strip()):
            raise HolidayError("holidays.error.region_country", region=region.strip()[:20])
        return region_scope(region.strip())
    if manager_user_id:
        return team_scope(access_sales_team(session, actor, manager_user_id).id)
    return WORKSPACE


def _entry(day: date, name: str, scope: str) -> dict[str, str]:
    """A day as the settings history records it (its scope only when it is not everyone's)."""
    return {"day": day.isoformat(), "name": name, **({"scope": scope} if scope else {})}


def add_holiday(
    session: Session,
    actor: Actor,
    day: date,
    name: str,
    now: datetime,
    *,
    region: str | None = None,
    manager_user_id: str | None = None,
) -> bool:
    """Make `day` a holiday of the workspace, of one region or of one manager's team (False: it
    already was one for them; its name is updated). Other scopes' days are left alone."""
    require_admin(actor)
    name = name.strip()[:NAME_LENGTH]
    scope = holiday_scope(session, actor, region, manager_user_id)
    row = session.scalar(
        select(Holiday).where(Holiday.team_id == actor.team_id, Holiday.day == day, Holiday.scope == scope)
    )
    if row is not None:
        if name and name != row.name:
            _audit(session, actor, _entry(day, row.name, scope), _entry(day, name, scope), now)
            row.name = name
        return False
    session.add(Holiday(team_id=actor.team_id, day=day, name=name, scope=scope))
    _audit(session, actor, None, _entry(day, name, scope), now)
    return True


do_add_holiday = in_transaction(add_holiday)


def do_remove_holiday(
    db: Database,
    actor: Actor,
    day: date,
    now: datetime,
    *,
    region: str | None = None,
    manager_user_id: str | None = None,
) -> str | None:
    """Make `day` an ordinary day again for the workspace, one region or one manager's team: the
    removed holiday's name, or None if it was none for them. Other scopes' days stay."""
    require_admin(actor)
    with db.transaction() as session:
        scope = holiday_scope(session, actor, region, manager_user_id)
        row = session.scalar(
            select(Holiday).where(Holiday.team_id == actor.team_id, Holiday.day == day, Holiday.scope == scope)
        )
        if row is None:
            return None
        name = row.name
        session.delete(row)
        _audit(session, actor, _entry(day, name, scope), None, now)
        return name


def public_holidays_for(region: str, year: int, lang: Lang) -> list[tuple[date, str]]:
    """A country's ("CN") or region's ("US-CA", "DE-BY") public holidays in `year`, named in
    `lang` where the package has that language (several names of one day joined)."""
    match = _REGION.match(region.strip())
    if match is None or not 1900 <= year <= 2200:
        raise HolidayError("holidays.error.region", region=region.strip()[:20])
    country, subdiv = match.group(1).upper(), (match.group(2) or "").upper() or None
    try:
        probe = public_holidays.country_holidays(country, subdiv=subdiv, years=year)
        wanted = "zh_CN" if lang == "zh" else "en_US"
        language = wanted if wanted in (probe.supported_languages or ()) else None
        found = public_holidays.country_holidays(country, subdiv=subdiv, years=year, language=language)
    except NotImplementedError:
        raise HolidayError("holidays.error.region", region=region.strip()[:20]) from None
    return sorted((day, str(name)[:NAME_LENGTH]) for day, name in found.items())


def do_load_holidays(
    db: Database,
    actor: Actor,
    region: str,
    year: int,
    now: datetime,
    *,
    for_region: bool = False,
    manager_user_id: str | None = None,
) -> Loaded:
    """Add a region's public holidays for a year; days already holidays are left as they are.

    They are everyone's, or with `for_region` only people's whose time zone is in that country,
    or with `manager_user_id` only that manager's team's (`bot.people.holiday_scope`)."""
    require_admin(actor)
    with db.transaction() as session:
        scope = holiday_scope(session, actor, region if for_region else None, manager_user_id)
        days = public_holidays_for(region, year, actor.lang)
        existing = set(
            session.scalars(
                select(Holiday.day).where(
                    Holiday.team_id == actor.team_id,
                    Holiday.scope == scope,
                    Holiday.day >= date(year, 1, 1),
                    Holiday.day <= date(year, 12, 31),
                )
            ).all()
        )
        added = [(day, name) for day, name in days if day not in existing]
        for day, name in added:
            session.add(Holiday(team_id=actor.team_id, day=day, name=name, scope=scope))
        if added:
            loaded = {"region": region.upper(), "year": year, "days": len(added)}
            _audit(session, actor, None, {**loaded, **({"scope": scope} if scope else {})}, now)
        return Loaded(added=added, already=len(days) - len(added))
