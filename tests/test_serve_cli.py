"""`pipeline-coach serve` under its production server, and its refusal to start misconfigured."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from dev import slack_requests as sr
from dev.fake_slack import FakeSlack
from runtime.spool import Spool
from tests.test_ops_serve import SECRET, serve_env, serving

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cli() -> list[str]:
    return [sys.executable, "-m", "runtime.cli"]


def test_serve_without_signing_secret_exits_with_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'x.db'}"
    result = subprocess.run(
        [*_cli(), "serve", "--port", str(_free_port())], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "SLACK_SIGNING_SECRET" in lines[0]
    assert "Traceback" not in result.stderr


def test_malformed_setting_names_the_variable(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "SLACK_API_URL": "not-a-url",
        "SLACK_SIGNING_SECRET": "x",
        "SLACK_BOT_TOKEN": "xoxb-1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
    }
    result = subprocess.run([*_cli(), "migrate"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0
    assert "SLACK_API_URL" in result.stderr


def test_serve_answers_signed_requests_and_health(tmp_path: Path, empty_database_url: str) -> None:
    port = _free_port()
    with FakeSlack(team_id="T0000SRV") as fake:
        fake.add_user("U1", "Ann", locale="en-US")
        env = {
            **os.environ,
            "SLACK_SIGNING_SECRET": "serve-secret",
            "SLACK_BOT_TOKEN": "xoxb-1",
            "SLACK_API_URL": fake.api_url,
            "DATABASE_URL": empty_database_url,
            "SCHEDULER_ENABLED": "false",
            "SPOOL_DIR": str(tmp_path / "spool"),
        }
        proc = subprocess.Popen(
            [*_cli(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                        assert response.status == 200
                        break
                except OSError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise AssertionError(proc.stderr.read().decode() if proc.stderr else "") from None
                    time.sleep(0.2)
            body = sr.command_form(
                command="/coach",
                text="help",
                user_id="U1",
                team_id="T0000SRV",
                channel_id="C1",
                response_url=fake.response_url("U1", "C1"),
            )
            good = sr.post_signed(f"{base}/slack/events", body, sr.FORM, "serve-secret")
            assert good.status == 200
            bad = sr.post_signed(f"{base}/slack/events", body, sr.FORM, "wrong")
            assert bad.status == 401
            assert fake.wait_for(lambda: len(fake.ephemerals_to("U1")) == 1, timeout=10)
            time.sleep(0.3)
            assert len(fake.ephemerals_to("U1")) == 1  # the bad request led to nothing
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        log = proc.stderr.read().decode() if proc.stderr else ""
        assert "shutdown complete" in log  # the log was read to its end
        # A start without warnings to puzzle over: Bolt's "`token` will be unused" (the client
        # carries that same token) and Alembic's INFO lines about its plugins.
        assert "will be unused" not in log
        assert "alembic" not in log


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _eventually(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()


def test_serve_spools_visit_work_for_its_worker_process(tmp_path: Path, empty_database_url: str) -> None:
    """The ack comes from `serve`; the visit is stored and answered by the worker it started
    (at idle CPU priority), which stops when `serve` is killed outright."""
    with FakeSlack(team_id="T0000SRV") as fake:
        fake.add_user("U1", "Ann", locale="en-US", tz="Asia/Shanghai")
        env = serve_env(fake, empty_database_url, SPOOL_DIR=str(tmp_path / "spool"))
        with serving(env) as (base, proc):  # killed (SIGKILL) on the way out
            body = sr.command_form(
                command="/visit",
                text="Ricoh with Zhang in person: needs confirmed",
                user_id="U1",
                team_id="T0000SRV",
                channel_id="C1",
                response_url=fake.response_url("U1", "C1"),
            )
            answer = sr.post_signed(f"{base}/slack/events", body, sr.FORM, SECRET)
            assert (answer.status, answer.body) == (200, "")
            assert fake.wait_for(lambda: len(fake.ephemerals_to("U1")) == 1, timeout=20)
            reply = fake.ephemerals_to("U1")[0]
            assert "Ricoh" in reply.text + json.dumps(reply.blocks, ensure_ascii=False)
            assert _eventually(lambda: Spool(tmp_path / "spool").pending() == 0)  # done, nothing left
            workers = [p for p in _children(proc.pid) if b"worker" in Path(f"/proc/{p}/cmdline").read_bytes()]
            assert len(workers) == 1
            assert os.sched_getscheduler(workers[0]) == os.SCHED_IDLE  # acks get the CPU first
        deadline = time.monotonic() + 10
        while _alive(workers[0]) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(workers[0])
