"""The reverse funnel (目标拆解): from a quota back to the visits needed per working day.

quota ÷ average deal size = deals needed; each stage's entries needed = the next stage's ÷ the
conversion rate of the step between them; the first stage's entries ÷ working days = the daily
visit standard that target implies. With the rule of thumb "120 greetings → 40 conversations →
6 proposals → 1 deal", 5 deals need 30 proposals, 200 conversations and 600 greetings.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.analytics.conversion import Conversion
from bot.people.members import workspace_config
from storage.models import Holiday

Rate = Fraction | Decimal | float | int


@dataclass(frozen=True, slots=True)
class StageNeed:
    """Deals that must enter `stage_key` for the target to be met."""

    stage_key: str
    entries: int


@dataclass(frozen=True, slots=True)
class ReverseFunnel:
    """What a quota takes, stage by stage (first stage first).

    `missing_rate` names the first step (walking back from the close) whose rate is unknown or
    zero: the stages before it cannot be computed and are left out.
    """

    deals_needed: int
    stages: list[StageNeed]
    working_days: int
    visits_needed: int | None
    visits_per_day: float | None
    missing_rate: str | None = None

    def entries(self, stage_key: str) -> int | None:
        return next((s.entries for s in self.stages if s.stage_key == stage_key), None)


def _exact(rate: Rate) -> Fraction:
    """A rate as an exact fraction: 1/6 typed as 0.1666… is taken as 1/6, not 0.16666666666666666."""
    if isinstance(rate, float):
        return Fraction(rate).limit_denominator(10_000)
    return Fraction(rate)


def _ceil(value: Fraction) -> int:
    return math.ceil(value)


def reverse_funnel(
    quota: Rate,
    average_deal: Rate,
    rates: Sequence[tuple[str, Rate | None]],
    *,
    working_days: int,
    visits_per_entry: Rate = 1,
) -> ReverseFunnel:
    """Break `quota` down: deals needed = ⌈quota ÷ average_deal⌉, then walking back from the
    close, entries needed at stage k = ⌈entries at k+1 (or deals, for the last) ÷ rate of k⌉.

    `rates` is the funnel in order, each stage with the rate of the step out of it (the last
    stage's rate is to a won deal). Rounding up at every stage: you cannot work on a fraction
    of a deal, and rounding down would miss the target. Visits needed = first stage's entries
    × `visits_per_entry` (visits it takes to open one); per day over `working_days`.
    """
    average = _exact(average_deal)
    if average <= 0:
        raise ValueError("the average deal size must be positive")
    deals = _ceil(_exact(quota) / average)
    needed = Fraction(deals)
    stages: list[StageNeed] = []
    missing = None
    for key, rate in reversed(rates):
        exact = None if rate is None else _exact(rate)
        if not exact:
            missing = key
            break
        needed = Fraction(_ceil(needed / exact))
        stages.append(StageNeed(key, int(needed)))
    stages.reverse()
    complete = missing is None and bool(stages)
    visits = _ceil(Fraction(stages[0].entries) * _exact(visits_per_entry)) if complete else None
    per_day = visits / working_days if visits is not None and working_days > 0 else None
    return ReverseFunnel(deals, stages, working_days, visits, per_day, missing)


def reverse_funnel_from(
    conversion: Conversion,
    quota: Rate,
    *,
    working_days: int,
    average_deal: Rate | None = None,
    visits_per_entry: Rate = 1,
) -> ReverseFunnel | None:
    """`reverse_funnel` with the rates (and, unless given, the average won amount) measured by
    `conversion`. None when no deal was won in its period and no average is given."""
    average = average_deal if average_deal is not None else conversion.average_won_amount
    if not average:
        return None
    rates = [(s.stage.key, Fraction(s.advanced, s.decided) if s.decided else None) for s in conversion.steps]
    return reverse_funnel(quota, average, rates, working_days=working_days, visits_per_entry=visits_per_entry)


def count_working_days(start: date, end: date, weekdays: Iterable[int], holidays: Iterable[date] = ()) -> int:
    """Days in [start, end) that fall on one of `weekdays` (0 = Monday) and are not holidays."""
    working = set(weekdays)
    off = set(holidays)
    return sum(
        1
        for n in range((end - start).days)
        if (day := start + timedelta(days=n)).weekday() in working and day not in off
    )


def working_days(session: Session, team_id: str, start: date, end: date) -> int:
    """Working days in [start, end) by the workspace's schedule and holidays."""
    config = workspace_config(session, team_id)
    holidays = session.scalars(
        select(Holiday.day).where(
            Holiday.team_id == team_id, Holiday.scope == "", Holiday.day >= start, Holiday.day < end
        )
    )
    return count_working_days(start, end, config.schedule.working_days, holidays)
