"""`tier-review`: the monthly 5+5+5 review, first working day of the month."""

from __future__ import annotations

from scheduler.jobs._team_digests import sweep_digests
from scheduler.registry import JobContext, job


@job("tier-review", minutes=15, description="monthly 5+5+5 tier review")
def sweep(ctx: JobContext) -> int:
    return sweep_digests(ctx, "tiers")
