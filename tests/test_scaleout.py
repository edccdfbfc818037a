"""Scale-out: two real `serve` processes on one database, signed requests spread across them.

Whatever process a request lands on, the outcome is the same as with one process: every visit
is stored once (a question asked by one process is answered on the other, double clicks
included), an Events API retry delivered to the other process is dropped, and every scheduled
message goes out once although both processes run the scheduler.
"""

from __future__ import annotations

import itertools
import json
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.core.clock import Clock
from bot.core.config import WorkspaceConfig
from bot.people.members import actor_for
from dev import slack_requests as sr
from dev.driver import Driver
from dev.fake_slack import FakeSlack, Message
from runtime.executor import TrackingExecutor
from storage.db import Database
from storage.models import Account, Delivery, FollowUp, JobRun, Person, Visit, Workspace
from tests.scheduler_world import next_step
from tests.test_ops_serve import free_port, serve_env, wait_healthy

# Longer than the suite's 120 s per test: two serving processes, each waited for up to 60 s,
# then waits of up to 60 s of their own.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]
TEAM = "T0000SCALE"
SECRET = "scale-secret"
USERS = ("U1", "U2", "U3", "U4")


@contextmanager
def two_processes(fake: FakeSlack, database_url: str, **env_extra: str) -> Iterator[list[str]]:
    # serve_env's settings, with the scheduler on unless the test says otherwise
    overrides = {"SLACK_SIGNING_SECRET": SECRET, "LOG_LEVEL": "WARNING", "SCHEDULER_ENABLED": "true", **env_extra}
    env = serve_env(fake, database_url, **overrides)
    with ExitStack() as stack:
        bases, procs = [], []
        for _ in range(2):
            port = free_port()
            proc = subprocess.Popen(
                [sys.executable, "-m", "runtime.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            stack.callback(_stop, proc)
            bases.append(f"http://127.0.0.1:{port}")
            procs.append(proc)
        for base, proc in zip(bases, procs, strict=True):
            wait_healthy(base, proc, timeout=60)
        yield bases


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def driver_for(fake: FakeSlack, base: str) -> Driver:
    """A driver that only sends (to one process); the app runs in the subprocess."""
    return Driver(
        None,  # type: ignore[arg-type]
        fake,
        signing_secret=SECRET,
        team_id=TEAM,
        executor=TrackingExecutor(max_workers=1),
        url=f"{base}/slack/events",
    )


def _as_source(message: Message) -> dict[str, Any]:
    return {"text": message.text, "blocks": message.blocks, "ts": message.ts, "ephemeral": True}


def _count(db: Database, model: type) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_visits_are_stored_once_whichever_process_answers(database_url: str, db: Database) -> None:
    lines = {
        f"Scaleco{i:02d} with Li: demo of the new model; next: call back tomorrow 10am": USERS[i % 4] for i in range(24)
    }
    with FakeSlack(team_id=TEAM) as fake:
        for user in USERS:
            fake.add_user(user, f"Rep {user}", tz="Asia/Shanghai")
        with two_processes(fake, database_url, SCHEDULER_ENABLED="false") as bases:
            drivers = [driver_for(fake, base) for base in bases]
            for user in USERS:  # everyone known first (the first one becomes admin)
                assert drivers[0].command(user, "/visit", "help", wait=False).status == 200
            assert fake.wait_for(lambda: all(fake.ephemerals_to(u) for u in USERS), timeout=15)

            # Each line goes to one process; it does not know the account and asks.
            pool = ThreadPoolExecutor(8)
            order = itertools.cycle(drivers)
            statuses = list(
                pool.map(lambda item: next(order).command(item[1], "/visit", item[0], wait=False).status, lines.items())
            )
            assert set(statuses) == {200}

            def question(line: str, user: str) -> Message | None:
                for message in fake.ephemerals_to(user):
                    if line in message.text and any(b.get("type") == "actions" for b in message.blocks):
                        return message
                return None

            assert fake.wait_for(lambda: all(question(line, user) for line, user in lines.items()), timeout=30)

            # The answer lands on a process chosen at random, and is double-clicked: one click to
            # each process at once. The pending line travels in the button, not in memory.
            def answer(item: tuple[str, str]) -> list[int]:
                line, user = item
                source = _as_source(question(line, user))  # type: ignore[arg-type]
                first, second = random.sample(drivers, 2)
                with ThreadPoolExecutor(2) as both:
                    clicks = [
                        both.submit(d.click, user, source, "visit_create_account", wait=False) for d in (first, second)
                    ]
                    return [c.result().status for c in clicks]

            results = list(pool.map(answer, lines.items()))
            assert {s for pair in results for s in pair} == {200}
            deadline = time.monotonic() + 30
            while _count(db, Visit) < len(lines) and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(1.0)  # let any duplicate that was going to happen happen

    with db.transaction() as session:
        raw = session.scalars(select(Visit.raw_text)).all()
        accounts = session.scalars(select(Account.name)).all()
        follow_ups = session.scalar(select(func.count()).select_from(FollowUp))
    assert sorted(raw) == sorted(lines)  # every line stored, none twice
    assert sorted(accounts) == sorted(line.split()[0] for line in lines)  # each account created once
    assert follow_ups == len(lines)


def test_an_event_retry_on_the_other_process_is_dropped(database_url: str, db: Database) -> None:
    with FakeSlack(team_id=TEAM) as fake:
        fake.add_user("U1", "Ann")
        with two_processes(fake, database_url, SCHEDULER_ENABLED="false") as bases:
            drivers = [driver_for(fake, base) for base in bases]
            drivers[0].command("U1", "/visit", "help", wait=False)
            assert fake.wait_for(lambda: bool(fake.ephemerals_to("U1")), timeout=15)
            for n in range(6):
                envelope = sr.event_envelope(
                    team_id=TEAM,
                    event={"type": "app_home_opened", "user": "U1", "channel": "DU1", "tab": "home"},
                    event_id=f"EvScale{n}",
                )
                body = json.dumps(envelope).encode()
                # The first delivery to one process, Slack's retry to the other, at the same time.
                with ThreadPoolExecutor(2) as both:
                    sent = [
                        both.submit(d.send, body, sr.JSON, headers={"X-Slack-Retry-Num": str(i)}, wait=False)
                        for i, d in enumerate(drivers)
                    ]
                    assert [s.result().status for s in sent] == [200, 200]
            assert fake.wait_for(lambda: len(fake.calls_to("views.publish")) >= 6, timeout=20)
            time.sleep(1.0)
    assert len(fake.calls_to("views.publish")) == 6


def _noon_zone() -> str:
    """A fixed-offset zone where it is about noon now (nudges go out from 09:30 local)."""
    offset = max(-12, min(14, 12 - Clock().now().hour))
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


def test_scheduled_messages_go_out_once_with_a_scheduler_in_each_process(database_url: str, db: Database) -> None:
    tz = _noon_zone()
    gone = "T0000GONE"
    with FakeSlack(team_id=TEAM) as fake:
        for user in USERS:
            fake.add_user(user, f"Rep {user}", tz=tz)
        fake.add_user("UGONE", "Left", tz=tz, team_id=gone)
        with two_processes(fake, database_url, SCHEDULER_ENABLED="false") as bases:
            drivers = [driver_for(fake, base) for base in bases]
            for i, user in enumerate(USERS):
                drivers[i % 2].command(user, "/visit", "help", wait=False)
            Driver(
                None,
                fake,
                signing_secret=SECRET,
                team_id=gone,
                executor=TrackingExecutor(max_workers=1),  # type: ignore[arg-type]
                url=drivers[0].url,
            ).command("UGONE", "/visit", "help", wait=False)
            assert fake.wait_for(lambda: all(fake.ephemerals_to(u) for u in (*USERS, "UGONE")), timeout=15)
        now = Clock().now()
        with db.transaction() as session:
            for workspace in session.scalars(select(Workspace)):
                # Direct: the schedule's working days are a setting the test needs on whatever day it runs.
                config = WorkspaceConfig.load(workspace.config)
                config.schedule.working_days = list(range(7))
                workspace.config = config.dump()
                if workspace.team_id == gone:
                    workspace.uninstalled_at = now  # Direct: what Slack's app_uninstalled event records.
            for person in session.scalars(select(Person)):
                # A call logged three days ago whose next step is two hours overdue now.
                next_step(session, actor_for(person), "send the quote", now - timedelta(hours=2))
        fake.reset()
        # Both processes run the scheduler; one leads, and the ledger keeps each message single.
        with two_processes(fake, database_url, SCHEDULER_ENABLED="true"):

            def nudged() -> bool:
                with db.transaction() as session:
                    run = session.get(JobRun, "followup-nudges")
                    return run is not None and run.last_success_at is not None

            deadline = time.monotonic() + 60
            while not nudged() and time.monotonic() < deadline:
                time.sleep(0.5)
            assert nudged(), "the follow-up nudges never ran"
            time.sleep(3)  # any second sender would have sent by now
    posts = fake.calls_to("chat.postMessage")
    by_recipient: dict[str, list[str]] = {}
    for call in posts:
        by_recipient.setdefault(str(call.params.get("channel")), []).append(str(call.params.get("text")))
    nudges = {channel: [t for t in texts if "follow-up" in t] for channel, texts in by_recipient.items()}
    assert {c for c, t in nudges.items() if t} == {fake.dm_channel(u) for u in USERS}
    assert all(len(t) <= 1 for t in nudges.values()), nudges  # once each
    assert all(len(texts) == len(set(texts)) for texts in by_recipient.values()), by_recipient
    assert fake.dm_channel("UGONE") not in by_recipient  # an uninstalled workspace gets nothing
    with db.transaction() as session:
        sent = session.scalar(select(func.count()).select_from(Delivery).where(Delivery.status == "sent"))
    assert sent == len(posts)
