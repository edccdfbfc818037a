"""Which check-in form `/checkin` alone opens: the evening review once its time has come."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from bot.core.actor import Actor
from bot.core.clock import zone
from bot.people.members import workspace_config
from bot.people.notify import CHECKIN_EVENING, window_for
from storage.db import Database
from storage.models import Person


def form_due(db: Database, actor: Actor, now: datetime) -> Literal["plan", "review"]:
    """ "review" from the person's evening check-in time (their own or the workspace's), else "plan"."""
    with db.transaction() as session:
        person = session.get(Person, actor.person_id)
        assert person is not None
        evening = window_for(CHECKIN_EVENING, workspace_config(session, actor.team_id).schedule).start_for(person)
    local = now.astimezone(zone(actor.tz)).strftime("%H:%M")
    return "review" if local >= evening else "plan"
