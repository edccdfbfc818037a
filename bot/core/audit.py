"""The audit trail of corrections made from Slack (`record_changes`): who changed which record,
when, its changed fields before → after, and the reason when one was asked for.

One helper for every kind of record (visit, contact), so the trail reads the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.actor import Actor
from storage.models import Person, RecordChange

HISTORY_ACTION = "record_history"  # a record's History button (value `kind:id`), any area's screens


def record_change(
    session: Session,
    actor: Actor,
    kind: str,
    object_id: int,
    action: str,
    before: dict[str, Any],
    after: dict[str, Any] | None,
    now: datetime,
    *,
    reason: str | None = None,
) -> RecordChange | None:
    """Store one change; for an edit only the fields that changed (none changed: nothing)."""
    if after is not None:
        changed = [k for k in {**before, **after} if before.get(k) != after.get(k)]
        if not changed:
            return None
        before, after = {k: before.get(k) for k in changed}, {k: after.get(k) for k in changed}
    row = RecordChange(
        team_id=actor.team_id,
        kind=kind,
        object_id=object_id,
        actor_id=actor.person_id,
        action=action,
        before=before,
        after=after,
        reason=reason,
        changed_at=now,
    )
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class Change:
    who: str
    at: datetime
    action: str
    before: dict[str, Any]
    after: dict[str, Any] | None
    reason: str | None


def changes_of(session: Session, team_id: str, kind: str, object_id: int) -> list[Change]:
    """A record's corrections, oldest first (the caller checked the record is visible)."""
    rows = session.execute(
        select(RecordChange, Person.name)
        .outerjoin(Person, Person.id == RecordChange.actor_id)
        .where(RecordChange.team_id == team_id, RecordChange.kind == kind, RecordChange.object_id == object_id)
        .order_by(RecordChange.changed_at, RecordChange.id)
    ).all()
    return [
        Change(name or "?", row.changed_at, row.action, dict(row.before), row.after, row.reason) for row, name in rows
    ]
