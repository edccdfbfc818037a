"""When scheduled messages fall due while the shell's clock moves, and which holidays it passes.

A `:time +3d` must deliver each message at the time it would arrive in Slack (the plan at
08:45, the review at 18:00, a digest at 09:00), not at whatever coarse step the move happens
to take. Every scheduled job opens its window at a local wall-clock time: a person's own
check-in or quiet-hours time, or the workspace's (`bot.core.config.Schedule`), or a job's fixed
start (`bot.people.notify.NUDGE_FROM`). `due_instants` lists those times, in every time zone of the
workspace's people, for each local day the move covers; running the jobs at exactly these
instants (plus a few coarse steps as a safety net) delivers everything in order and on time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.clock import zone
from bot.core.config import WorkspaceConfig
from bot.people.notify import NUDGE_FROM, hhmm
from storage.models import Holiday, Person, Workspace


def _local_times(config: WorkspaceConfig, people: list[Person]) -> dict[str, set[str]]:
    """Per time zone: every local 'HH:MM' at which some job's window opens for someone there."""
    schedule = config.schedule
    shared = {schedule.digest_time, schedule.recap_time, *NUDGE_FROM.values()}
    by_zone: dict[str, set[str]] = {}
    for person in people:
        times = by_zone.setdefault(person.tz or "UTC", set(shared))
        for own, default in (
            (person.checkin_morning, schedule.checkin_morning),
            (person.checkin_evening, schedule.checkin_evening),
            (person.quiet_start, schedule.quiet_start),
        ):
            times.add(hhmm(own) or default)
    return by_zone


def due_instants(session: Session, start: datetime, end: datetime) -> list[datetime]:
    """The instants in (start, end] at which a scheduled job's window opens for someone, in
    order (workspaces still installed only)."""
    instants: set[datetime] = set()
    for team_id, raw in session.execute(
        select(Workspace.team_id, Workspace.config).where(Workspace.uninstalled_at.is_(None))
    ):
        config = WorkspaceConfig.load(raw)
        people = list(session.scalars(select(Person).where(Person.team_id == team_id, Person.is_active.is_(True))))
        for tz, times in _local_times(config, people).items():
            where = zone(tz)
            first = start.astimezone(where).date()
            last = end.astimezone(where).date()
            day = first
            while day <= last:
                for hm in times:
                    at = datetime.combine(day, time.fromisoformat(hm), where)
                    if start < at <= end:
                        instants.add(at)
                day += timedelta(days=1)
    return sorted(instants)


@dataclass(frozen=True, slots=True)
class HolidayStart:
    """A workspace holiday, and the instant it begins on someone's local calendar."""

    day: date
    name: str
    at: datetime


def holidays_reached(session: Session, team_id: str, tz: str, start: datetime, end: datetime) -> list[HolidayStart]:
    """The workspace's holidays whose local midnight (in `tz`) the clock passes in (start, end]."""
    where = zone(tz)
    first = start.astimezone(where).date()
    last = end.astimezone(where).date()
    rows = session.execute(
        select(Holiday.day, Holiday.name)
        .where(Holiday.team_id == team_id, Holiday.day > first, Holiday.day <= last)
        .order_by(Holiday.day)
    )
    return [HolidayStart(day, name, datetime.combine(day, time(0), where)) for day, name in rows]
