"""Shared data of the fault tests: people with overdue follow-ups, so `followup-nudges` has one
DM per person to send (the sweep the fencing and rate-limit tests run)."""

from __future__ import annotations

from datetime import date, timedelta

from bot.people.members import ensure_person
from storage.db import Database
from storage.models import FollowUp
from tests.conftest import TEAM
from tests.scheduler_world import local

TZ = "Asia/Shanghai"
AT = local(date(2026, 11, 23), "09:30", TZ)
JOB = "followup-nudges"


def people_with_overdue_follow_ups(db: Database, n: int) -> list[str]:
    users = [f"U{i:04d}" for i in range(n)]
    with db.transaction() as session:
        for user in users:
            person = ensure_person(session, TEAM, user, AT)
            person.tz = TZ
            session.flush()
            session.add(
                FollowUp(
                    team_id=TEAM,
                    owner_id=person.id,
                    kind="manual",
                    text=f"Call the buyer at {user}",
                    due_at=AT - timedelta(hours=2),
                    status="open",
                    created_at=AT,
                )
            )
    return users
