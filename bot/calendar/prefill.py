"""The visit form opened from a meeting prompt: the account, the contacts who attended, the
attendees we do not know yet as new contacts, the meeting's day (its start time travels in the
form's metadata) and the channel the event implies; the title as the purpose."""

from __future__ import annotations

from sqlalchemy import select

from bot.core.access import AccessError, access_account, access_meeting
from bot.core.actor import Actor
from bot.core.clock import zone
from bot.visits.modal import FormState
from bot.visits.parse import CHANNELS
from bot.visits.render import role_label
from storage.db import Database
from storage.models import Contact


class AlreadyLogged(AccessError):
    message_key = "calendar.prompt.logged"


def meeting_form(db: Database, actor: Actor, meeting_id: object) -> tuple[int, FormState, str]:
    """(meeting id, the prefilled form, the meeting's start as UTC ISO)."""
    with db.transaction() as session:
        meeting = access_meeting(session, actor, meeting_id)
        if meeting.status == "logged":
            raise AlreadyLogged()
        try:  # the account may have moved to someone else since the meeting was read
            account = access_account(session, actor, meeting.account_id) if meeting.account_id else None
        except AccessError:
            account = None
        attendees = list(meeting.attendees or [])
        known_ids = [int(a["contact_id"]) for a in attendees if a.get("contact_id")]
        contacts = (
            session.execute(
                select(Contact.id, Contact.name, Contact.buying_role).where(
                    Contact.id.in_(known_ids), Contact.account_id == meeting.account_id
                )
            ).all()
            if known_ids
            else []
        )
        unknown = [str(a.get("name") or "").strip() for a in attendees if not a.get("contact_id")]
        state = FormState(
            account=(f"a:{account.id}", account.name) if account and account.archived_at is None else None,
            contacts=[(cid, name + role_label(actor.lang, role)) for cid, name, role in contacts],
            new_contacts=", ".join(n for n in unknown if n)[:1000],
            channel=meeting.channel if meeting.channel in CHANNELS else "in_person",
            day=meeting.starts_at.astimezone(zone(actor.tz)).date(),
            purpose=meeting.title[:500],
        )
        return meeting.id, state, meeting.starts_at.isoformat()
