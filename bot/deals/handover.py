"""Handing a rep's book over to someone else (docs/method.md §10: data survives staff turnover).

`/coach handover @from @to` moves the accounts, the open deals and the open follow-ups of one
person to another. Only the owner changes: visits stay with whoever made them, closed deals
stay credited to whoever closed them, and stage history is untouched. A `handovers` row
records who did it, when, and how much moved. Admins may hand over anyone's book; a manager
only between people of their own team.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from bot.core.access import NotAllowed, access_person, require_manager
from bot.core.actor import Actor
from bot.deals.ops import DealError
from bot.people.members import ensure_person
from storage.db import Database, in_transaction
from storage.models import Account, Deal, FollowUp, Handover, Person


@dataclass(frozen=True)
class HandoverPlan:
    source_id: int
    target_id: int
    source_user: str
    target_user: str
    accounts: int
    deals: int
    follow_ups: int

    @property
    def empty(self) -> bool:
        return not (self.accounts or self.deals or self.follow_ups)


def _people(session: Session, actor: Actor, source: object, target: object, now: datetime) -> tuple[Person, Person]:
    """Both people, as the actor may touch them (by Slack user id or person id)."""
    require_manager(actor)

    def resolve(who: object) -> Person:
        if isinstance(who, int) or str(who).isdigit():
            return access_person(session, actor, who)
        user_id = str(who)
        person = session.scalar(select(Person).where(Person.team_id == actor.team_id, Person.slack_user_id == user_id))
        if person is None:
            if not actor.is_admin:
                raise NotAllowed()
            person = ensure_person(session, actor.team_id, user_id, now)  # a new hire who never used the app
        return access_person(session, actor, person.id)

    source_person, target_person = resolve(source), resolve(target)
    if source_person.id == target_person.id:
        raise DealError("handover.same")
    return source_person, target_person


def _count(session: Session, model: type, *conditions: ColumnElement[bool]) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0)


def _plan(session: Session, actor: Actor, source: Person, target: Person) -> HandoverPlan:
    team = actor.team_id
    return HandoverPlan(
        source_id=source.id,
        target_id=target.id,
        source_user=source.slack_user_id,
        target_user=target.slack_user_id,
        accounts=_count(session, Account, Account.team_id == team, Account.owner_id == source.id),
        deals=_count(session, Deal, Deal.team_id == team, Deal.owner_id == source.id, Deal.status == "open"),
        follow_ups=_count(
            session, FollowUp, FollowUp.team_id == team, FollowUp.owner_id == source.id, FollowUp.status == "open"
        ),
    )


def plan_handover(db: Database, actor: Actor, source: object, target: object, now: datetime) -> HandoverPlan:
    """What a handover would move (nothing is changed), for the confirmation question."""
    with db.transaction() as session:
        source_person, target_person = _people(session, actor, source, target, now)
        return _plan(session, actor, source_person, target_person)


def handover(session: Session, actor: Actor, source: object, target: object, now: datetime) -> HandoverPlan:
    """Move accounts, open deals and open follow-ups from `source` to `target`; returns the counts."""
    source_person, target_person = _people(session, actor, source, target, now)
    team = actor.team_id
    plan = _plan(session, actor, source_person, target_person)
    session.execute(
        update(Account)
        .where(Account.team_id == team, Account.owner_id == source_person.id)
        .values(owner_id=target_person.id, assigned_at=now)
    )
    session.execute(
        update(Deal)
        .where(Deal.team_id == team, Deal.owner_id == source_person.id, Deal.status == "open")
        .values(owner_id=target_person.id)
    )
    session.execute(
        update(FollowUp)
        .where(FollowUp.team_id == team, FollowUp.owner_id == source_person.id, FollowUp.status == "open")
        .values(owner_id=target_person.id)
    )
    session.add(
        Handover(
            team_id=team,
            from_person_id=source_person.id,
            to_person_id=target_person.id,
            by_person_id=actor.person_id,
            handed_over_at=now,
            accounts=plan.accounts,
            deals=plan.deals,
            follow_ups=plan.follow_ups,
        )
    )
    return plan


do_handover = in_transaction(handover)
