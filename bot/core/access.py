"""Permission checks: every object a request names is fetched through an `access_*` helper.

A rep sees and changes their own data; a manager also their team's (everyone who reports to
them, directly or not); an admin everything in the workspace. Nothing crosses workspaces. An
id from a payload is never looked up any other way, so a forged id gets `NotFound`, exactly
as if it did not exist (no hint that it does, elsewhere).
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.actor import Actor
from storage.models import Account, CalendarMeeting, Contact, Deal, FollowUp, Person, Visit


class AccessError(Exception):
    """Base of permission failures; handlers turn it into a polite ephemeral."""

    message_key = "common.not_found"


class NotFound(AccessError):
    message_key = "common.not_found"


class NotAllowed(AccessError):
    message_key = "common.not_allowed"


class NeedsAdmin(NotAllowed):
    """Only a workspace admin may do this: said so, so a manager knows whom to ask."""

    message_key = "common.needs_admin"


class NotYourRecord(NotAllowed):
    """Seen but not yours to change (a teammate's visit, for a rep)."""

    message_key = "visit.change.not_allowed"


T = TypeVar("T", Account, Deal, FollowUp, Visit)


def team_person_ids(session: Session, actor: Actor) -> set[int] | None:
    """The people whose data `actor` may see: None means everyone (admin)."""
    if actor.is_admin:
        return None
    ids = {actor.person_id}
    if actor.role != "manager":
        return ids
    frontier = {actor.person_id}
    while frontier:
        rows = session.scalars(
            select(Person.id).where(Person.team_id == actor.team_id, Person.manager_id.in_(frontier))
        ).all()
        frontier = set(rows) - ids
        ids |= frontier
    return ids


def can_see_person(session: Session, actor: Actor, person_id: int | None) -> bool:
    visible = team_person_ids(session, actor)
    return visible is None or person_id in visible


def require_manager(actor: Actor) -> None:
    if not actor.is_manager:
        raise NotAllowed()


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise NeedsAdmin()


MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL: a larger one cannot exist


def _id(object_id: object) -> int:
    """A payload's id as an integer, or NotFound (not a number, or out of any id's range)."""
    try:
        key = int(str(object_id))
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 0 < key <= MAX_ID:
        raise NotFound()
    return key


def _owned(session: Session, actor: Actor, model: type[T], object_id: object, owner: str) -> T:
    key = _id(object_id)
    row = session.get(model, key)
    if row is None or row.team_id != actor.team_id:
        raise NotFound()
    owner_id = getattr(row, owner)
    if owner_id is None and model is Account:
        return row  # unassigned accounts are open to everyone in the workspace
    if not can_see_person(session, actor, owner_id):
        raise NotFound()
    return row


def access_account(session: Session, actor: Actor, account_id: object) -> Account:
    return _owned(session, actor, Account, account_id, "owner_id")


def access_account_to_log(session: Session, actor: Actor, account_id: object) -> tuple[Account, bool]:
    """An account a visit may be logged to, and whether it is a teammate's the actor may not
    otherwise see. Only for an account the rep named exactly in their own words (never an id
    from a payload): logging there must not create a duplicate of a colleague's account. The
    visit is the rep's; nothing of the account is shown beyond the name they typed."""
    try:
        return access_account(session, actor, account_id), False
    except NotFound:
        row = session.get(Account, _id(account_id))
        if row is None or row.team_id != actor.team_id or row.archived_at is not None:
            raise
        return row, True


def access_deal(session: Session, actor: Actor, deal_id: object) -> Deal:
    return _owned(session, actor, Deal, deal_id, "owner_id")


def access_visit(session: Session, actor: Actor, visit_id: object) -> Visit:
    return _owned(session, actor, Visit, visit_id, "rep_id")


def access_visit_to_change(session: Session, actor: Actor, visit_id: object) -> Visit:
    """A visit the actor may correct (edit or delete) at any time: its author's, or, for the
    manager of its account's owner (or an admin), any visit they can see. Someone who cannot
    see it gets NotFound; someone who can but may not change it, NotAllowed."""
    visit = access_visit(session, actor, visit_id)
    if visit.rep_id == actor.person_id or actor.is_admin:
        return visit
    account = session.get(Account, visit.account_id)
    owner_id = account.owner_id if account is not None else None
    manages_owner = actor.is_manager and owner_id is not None and owner_id != actor.person_id
    if manages_owner and can_see_person(session, actor, owner_id):
        return visit
    raise NotYourRecord()


def access_follow_up(session: Session, actor: Actor, follow_up_id: object) -> FollowUp:
    return _owned(session, actor, FollowUp, follow_up_id, "owner_id")


def access_contact(session: Session, actor: Actor, contact_id: object) -> Contact:
    """A contact is visible when its account is."""
    key = _id(contact_id)
    contact = session.get(Contact, key)
    if contact is None or contact.team_id != actor.team_id:
        raise NotFound()
    access_account(session, actor, contact.account_id)
    return contact


def access_person(session: Session, actor: Actor, person_id: object) -> Person:
    """Another person's record: yourself, or someone you manage (admins: anyone)."""
    key = _id(person_id)
    person = session.get(Person, key)
    if person is None or person.team_id != actor.team_id:
        raise NotFound()
    if not can_see_person(session, actor, person.id):
        raise NotAllowed()
    return person


def access_person_by_slack_id(session: Session, actor: Actor, user_id: str) -> Person:
    person = session.scalar(select(Person).where(Person.team_id == actor.team_id, Person.slack_user_id == user_id))
    if person is None:
        raise NotFound()
    if not can_see_person(session, actor, person.id):
        raise NotAllowed()
    return person


def access_meeting(session: Session, actor: Actor, meeting_id: object) -> CalendarMeeting:
    """A meeting read from a calendar: only the rep whose calendar it is (it is their private
    calendar, not team data)."""
    key = _id(meeting_id)
    meeting = session.get(CalendarMeeting, key)
    if meeting is None or meeting.team_id != actor.team_id or meeting.person_id != actor.person_id:
        raise NotFound()
    return meeting
