"""Funnel analytics: plain functions over set-based SQL, returning plain dataclasses.

Digests, App Home, `/pipeline` and the shell all call these, so everyone sees the same
numbers. Inputs are plain: a session, the workspace (`team_id`), whose deals (a set of person
ids, or None for the whole workspace), and a `Period` or an instant from `services.clock`.
Nothing here knows about Slack; permission (who may ask about whom) is the caller's job,
through `bot.core.access`.

* `open_pipeline` / `open_pipeline_by_owner`: open deals per stage, amount, weighted amount.
* `forecast_by_month`: the weighted forecast by expected close month.
* `stale_deals`: open deals past their stage's `max_days`.
* `open_deals_by_stage`: the biggest open deals of each stage, for lists.
* `conversion`: stage-to-stage conversion (the method's reading: reached the next stage ÷
  reached this one, with pending deals; the decided-only reading beside it), median days in
  stage, closed deals, small sample; each step credited to the owner at the time of the move.
* `compare_reps` / `weakest_step`: each rep against the team, with the weakest step named.
* `bot.analytics.wording`: the one formatter of these figures (percentages, amounts, "D→C 0/6")
  for App Home, `/pipeline`, the digests and the exports.
* `reverse_funnel` / `reverse_funnel_from`: quota → deals → entries per stage → visits a day.
* `win_loss`: won and lost counts and amounts by reason.
"""

from bot.analytics.common import LOST, WON, Period, StageInfo, load_stages
from bot.analytics.conversion import (
    MIN_STEP_DEALS,
    PENDING_DAYS,
    Conversion,
    RepConversion,
    StepRate,
    TeamConversion,
    compare_reps,
    conversion,
    weakest_step,
)
from bot.analytics.outcomes import ReasonTotal, WinLoss, win_loss
from bot.analytics.pipeline import (
    DealLine,
    ForecastMonth,
    Pipeline,
    StageTotal,
    StaleDeals,
    forecast_by_month,
    open_deals_by_stage,
    open_pipeline,
    open_pipeline_by_owner,
    stale_deals,
)
from bot.analytics.reverse import (
    ReverseFunnel,
    StageNeed,
    count_working_days,
    reverse_funnel,
    reverse_funnel_from,
    working_days,
)

__all__ = [
    "LOST",
    "MIN_STEP_DEALS",
    "PENDING_DAYS",
    "WON",
    "Conversion",
    "DealLine",
    "ForecastMonth",
    "Period",
    "Pipeline",
    "ReasonTotal",
    "RepConversion",
    "ReverseFunnel",
    "StageInfo",
    "StageNeed",
    "StageTotal",
    "StaleDeals",
    "StepRate",
    "TeamConversion",
    "WinLoss",
    "compare_reps",
    "conversion",
    "count_working_days",
    "forecast_by_month",
    "load_stages",
    "open_deals_by_stage",
    "open_pipeline",
    "open_pipeline_by_owner",
    "reverse_funnel",
    "reverse_funnel_from",
    "stale_deals",
    "weakest_step",
    "win_loss",
    "working_days",
]
