"""`weekly-digest`: funnel, conversion per rep, forecast, coverage, quadrant, charts (Monday)."""

from __future__ import annotations

from scheduler.jobs._team_digests import sweep_digests
from scheduler.registry import JobContext, job


@job("weekly-digest", minutes=15, description="weekly funnel and coaching digest with charts")
def sweep(ctx: JobContext) -> int:
    return sweep_digests(ctx, "weekly")
