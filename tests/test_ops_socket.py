"""`pipeline-coach socket`: the same app over Socket Mode (no public URL), against a fake Slack
that also plays Socket Mode's WebSocket end."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from urllib.parse import parse_qsl

import pytest
from sqlalchemy import select

from dev import slack_requests as sr
from dev.fake_slack import FakeSlack
from dev.fake_socket_mode import FakeSocketMode
from storage.db import Database
from storage.models import EventReceipt, Person, Workspace

pytestmark = pytest.mark.slow
TEAM = "T0000SOCK"


def test_socket_mode_serves_commands_and_events_once_and_stops_cleanly(database_url: str, db: Database) -> None:
    with FakeSlack(team_id=TEAM) as fake:
        socket_mode = FakeSocketMode(fake).start()
        fake.add_user("U1", "Ann", locale="zh-CN")
        env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
        env.update(
            SLACK_APP_TOKEN="xapp-1-A0FAKEAPP-1-fake",
            SLACK_BOT_TOKEN="xoxb-socket-token",
            SLACK_API_URL=fake.api_url,
            DATABASE_URL=database_url,
            SCHEDULER_ENABLED="false",
            LOG_FORMAT="json",
        )
        proc = subprocess.Popen(
            [sys.executable, "-m", "runtime.cli", "socket"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            assert socket_mode.wait_connected(30), "the app never connected"
            command = dict(
                parse_qsl(
                    sr.command_form(
                        command="/coach",
                        text="help",
                        user_id="U1",
                        team_id=TEAM,
                        channel_id="C1",
                        response_url=fake.response_url("U1", "C1"),
                    ).decode()
                )
            )
            assert socket_mode.wait_ack(socket_mode.send("slash_commands", command)) is not None
            assert fake.wait_for(lambda: len(fake.ephemerals_to("U1")) == 1, timeout=15)
            assert "管理命令" in fake.ephemerals_to("U1")[0].text

            event = sr.event_envelope(team_id=TEAM, event={"type": "app_uninstalled"}, event_id="EvSOCK1")
            socket_mode.send("events_api", event)
            socket_mode.send("events_api", event, retry_attempt=1)  # Slack's retry of the same event
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                with db.transaction() as session:
                    workspace = session.get(Workspace, TEAM)
                    if workspace is not None and workspace.uninstalled_at is not None:
                        break
                time.sleep(0.1)
            time.sleep(0.5)
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0
            stderr = proc.stderr.read().decode() if proc.stderr else ""
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)
            socket_mode.stop()
    with db.transaction() as session:
        assert session.get(Workspace, TEAM).uninstalled_at is not None  # type: ignore[union-attr]
        assert session.scalars(select(Person.slack_user_id)).all() == ["U1"]
        assert session.scalars(select(EventReceipt.event_id)).all() == ["EvSOCK1"]
    messages = [json.loads(line)["message"] for line in stderr.splitlines() if line.strip()]
    assert any("already handled" in m for m in messages), messages
    assert "shutdown complete" in messages
    assert "xoxb-socket-token" not in stderr and "xapp-1-A0FAKEAPP" not in stderr
