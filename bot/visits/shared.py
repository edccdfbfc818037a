"""Visits logged by someone else on an account you own: what your next digest tells you.

A rep who names a colleague's account in `/visit` logs to it (no duplicate account is created,
see `bot.visits.known`); the visit is the rep's and counts for them. Nothing extra is stored:
a visit whose rep is not the account's owner is the record, and this query reads it for the
owner's digest window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from storage.models import Account, Person, Visit


@dataclass(frozen=True)
class VisitByOther:
    visit_id: int
    account_id: int
    account_name: str
    rep_name: str
    channel: str
    occurred_at: datetime


def visits_by_others(
    session: Session, team_id: str, owner_id: int, since: datetime, until: datetime, *, limit: int = 20
) -> list[VisitByOther]:
    """Visits logged between `since` and `until` (when they were logged) by other people on
    accounts `owner_id` owns, oldest first."""
    rep = aliased(Person)
    rows = session.execute(
        select(Visit.id, Account.id, Account.name, rep.name, Visit.channel, Visit.occurred_at)
        .join(Account, Account.id == Visit.account_id)
        .join(rep, rep.id == Visit.rep_id)
        .where(
            Visit.team_id == team_id,
            Account.owner_id == owner_id,
            Visit.rep_id != owner_id,
            Visit.created_at >= since,
            Visit.created_at < until,
        )
        .order_by(Visit.created_at, Visit.id)
        .limit(limit)
    ).all()
    return [VisitByOther(*row) for row in rows]
