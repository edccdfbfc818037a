"""The audit trail of visit corrections: a visit's fields as a plain snapshot, and one
`VisitChange` row per edit or delete holding who, when, and the changed fields before → after.

Kept apart from `bot.visits.ops` so the history view can read it without the operations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.actor import Actor
from storage.models import Account, Contact, Person, Visit, VisitChange, VisitContact

FIELDS = ("account", "channel", "occurred_at", "purpose", "notes", "next_step", "next_due", "contacts")


def snapshot(session: Session, visit: Visit) -> dict[str, Any]:
    """The visit's fields as JSON values (names kept, so the trail reads after renames)."""
    account = session.get(Account, visit.account_id)
    contacts = session.execute(
        select(Contact.id, Contact.name, VisitContact.level_after)
        .join(VisitContact, VisitContact.contact_id == Contact.id)
        .where(VisitContact.visit_id == visit.id)
        .order_by(Contact.id)
    ).all()
    return {
        "account": [visit.account_id, account.name if account else ""],
        "channel": visit.channel,
        "occurred_at": visit.occurred_at.isoformat(),
        "purpose": visit.purpose,
        "notes": visit.notes,
        "next_step": visit.next_step,
        "next_due": visit.next_step_due_at.isoformat() if visit.next_step_due_at else None,
        "contacts": [[cid, name, level] for cid, name, level in contacts],
    }


def record(
    session: Session,
    actor: Actor,
    visit_id: int,
    action: str,
    before: dict[str, Any],
    after: dict[str, Any] | None,
    now: datetime,
) -> VisitChange | None:
    """Store one change: for an edit only the fields that changed (none: nothing stored)."""
    if after is not None:
        changed = [k for k in FIELDS if before.get(k) != after.get(k)]
        if not changed:
            return None
        before, after = {k: before.get(k) for k in changed}, {k: after.get(k) for k in changed}
    row = VisitChange(
        team_id=actor.team_id,
        visit_id=visit_id,
        actor_id=actor.person_id,
        action=action,
        before=before,
        after=after,
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


def changes_of(session: Session, team_id: str, visit_id: int) -> list[Change]:
    """A visit's corrections, oldest first (the caller checked the visit is visible)."""
    rows = session.execute(
        select(VisitChange, Person.name)
        .outerjoin(Person, Person.id == VisitChange.actor_id)
        .where(VisitChange.team_id == team_id, VisitChange.visit_id == visit_id)
        .order_by(VisitChange.changed_at, VisitChange.id)
    ).all()
    return [Change(name or "?", row.changed_at, row.action, dict(row.before), row.after) for row, name in rows]
