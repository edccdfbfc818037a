"""`pipeline-coach serve` as operators run it: JSON logs, graceful shutdown, migrate while serving."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from dev import slack_requests as sr
from dev.fake_slack import FakeSlack
from storage.db import Database

pytestmark = pytest.mark.slow
SECRET = "serve-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_env(fake: FakeSlack, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_BOT_TOKEN="xoxb-serve-token",
        SLACK_API_URL=fake.api_url,
        DATABASE_URL=database_url,
        SCHEDULER_ENABLED="false",
        SPOOL_DIR=tempfile.mkdtemp(prefix="pc-spool-"),
    )
    env.update(extra)
    return env


def wait_healthy(base: str, proc: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            raise AssertionError(proc.stderr.read().decode() if proc.stderr and proc.poll() is not None else "timeout")
        time.sleep(0.2)


@contextmanager
def serving(env: dict[str, str], *args: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "runtime.cli", "serve", "--host", "127.0.0.1", "--port", str(port), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base, proc)
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)


def coach_help(fake: FakeSlack, base: str, user: str, team: str = "T0000SRV") -> int:
    body = sr.command_form(
        command="/coach",
        text="help",
        user_id=user,
        team_id=team,
        channel_id="C1",
        response_url=fake.response_url(user, "C1"),
    )
    return sr.post_signed(f"{base}/slack/events", body, sr.FORM, SECRET).status


def test_sigterm_finishes_acknowledged_work_then_exits_cleanly_with_json_logs(database_url: str, db: Database) -> None:
    # `db`: every table empty first (job rows an earlier test left would make /healthz 503).
    with FakeSlack(team_id="T0000SRV") as fake:
        fake.add_user("U1", "Ann")
        env = serve_env(fake, database_url, LOG_FORMAT="json", LOG_LEVEL="INFO")
        with serving(env) as (base, proc):
            fake.delays["users.info"] = 2.0  # the listener is still working after the ack
            started = time.monotonic()
            assert coach_help(fake, base, "U1") == 200
            assert time.monotonic() - started < 1.5  # acknowledged before the slow work
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0
            stderr = proc.stderr.read().decode() if proc.stderr else ""
        # The acknowledged command was answered before the process went away.
        assert [m.user for m in fake.ephemerals_to("U1")] == ["U1"]
    lines = [line for line in stderr.splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    messages = [e["message"] for e in entries]
    assert "shutdown complete" in messages
    assert any(e.get("path") == "/slack/events" and e.get("status") == 200 for e in entries)
    assert "xoxb-serve-token" not in stderr and SECRET not in stderr


def test_migrate_runs_while_the_old_version_serves(database_url: str, db: Database) -> None:
    # `db`: every table empty first (job rows an earlier test left would make /healthz 503).
    with FakeSlack(team_id="T0000SRV") as fake:
        fake.add_user("U1", "Ann")
        env = serve_env(fake, database_url)
        with serving(env) as (base, _proc):
            migrate = subprocess.Popen(
                [sys.executable, "-m", "runtime.cli", "migrate"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            statuses = []
            while migrate.poll() is None:
                statuses.append(coach_help(fake, base, "U1"))
                time.sleep(0.05)
            out, err = migrate.communicate(timeout=60)
            assert migrate.returncode == 0, err.decode()
            assert b"up to date" in out
            statuses.append(coach_help(fake, base, "U1"))
            assert set(statuses) == {200}
            assert fake.wait_for(lambda: len(fake.ephemerals_to("U1")) == len(statuses), timeout=15)
