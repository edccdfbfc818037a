"""`followup-nudges`: one DM per person per day listing overdue follow-ups (Done / Snooze / Log visit).

The follow-up rules run first (bot/followups/rules.py: a new lead not contacted within 5 hours, a
prospect to qualify or drop after 3 contacts become follow-ups), so the one message covers
them too. Sent from `NUDGE_FROM` local time on working days; on days off it is held.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.core.i18n import t
from bot.followups.nudges import follow_up_nudge
from bot.followups.rules import apply_rules, overdue_by_owner
from bot.people.members import workspace_config
from bot.people.notify import FOLLOWUP_NUDGES, due_people
from scheduler.jobs._common import Planned, deliver_planned
from scheduler.registry import JobContext, job


def plan(session: Session, team_id: str, at: datetime) -> list[Planned]:
    config = workspace_config(session, team_id)
    due = due_people(session, team_id, FOLLOWUP_NUDGES, at, config=config)
    ids = [d.person_id for d in due]
    apply_rules(session, team_id, config, at, ids)
    overdue = overdue_by_owner(session, team_id, ids, at)
    planned = []
    for d in due:
        if d.person_id not in overdue:
            continue
        total, items = overdue[d.person_id]
        text, blocks = follow_up_nudge(d.lang, d.local_date, total, items, d.tz, at)
        summary = t(d.lang, "nudge.summary", count=total)
        planned.append(Planned(d, text, blocks, summary, [f"fu:{i.id}" for i in items]))
    return planned


@job(FOLLOWUP_NUDGES, minutes=5, description="one DM a day with each person's overdue follow-ups")
def sweep(ctx: JobContext) -> int:
    return deliver_planned(ctx, plan)
