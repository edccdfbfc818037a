"""Job health: a job is unhealthy when it has not succeeded for twice its interval."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from scheduler.registry import load_jobs
from storage.db import Database
from storage.models import JobRun


def job_health(db: Database, now: datetime) -> list[dict[str, Any]]:
    jobs = load_jobs()
    with db.transaction() as session:
        runs = {run.name: run for run in session.scalars(select(JobRun))}
    report = []
    for name, job in sorted(jobs.items()):
        run = runs.get(name)
        last_ok = run.last_success_at if run else None
        healthy = last_ok is not None and now - last_ok <= 2 * job.interval
        if run is None:
            healthy = True  # never ran yet: nothing is overdue until the scheduler has started
        report.append(
            {
                "name": name,
                "interval_seconds": int(job.interval.total_seconds()),
                "last_success_at": last_ok.isoformat() if last_ok else None,
                "last_failure_at": run.last_failure_at.isoformat() if run and run.last_failure_at else None,
                "consecutive_failures": run.consecutive_failures if run else 0,
                # Messages the last run left unsent (Slack rate limiting or refusing them); the
                # next runs retry them. Reported, not counted as unhealthy: the job itself works.
                "undelivered": run.undelivered if run else 0,
                "undelivered_runs": run.undelivered_runs if run else 0,
                "healthy": healthy,
            }
        )
    return report
