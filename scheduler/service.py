"""Running the jobs: once (`jobs run`, the shell), or on a schedule inside `serve`/`socket`/`scheduler`.

- `run_job(services, client, name, at)`: one sweep of one job as of `at`, holding the job's
  lock (`scheduler.locks`), recorded in `job_runs`; the number of messages it sent.
- `run_due_jobs(services, client, at)`: every job whose interval has passed since its last
  start (the shell calls this after moving its clock); {job: messages sent, -1 if it failed}.
- `run_job_once(settings, db, name, at)`: `pipeline-coach jobs run NAME --at ISO`.
- `start_background_scheduler(services)` / `run_scheduler_forever(settings, db)`: APScheduler 3 with
  one interval trigger per job. Every process may run one; only the leader (an advisory lock
  on PostgreSQL, a file lock on SQLite) sweeps, and another takes over if the leader dies.

A job that keeps failing (`ALERT_AFTER` runs in a row), or whose runs keep leaving messages
undelivered (Slack rate limiting or refusing them), is reported to each workspace's admins by
DM, at most once per job per day; `/healthz` and `pipeline-coach jobs list` show it too.

Each run takes the job's lock and raises the job's fencing token (`JobRun.fence`); its sender
checks both before every post and stops if another run has taken over (scheduler.ledger).
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor as APThreadPool
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient
from sqlalchemy import select, update

from bot.core.clock import Clock
from bot.core.i18n import plural, t
from bot.core.services import Services
from bot.core.settings import Settings
from bot.people.install import active_workspaces
from bot.people.members import actor_for
from bot.ui import blocks as bk
from scheduler import ledger
from scheduler.locks import LEADER, Lock
from scheduler.registry import Job, JobContext, load_jobs
from scheduler.sender import STALE_SINCE, Fence, Message, Send, Sender
from storage.db import Database
from storage.models import Delivery, JobRun, Person
from storage.queries.sql import insert_ignoring_conflict

log = logging.getLogger("scheduler")

ALERT_AFTER = 3
ALERT_JOB = "job-alerts"
LEDGER_KEEP = timedelta(days=120)


# ----- job_runs ---------------------------------------------------------------------------------
def _record(db: Database, name: str, **values: Any) -> JobRun:
    with db.transaction() as session:
        first = {"name": name, "consecutive_failures": 0}
        session.execute(insert_ignoring_conflict(session, JobRun, first, key=["name"]))
        if values.pop("failed", False):
            values["consecutive_failures"] = JobRun.consecutive_failures + 1
        session.execute(update(JobRun).where(JobRun.name == name).values(**values))
        run = session.get(JobRun, name, populate_existing=True)
        assert run is not None
        return run


def last_started(db: Database) -> dict[str, datetime | None]:
    with db.transaction() as session:
        return {run.name: run.last_started_at for run in session.scalars(select(JobRun))}


# ----- running ------------------------------------------------------------------------------
def sweep(services: Services, client: WebClient, job: Job, at: datetime, *, holds_lock: bool = True) -> int:
    """One sweep of `job` without locking or recording (callers do both): messages sent."""
    return fenced_sweep(services, client, job, at, fence=None, holds_lock=holds_lock).sent


def fenced_sweep(
    services: Services, client: WebClient, job: Job, at: datetime, *, fence: Fence | None, holds_lock: bool = True
) -> Sender:
    """One sweep of `job` sending under `fence`; the sender, with what it sent and left unsent."""
    sender = Sender(services, client, job=job.name, at=at, holds_lock=holds_lock, fence=fence)
    sender.resolve_stale()
    job.sweep(JobContext(services=services, sender=sender, at=at))
    return sender


def run_job(services: Services, client: WebClient, name: str, at: datetime, *, wait: bool = True) -> int:
    """Run job `name` as of `at`, holding its lock; messages sent (0 if busy and not `wait`).

    A failure is recorded (and alerted after `ALERT_AFTER` in a row) and raised again.
    """
    job = load_jobs()[name]
    lock = Lock(services.db, f"job:{name}")
    if not lock.acquire(wait=wait):
        return 0
    try:
        started = _record(services.db, name, last_started_at=services.clock.now(), fence=JobRun.fence + 1)
        try:
            sender = fenced_sweep(services, client, job, at, fence=Fence(started.fence, lambda: lock.held))
        except Exception as exc:
            run = _record(
                services.db,
                name,
                last_failure_at=services.clock.now(),
                last_error=f"{type(exc).__name__}: {exc}"[:2000],
                failed=True,
            )
            log.exception("job %s failed (%d in a row)", name, run.consecutive_failures)
            if run.consecutive_failures >= ALERT_AFTER:
                _alert_admins(services, client, name, run, at)
            raise
        if sender.stopped.is_set():
            # Lost the lock mid-sweep: whoever holds it now records its own run.
            log.warning(
                "job %s as of %s stopped after %s: lost its lock",
                name,
                at.isoformat(),
                plural("en", sender.sent, one="# message", other="# messages"),
            )
            return sender.sent
        undelivered = sender.undelivered
        run = _record(
            services.db,
            name,
            last_success_at=services.clock.now(),
            consecutive_failures=0,
            last_error=None,
            undelivered=undelivered,
            undelivered_runs=JobRun.undelivered_runs + 1 if undelivered else 0,
        )
        log.info(
            "job %s as of %s: %s sent, %d undelivered",
            name,
            at.isoformat(),
            plural("en", sender.sent, one="# message", other="# messages"),
            undelivered,
        )
        if run.undelivered_runs >= ALERT_AFTER:
            _alert_admins(services, client, name, run, at, undelivered=True)
        return sender.sent
    finally:
        lock.release()


def due_jobs(services: Services, at: datetime) -> list[str]:
    """Jobs whose interval has passed since they last started (or that never ran, or whose
    last start is after `at`: a clock moved back)."""
    started = last_started(services.db)
    due = []
    for name, job in sorted(load_jobs().items()):
        last = started.get(name)
        if last is None or at - last >= job.interval or at < last:
            due.append(name)
    return due


def run_due_jobs(services: Services, client: WebClient, at: datetime) -> dict[str, int]:
    """Run every job due at `at`; {name: messages sent}, -1 for a job that failed (logged)."""
    results: dict[str, int] = {}
    for name in due_jobs(services, at):
        try:
            results[name] = run_job(services, client, name, at)
        except Exception:
            results[name] = -1
    return results


def web_client(settings: Settings) -> WebClient:
    """The base client jobs send with (the sender adds its own retry handlers and tokens)."""
    return WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=30)


def run_job_once(settings: Settings, db: Database, name: str, at: datetime) -> int:
    """`pipeline-coach jobs run NAME --at ISO`: waits for the job's lock if a sweep is running."""
    services = Services(settings=settings, db=db, clock=Clock())
    return run_job(services, web_client(settings), name, at)


