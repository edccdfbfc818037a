"""Workspace administration operations (`/coach …`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.access import NotAllowed, require_admin
from bot.core.actor import Actor
from bot.people.members import ROLES, ensure_person
from storage.db import in_transaction
from storage.models import Person


class LastAdmin(NotAllowed):
    message_key = "coach.role.last_admin"


def set_role(session: Session, actor: Actor, user_id: str, role: str, now: datetime) -> str:
    """Give a Slack user a role; admins only, and a workspace always keeps one admin."""
    require_admin(actor)
    if role not in ROLES:
        raise ValueError(role)
    person = ensure_person(session, actor.team_id, user_id, now)
    if person.role == "admin" and role != "admin":
        admins = session.scalar(select(func.count()).where(Person.team_id == actor.team_id, Person.role == "admin"))
        if (admins or 0) <= 1:
            raise LastAdmin()
    person.role = role
    return role


do_set_role = in_transaction(set_role)
