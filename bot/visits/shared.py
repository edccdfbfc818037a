"""Visits logged by someone else on an account you own: what your next digest tells you.

A rep who names a colleague's account in `/visit` logs to it (no duplicate account is created,
see `bot.visits.known`); the visit is the rep's and counts for them. Nothing extra is stored:
a visit whose rep is not the account's owner is the record, and this query reads it for the
owner's digest window.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
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
    return (
        visits_by_others_of(session, team_id, [owner_id], since, until, limit=limit)
        .get(owner_id, ColleagueVisits())
        .first
    )


@dataclass(frozen=True)
class ColleagueVisits:
    """An owner's share: how many visits colleagues logged on their accounts, and the first few."""

    count: int = 0
    first: list[VisitByOther] = field(default_factory=list)


def visits_by_others_of(
    session: Session, team_id: str, owner_ids: list[int], since: datetime, until: datetime, *, limit: int = 20
) -> dict[int, ColleagueVisits]:
    """`visits_by_others` for a whole team at once (the daily digest): per owner, the count and
    the first `limit` visits, oldest first. One query for the counts, one for the rows."""
    if not owner_ids:
        return {}
    rep = aliased(Person)
    where = (
        Visit.team_id == team_id,
        Account.owner_id.in_(owner_ids),
        Visit.rep_id != Account.owner_id,
        Visit.created_at >= since,
        Visit.created_at < until,
    )
    counts: dict[int, int] = {
        owner: n
        for owner, n in session.execute(
            select(Account.owner_id, func.count(Visit.id))
            .join(Account, Account.id == Visit.account_id)
            .where(*where)
            .group_by(Account.owner_id)
        ).all()
        if owner is not None  # the `in_` above leaves none; the column is nullable
    }
    if not counts:
        return {}
    rank = func.row_number().over(partition_by=Account.owner_id, order_by=(Visit.created_at, Visit.id)).label("n")
    ranked = (
        select(
            Account.owner_id,
            Visit.id,
            Account.id.label("account_id"),
            Account.name,
            rep.name.label("rep_name"),
            Visit.channel,
            Visit.occurred_at,
            Visit.created_at,
            rank,
        )
        .join(Account, Account.id == Visit.account_id)
        .join(rep, rep.id == Visit.rep_id)
        .where(*where)
        .subquery()
    )
    rows = session.execute(
        select(ranked).where(ranked.c.n <= limit).order_by(ranked.c.owner_id, ranked.c.created_at, ranked.c.id)
    ).all()
    first: dict[int, list[VisitByOther]] = {}
    for owner, visit_id, account_id, name, rep_name, channel, occurred_at, _created, _n in rows:
        first.setdefault(owner, []).append(VisitByOther(visit_id, account_id, name, rep_name, channel, occurred_at))
    return {owner: ColleagueVisits(n, first.get(owner, [])) for owner, n in counts.items()}