# ----- alerts -------------------------------------------------------------------------------
def _alert_admins(
    services: Services, client: WebClient, name: str, run: JobRun, at: datetime, *, undelivered: bool = False
) -> None:
    """DM every admin: the job `name` keeps failing (or, `undelivered`, keeps leaving messages
    unsent). Once per job per (UTC) day per admin."""
    try:
        with services.db.transaction() as session:
            admins = list(
                session.scalars(
                    select(Person).where(
                        Person.role == "admin", Person.is_active.is_(True), Person.team_id.in_(active_workspaces())
                    )
                )
            )
            actors = [actor_for(p) for p in admins]
        sender = Sender(services, client, job=ALERT_JOB, at=at, holds_lock=False)  # no lock of its own
        sends = []
        last_error = _last_delivery_error(services, name) if undelivered else run.last_error
        for actor in actors:
            if undelivered:
                text = t(
                    actor.lang,
                    "sched.alert.undelivered",
                    job=name,
                    count=run.undelivered,
                    runs=run.undelivered_runs,
                    error=bk.escape((last_error or "")[:300]),
                    days=STALE_SINCE.days,
                )
                summary = t(actor.lang, "sched.alert.undelivered.summary", job=name)
            else:
                text = t(
                    actor.lang,
                    "sched.alert",
                    job=name,
                    failures=run.consecutive_failures,
                    error=bk.escape((last_error or "")[:300]),
                )
                summary = t(actor.lang, "sched.alert.summary", job=name)
            sends.append(
                Send(
                    team_id=actor.team_id,
                    recipient=actor.user_id,
                    dedupe_key=f"{name}{':undelivered' if undelivered else ''}:{at.astimezone(UTC).date().isoformat()}",
                    message=Message(text=text, blocks=[bk.section(text)]),
                    summary=summary,
                )
            )
        sender.deliver_all(sends)
    except Exception:
        log.exception("could not alert admins about job %s", name)


