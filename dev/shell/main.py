"""`pipeline-coach shell [--demo] [--as USER] [--script FILE]`: wiring the shell together.

The shell runs the production app with three local stand-ins: a fake Slack Web API on
127.0.0.1 (`SLACK_API_URL` points at it; the bot token and signing secret are generated here),
a `ManualClock` the user moves with `:time`, and in-process signed dispatch into Bolt (the
same request parsing, signature check, listeners and Web API client as `serve`).

`--demo` loads the demo workspace (`dev.demo`) into a fresh SQLite file in the working
directory, `pipeline-coach-demo.db`, recreated on every run, unless DATABASE_URL names another
database explicitly (then the demo workspace is replaced in that one). Without `--demo` the
shell uses DATABASE_URL and acts as a person already in it (or a new one).
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import TextIO

from sqlalchemy import select

from bot.core.clock import Clock, ManualClock, zone
from bot.core.i18n import plural
from bot.core.settings import Settings
from dev.demo import DEMO_TEAM, GENERAL_CHANNEL, Demo, load_demo
from dev.driver import Driver
from dev.fake_slack import FakeSlack
from dev.shell.session import AppErrorCollector, Shell
from runtime.app import build_app
from runtime.executor import TrackingExecutor
from storage.db import Database
from storage.models import Person, Workspace

DEMO_DB = "pipeline-coach-demo.db"
# Monday 23 November 2026, 08:30 in London (16:30 in Shanghai, 03:30 in New York).
DEMO_START = datetime(2026, 11, 23, 8, 30, tzinfo=zone("Europe/London"))
LOCAL_USER = "U0000YOU"


def demo_database_url() -> str:
    """A fresh SQLite file in the working directory (any earlier one removed)."""
    path = Path.cwd() / DEMO_DB
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def _explicit_database_url() -> bool:
    return any(os.environ.get(name) for name in ("DATABASE_URL", "database_url"))


def _existing_people(db: Database, fake: FakeSlack, team: str) -> list[Person]:
    """The people of the workspace already in the database, made known to the fake Slack."""
    with db.transaction() as session:
        people = list(session.scalars(select(Person).where(Person.team_id == team).order_by(Person.id)))
    for person in people:
        fake.add_user(
            person.slack_user_id, person.name or person.slack_user_id, tz=person.tz, locale=person.locale or "en-US"
        )
    return people


@contextmanager
def quiet_logging(collector: AppErrorCollector) -> Iterator[None]:
    """Unless LOG_LEVEL is set, the app's log lines become one-line notes in the shell."""
    if os.environ.get("LOG_LEVEL"):
        yield
        return
    root = logging.getLogger()
    saved = [(handler, handler.level) for handler in root.handlers]
    for handler, _ in saved:
        handler.setLevel(logging.CRITICAL + 1)
    root.addHandler(collector)
    try:
        yield
    finally:
        root.removeHandler(collector)
        for handler, level in saved:
            handler.setLevel(level)


def _lines(args: argparse.Namespace, stdin: TextIO) -> tuple[Iterator[str], bool]:
    """Where commands come from: the script, piped stdin (both echoed), or the terminal."""
    if args.script:
        path = Path(args.script)
        if not path.exists():
            raise SystemExit(f"pipeline-coach: no such script: {args.script}")
        return iter(path.read_text(encoding="utf-8").splitlines()), True
    if not stdin.isatty():
        return iter(stdin), True
    return iter(()), False


def _interactive(shell: Shell) -> None:
    with suppress(ImportError):  # line editing and history for input(), where available
        import readline  # noqa: F401
    while shell.running:
        try:
            shell.handle(input(shell.prompt()))
        except EOFError:
            print()
            break
        except KeyboardInterrupt:
            print("^C  (:quit leaves)")


