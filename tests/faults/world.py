"""Shared data of the fault tests: people with overdue follow-ups, so `followup-nudges` has one
DM per person to send (the sweep the fencing and rate-limit tests run)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.people.members import ensure_person, update_profile
from storage.db import Database
from tests.conftest import TEAM
from tests.scheduler_world import local, next_step

TZ = "Asia/Shanghai"
AT = local(date(2026, 11, 23), "09:30", TZ)
JOB = "followup-nudges"


def people_with_overdue_follow_ups(db: Database, n: int, at: datetime = AT) -> list[str]:
    """`n` reps with a follow-up two hours overdue at `at` (the time the sweep runs as): each
    joins (`ensure_person`, profile cached) and logged a call whose next step it is."""
    users = [f"U{i:04d}" for i in range(n)]
    with db.transaction() as session:
        for user in users:
            person = ensure_person(session, TEAM, user, at - timedelta(days=30))
            actor = update_profile(person, name=user, tz=TZ, locale="en-US", now=at - timedelta(days=30))
            next_step(session, actor, f"Call the buyer at {user}", at - timedelta(hours=2))
    return users
