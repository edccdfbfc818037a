"""Fencing of scheduled sends: a sweep that lost its lock stops, and no two sweeps ever send the
same delivery, even when the lock's connection dies mid-sweep and another sweep starts."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from slack_sdk import WebClient
from sqlalchemy import func, select, text, update

from bot.core.clock import ManualClock
from bot.core.services import Services
from bot.core.settings import Settings
from bot.people.members import ensure_person
from dev.fake_slack import FakeSlack
from scheduler import ledger
from scheduler.sender import Fence, Message, Send, Sender
from scheduler.service import run_job
from storage.db import Database
from storage.models import Delivery, JobRun
from tests.conftest import TEAM
from tests.faults.world import AT, JOB, people_with_overdue_follow_ups


def _client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test-token", base_url=fake.api_url)


def _lock_holder_pid(db: Database) -> int | None:
    with db.engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            )
        ).scalar()


def test_a_sweep_whose_lock_connection_is_terminated_stops_and_a_second_sweep_sends_each_dm_once(
    db: Database, postgres_url: str, settings: Settings, clock: ManualClock, fake_slack: FakeSlack
) -> None:
    users = people_with_overdue_follow_ups(db, 300)
    fast = settings.model_copy(update={"workspace_send_rate": 400.0})
    clock.set(AT)
    first = Services(settings=fast, db=db, clock=clock)
    # The second sweep is another process: its own pool (and its own in-process lock table).
    other_db = Database(db.url + "?application_name=second-sweep")
    second = Services(settings=fast, db=other_db, clock=clock)
    fake_slack.hold("chat.postMessage", after=100)  # Slack stops answering a third of the way in
    errors: list[BaseException] = []

    def sweep(services: Services) -> None:
        try:
            run_job(services, _client(fake_slack), JOB, AT)
        except BaseException as exc:
            errors.append(exc)

    a = threading.Thread(target=sweep, args=(first,))
    a.start()
    try:
        assert fake_slack.holding.wait(60), "the first sweep never reached the held post"
        pid = _lock_holder_pid(db)
        assert pid is not None
        with db.engine.connect() as conn:  # the lock's connection dies; PostgreSQL frees the lock
            assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
        b = threading.Thread(target=sweep, args=(second,))
        b.start()
        for _ in range(600):  # the second sweep holds the lock: its fencing token is the job's now
            with db.transaction() as session:
                if session.scalar(select(JobRun.fence).where(JobRun.name == JOB)) == 2:
                    break
            threading.Event().wait(0.05)
        else:
            pytest.fail("the second sweep never took the lock")
    finally:
        fake_slack.release()  # the first sweep's held posts go through now, late
    a.join(120)
    b.join(120)
    other_db.dispose()
    assert errors == []
    per_user = {u: len(fake_slack.dms_to(u)) for u in users}
    assert {u: n for u, n in per_user.items() if n != 1} == {}
    with db.transaction() as session:
        counted = select(Delivery.status, func.count()).where(Delivery.job == JOB).group_by(Delivery.status)
        statuses = {status: n for status, n in session.execute(counted)}
    assert statuses == {"sent": 300}


@pytest.fixture
def services(settings: Settings, db: Database, clock: ManualClock) -> Services:
    with db.transaction() as session:
        for user in ("U1", "U2"):
            ensure_person(session, TEAM, user, clock.now())
        # Direct: the scheduler's ledger row of the job whose fence the test moves.
        session.add(JobRun(name="test-job", consecutive_failures=0, fence=1))
    return Services(settings=settings, db=db, clock=clock)


def _send(user: str) -> Send:
    return Send(team_id=TEAM, recipient=user, dedupe_key="2026-11-23", message=Message(text="Your follow-ups"))


def test_a_sweep_stops_sending_once_another_sweep_has_taken_the_lock(
    services: Services, fake_slack: FakeSlack, clock: ManualClock
) -> None:
    old = Sender(services, _client(fake_slack), job="test-job", at=clock.now(), fence=Fence(1, lambda: True))
    assert old.deliver(_send("U1")).status == "sent"
    with services.db.transaction() as session:  # another sweep takes the lock
        session.execute(update(JobRun).where(JobRun.name == "test-job").values(fence=2))
    assert old.deliver(_send("U2")).status == "stopped"
    assert old.stopped.is_set() and fake_slack.dms_to("U2") == []
    new = Sender(services, _client(fake_slack), job="test-job", at=clock.now(), fence=Fence(2, lambda: True))
    assert new.deliver(_send("U2")).status == "sent"
    assert [len(fake_slack.dms_to(u)) for u in ("U1", "U2")] == [1, 1]


def test_a_sweep_whose_lock_check_fails_sends_nothing_more(
    services: Services, fake_slack: FakeSlack, clock: ManualClock
) -> None:
    sender = Sender(services, _client(fake_slack), job="test-job", at=clock.now(), fence=Fence(1, lambda: False))
    assert sender.deliver(_send("U1")).status == "stopped"
    assert sender.deliver(_send("U2")).status == "stopped"  # stopped: not even claimed
    assert fake_slack.calls_to("chat.postMessage") == []
    with services.db.transaction() as session:  # claimed, never taken: the next holder sends it
        rows = session.scalars(select(Delivery)).all()
        assert [(r.recipient, r.status, r.taken_at) for r in rows] == [("U1", "claimed", None)]


def test_a_row_taken_by_another_sweep_is_left_alone_until_its_lease_ends(
    services: Services, fake_slack: FakeSlack, clock: ManualClock
) -> None:
    with services.db.transaction() as session:  # fence 1 took it and may be mid-call to Slack
        claim = ledger.claim(
            session, team_id=TEAM, job="test-job", recipient="U1", dedupe_key="2026-11-23", at=clock.now()
        )
        assert ledger.take(session, claim.id, token=1, job="test-job", now=clock.now())
        session.execute(update(JobRun).where(JobRun.name == "test-job").values(fence=2))
    new = Sender(services, _client(fake_slack), job="test-job", at=clock.now(), fence=Fence(2, lambda: True))
    assert new.deliver(_send("U1")).status == "skipped"
    assert fake_slack.dms_to("U1") == []
    clock.advance(ledger.LEASE + timedelta(seconds=1))  # that sweep is long gone: nothing in Slack either
    later = Sender(services, _client(fake_slack), job="test-job", at=clock.now(), fence=Fence(2, lambda: True))
    assert later.deliver(_send("U1")).status == "sent"
    assert len(fake_slack.dms_to("U1")) == 1