def add_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`pipeline-coach shell`, added to the runtime's CLI through the `pipeline_coach.commands`
    entry point (pyproject.toml)."""
    shell = sub.add_parser("shell", help="chat with the app in this terminal, no Slack needed")
    shell.add_argument("--as", dest="as_user", default=None, help="the Slack user to act as")
    shell.add_argument("--demo", action="store_true", help="load the demo workspace")
    shell.add_argument("--script", default=None, help="read commands from this file, not the terminal")
    shell.set_defaults(func=run_shell)


def run_shell(args: argparse.Namespace, settings: Settings, *, out: TextIO | None = None) -> int:
    collector = AppErrorCollector()
    with quiet_logging(collector):
        return _run(args, settings, out or sys.stdout, collector)


def _run(args: argparse.Namespace, settings: Settings, out: TextIO, collector: AppErrorCollector) -> int:
    from runtime.cli import prepare_database

    demo_mode = bool(getattr(args, "demo", False))
    url = demo_database_url() if demo_mode and not _explicit_database_url() else settings.database_url
    db = prepare_database(settings.model_copy(update={"database_url": url}), migrate=True if demo_mode else None)
    team = DEMO_TEAM
    if not demo_mode:
        with db.transaction() as session:
            team = session.scalar(select(Workspace.team_id).order_by(Workspace.created_at).limit(1)) or DEMO_TEAM
    fake = FakeSlack(team_id=team).start()
    secret = secrets.token_hex(16)
    app_settings = settings.model_copy(
        update={
            "database_url": url,
            "slack_api_url": fake.api_url,
            "slack_bot_token": "xoxb-shell-" + secrets.token_hex(8),
            "slack_signing_secret": secret,
            "scheduler_enabled": False,
        }
    )
    executor = TrackingExecutor()
    try:
        clock = ManualClock(DEMO_START if demo_mode else Clock().now())
        demo = load_demo(db, fake, clock, team_id=team) if demo_mode else None
        people = _existing_people(db, fake, team) if demo is None else []
        user_id = _starting_user(args, fake, demo, people)
        app = build_app(app_settings, db=db, clock=clock, executor=executor)
        driver = Driver(app, fake, signing_secret=secret, team_id=team, executor=executor)
        shell = Shell(
            app=app,
            driver=driver,
            fake=fake,
            clock=clock,
            user_id=user_id,
            out=out,
            channels=demo.channels if demo else {GENERAL_CHANNEL: "general"},
            color=out.isatty() and not os.environ.get("NO_COLOR"),
            app_errors=collector.lines,
        )
        lines, echo = _lines(args, sys.stdin)
        _banner(shell, demo, url, len(demo.users) if demo else len(people), chose=bool(args.as_user))
        if echo:
            return shell.run(lines, echo=True)
        _interactive(shell)
        return 0
    finally:
        executor.shutdown(wait=True)
        fake.stop()
        db.dispose()


def _starting_user(args: argparse.Namespace, fake: FakeSlack, demo: Demo | None, people: list[Person]) -> str:
    """`--as` (an id or a name), else the demo's default rep, else the first rep on file."""
    wanted = getattr(args, "as_user", None)
    if wanted:
        q = wanted.lstrip("@").casefold()
        for user in fake.users.values():
            if q in (user.id.casefold(), user.name.casefold()) or any(
                w.casefold().startswith(q) for w in user.name.split()
            ):
                return user.id
        fake.add_user(wanted, wanted)  # someone new: the app meets them on their first request
        return wanted
    if demo is not None:
        return demo.default_user
    reps = [p.slack_user_id for p in people if p.role == "rep"] or [p.slack_user_id for p in people]
    if reps:
        return reps[0]
    fake.add_user(LOCAL_USER, "You")
    return LOCAL_USER


def _banner(shell: Shell, demo: Demo | None, url: str, people: int, *, chose: bool) -> None:
    user = shell.fake.users[shell.user_id]
    where = url.split("///")[-1] if url.startswith("sqlite") else url.split("@")[-1]
    if demo is not None:
        shell.say(
            f"Pipeline Coach shell · demo workspace ({plural('en', people, one='# person', other='# people')}, "
            f"{plural('en', demo.counts.get('Account', 0), one='# account', other='# accounts')}, "
            f"{plural('en', demo.counts.get('Deal', 0), one='# deal', other='# deals')}, "
            f"{plural('en', demo.counts.get('Visit', 0), one='# visit', other='# visits')}) in {where}"
        )
    else:
        shell.say(f"Pipeline Coach shell · {where} · {people} {'person' if people == 1 else 'people'}")
    role = ", a rep, by default" if demo is not None and not chose else ""
    shell.say(f"You are {user.name}{role} ({user.tz}). It is {shell.clock_line().removeprefix('🕘 ')}.")
    shell.say(shell.renderer.dim("Switch user: :users then :as NAME.  Help: :help.  Try: /coach help"))
