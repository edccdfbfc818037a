"""Real processes: a sweep killed mid-way and restarted delivers every message exactly once;
two processes over the same due work send no duplicate; the leader lock passes on when its
holder dies; job health and the admins' alert."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from slack_sdk import WebClient
from sqlalchemy import select

from bot.core.clock import Clock, ManualClock
from bot.core.services import Services
from bot.core.settings import Settings
from bot.people.members import ensure_person
from dev.fake_slack import FakeSlack
from scheduler.health import job_health
from scheduler.locks import LEADER, Lock
from scheduler.registry import JOBS, JobContext, job
from scheduler.service import ALERT_AFTER, run_job
from storage.db import Database
from storage.models import Delivery, Person
from tests.conftest import TEAM
from tests.faults.world import people_with_overdue_follow_ups
from tests.scheduler_world import local

# Longer than the suite's 120 s per test: scheduler processes waited for up to 120-180 s by the tests' own deadlines.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

TZ = "Asia/Shanghai"
MON = date(2026, 11, 23)
AT = local(MON, "09:30", TZ)
ROOT = Path(__file__).resolve().parents[1]


def _env(database_url: str, fake: FakeSlack, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    env.update(
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN="xoxb-process-test",
        SLACK_API_URL=fake.api_url,
        LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),  # keep what was there
    )
    env.update(extra)
    return env


def _jobs_run(env: dict[str, str], name: str = "followup-nudges") -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "runtime.cli", "jobs", "run", name, "--at", AT.isoformat()],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _statuses(db: Database) -> list[str]:
    with db.transaction() as session:
        return sorted(session.scalars(select(Delivery.status).where(Delivery.job == "followup-nudges")))


def test_a_sweep_killed_mid_way_then_restarted_sends_each_message_exactly_once(
    db: Database, fake_slack: FakeSlack, database_url: str
) -> None:
    users = people_with_overdue_follow_ups(db, 12)
    # Slack gets the 5th message but its answer never comes back: the process is killed there.
    fake_slack.stall_after(4)
    env = _env(database_url, fake_slack, WORKSPACE_SEND_RATE="4")
    first = _jobs_run(env)
    try:
        assert fake_slack.stalled.wait(60), first.stderr.read() if first.poll() is not None else "no stall"
        first.send_signal(signal.SIGKILL)
    finally:
        first.wait(30)
    assert first.returncode == -signal.SIGKILL
    delivered = {u: len(fake_slack.dms_to(u)) for u in users}
    assert 5 <= sum(delivered.values()) < len(users), delivered  # interrupted part-way
    assert "claimed" in _statuses(db)  # the stalled one, at least: claimed, never marked sent

    second = _jobs_run(env)
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert {u: len(fake_slack.dms_to(u)) for u in users} == dict.fromkeys(users, 1)
    assert _statuses(db) == ["sent"] * len(users)
    resent = len(users) - sum(delivered.values())
    assert f"{resent} {'message' if resent == 1 else 'messages'} sent" in out
    history = [c for c in fake_slack.calls if c.method == "conversations.history"]
    assert history and all(c.params.get("include_all_metadata") for c in history)


def test_two_processes_over_the_same_due_work_send_no_duplicate(
    db: Database, fake_slack: FakeSlack, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes share one database on PostgreSQL only")
    users = people_with_overdue_follow_ups(db, 20)
    env = _env(database_url, fake_slack, WORKSPACE_SEND_RATE="10")
    procs = [_jobs_run(env) for _ in range(2)]
    outputs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in outputs]
    sent = sorted(int(out.rsplit(":", 1)[1].split()[0]) for out, _ in outputs)
    assert sent == [0, len(users)]
    assert {u: len(fake_slack.dms_to(u)) for u in users} == dict.fromkeys(users, 1)
    assert _statuses(db) == ["sent"] * len(users)


@pytest.fixture
def holder(database_url: str) -> Iterator[subprocess.Popen[str]]:
    """Another process that takes the leader lock and keeps it until it is killed."""
    code = textwrap.dedent(
        f"""
        import sys, time
        from storage.db import Database
        from scheduler.locks import LEADER, Lock
        lock = Lock(Database({database_url!r}), LEADER)
        assert lock.acquire(wait=False)
        print("leading", flush=True)
        time.sleep(300)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(30)


def test_the_leader_lock_passes_to_another_process_when_its_holder_dies(
    db: Database, holder: subprocess.Popen[str]
) -> None:
    assert holder.stdout is not None and holder.stdout.readline().strip() == "leading"
    mine = Lock(db, LEADER)
    assert not mine.acquire(wait=False)
    holder.kill()
    holder.wait(30)
    deadline = time.monotonic() + 30
    while not mine.acquire(wait=False):
        assert time.monotonic() < deadline, "the lock was never released"
        time.sleep(0.2)
    assert mine.held
    mine.release()


@pytest.fixture
def broken_job() -> Iterator[str]:
    name = "test-broken"

    @job(name, minutes=5)
    def sweep(ctx: JobContext) -> int:
        raise RuntimeError("the database of the CRM is down")

    yield name
    JOBS.pop(name, None)


