"""A wrong set-up stops the command with one line naming the setting, as the README promises.

Each test runs the real `pipeline-coach` command line as a subprocess, against the fake Slack
(which refuses tokens it does not know, as Slack does), a port nothing listens on, or a
database server asked for a database it does not have. `migrate` says what it did.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from dev.fake_slack import FakeSlack
from storage.migrate import alembic_config

pytestmark = pytest.mark.slow

GOOD_TOKEN = "xoxb-1111-2222-right"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(**settings: str) -> dict[str, str]:
    """The test process's environment without any of the app's own settings, plus `settings`."""
    ours = ("SLACK_", "DATABASE_URL", "LOG_", "SPOOL_DIR", "SCHEDULER_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    env.update(SCHEDULER_ENABLED="false", **settings)
    return env


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "runtime.cli", *args], env=env, capture_output=True, text=True, timeout=90
    )


def _one_line(result: subprocess.CompletedProcess[str], setting: str) -> str:
    """The single line the command printed; fails unless it exited non-zero with only that."""
    assert result.returncode != 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert result.stdout == ""
    assert lines[0].startswith(f"pipeline-coach: {setting}"), lines[0]
    return lines[0]


# The commands that talk to Slack, each with what else it needs.
SLACK_COMMANDS = {
    "serve": (("serve", "--host", "127.0.0.1", "--port", str(_free_port())), {"SLACK_SIGNING_SECRET": "s3cret"}),
    "socket": (("socket",), {"SLACK_APP_TOKEN": "xapp-1-A1-1-abc"}),
    "jobs run": (("jobs", "run", "manager-digest"), {}),
}


@pytest.mark.parametrize("command", SLACK_COMMANDS)
def test_a_token_slack_refuses_is_one_line_naming_slack_bot_token(command: str, tmp_path: Path) -> None:
    args, extra = SLACK_COMMANDS[command]
    with FakeSlack() as fake:
        fake.known_tokens = {GOOD_TOKEN}
        env = _env(
            SLACK_BOT_TOKEN="xoxb-1111-2222-typo",
            SLACK_API_URL=fake.api_url,
            DATABASE_URL=f"sqlite:///{tmp_path / 'coach.db'}",
            SPOOL_DIR=str(tmp_path / "spool"),
            **extra,
        )
        line = _one_line(_run(*args, env=env), "SLACK_BOT_TOKEN")
        assert [c.method for c in fake.calls] == ["auth.test"]  # asked Slack, then stopped
    assert "invalid_auth" in line
    assert "xoxb-1111-2222-typo" not in line  # a secret is not printed
    assert not (tmp_path / "spool").exists()  # nothing started


# Distribution mode has no bot token to test: the address is still tried (api.test).
OAUTH = {"SLACK_SIGNING_SECRET": "s3cret", "SLACK_CLIENT_ID": "111.222", "SLACK_CLIENT_SECRET": "cs3cret"}
UNREACHABLE_COMMANDS = {**SLACK_COMMANDS, "serve (OAuth)": (SLACK_COMMANDS["serve"][0], OAUTH)}


@pytest.mark.parametrize("command", UNREACHABLE_COMMANDS)
def test_an_unreachable_slack_api_url_is_one_line_naming_it(command: str, tmp_path: Path) -> None:
    args, extra = UNREACHABLE_COMMANDS[command]
    url = f"http://127.0.0.1:{_free_port()}/api/"
    env = _env(
        SLACK_BOT_TOKEN=GOOD_TOKEN, SLACK_API_URL=url, DATABASE_URL=f"sqlite:///{tmp_path / 'coach.db'}", **extra
    )
    line = _one_line(_run(*args, env=env), "SLACK_API_URL")
    assert url in line
    assert "cannot be reached" in line


def test_the_right_token_passes_the_check(tmp_path: Path) -> None:
    """The check is not a wall: with a token Slack knows, `jobs run` runs (nothing is due)."""
    with FakeSlack() as fake:
        fake.known_tokens = {GOOD_TOKEN}
        env = _env(
            SLACK_BOT_TOKEN=GOOD_TOKEN, SLACK_API_URL=fake.api_url, DATABASE_URL=f"sqlite:///{tmp_path / 'c.db'}"
        )
        result = _run("jobs", "run", "manager-digest", "--at", "2026-11-24T09:00:00+08:00", env=env)
    assert result.returncode == 0, result.stderr
    assert "manager-digest at 2026-11-24T09:00:00+08:00: 0 messages sent" in result.stdout
    assert "will be unused" not in result.stderr
    assert "alembic" not in result.stderr


def _serve_env(database_url: str) -> dict[str, str]:
    return _env(SLACK_SIGNING_SECRET="s3cret", SLACK_BOT_TOKEN=GOOD_TOKEN, DATABASE_URL=database_url)


DB_COMMANDS = {"migrate": ("migrate",), "serve": ("serve", "--host", "127.0.0.1", "--port", str(_free_port()))}


@pytest.mark.parametrize("command", DB_COMMANDS)
def test_a_database_port_nothing_listens_on_is_one_line(command: str) -> None:
    port = _free_port()
    url = f"postgresql+psycopg://coach:pw-not-shown@127.0.0.1:{port}/coach"
    line = _one_line(_run(*DB_COMMANDS[command], env=_serve_env(url)), "DATABASE_URL")
    assert f"127.0.0.1:{port}" in line
    assert "connection refused" in line
    assert "pw-not-shown" not in line


@pytest.fixture
def missing_database_url(database_url: str, tmp_path: Path) -> str:
    """A database that does not exist: on the test PostgreSQL server, a name it does not have;
    on SQLite, a file in a folder that does not exist."""
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'no-such-folder' / 'coach.db'}"
    return make_url(database_url).set(database=f"pc_missing_{uuid.uuid4().hex[:8]}").render_as_string(False)


@pytest.mark.parametrize("command", DB_COMMANDS)
def test_a_database_that_does_not_exist_is_one_line(command: str, missing_database_url: str) -> None:
    line = _one_line(_run(*DB_COMMANDS[command], env=_serve_env(missing_database_url)), "DATABASE_URL")
    if missing_database_url.startswith("sqlite"):
        assert "no-such-folder" in line and "folder must exist" in line
    else:
        name = make_url(missing_database_url).database
        assert f"database {name!r} does not exist" in line
        assert f"createdb {name}" in line


@pytest.mark.parametrize("how", ["--debug", "LOG_LEVEL=DEBUG"])
def test_debug_shows_the_traceback_behind_the_line(how: str) -> None:
    env = _serve_env(f"postgresql+psycopg://coach@127.0.0.1:{_free_port()}/coach")
    args = ["migrate"]
    if how == "--debug":
        args.append(how)
    else:
        env["LOG_LEVEL"] = "DEBUG"
    result = _run(*args, env=env)
    assert result.returncode == 2
    assert "Traceback" in result.stderr and "OperationalError" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("pipeline-coach: DATABASE_URL: nothing accepts")


@pytest.fixture
def fresh_database_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the kind the suite runs on (its own, dropped afterwards)."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    name = f"pc_fresh_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(database_url).set(database=name).render_as_string(False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_migrate_says_which_revisions_it_applied_then_that_it_is_up_to_date(fresh_database_url: str) -> None:
    scripts = ScriptDirectory.from_config(alembic_config(fresh_database_url))
    in_order = [s.revision for s in reversed(list(scripts.walk_revisions()))]
    env = _env(DATABASE_URL=fresh_database_url)

    first = _run("migrate", env=env)
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""  # no Alembic plugin or context chatter
    lines = first.stdout.splitlines()
    assert lines[0] == "applied 0001 initial schema"
    assert [line.split()[1] for line in lines] == in_order
    assert all(line.startswith("applied ") and len(line.split()) > 2 for line in lines)  # each with its title

    again = _run("migrate", env=env)
    assert (again.returncode, again.stdout, again.stderr) == (0, "already up to date\n", "")
