"""`checkin-morning` and `checkin-evening`: the daily PDCA prompts at each person's local time.

Every few minutes each sweep selects, in one statement per workspace, the people whose
check-in time has come in their own time zone today (bot/notify.py: working days only, not
on holidays or time off, inside their allowed hours, not yet prompted today) and sends each
one DM with a button that opens the form.
"""

from __future__ import annotations

from datetime import timedelta

from bot.checkins.prompts import evening_counts, evening_prompt, morning_counts, morning_prompt
from bot.clock import start_of_local_day
from bot.i18n import format_day, t
from bot.notify import CHECKIN_EVENING, CHECKIN_MORNING, due_people
from scheduler.jobs._common import send_or_hold, workspaces
from scheduler.registry import JobContext, job
from scheduler.sender import Send


@job(CHECKIN_MORNING, minutes=5, description="the morning Plan DM at each person's local check-in time")
def morning(ctx: JobContext) -> int:
    sends: list[Send] = []
    for team_id in workspaces(ctx.services):
        with ctx.services.db.transaction() as session:
            due = [d for d in due_people(session, team_id, CHECKIN_MORNING, ctx.at) if d.held is None]
            ends: dict[object, list[int]] = {}
            for d in due:
                ends.setdefault(start_of_local_day(d.local_date + timedelta(days=1), d.tz), []).append(d.person_id)
            counts: dict[int, int] = {}
            for end, ids in ends.items():
                counts.update(morning_counts(session, team_id, ids, end))  # type: ignore[arg-type]
        for d in due:
            text, blocks = morning_prompt(d.lang, d.local_date, counts.get(d.person_id, 0))
            summary = t(d.lang, "checkin.morning.summary", day=format_day(d.lang, d.local_date))
            send_or_hold(ctx, sends, team_id, d, text, blocks, summary=summary, items=[])
    ctx.sender.deliver_all(sends)
    return ctx.sender.sent


@job(CHECKIN_EVENING, minutes=5, description="the evening Do/Check/Act DM at each person's local check-in time")
def evening(ctx: JobContext) -> int:
    sends: list[Send] = []
    for team_id in workspaces(ctx.services):
        with ctx.services.db.transaction() as session:
            due = [d for d in due_people(session, team_id, CHECKIN_EVENING, ctx.at) if d.held is None]
            days = {
                d.person_id: (
                    d.local_date,
                    start_of_local_day(d.local_date, d.tz),
                    start_of_local_day(d.local_date + timedelta(days=1), d.tz),
                )
                for d in due
            }
            counts = evening_counts(session, team_id, days)
        for d in due:
            planned, visits = counts.get(d.person_id, (0, 0))
            text, blocks = evening_prompt(d.lang, d.local_date, planned, visits)
            summary = t(d.lang, "checkin.evening.summary", day=format_day(d.lang, d.local_date))
            send_or_hold(ctx, sends, team_id, d, text, blocks, summary=summary, items=[])
    ctx.sender.deliver_all(sends)
    return ctx.sender.sent