def _last_delivery_error(services: Services, job: str) -> str | None:
    with services.db.transaction() as session:
        return session.scalar(
            select(Delivery.last_error)
            .where(Delivery.job == job, Delivery.status == "failed")
            .order_by(Delivery.claimed_at.desc(), Delivery.id.desc())
            .limit(1)
        )


# ----- the background scheduler -------------------------------------------------------------
class SchedulerService:
    """APScheduler with one interval trigger per job; only the leader process sweeps."""

    def __init__(self, services: Services, client: WebClient) -> None:
        self.services = services
        self.client = client
        self.leader = Lock(services.db, LEADER)
        self._leader_guard = threading.Lock()
        self.scheduler = BackgroundScheduler(
            timezone=UTC,
            executors={"default": APThreadPool(max_workers=8)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 600},
        )

    def start(self) -> SchedulerService:
        now = Clock().now()  # APScheduler's timers run on the system clock, whatever the app's says
        for index, (name, job) in enumerate(sorted(load_jobs().items())):
            self.scheduler.add_job(
                self._tick,
                IntervalTrigger(seconds=job.interval.total_seconds(), timezone=UTC),
                args=[name],
                id=name,
                next_run_time=now + timedelta(seconds=5 + 2 * index),
            )
        self.scheduler.add_job(self._housekeeping, IntervalTrigger(hours=6, timezone=UTC), id="housekeeping")
        self.scheduler.start()
        log.info("scheduler started with %s", plural("en", len(load_jobs()), one="# job", other="# jobs"))
        return self

    def is_leader(self) -> bool:
        with self._leader_guard:
            if self.leader.held:
                return True
            if self.leader.acquire(wait=False):
                log.info("this process now runs the scheduled sweeps")
                return True
            return False

    def _tick(self, name: str) -> None:
        if not self.is_leader():
            return
        with contextlib.suppress(Exception):  # recorded and logged by run_job; the next tick tries again
            run_job(self.services, self.client, name, self.services.clock.now(), wait=False)

    def _housekeeping(self) -> None:
        if not self.is_leader():
            return
        try:
            with self.services.db.transaction() as session:
                pruned = ledger.prune(session, before=self.services.clock.now() - LEDGER_KEEP)
            if pruned:
                log.info("pruned %d old delivery rows", pruned)
        except Exception:
            log.exception("ledger housekeeping failed")

    def shutdown(self) -> None:
        self.scheduler.shutdown(wait=False)
        with self._leader_guard:
            self.leader.release()


def start_background_scheduler(services: Services) -> SchedulerService:
    """Run the scheduler inside `serve`/`socket` (each worker may; one leads)."""
    return SchedulerService(services, web_client(services.settings)).start()


def run_scheduler_forever(settings: Settings, db: Database) -> None:
    """`pipeline-coach scheduler`: only the scheduler, until SIGTERM or Ctrl-C."""
    services = Services(settings=settings, db=db, clock=Clock())
    service = SchedulerService(services, web_client(settings)).start()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    try:
        while not stop.wait(1.0):
            pass
    finally:
        service.shutdown()
