"""The weekly digest (docs/method.md §3, §4, §7): where each rep's funnel leaks, and what it takes.

Every funnel figure comes from `bot.analytics` (the same numbers App Home and `/pipeline`
show): the open funnel by stage, stage-to-stage conversion of each rep against the team with
the weakest step named and the small-sample caveat, the weighted forecast by month, and the
reverse funnel. This module adds the activity side (`bot.digests.activity`: coverage, hunting
vs farming), the rep-type quadrant (`bot.digests.quadrant`) and each rep's target.

Periods: the week reviewed is the full Monday–Sunday week before the digest day (visits,
hunting vs farming); conversion is measured over the last `CONVERSION_DAYS` days, enough for
rates to mean something (they settle after 20–30 closed deals); the funnel and the forecast are
as of now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from sqlalchemy.orm import Session

from bot import analytics
from bot.core.config import WorkspaceConfig
from bot.digests import activity, quadrant
from bot.digests.periods import Window, last_week, trailing
from bot.digests.targets import targets_on
from bot.leads.stats import SourceRow, SpeedReport, by_source, speed_to_lead
from bot.people.teams import display_name
from storage.models import Person

CONVERSION_DAYS = 365
FORECAST_MONTHS = 6


@dataclass(frozen=True)
class RepWeek:
    person_id: int
    name: str
    conversion: analytics.RepConversion
    placement: quadrant.Placement
    coverage: activity.Coverage
    huntfarm: activity.HuntFarm
    visits_week: int
    effective_week: int
    target: Decimal | None = None
    target_label: str = ""
    won_to_date: Decimal = Decimal(0)
    remaining: Decimal | None = None
    working_days_left: int = 0
    reverse: analytics.ReverseFunnel | None = None
    reverse_basis: str = ""  # "own" or "team": whose conversion rates the reverse funnel used
    visits_per_entry: float | None = None  # visits per deal entering the funnel, same basis
    visits_per_day: float | None = None  # visits per working day over the last 28 days


@dataclass(frozen=True)
class WeeklyDigest:
    team_name: str
    today: date
    week: Window
    conversion_window: Window
    stages: list[analytics.StageInfo]
    pipeline: analytics.Pipeline
    team_conversion: analytics.Conversion
    forecast: list[analytics.ForecastMonth]
    coverage: activity.Coverage
    huntfarm: activity.HuntFarm
    reps: list[RepWeek]
    standard: int
    process_working_days: int
    currency: str
    slipped: analytics.ForecastMonth | None = None  # open deals whose expected month has passed
    undated: analytics.ForecastMonth | None = None
    counts: dict[str, int] = field(default_factory=dict)  # reps per quadrant
    speed: SpeedReport | None = None  # speed to lead over the week (bot/leads/stats.py)
    sources: list[SourceRow] = field(default_factory=list)  # lead → deal → won by source, conversion window

    def quadrant(self, key: str) -> list[RepWeek]:
        return [r for r in self.reps if r.placement.quadrant == key]


def _ratio(visits: int, entries: int) -> Fraction | None:
    return Fraction(visits, entries) if visits and entries else None


def _forecast_window(
    months: list[analytics.ForecastMonth], today: date
) -> tuple[list[analytics.ForecastMonth], analytics.ForecastMonth | None, analytics.ForecastMonth | None]:
    """The next `FORECAST_MONTHS` months from this one; months already past summed as
    "slipped"; deals with no date apart."""
    this_month = today.replace(day=1)
    horizon = this_month
    for _ in range(FORECAST_MONTHS):
        horizon = (horizon + timedelta(days=32)).replace(day=1)
    shown = [m for m in months if m.month is not None and this_month <= m.month < horizon]
    past = [m for m in months if m.month is not None and m.month < this_month]
    slipped = (
        analytics.ForecastMonth(
            None,
            sum(m.deals for m in past),
            sum((m.amount for m in past), Decimal(0)),
            sum((m.weighted for m in past), Decimal(0)),
        )
        if past
        else None
    )
    undated = next((m for m in months if m.month is None), None)
    return shown, slipped, undated


def build_weekly(
    session: Session,
    team_id: str,
    team_name: str,
    reps: list[Person],
    today: date,
    tz: str,
    now: datetime,
    config: WorkspaceConfig,
) -> WeeklyDigest:
    """The weekly digest of `reps` on the local date `today` (in `tz`), as of `now`."""
    ids = [p.id for p in reps]
    week = last_week(today, tz)
    conv_window = trailing(today - timedelta(days=1), CONVERSION_DAYS, tz)
    period = analytics.Period(conv_window.start, min(conv_window.end, now))
    stages = analytics.load_stages(session, team_id)
    pipeline = analytics.open_pipeline(session, team_id, ids)
    compared = analytics.compare_reps(session, team_id, ids, period, reps=ids, with_medians=False)
    forecast, slipped, undated = _forecast_window(analytics.forecast_by_month(session, team_id, ids), today)
    coverage = activity.coverage(session, team_id, ids, now)
    week_visits = activity.visit_tallies(session, team_id, ids, week.start, week.end, hunting=True)

    process = trailing(today - timedelta(days=1), quadrant.PROCESS_DAYS, tz)
    process_days = analytics.working_days(session, team_id, process.first, process.last + timedelta(days=1))
    process_visits = activity.visit_tallies(session, team_id, ids, process.start, process.end)

    # Visits it takes to open one deal (first-stage entries), over the conversion period: what
    # turns "deals needed at the first stage" into "visits needed a day".
    year_visits = activity.visit_tallies(session, team_id, ids, period.start, period.end, effective=False)
    team_entries = compared.team.steps[0].entered if compared.team.steps else 0
    team_ratio = _ratio(sum(v.visits for v in year_visits.values()), team_entries)

    targets = targets_on(session, team_id, ids, today)
    starts = {pid: Window(row.period_start, row.period_end, tz).start for pid, row in targets.items()}
    won = activity.won_since(session, team_id, starts, now)
    left_by_end = {
        end: analytics.working_days(session, team_id, today, end + timedelta(days=1))
        for end in {row.period_end for row in targets.values()}
    }
    days_left = {pid: left_by_end[row.period_end] for pid, row in targets.items()}

    none = activity.VisitTally()
    rows: list[RepWeek] = []
    for person in reps:
        pid = person.id
        rep_conv = compared.reps[pid]
        target = targets.get(pid)
        won_to_date = won.get(pid, Decimal(0))
        pace = quadrant.elapsed_share(target.period_start, target.period_end, today) if target else None
        placement = quadrant.place(
            pid,
            display_name(person),
            target=target.amount if target else None,
            won=won_to_date,
            pace=pace,
            effective_visits=process_visits.get(pid, none).effective,
            standard=config.daily_visit_standard,
            working_days=process_days,
            target_label=target.label if target else "",
        )
        remaining = max(target.amount - won_to_date, Decimal(0)) if target else None
        reverse, basis, ratio = None, "", None
        if remaining:
            left = days_left[pid]
            own_steps = rep_conv.conversion.steps
            own_ratio = _ratio(year_visits.get(pid, none).visits, own_steps[0].entered if own_steps else 0)
            own_ok = bool(not rep_conv.small_sample and rep_conv.conversion.won and own_ratio)
            source = rep_conv.conversion if own_ok else compared.team
            ratio = own_ratio if own_ok else team_ratio
            reverse = analytics.reverse_funnel_from(
                source, remaining, working_days=left, visits_per_entry=ratio if ratio else 1
            )
            basis = "own" if own_ok else "team"
        visits_28 = process_visits.get(pid, none).visits
        rows.append(
            RepWeek(
                person_id=pid,
                name=display_name(person),
                conversion=rep_conv,
                placement=placement,
                coverage=coverage.get(pid, activity.Coverage()),
                huntfarm=week_visits.get(pid, none).huntfarm,
                visits_week=week_visits.get(pid, none).visits,
                effective_week=week_visits.get(pid, none).effective,
                target=target.amount if target else None,
                target_label=target.label if target else "",
                won_to_date=won_to_date,
                remaining=remaining,
                working_days_left=days_left.get(pid, 0),
                reverse=reverse,
                reverse_basis=basis,
                visits_per_entry=float(ratio) if ratio else None,
                visits_per_day=visits_28 / process_days if process_days else None,
            )
        )
    team_coverage = sum(coverage.values(), activity.Coverage())
    team_huntfarm = sum((v.huntfarm for v in week_visits.values()), activity.HuntFarm())
    counts = {
        key: sum(1 for r in rows if r.placement.quadrant == key) for key in (*quadrant.QUADRANTS, quadrant.NO_TARGET)
    }
    return WeeklyDigest(
        team_name=team_name,
        today=today,
        week=week,
        conversion_window=conv_window,
        stages=stages,
        pipeline=pipeline,
        team_conversion=compared.team,
        forecast=forecast,
        coverage=team_coverage,
        huntfarm=team_huntfarm,
        reps=rows,
        standard=config.daily_visit_standard,
        process_working_days=process_days,
        currency=config.default_currency,
        slipped=slipped,
        undated=undated,
        counts=counts,
        speed=speed_to_lead(session, team_id, ids, week.start, week.end, now, config.follow_up.new_lead_hours),
        sources=by_source(session, team_id, ids, period.start, period.end),
    )
