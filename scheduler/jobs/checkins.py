"""`checkin-morning` and `checkin-evening`: the daily PDCA prompts at each person's local time.

Every few minutes each sweep selects, in one statement per workspace, the people whose
check-in time has come in their own time zone today (bot/people/notify.py: working days only, not
on holidays or time off, inside their allowed hours, not yet prompted today) and sends each
one DM with a button that opens the form.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.checkins.prompts import evening_counts, evening_prompt, morning_counts, morning_prompt
from bot.core.clock import start_of_local_day
from bot.core.i18n import format_day, t
from bot.people.notify import CHECKIN_EVENING, CHECKIN_MORNING, due_people
from scheduler.jobs._common import Planned, deliver_planned
from scheduler.registry import JobContext, job


def plan_morning(session: Session, team_id: str, at: datetime) -> list[Planned]:
    due = [d for d in due_people(session, team_id, CHECKIN_MORNING, at) if d.held is None]
    by_end: dict[datetime, list[int]] = {}
    for d in due:  # "due today" ends at each person's local midnight
        by_end.setdefault(start_of_local_day(d.local_date + timedelta(days=1), d.tz), []).append(d.person_id)
    counts: dict[int, int] = {}
    for end, ids in by_end.items():
        counts.update(morning_counts(session, team_id, ids, end))
    planned = []
    for d in due:
        text, blocks = morning_prompt(d.lang, d.local_date, counts.get(d.person_id, 0))
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
    planned = []
    for d in due:
        items, visits = counts.get(d.person_id, (0, 0))
        text, blocks = evening_prompt(d.lang, d.local_date, items, visits)
        summary = t(d.lang, "checkin.evening.summary", day=format_day(d.lang, d.local_date))
        planned.append(Planned(d, text, blocks, summary))
    return planned


@job(CHECKIN_MORNING, minutes=5, description="the morning Plan DM at each person's local check-in time")
def morning(ctx: JobContext) -> int:
    return deliver_planned(ctx, plan_morning)


@job(CHECKIN_EVENING, minutes=5, description="the evening Do/Check/Act DM at each person's local check-in time")
def evening(ctx: JobContext) -> int:
    return deliver_planned(ctx, plan_evening)
