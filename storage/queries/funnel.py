"""The funnel's figures as set-based SQL: stage history, open deals, closed deals.

Positions: the caller passes the stage order as `{stage_key: position}` with `"won"` mapped
past every stage; a `to_stage` that is not in the mapping (a retired or unknown stage, or
'lost') has no position and so never raises a deal's high-water mark.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from storage.models import Account, Deal, DealReason, StageChange
from storage.queries.sql import days_between, instant, lookup, owned_by

_sc = StageChange.__table__.c
_d = Deal.__table__.c


class Standing(NamedTuple):
    """Where a deal stood at a period's end: `hw`, the highest position reached; `lost`: its
    last move was to 'lost'; `young`: its last move was more recent than the time limit of the
    stage at `hw` (`bot.analytics.conversion` calls such open deals pending)."""

    hw: int
    lost: bool
    young: bool


class EntryRow(NamedTuple):
    """Deals whose high-water mark rose in one move during a period, and where they stood at its end.

    `hw_before`: the highest position the deal had reached before that move (None: the move
    created it); `hw_after`: the position the move reached. So the move brought the deal into
    every stage in (hw_before, hw_after]. `owner_id`: who owned the deal when it moved (None
    for the whole workspace ungrouped). `deal`: the deal's standing at the end, whoever moved
    it; `owner`: its standing counting only the moves made while `owner_id` owned it (after a
    handover the old owner's figures stay as they were when the deal left them).
    """

    owner_id: int | None
    hw_before: int | None
    hw_after: int
    deal: Standing
    owner: Standing
    deals: int


class StayRow(NamedTuple):
    """`stays` stays in `stage_key` that ended in the period after `days` whole days."""

    stage_key: str
    days: int
    stays: int


class OpenRow(NamedTuple):
    owner_id: int | None
    stage_key: str
    deals: int
    amount: Decimal


class CloseDateRow(NamedTuple):
    expected_close: date | None
    stage_key: str
    deals: int
    amount: Decimal


class ClosedRow(NamedTuple):
    owner_id: int | None
    status: str
    deals: int
    amount: Decimal


class ReasonRow(NamedTuple):
    status: str
    reason_key: str
    deals: int
    amount: Decimal


class DealRow(NamedTuple):
    id: int
    title: str
    account_name: str
    owner_id: int | None
    stage_key: str
    amount: Decimal | None
    expected_close: date | None
    stage_entered_at: datetime
    days_in_stage: int


def _money(value: object) -> Decimal:
    return Decimal(str(value)) if value is not None else Decimal(0)


def _history(
    columns: list, team_id: str, person_ids: Collection[int] | None, end: datetime, *, by_owner: bool
) -> tuple[Select, list]:
    """SELECT `columns` FROM the stage changes before `end` of the deals in scope, and the
    columns to GROUP BY for one row per deal.

    For some people (or per owner) the statement starts from their deals
    (`ix_deals_team_owner_*`) and reaches each deal's history through the covering index
    `ix_stage_changes_team_deal_owner`, grouped in (owner, deal) order; for the whole workspace it
    reads that index alone, in deal order. Both planners take these paths, so a 50-rep team
    costs its own deals, not the workspace's.
    """
    owner_filter = owned_by(_d.owner_id, person_ids)
    if owner_filter is None and not by_owner:
        query = select(*columns).where(_sc.team_id == team_id, _sc.changed_at < end)
        return query, [_sc.deal_id]
    joined = Deal.__table__.join(StageChange.__table__, and_(_sc.team_id == _d.team_id, _sc.deal_id == _d.id))
    query = select(*columns).select_from(joined).where(_d.team_id == team_id, _sc.changed_at < end)
    if owner_filter is not None:
        query = query.where(owner_filter)
    return query, [_d.owner_id, _d.id]


def entry_rows(
    session: Session,
    team_id: str,
    person_ids: Collection[int] | None,
    positions: Mapping[str, int],
    young_days: Mapping[int, int],
    start: datetime,
    end: datetime,
    *,
    by_owner: bool = False,
) -> list[EntryRow]:
    """Every move in [start, end) that raised a deal's high-water mark, counted per (owner at
    the move, mark before, mark after) and the deal's standing at `end`.

    `young_days` maps a position to its stage's time limit in days. One pass over the history
    of the deals in scope, with window functions (no self-join): the mark before each move,
    the deal's standing and, per owner, the standing counting that owner's moves only. For
    some people the deals are the ones those people moved in the period
    (`ix_stage_changes_team_owner`), each read whole through `ix_stage_changes_team_deal_owner`.
    Rows returned are few (stages² × owners × 4).
    """
    if person_ids is None and not by_owner:
        return _workspace_entry_rows(session, team_id, positions, young_days, start, end)
    pos = lookup(_sc.to_stage, positions)
    conditions = [_sc.team_id == team_id, _sc.changed_at < end]
    if person_ids is not None:
        moved = select(_sc.deal_id).where(
            _sc.team_id == team_id,
            _sc.owner_id.in_(sorted(person_ids)),
            _sc.changed_at >= start,
            _sc.changed_at < end,
        )
        conditions.append(_sc.deal_id.in_(moved))
    in_order: dict[str, Any] = {"partition_by": _sc.deal_id, "order_by": (_sc.changed_at, _sc.to_stage)}
    lost_at = case((_sc.to_stage == "lost", _sc.changed_at))
    columns = [
        _sc.owner_id,
        _sc.changed_at,
        pos.label("pos"),
        func.max(pos).over(**in_order, rows=(None, -1)).label("hw_before"),
        func.max(pos).over(**in_order, rows=(None, None)).label("hw"),
        func.max(lost_at).over(**in_order, rows=(None, None)).label("lost_at"),
        func.max(_sc.changed_at).over(**in_order, rows=(None, None)).label("last_at"),
    ]
    if by_owner:
        mine: dict[str, Any] = {"partition_by": (_sc.deal_id, _sc.owner_id)}
        columns += [
            func.max(pos).over(**mine).label("own_hw"),
            func.max(lost_at).over(**mine).label("own_lost_at"),
            func.max(_sc.changed_at).over(**mine).label("own_last_at"),
        ]
    hist = select(*columns).where(*conditions).subquery("hist")
    c = hist.c

    def young(hw: Any, last_at: Any) -> Any:
        return case((days_between(last_at, instant(end)) < lookup(hw, young_days), 1), else_=0)

    deal_lost = case((c.lost_at == c.last_at, 1), else_=0)
    standing = [c.hw, deal_lost, young(c.hw, c.last_at)]
    if by_owner:
        # Lost under this owner: the deal's last move was the loss, and this owner made it.
        own_lost = case((and_(c.lost_at == c.last_at, c.own_lost_at == c.last_at), 1), else_=0)
        standing += [c.own_hw, own_lost, young(c.own_hw, c.own_last_at)]
    keys = [*([c.owner_id] if by_owner else []), c.hw_before, c.pos, *standing]
    raising = [c.changed_at >= start, or_(c.hw_before.is_(None), c.pos > c.hw_before)]
    if person_ids is not None:
        raising.append(c.owner_id.in_(sorted(person_ids)))
    query = select(*keys, func.count()).where(*raising).group_by(*keys)
    rows = []
    for row in session.execute(query):
        values = list(row)
        owner_id = values.pop(0) if by_owner else None
        hw_before, hw_after, hw, lost, is_young = values[:5]
        deal = Standing(int(hw), bool(lost), bool(is_young))
        own = Standing(int(values[5]), bool(values[6]), bool(values[7])) if by_owner else deal
        rows.append(EntryRow(owner_id, hw_before, int(hw_after), deal, own, int(values[-1])))
    return rows


def _workspace_entry_rows(
    session: Session,
    team_id: str,
    positions: Mapping[str, int],
    young_days: Mapping[int, int],
    start: datetime,
    end: datetime,
) -> list[EntryRow]:
    """`entry_rows` for the whole workspace, not per owner: whoever made each move, the moves
    in the period that raised a deal's mark bring it into exactly the stages in (its mark
    before the period, its mark at the end], so one GROUP BY per deal over the covering index
    (in deal order, no sort, no window) gives the same counts at a fraction of the cost."""
    pos = lookup(_sc.to_stage, positions)
    per_deal = (
        select(
            func.max(case((_sc.changed_at < start, pos))).label("hw_start"),
            func.max(pos).label("hw"),
            func.max(case((_sc.to_stage == "lost", _sc.changed_at))).label("lost_at"),
            func.max(_sc.changed_at).label("last_at"),
        )
        .where(_sc.team_id == team_id, _sc.changed_at < end)
        .group_by(_sc.deal_id)
        .having(func.max(_sc.changed_at) >= start)
        .subquery("per_deal")
    )
    c = per_deal.c
    lost = case((c.lost_at == c.last_at, 1), else_=0)
    young = case((days_between(c.last_at, instant(end)) < lookup(c.hw, young_days), 1), else_=0)
    rising = or_(c.hw_start.is_(None), c.hw > c.hw_start)
    keys = [c.hw_start, c.hw, lost, young]
    rows = []
    for hw_start, hw, is_lost, is_young, count in session.execute(
        select(c.hw_start, c.hw, lost, young, func.count()).where(c.hw.is_not(None), rising).group_by(*keys)
    ):
        standing = Standing(int(hw), bool(is_lost), bool(is_young))
        rows.append(EntryRow(None, hw_start, int(hw), standing, standing, int(count)))
    return rows


def stay_rows(
    session: Session,
    team_id: str,
    person_ids: Collection[int] | None,
    stage_keys: Collection[str],
    start: datetime,
    end: datetime,
) -> list[StayRow]:
    """How long stays in each stage lasted, for stays that ended (by any move) in [start, end).

    A stay begins at the change that put the deal in the stage and ends at its next change
    (LEAD over the deal's history); a back move ends a stay like any other move. Stays still
    running are not here (they are the stale-deal list's business). Returned as a histogram of
    whole days, so the median is computed without shipping every stay.
    """
    # Ties (two moves in the same instant) are ordered by stage key, which the covering index
    # holds, so the window reads the index in order instead of sorting the rows.
    left_at = func.lead(_sc.changed_at, type_=StageChange.changed_at.type).over(
        partition_by=_sc.deal_id, order_by=(_sc.changed_at, _sc.to_stage)
    )
    columns = [_sc.to_stage.label("stage_key"), _sc.changed_at.label("entered_at"), left_at.label("left_at")]
    inner, _ = _history(columns, team_id, person_ids, end, by_owner=False)
    stay = inner.subquery()
    days = days_between(stay.c.entered_at, stay.c.left_at)
    query = (
        select(stay.c.stage_key, days, func.count())
        .where(stay.c.left_at >= start, stay.c.left_at < end, stay.c.stage_key.in_(list(stage_keys)))
        .group_by(stay.c.stage_key, days)
    )
    return [StayRow(key, int(d), int(n)) for key, d, n in session.execute(query)]


def _open_deals(team_id: str, person_ids: Collection[int] | None) -> list:
    conditions = [_d.team_id == team_id, _d.status == "open"]
    owner_filter = owned_by(_d.owner_id, person_ids)
    if owner_filter is not None:
        conditions.append(owner_filter)
    return conditions


def open_rows(
    session: Session, team_id: str, person_ids: Collection[int] | None, *, by_owner: bool = False
) -> list[OpenRow]:
    """Open deals now: how many and how much, per stage (and per owner when `by_owner`)."""
    keys = [_d.owner_id, _d.stage_key] if by_owner else [_d.stage_key]
    query = select(*keys, func.count(), func.sum(_d.amount)).where(*_open_deals(team_id, person_ids)).group_by(*keys)
    rows = []
    for row in session.execute(query):
        values = list(row)
        owner_id = values.pop(0) if by_owner else None
        stage_key, count, amount = values
        rows.append(OpenRow(owner_id, stage_key, int(count), _money(amount)))
    return rows


def close_date_rows(session: Session, team_id: str, person_ids: Collection[int] | None) -> list[CloseDateRow]:
    """Open deals per expected close date and stage (the forecast groups them by month)."""
    query = (
        select(_d.expected_close, _d.stage_key, func.count(), func.sum(_d.amount))
        .where(*_open_deals(team_id, person_ids))
        .group_by(_d.expected_close, _d.stage_key)
    )
    return [CloseDateRow(day, key, int(n), _money(amount)) for day, key, n, amount in session.execute(query)]


def closed_rows(
    session: Session,
    team_id: str,
    person_ids: Collection[int] | None,
    start: datetime,
    end: datetime,
    *,
    by_owner: bool = False,
) -> list[ClosedRow]:
    """Deals won or lost in [start, end) (by `closed_at`), per outcome (and owner)."""
    keys = [_d.owner_id, _d.status] if by_owner else [_d.status]
    conditions = [_d.team_id == team_id, _d.status.in_(("won", "lost")), _d.closed_at >= start, _d.closed_at < end]
    owner_filter = owned_by(_d.owner_id, person_ids)
    if owner_filter is not None:
        conditions.append(owner_filter)
    query = select(*keys, func.count(), func.sum(_d.amount)).where(*conditions).group_by(*keys)
    rows = []
    for row in session.execute(query):
        values = list(row)
        owner_id = values.pop(0) if by_owner else None
        status, count, amount = values
        rows.append(ClosedRow(owner_id, status, int(count), _money(amount)))
    return rows


def reason_rows(
    session: Session, team_id: str, person_ids: Collection[int] | None, start: datetime, end: datetime
) -> list[ReasonRow]:
    """Deals won or lost in [start, end) per outcome and reason (a deal counts once per reason)."""
    r = DealReason.__table__.c
    conditions = [_d.team_id == team_id, _d.status.in_(("won", "lost")), _d.closed_at >= start, _d.closed_at < end]
    owner_filter = owned_by(_d.owner_id, person_ids)
    if owner_filter is not None:
        conditions.append(owner_filter)
    query = (
        select(_d.status, r.reason_key, func.count(), func.sum(_d.amount))
        .join_from(Deal.__table__, DealReason.__table__, r.deal_id == _d.id)
        .where(*conditions)
        .group_by(_d.status, r.reason_key)
    )
    return [ReasonRow(status, key, int(n), _money(amount)) for status, key, n, amount in session.execute(query)]


def _deal_columns(now: datetime) -> list:
    a = Account.__table__.c
    return [
        _d.id,
        _d.title,
        a.name.label("account_name"),
        _d.owner_id,
        _d.stage_key,
        _d.amount,
        _d.expected_close,
        _d.stage_entered_at,
        days_between(_d.stage_entered_at, instant(now)).label("days_in_stage"),
    ]


def _deal_row(row: Sequence[Any]) -> DealRow:
    values = list(row)
    amount = values[5]
    values[5] = None if amount is None else _money(amount)
    values[8] = int(values[8])
    return DealRow(*values)


def stale_rows(
    session: Session,
    team_id: str,
    person_ids: Collection[int] | None,
    max_days: Mapping[str, int],
    now: datetime,
    limit: int,
) -> tuple[int, list[DealRow]]:
    """Open deals in their stage for longer than the stage allows: (how many, the `limit` most
    overdue). `max_days` maps each stage that has a limit to it; cut-offs come from `now`."""
    if not max_days:
        return 0, []
    past_limit = [
        and_(_d.stage_key == key, _d.stage_entered_at < now - timedelta(days=days)) for key, days in max_days.items()
    ]
    conditions = [*_open_deals(team_id, person_ids), or_(*past_limit)]
    total = session.scalar(select(func.count()).select_from(Deal.__table__).where(*conditions)) or 0
    if not total or limit <= 0:
        return int(total), []
    overdue = days_between(_d.stage_entered_at, instant(now)) - lookup(_d.stage_key, max_days)
    query = (
        select(*_deal_columns(now))
        .join_from(Deal.__table__, Account.__table__, Account.__table__.c.id == _d.account_id)
        .where(*conditions)
        .order_by(overdue.desc(), _d.id)
        .limit(limit)
    )
    return int(total), [_deal_row(row) for row in session.execute(query)]


def open_deal_rows(
    session: Session, team_id: str, person_ids: Collection[int] | None, now: datetime, per_stage: int
) -> list[DealRow]:
    """The largest `per_stage` open deals of each stage (biggest amount first)."""
    rank = (
        func.row_number().over(partition_by=_d.stage_key, order_by=(_d.amount.desc().nulls_last(), _d.id)).label("rank")
    )
    ranked = (
        select(*_deal_columns(now), rank)
        .join_from(Deal.__table__, Account.__table__, Account.__table__.c.id == _d.account_id)
        .where(*_open_deals(team_id, person_ids))
        .subquery()
    )
    columns = list(ranked.c)[:-1]
    query = select(*columns).where(ranked.c.rank <= per_stage).order_by(ranked.c.stage_key, ranked.c.rank)
    return [_deal_row(row) for row in session.execute(query)]
