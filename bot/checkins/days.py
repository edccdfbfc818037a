"""Days in a person's life as the check-ins count them: streaks, time off, today's form.

A streak is the number of consecutive working days (the person's working days, without
holidays or time off) whose evening review was saved, up to today; today not yet reviewed
does not break it. Time off is a date range during which nothing scheduled reaches the person
(bot/people/notify.py reads `TimeOff`); its end date is inclusive ("off until Dec 5": back on the
next working day).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.core.actor import Actor
from bot.core.clock import zone
from bot.people.holiday_scope import person_holidays
from bot.people.members import workspace_config
from bot.people.notify import day_off, hhmm, next_working_day
from storage.db import Database, in_transaction
from storage.models import CheckIn, Person, TimeOff

MAX_TIME_OFF_DAYS = 366
_ISO = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_ZH_MONTH_DAY = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?")
_EN_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
_EN_MONTH_DAY = re.compile(
    r"\b([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b|\b(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\b"
)


def local_today(actor: Actor, now: datetime) -> date:
    return now.astimezone(zone(actor.tz)).date()


def parse_until(text: str, today: date) -> date | None:
    """The end date in 'until 2026-12-05', 'till Dec 5', '到 12月5日' (the next such date on or
    after today when no year is given); None when there is none."""
    low = text.strip().lower()
    match = _ISO.search(low)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    match = _ZH_MONTH_DAY.search(low)
    if match:
        return _next_occurrence(int(match[1]), int(match[2]), today)
    for match in _EN_MONTH_DAY.finditer(low):
        month_word, day_text = (match[1], match[2]) if match[1] else (match[4], match[3])
        month = _EN_MONTHS.get(month_word)
        if month:
            return _next_occurrence(month, int(day_text), today)
    return None


def _next_occurrence(month: int, day: int, today: date) -> date | None:
    for year in (today.year, today.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            return None
        if candidate >= today:
            return candidate
    return None


@dataclass(frozen=True)
class TimeOffSet:
    starts_on: date
    ends_on: date
    back_on: date


def set_time_off(session: Session, actor: Actor, until: date, now: datetime) -> TimeOffSet:
    """Pause everything for the actor from today through `until` (inclusive).

    Replaces the actor's current or future time off, so saying it twice changes the end date
    rather than stacking ranges. Raises ValueError for a date in the past or more than a year on.
    """
    today = local_today(actor, now)
    if until < today or (until - today).days > MAX_TIME_OFF_DAYS:
        raise ValueError(until)
    session.execute(delete(TimeOff).where(TimeOff.person_id == actor.person_id, TimeOff.ends_on >= today))
    session.add(
        TimeOff(team_id=actor.team_id, person_id=actor.person_id, starts_on=today, ends_on=until, created_at=now)
    )
    session.flush()
    person = session.get(Person, actor.person_id)
    assert person is not None
    back = next_working_day(session, person, until, workspace_config(session, actor.team_id))
    return TimeOffSet(today, until, back)


do_set_time_off = in_transaction(set_time_off)


def do_end_time_off(db: Database, actor: Actor, now: datetime) -> bool:
    """Back early: time off ends yesterday (future ranges are dropped). False if there was none."""
    today = local_today(actor, now)
    with db.transaction() as session:
        ranges = list(
            session.scalars(select(TimeOff).where(TimeOff.person_id == actor.person_id, TimeOff.ends_on >= today))
        )
        for item in ranges:
            if item.starts_on >= today:
                session.delete(item)
            else:
                item.ends_on = today - timedelta(days=1)
        return bool(ranges)


def do_set_times(
    db: Database,
    actor: Actor,
    *,
    morning: str | None = None,
    evening: str | None = None,
    quiet_start: str | None = None,
    quiet_end: str | None = None,
) -> Person:
    """The person's own check-in times and allowed hours (HH:MM; validated by the caller)."""
    with db.transaction() as session:
        person = session.get(Person, actor.person_id)
        assert person is not None
        if morning:
            person.checkin_morning = hhmm(morning)
        if evening:
            person.checkin_evening = hhmm(evening)
        if quiet_start:
            person.quiet_start = hhmm(quiet_start)
        if quiet_end:
            person.quiet_end = hhmm(quiet_end)
        return person


def streak(session: Session, person: Person, today: date) -> int:
    """Consecutive working days reviewed up to `today` (today unreviewed does not break it)."""
    config = workspace_config(session, person.team_id)
    since = today - timedelta(days=400)
    reviewed = set(
        session.scalars(
            select(CheckIn.local_date).where(
                CheckIn.person_id == person.id,
                CheckIn.local_date >= since,
                CheckIn.reviewed_at.is_not(None),
            )
        )
    )
    if not reviewed:
        return 0
    holidays = person_holidays(session, person, since, today)
    leave = list(
        session.execute(
            select(TimeOff.starts_on, TimeOff.ends_on).where(TimeOff.person_id == person.id, TimeOff.ends_on >= since)
        )
    )
    count = 0
    day = today
    while day >= since:
        off = day_off(day, config.schedule, holidays) or any(a <= day <= b for a, b in leave)
        if day in reviewed:
            count += 1
        elif not off and day != today:
            break
        day -= timedelta(days=1)
    return count
