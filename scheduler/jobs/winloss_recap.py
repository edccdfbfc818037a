"""`winloss-recap`: the week's wins and losses as a thread, one reply per deal (Friday)."""

from __future__ import annotations

from scheduler.jobs._team_digests import sweep_digests
from scheduler.registry import JobContext, job


@job("winloss-recap", minutes=15, description="weekly win/loss recap thread")
def sweep(ctx: JobContext) -> int:
    return sweep_digests(ctx, "recap")
