"""`checkin-morning` and `checkin-evening`: the daily PDCA prompts at each person's local time.

Every few minutes each sweep selects, in one statement per workspace, the people whose
check-in time has come in their own time zone today (bot/people/notify.py: working days only, not
on holidays or time off, inside their allowed hours, not yet prompted today) and sends each
one DM with a button that opens the form.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.calendar.agenda import agenda_blocks, meetings_on
from bot.checkins.prompts import evening_counts, evening_prompt, morning_counts, morning_prompt
from bot.core.clock import start_of_local_day
from bot.core.i18n import format_day, t
from bot.people.notify import CHECKIN_EVENING, CHECKIN_MORNING, Due, due_people
from scheduler.jobs._common import Planned, deliver_planned
from scheduler.registry import JobContext, job


def _local_days(due: list[Due]) -> dict[int, tuple[datetime, datetime]]:
    """Each person's local day as a UTC window."""
    return {
        d.person_id: (
            start_of_local_day(d.local_date, d.tz),
            start_of_local_day(d.local_date + timedelta(days=1), d.tz),
        )
        for d in due
    }


def plan_morning(session: Session, team_id: str, at: datetime) -> list[Planned]:
    due = [d for d in due_people(session, team_id, CHECKIN_MORNING, at) if d.held is None]
    by_end: dict[datetime, list[int]] = {}
    for d in due:  # "due today" ends at each person's local midnight
        by_end.setdefault(start_of_local_day(d.local_date + timedelta(days=1), d.tz), []).append(d.person_id)
    counts: dict[int, int] = {}
    for end, ids in by_end.items():
        counts.update(morning_counts(session, team_id, ids, end))
    meetings = meetings_on(session, team_id, _local_days(due))
    planned = []
    for d in due:
        text, blocks = morning_prompt(d.lang, d.local_date, counts.get(d.person_id, 0))
        blocks[-1:-1] = agenda_blocks(d.lang, meetings.get(d.person_id, []), d.tz, review=False)
        summary = t(d.lang, "checkin.morning.summary", day=format_day(d.lang, d.local_date))
        planned.append(Planned(d, text, blocks, summary))
    return planned


def plan_evening(session: Session, team_id: str, at: datetime) -> list[Planned]:
    due = [d for d in due_people(session, team_id, CHECKIN_EVENING, at) if d.held is None]
    days = {
        d.person_id: (
            d.local_date,
            start_of_local_day(d.local_date, d.tz),
            start_of_local_day(d.local_date + timedelta(days=1), d.tz),
        )
        for d in due
    }
    counts = evening_counts(session, team_id, days)
    meetings = meetings_on(session, team_id, _local_days(due))
    planned = []
    for d in due:
        items, visits = counts.get(d.person_id, (0, 0))
        text, blocks = evening_prompt(d.lang, d.local_date, items, visits)
        blocks[-1:-1] = agenda_blocks(d.lang, meetings.get(d.person_id, []), d.tz, review=True)
        summary = t(d.lang, "checkin.evening.summary", day=format_day(d.lang, d.local_date))
        planned.append(Planned(d, text, blocks, summary))
    return planned


@job(CHECKIN_MORNING, minutes=5, description="the morning Plan DM at each person's local check-in time")
def morning(ctx: JobContext) -> int:
    return deliver_planned(ctx, plan_morning)


@job(CHECKIN_EVENING, minutes=5, description="the evening Do/Check/Act DM at each person's local check-in time")
def evening(ctx: JobContext) -> int:
    return deliver_planned(ctx, plan_evening)
