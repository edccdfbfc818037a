"""Activity figures the weekly digest adds to the funnel analytics (docs/method.md §3, §7).

* Coverage: the share of a rep's accounts visited in the last 30 and 90 days, accounts with
  business and without (有生意 / 无生意) counted separately, because "customers with no business
  today bring tomorrow's business"; and new accounts (assigned within the last quarter) that
  have been visited since they were assigned: all of them should be, within that quarter.
* Hunting vs farming (打猎与播种): of a rep's visits, those to an account that had an open deal
  at the time (hunting: short-term deal work) and those to accounts with none (farming:
  long-term development).
* Won amount since a date, per rep (attainment against a target).

All set-based: one statement per figure for the whole team.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import QueryableAttribute, Session, aliased

from storage.models import Account, Deal, Visit

NEW_ACCOUNT_DAYS = 90  # "new accounts should all be visited within the first quarter"


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Coverage:
    """Accounts and how many were visited, with business (`biz_*`) and without (`nobiz_*`)."""

    biz_accounts: int = 0
    biz_30: int = 0
    biz_90: int = 0
    nobiz_accounts: int = 0
    nobiz_30: int = 0
    nobiz_90: int = 0
    new_accounts: int = 0
    new_visited: int = 0

    def __add__(self, other: Coverage) -> Coverage:
        return Coverage(*(a + b for a, b in zip(self._values(), other._values(), strict=True)))

    def _values(self) -> tuple[int, ...]:
        return (
            self.biz_accounts,
            self.biz_30,
            self.biz_90,
            self.nobiz_accounts,
            self.nobiz_30,
            self.nobiz_90,
            self.new_accounts,
            self.new_visited,
        )

    @property
    def biz_share_30(self) -> float | None:
        return _share(self.biz_30, self.biz_accounts)

    @property
    def biz_share_90(self) -> float | None:
        return _share(self.biz_90, self.biz_accounts)

    @property
    def nobiz_share_30(self) -> float | None:
        return _share(self.nobiz_30, self.nobiz_accounts)

    @property
    def nobiz_share_90(self) -> float | None:
        return _share(self.nobiz_90, self.nobiz_accounts)

    @property
    def new_share(self) -> float | None:
        return _share(self.new_visited, self.new_accounts)


def coverage(session: Session, team_id: str, rep_ids: list[int], now: datetime) -> dict[int, Coverage]:
    """Coverage of each rep's active accounts as of `now` (reps with no account: absent)."""
    if not rep_ids:
        return {}
    d30, d90, new_since = now - timedelta(days=30), now - timedelta(days=90), now - timedelta(days=NEW_ACCOUNT_DAYS)
    # The last visit of each account in the 90 days, read per account from the
    # (account_id, occurred_at) index: the team's accounts only, never the workspace's visits.
    last_at = (
        select(func.max(Visit.occurred_at))
        .where(Visit.account_id == Account.id, Visit.occurred_at >= d90, Visit.occurred_at < now)
        .correlate(Account)
        .scalar_subquery()
    )
    per_account = (
        select(
            Account.owner_id.label("owner_id"),
            Account.business_status.label("status"),
            Account.assigned_at.label("assigned_at"),
            last_at.label("last_at"),
        )
        .where(Account.team_id == team_id, Account.owner_id.in_(rep_ids), Account.archived_at.is_(None))
        .subquery()
    )
    is_new = and_(per_account.c.assigned_at.is_not(None), per_account.c.assigned_at >= new_since)

    def counted(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    rows = session.execute(
        select(
            per_account.c.owner_id,
            per_account.c.status,
            func.count(),
            counted(per_account.c.last_at >= d30),
            counted(per_account.c.last_at.is_not(None)),
            counted(is_new),
            counted(and_(is_new, per_account.c.last_at >= per_account.c.assigned_at)),
        ).group_by(per_account.c.owner_id, per_account.c.status)
    )
    found: dict[int, Coverage] = {}
    for owner, status, n, v30, v90, new, new_visited in rows:
        if status == "has_business":
            part = Coverage(biz_accounts=int(n), biz_30=int(v30), biz_90=int(v90))
        else:
            part = Coverage(nobiz_accounts=int(n), nobiz_30=int(v30), nobiz_90=int(v90))
        part = part + Coverage(new_accounts=int(new), new_visited=int(new_visited))
        found[owner] = found.get(owner, Coverage()) + part
    return found


@dataclass(frozen=True)
class HuntFarm:
    hunting: int = 0  # visits to an account with an open deal at the time
    farming: int = 0  # visits to an account with none

    def __add__(self, other: HuntFarm) -> HuntFarm:
        return HuntFarm(self.hunting + other.hunting, self.farming + other.farming)

    @property
    def visits(self) -> int:
        return self.hunting + self.farming

    @property
    def farming_share(self) -> float | None:
        return _share(self.farming, self.visits)

    @property
    def hunting_share(self) -> float | None:
        return _share(self.hunting, self.visits)


@dataclass(frozen=True)
class VisitTally:
    """One rep's visits in a period: all, effective (purpose and next step), hunting."""

    visits: int = 0
    effective: int = 0
    hunting: int = 0

    @property
    def huntfarm(self) -> HuntFarm:
        return HuntFarm(self.hunting, self.visits - self.hunting)


def _blank(text_column: QueryableAttribute[str | None]) -> ColumnElement[bool]:
    return func.coalesce(func.trim(text_column), "") == ""


def visit_tallies(
    session: Session,
    team_id: str,
    rep_ids: list[int],
    start: datetime,
    end: datetime,
    *,
    hunting: bool = False,
    effective: bool = True,
) -> dict[int, VisitTally]:
    """Each rep's visits in [start, end), in one statement: how many, how many effective (a
    stated purpose AND a next step, docs/method.md §3), and with `hunting` how many went to an
    account that had a deal open at the time (created before the visit, not closed before it).
    Without `effective` only the count is taken (from the index alone: a year of visits)."""
    if not rep_ids:
        return {}
    is_effective = case((and_(~_blank(Visit.purpose), ~_blank(Visit.next_step)), 1), else_=0)
    columns = [Visit.rep_id, func.count(), func.coalesce(func.sum(is_effective), 0) if effective else literal(0)]
    if hunting:
        deal = aliased(Deal)
        open_then = exists().where(
            deal.account_id == Visit.account_id,
            deal.created_at <= Visit.occurred_at,
            or_(deal.closed_at.is_(None), deal.closed_at > Visit.occurred_at),
        )
        columns.append(func.coalesce(func.sum(case((open_then, 1), else_=0)), 0))
    rows = session.execute(
        select(*columns)
        .where(
            Visit.team_id == team_id,
            Visit.rep_id.in_(rep_ids),
            Visit.occurred_at >= start,
            Visit.occurred_at < end,
        )
        .group_by(Visit.rep_id)
    )
    return {row[0]: VisitTally(int(row[1]), int(row[2]), int(row[3]) if hunting else 0) for row in rows}


def won_since(session: Session, team_id: str, starts: dict[int, datetime], end: datetime) -> dict[int, Decimal]:
    """Per rep: the amount won from their own start instant up to `end` (one aggregate per
    distinct start: reps on the same quarter share one statement)."""
    totals = {rep: Decimal(0) for rep in starts}
    by_start: dict[datetime, list[int]] = {}
    for rep, start in starts.items():
        by_start.setdefault(start, []).append(rep)
    for start, reps in by_start.items():
        rows = session.execute(
            select(Deal.owner_id, func.sum(Deal.amount))
            .where(
                Deal.team_id == team_id,
                Deal.owner_id.in_(reps),
                Deal.status == "won",
                Deal.closed_at >= start,
                Deal.closed_at < end,
            )
            .group_by(Deal.owner_id)
        )
        for owner, amount in rows:
            assert owner is not None  # the query keeps only deals owned by `reps`
            totals[owner] = Decimal(str(amount)) if amount is not None else Decimal(0)
    return totals