def test_a_job_that_keeps_failing_is_unhealthy_and_admins_get_one_dm(
    settings: Settings, db: Database, fake_slack: FakeSlack, broken_job: str
) -> None:
    clock = ManualClock(AT)
    services = Services(settings=settings, db=db, clock=clock)
    with db.transaction() as session:
        admin = ensure_person(session, TEAM, "UADMIN", AT)  # the first person: admin
        ensure_person(session, TEAM, "UREP", AT)
        assert admin.role == "admin"
    client = WebClient(token="xoxb-test-token", base_url=fake_slack.api_url)
    for n in range(ALERT_AFTER + 2):
        clock.set(AT + timedelta(minutes=5 * n))
        with pytest.raises(RuntimeError):
            run_job(services, client, broken_job, clock.now())
    alerts = fake_slack.dms_to("UADMIN")
    assert len(alerts) == 1 and "test-broken" in alerts[0].text and "failed 3 times" in alerts[0].text
    assert fake_slack.dms_to("UREP") == []
    health = {j["name"]: j for j in job_health(db, clock.now())}
    assert health[broken_job]["consecutive_failures"] == ALERT_AFTER + 2
    assert not health[broken_job]["healthy"]


def test_jobs_list_shows_each_jobs_last_success(db: Database, fake_slack: FakeSlack, database_url: str) -> None:
    people_with_overdue_follow_ups(db, 1)
    env = _env(database_url, fake_slack)
    run = subprocess.run(
        [sys.executable, "-m", "runtime.cli", "jobs", "run", "checkin-morning", "--at", AT.isoformat()],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    listing = subprocess.run(
        [sys.executable, "-m", "runtime.cli", "jobs", "list"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert listing.returncode == 0, listing.stderr
    lines = {line.split()[0]: line for line in listing.stdout.splitlines() if line.strip()}
    for name in ("checkin-morning", "checkin-evening", "followup-nudges", "relationship-decay", "stale-deals"):
        assert name in lines
    assert "ok" in lines["checkin-morning"] and "never" not in lines["checkin-morning"]
    assert "never" in lines["stale-deals"]
    with db.transaction() as session:
        person = session.scalars(select(Person)).one()
        assert person.dm_channel_id == fake_slack.dm_channel(person.slack_user_id)


def test_health_turns_unhealthy_after_twice_the_interval(db: Database) -> None:
    from scheduler.service import _record

    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    _record(db, "followup-nudges", last_started_at=now, last_success_at=now)
    health = {j["name"]: j for j in job_health(db, now + timedelta(minutes=10))}
    assert health["followup-nudges"]["healthy"]
    health = {j["name"]: j for j in job_health(db, now + timedelta(minutes=10, seconds=1))}
    assert not health["followup-nudges"]["healthy"]


def _zone_in_working_hours(now: datetime) -> str | None:
    """A time zone where it is now a weekday between 10:00 and 19:00 (nudges may go out)."""
    from bot.core.clock import zone

    for name in (
        "UTC",
        "Asia/Shanghai",
        "Europe/Berlin",
        "America/New_York",
        "Asia/Tokyo",
        "America/Los_Angeles",
        "Asia/Kolkata",
        "Pacific/Auckland",
        "America/Sao_Paulo",
        "Asia/Dubai",
    ):
        local_now = now.astimezone(zone(name))
        if local_now.weekday() < 5 and 10 <= local_now.hour < 19:
            return name
    return None


def test_two_scheduler_processes_one_leads_and_nothing_is_sent_twice(
    db: Database, fake_slack: FakeSlack, database_url: str
) -> None:
    now = Clock().now()  # the clock the scheduler processes run on
    tz = _zone_in_working_hours(now)
    if tz is None:
        pytest.skip("no time zone is inside working hours right now")
    users = people_with_overdue_follow_ups(db, 6, at=now)
    with db.transaction() as session:
        for person in session.scalars(select(Person)):
            person.tz = tz
    env = _env(database_url, fake_slack, WORKSPACE_SEND_RATE="20", LOG_LEVEL="INFO")
    started = time.monotonic()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "runtime.cli", "scheduler"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        nudged = lambda: all(  # noqa: E731
            any("Follow-ups due" in str(m.blocks) for m in fake_slack.dms_to(u)) for u in users
        )
        assert fake_slack.wait_for(nudged, timeout=90)
        # Every job's first tick comes within ~25 s of start (the next in minutes): stop after
        # them all, or a follower could rightly take over from the leader as it shuts down.
        time.sleep(max(0.0, started + 35 - time.monotonic()))
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        logs = [proc.communicate(timeout=60)[1] for proc in procs]
    per_job: dict[tuple[str, str], int] = {}
    for user in users:
        for message in fake_slack.dms_to(user):
            key = (user, str((message.metadata or {}).get("event_payload", {}).get("job")))
            per_job[key] = per_job.get(key, 0) + 1
    assert all(per_job.get((u, "followup-nudges")) == 1 for u in users), per_job
    assert set(per_job.values()) == {1}, per_job  # whatever else fell due (a check-in) also once
    leaders = [log for log in logs if "this process now runs the scheduled sweeps" in log]
    assert len(leaders) == 1, logs
    assert all(proc.returncode == 0 for proc in procs), logs
