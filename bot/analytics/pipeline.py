"""The open pipeline now: deals per stage, the weighted forecast by month, stale deals."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.analytics.common import StageInfo, load_stages
from storage.queries import funnel as q

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class StageTotal:
    """Open deals in one stage: how many, their amount, and amount × the stage's probability."""

    stage: StageInfo
    deals: int
    amount: Decimal
    weighted: Decimal


@dataclass(frozen=True, slots=True)
class Pipeline:
    """Open deals per stage, in funnel order; every active stage appears, even when empty."""

    stages: list[StageTotal]

    @property
    def deals(self) -> int:
        return sum(s.deals for s in self.stages)

    @property
    def amount(self) -> Decimal:
        return sum((s.amount for s in self.stages), ZERO)

    @property
    def weighted(self) -> Decimal:
        return sum((s.weighted for s in self.stages), ZERO)


@dataclass(frozen=True, slots=True)
class ForecastMonth:
    """Open deals expected to close in `month` (its first day; None: no expected close date)."""

    month: date | None
    deals: int
    amount: Decimal
    weighted: Decimal


@dataclass(frozen=True, slots=True)
class DealLine:
    """One open deal as lists show it."""

    deal_id: int
    title: str
    account_name: str
    owner_id: int | None
    stage: StageInfo
    amount: Decimal | None
    expected_close: date | None
    days_in_stage: int

    @property
    def days_over(self) -> int:
        """Days past the stage's limit (0 when the stage has none or it is not reached)."""
        return max(self.days_in_stage - (self.stage.max_days or self.days_in_stage), 0)


@dataclass(frozen=True, slots=True)
class StaleDeals:
    """How many open deals sit past their stage's `max_days`, and the most overdue of them."""

    total: int
    deals: list[DealLine]


def _stage_map(session: Session, team_id: str) -> tuple[list[StageInfo], dict[str, StageInfo]]:
    every = load_stages(session, team_id, include_retired=True)
    return [s for s in every if s.is_active], {s.key: s for s in every}


def _unknown_stage(key: str) -> StageInfo:
    """A stage key with no row (deleted outside the app): shown by its key, weighted at zero."""
    return StageInfo(key=key, name_en=key, name_zh=key, position=10**6, probability=ZERO, max_days=None)


def _pipeline(active: list[StageInfo], by_key: dict[str, StageInfo], rows: list[q.OpenRow]) -> Pipeline:
    totals: dict[str, tuple[int, Decimal]] = {}
    for row in rows:
        deals, amount = totals.get(row.stage_key, (0, ZERO))
        totals[row.stage_key] = (deals + row.deals, amount + row.amount)
    shown = list(active) + sorted(
        (by_key.get(k) or _unknown_stage(k) for k in totals if k not in {s.key for s in active}),
        key=lambda s: (s.position, s.key),
    )
    return Pipeline(
        [
            StageTotal(stage, deals, amount, amount * stage.probability)
            for stage in shown
            for deals, amount in [totals.get(stage.key, (0, ZERO))]
        ]
    )


def open_pipeline(session: Session, team_id: str, person_ids: Collection[int] | None) -> Pipeline:
    """Counts, amounts and weighted amounts (amount × stage probability) of the open deals
    owned by `person_ids` (None: the whole workspace), per stage. Open deals left in a retired
    stage are listed after the active stages."""
    active, by_key = _stage_map(session, team_id)
    return _pipeline(active, by_key, q.open_rows(session, team_id, person_ids))


def open_pipeline_by_owner(session: Session, team_id: str, person_ids: Collection[int] | None) -> dict[int, Pipeline]:
    """`open_pipeline` for each owner in one query (owners with no open deal are absent)."""
    active, by_key = _stage_map(session, team_id)
    rows: dict[int, list[q.OpenRow]] = defaultdict(list)
    for row in q.open_rows(session, team_id, person_ids, by_owner=True):
        if row.owner_id is not None:
            rows[row.owner_id].append(row)
    return {owner: _pipeline(active, by_key, owner_rows) for owner, owner_rows in rows.items()}


def forecast_by_month(session: Session, team_id: str, person_ids: Collection[int] | None) -> list[ForecastMonth]:
    """The weighted forecast: open deals grouped by the month of their expected close date,
    with amount × stage probability summed per month. Months in order; deals without a date
    last (month None). Past months stay in the list: they are deals whose date has slipped."""
    _, by_key = _stage_map(session, team_id)
    months: dict[date | None, list] = {}
    for row in q.close_date_rows(session, team_id, person_ids):
        month = row.expected_close.replace(day=1) if row.expected_close else None
        probability = (by_key.get(row.stage_key) or _unknown_stage(row.stage_key)).probability
        entry = months.setdefault(month, [0, ZERO, ZERO])
        entry[0] += row.deals
        entry[1] += row.amount
        entry[2] += row.amount * probability
    ordered = sorted(months, key=lambda m: (m is None, m or date.min))
    return [ForecastMonth(m, *months[m]) for m in ordered]


def _line(row: q.DealRow, by_key: dict[str, StageInfo]) -> DealLine:
    return DealLine(
        deal_id=row.id,
        title=row.title,
        account_name=row.account_name,
        owner_id=row.owner_id,
        stage=by_key.get(row.stage_key) or _unknown_stage(row.stage_key),
        amount=row.amount,
        expected_close=row.expected_close,
        days_in_stage=row.days_in_stage,
    )


def stale_deals(
    session: Session, team_id: str, person_ids: Collection[int] | None, now: datetime, *, limit: int = 10
) -> StaleDeals:
    """Open deals that have sat in their stage longer than its `max_days` (stages without a
    limit never make a deal stale), most overdue first, at most `limit` of them, with the total."""
    _, by_key = _stage_map(session, team_id)
    max_days = {key: s.max_days for key, s in by_key.items() if s.max_days}
    total, rows = q.stale_rows(session, team_id, person_ids, max_days, now, limit)
    return StaleDeals(total, [_line(row, by_key) for row in rows])


def open_deals_by_stage(
    session: Session, team_id: str, person_ids: Collection[int] | None, now: datetime, *, per_stage: int = 10
) -> dict[str, list[DealLine]]:
    """The largest `per_stage` open deals of each stage, keyed by stage key (for lists; the
    counts and totals come from `open_pipeline`)."""
    _, by_key = _stage_map(session, team_id)
    lines: dict[str, list[DealLine]] = defaultdict(list)
    for row in q.open_deal_rows(session, team_id, person_ids, now, per_stage):
        lines[row.stage_key].append(_line(row, by_key))
    return dict(lines)
