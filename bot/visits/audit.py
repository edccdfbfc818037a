"""The audit trail of visit corrections: a visit's fields as a plain snapshot, and one
trail row (`bot.core.audit`, kind "visit") per edit or delete.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.actor import Actor
from bot.core.audit import record_change
from storage.models import Account, Contact, Visit, VisitContact

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
) -> None:
    """Keep one edit or delete of a visit in the trail."""
    record_change(session, actor, "visit", visit_id, action, before, after, now)
