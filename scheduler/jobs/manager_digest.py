"""`manager-digest`: the daily team digest, working days at the digest time (default 09:00)."""

from __future__ import annotations

from scheduler.jobs._team_digests import sweep_digests
from scheduler.registry import JobContext, job


@job("manager-digest", minutes=15, description="daily team digest in each team's channel")
def sweep(ctx: JobContext) -> int:
    return sweep_digests(ctx, "daily")
