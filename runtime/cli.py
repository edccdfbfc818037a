"""The `pipeline-coach` command line.

serve     HTTP mode (gunicorn), Slack requests at /slack/events, health at /healthz
socket    Socket Mode
shell     a local terminal chat with the real app and a fake Slack (no workspace needed)
migrate   apply database migrations
jobs      `jobs list`, `jobs run NAME [--at ISO-8601]`
workspace `workspace list`, `workspace delete T…` (all of one workspace's data, after confirming)
import    `import accounts|contacts FILE --team T…` (CSV, all or nothing)
export    `export visits|deals|conversion --team T… [--out FILE] [--since DATE]` (CSV)
settings  `settings show|history --team T…`, `settings set --team T… [--sales-team NAME] KEY VALUE`
scheduler run only the scheduler
worker    do the work `serve` spooled after its acks (`serve` starts these itself)

A setting that is missing or does not work stops a command with one line naming it;
`--debug` (or LOG_LEVEL=DEBUG) also shows the traceback behind it.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

from bot.core.clock import Clock
from bot.core.i18n import plural
from bot.core.settings import Settings, SettingsError, fail, load_settings
from storage.db import Database, DatabaseUnavailable

if TYPE_CHECKING:
    from slack_bolt import App

    from runtime.queue import DbQueue

COMMANDS_GROUP = "pipeline_coach.commands"
IN_PROCESS_SWITCH_INTERVAL = 0.001  # seconds; see runtime.server.run_server


def open_database(settings: Settings) -> Database:
    """The database handle, once a connection has worked: a database that does not exist or
    refuses connections stops the command here with one line naming `DATABASE_URL`."""
    db = Database(settings.database_url)
    try:
        db.check_connection()
    except DatabaseUnavailable as exc:
        fail(f"DATABASE_URL: {exc}.")
    return db


def prepare_database(settings: Settings, *, migrate: bool | None = None, check_slack: bool = False) -> Database:
    """The database handle; SQLite is migrated on start (PostgreSQL by `migrate`, or when
    `migrate` is true: the shell's demo database).

    With `check_slack`, Slack is tried first too (`runtime.app.check_slack`), so that every set-up
    error is found before anything is changed or logged, and is the command's only output."""
    db = open_database(settings)
    if check_slack:
        from runtime.app import check_slack as try_slack

        try_slack(settings)
    if migrate if migrate is not None else db.dialect == "sqlite":
        from storage.migrate import upgrade

        for applied in upgrade(db.engine):
            logging.getLogger("runtime.cli").info("applied migration %s", applied)
    return db


def _parse_at(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        fail(f"--at must be an ISO-8601 date-time such as 2026-11-23T08:45:00+08:00, not {value!r}")
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    """Apply pending migrations and say which, so an operator sees what changed."""
    from storage.migrate import upgrade

    applied = upgrade(open_database(settings).engine)
    for revision in applied:
        print(f"applied {revision}")
    if not applied:
        print("already up to date")
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    settings.require("SLACK_SIGNING_SECRET")
    settings.require_bot_token()
    from runtime.app import build_app
    from runtime.server import run_server
    from runtime.spool import Spool
    from runtime.web import WebApp
    from runtime.worker import WorkerProcesses

    # Before gunicorn and its workers start (they would only log a failure and retry), and
    # SQLite migrated once.
    prepare_database(settings, check_slack=True)
    spool = Spool(settings.spool_dir) if settings.worker_processes else None
    workers = WorkerProcesses(settings.worker_processes) if spool is not None else None

    state: dict[str, object] = {}

    def factory() -> WebApp:
        db = Database(settings.database_url)  # after gunicorn's fork: a pool of this process's own
        if spool is not None:
            app = build_app(settings, db=db, mode="front", spool=spool, queue=work_queue(db))
        else:
            app = build_app(settings, db=db)
        state["app"] = app
        state["scheduler"] = _start_scheduler(app, settings, args)
        web = WebApp(app)
        freeze_startup_heap()
        return web

    def on_exit() -> None:
        app = state.get("app")
        if app is not None:
            _drain(app, state.get("scheduler"))

    if workers is not None:
        workers.start()
    try:
        run_server(
            factory,
            host=args.host,
            port=args.port,
            workers=args.workers,
            threads=args.threads,
            on_worker_exit=on_exit,
            switch_interval=None if workers is not None else IN_PROCESS_SWITCH_INTERVAL,
        )
    finally:
        if workers is not None:
            workers.stop()
    return 0


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    settings.require_bot_token()
    from runtime.app import build_app, services_of
    from runtime.spool import Spool
    from runtime.worker import run_worker

    spool = Spool(settings.spool_dir)
    db = prepare_database(settings)
    app = build_app(settings, db=db, mode="worker", spool=spool)
    freeze_startup_heap()
    run_worker(
        app,
        spool,
        queue=work_queue(db),
        db=db,
        threads=settings.worker_threads,
        nice=settings.worker_nice,
        idle=settings.worker_idle,
        yield_rate=settings.worker_yield_rate,
        max_hold=settings.worker_max_hold,
        now=services_of(app).clock.now,
    )
    _drain(app, None)
    return 0


def work_queue(db: Database) -> DbQueue | None:
    """With PostgreSQL, acknowledged work lives in the database, where a worker on any machine
    finishes it (runtime/queue.py); with SQLite (one machine) the local spool carries it alone."""
    if db.dialect != "postgresql":
        return None
    from runtime.queue import DbQueue

    return DbQueue(db)


def freeze_startup_heap() -> None:
    """Keep the objects made at start-up (the app, its listeners, the libraries it imports:
    some 150,000) out of the garbage collector's way: a full collection walks them all while
    every thread of the process waits, and those pauses landed on acks under load."""
    import gc

    gc.collect()
    gc.freeze()


def _start_scheduler(app: App, settings: Settings, args: argparse.Namespace) -> object | None:
    if not settings.scheduler_enabled or args.no_scheduler:
        return None
    from runtime.app import services_of
    from scheduler.service import start_background_scheduler

    return start_background_scheduler(services_of(app))


def _drain(app: object, scheduler: object | None, timeout: float = 10.0) -> None:
    """Graceful stop: acknowledged listener work finishes (Slack was told "OK"), then the
    scheduler stops and releases its leader lock, then the database pool closes."""
    import logging

    from runtime.app import executor_of, services_of

    log = logging.getLogger("runtime.cli")
    executor = executor_of(app)  # type: ignore[arg-type]
    if not executor.wait_idle(timeout):
        log.warning("shutdown: listeners still running after %.0fs", timeout)
    executor.shutdown(wait=False)
    if scheduler is not None:
        scheduler.shutdown()  # type: ignore[attr-defined]
    services_of(app).db.dispose()  # type: ignore[arg-type]
    log.info("shutdown complete")


def cmd_socket(args: argparse.Namespace, settings: Settings) -> int:
    settings.require("SLACK_APP_TOKEN", "SLACK_BOT_TOKEN")
    import signal

    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from runtime.app import build_app

    prepare_database(settings, check_slack=True)
    app = build_app(settings)
    scheduler = _start_scheduler(app, settings, args)
    handler = SocketModeHandler(app, settings.slack_app_token)
    freeze_startup_heap()

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        handler.connect()
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        handler.close()
        _drain(app, scheduler)
    return 0


def cmd_jobs(args: argparse.Namespace, settings: Settings) -> int:
    from scheduler.registry import load_jobs

    jobs = load_jobs()
    running = args.jobs_command == "run"
    if running:
        if args.name not in jobs:
            fail(f"unknown job {args.name!r}; known jobs: {', '.join(sorted(jobs)) or 'none'}")
        settings.require_bot_token()
    db = prepare_database(settings, check_slack=running)
    if not running:
        from scheduler.health import job_health

        now = Clock().now()
        for job in job_health(db, now):
            state = "ok" if job["healthy"] else "UNHEALTHY"
            print(
                f"{job['name']:<20} every {job['interval_seconds'] // 60:>3} min  {state:<9}"
                f" last success: {job['last_success_at'] or 'never'}"
                f"  failures in a row: {job['consecutive_failures']}"
                + (
                    f"  UNDELIVERED: {job['undelivered']} message(s) left unsent by the last run"
                    f" ({job['undelivered_runs']} run(s) in a row)"
                    if job["undelivered"]
                    else ""
                )
            )
        return 0
    from scheduler.service import run_job_once

    at = _parse_at(args.at) or Clock().now()
    sent = run_job_once(settings, db, args.name, at)
    print(f"{args.name} at {at.isoformat()}: {plural('en', sent, one='# message', other='# messages')} sent")
    return 0


def cmd_scheduler(args: argparse.Namespace, settings: Settings) -> int:
    settings.require_bot_token()
    from scheduler.service import run_scheduler_forever

    db = prepare_database(settings, check_slack=True)
    run_scheduler_forever(settings, db)
    return 0


def cmd_workspace(args: argparse.Namespace, settings: Settings) -> int:
    from bot.people.install import do_delete_workspace, workspace_summaries

    db = prepare_database(settings)
    summaries = {w.team_id: w for w in workspace_summaries(db)}
    if args.workspace_command == "list":
        for w in summaries.values():
            state = f"uninstalled {w.uninstalled_at:%Y-%m-%d}" if w.uninstalled_at else "installed"
            print(
                f"{w.team_id:<14} {state:<22} {plural('en', w.people, one='# person', other='# people'):>12}  {w.name}"
            )
        if not summaries:
            print("no workspaces yet")
        return 0
    team_id = args.team_id
    found = summaries.get(team_id)
    if found is None:
        fail(f"no workspace {team_id!r}; `pipeline-coach workspace list` shows them")
    people = plural("en", found.people, one="# person", other="# people")
    print(f"This deletes ALL data of workspace {team_id} ({found.name or 'no name'}, {people}):")
    print("accounts, contacts, deals, visits, follow-ups, check-ins, settings and its Slack installation.")
    if found.uninstalled_at is None:
        print("Warning: the app is still installed there; its people would start again from nothing.")
    print("It cannot be undone. Make a backup first (see README: Backup and restore).")
    if not args.yes:
        try:
            answer = input(f"Type {team_id} to confirm: ").strip()
        except EOFError:
            answer = ""
        if answer != team_id:
            print("Not confirmed; nothing was deleted.")
            return 1
    deleted = do_delete_workspace(db, team_id)
    total = sum(deleted.values())
    detail = ", ".join(f"{table} {n}" for table, n in sorted(deleted.items()))
    print(f"Deleted workspace {team_id}: {plural('en', total, one='# row', other='# rows')} ({detail}).")
    return 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from bot.csv_io.commands import run_import

    return run_import(prepare_database(settings), args.team, args.kind, Path(args.file), Clock().now())


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import date
    from pathlib import Path

    from bot.csv_io.commands import run_export

    try:
        since = date.fromisoformat(args.since) if args.since else None
    except ValueError:
        fail(f"--since must be a date such as 2026-01-01, not {args.since!r}")
    out = Path(args.out) if args.out else None
    return run_export(
        prepare_database(settings), args.team, args.kind, out_path=out, since=since, tz=args.tz, now=Clock().now()
    )


def cmd_leads(args: argparse.Namespace, settings: Settings) -> int:
    """`leads key --team T…`: a new key for `POST /leads` (printed once), or `--revoke` them all."""
    from bot.leads.inbound import new_key, revoke_all
    from storage.models import Workspace

    db = prepare_database(settings)
    now = Clock().now()
    with db.transaction() as session:
        if session.get(Workspace, args.team) is None:
            fail(f"no workspace {args.team}: install the app there first (`workspace list` shows them)")
        if args.revoke:
            print(f"Revoked {revoke_all(session, args.team, now)} key(s) of {args.team}.")
            return 0
        key = new_key(session, args.team, None, now)
    print(key)
    print("Keep it now: only a fingerprint is stored. Send it as `Authorization: Bearer <key>`.", file=sys.stderr)
    return 0


def cmd_settings(args: argparse.Namespace, settings: Settings) -> int:
    from bot.settings.commands import run_settings

    db = prepare_database(settings)
    key, value = getattr(args, "key", None), getattr(args, "value", None)
    sales_team = getattr(args, "sales_team", None)
    return run_settings(db, args.team, args.settings_command, key, value, Clock().now(), sales_team=sales_team)


def _add_plugin_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Subcommands that other installed packages add: the dev package adds `shell`. They are found
    through the `pipeline_coach.commands` entry-point group, so the runtime never imports the
    developer tools (they import the runtime: the shell drives the real app)."""
    for entry in sorted(entry_points(group=COMMANDS_GROUP), key=lambda e: e.name):
        entry.load()(sub)


DEBUG_HELP = "show the traceback behind a set-up error (as LOG_LEVEL=DEBUG does)"


def _subparser_with(common: argparse.ArgumentParser) -> type[argparse.ArgumentParser]:
    """A parser class whose instances (every subcommand) also take `common`'s options."""

    class Subparser(argparse.ArgumentParser):
        def __init__(self, *args: object, **kwargs: object) -> None:
            kwargs["parents"] = [*kwargs.get("parents", ()), common]  # type: ignore[misc]
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    return Subparser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pipeline-coach", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    # Also accepted after the command (`pipeline-coach serve --debug`); SUPPRESS keeps a
    # subcommand's default from overwriting the flag given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG_HELP)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_subparser_with(common))

    serve = sub.add_parser("serve", help="run in HTTP mode")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=3000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--threads", type=int, default=8)
    serve.add_argument("--no-scheduler", action="store_true", help="do not run the scheduler here")
    serve.set_defaults(func=cmd_serve)

    socket = sub.add_parser("socket", help="run in Socket Mode")
    socket.add_argument("--no-scheduler", action="store_true")
    socket.set_defaults(func=cmd_socket)

    _add_plugin_commands(sub)

    migrate = sub.add_parser("migrate", help="apply database migrations")
    migrate.set_defaults(func=cmd_migrate)

    jobs = sub.add_parser("jobs", help="list or run scheduler jobs")
    jobs_sub = jobs.add_subparsers(dest="jobs_command", required=True)
    jobs_sub.add_parser("list", help="each job and its last run")
    run = jobs_sub.add_parser("run", help="run one job now (or as of --at)")
    run.add_argument("name")
    run.add_argument("--at", default=None, help="ISO-8601 instant to run the job for")
    jobs.set_defaults(func=cmd_jobs)

    workspace = sub.add_parser("workspace", help="list workspaces, or delete one's data")
    workspace_sub = workspace.add_subparsers(dest="workspace_command", required=True)
    workspace_sub.add_parser("list", help="each workspace, installed or not, and its people")
    delete = workspace_sub.add_parser("delete", help="delete all data of one workspace (asks to confirm)")
    delete.add_argument("team_id", help="the workspace id, T…")
    delete.add_argument("--yes", action="store_true", help="do not ask to confirm")
    workspace.set_defaults(func=cmd_workspace)

    importer = sub.add_parser("import", help="import accounts, contacts or leads from CSV (all or nothing)")
    importer.add_argument("kind", choices=("accounts", "contacts", "leads"))
    importer.add_argument("file", help="a CSV file, UTF-8 (with or without BOM), English or Chinese headers")
    importer.add_argument("--team", required=True, help="the workspace id, T…")
    importer.set_defaults(func=cmd_import)

    exporter = sub.add_parser("export", help="export visits or deals as CSV")
    exporter.add_argument("kind", choices=("visits", "deals", "conversion"))
    exporter.add_argument("--team", required=True, help="the workspace id, T…")
    exporter.add_argument("--out", default=None, help="write to this file (default: standard output)")
    exporter.add_argument("--since", default=None, help="only from this date (YYYY-MM-DD)")
    exporter.add_argument("--tz", default="UTC", help="time zone of the exported times (IANA name)")
    exporter.set_defaults(func=cmd_export)

    leads = sub.add_parser("leads", help="keys for POST /leads")
    leads_sub = leads.add_subparsers(dest="leads_command", required=True)
    lead_key = leads_sub.add_parser("key", help="print a new key for POST /leads (shown once), or --revoke all")
    lead_key.add_argument("--team", required=True, help="the workspace id, T…")
    lead_key.add_argument("--revoke", action="store_true", help="revoke every key of the workspace instead")
    leads.set_defaults(func=cmd_leads)

    config = sub.add_parser("settings", help="show or change a workspace's settings (validated, audited)")
    config_sub = config.add_subparsers(dest="settings_command", required=True)
    show = config_sub.add_parser("show", help="every setting (or one KEY) as /coach settings shows it")
    show.add_argument("key", nargs="?", default=None)
    change = config_sub.add_parser("set", help="change one setting (validated, recorded in the history)")
    change.add_argument("key", help="e.g. daily_visit_standard, schedule.quiet_end, loss_reasons")
    change.add_argument("value", help="as typed in /coach settings; lines separated by ';'")
    config_sub.add_parser("history", help="the latest changes, newest first")
    for parser_ in config_sub.choices.values():
        parser_.add_argument("--team", required=True, help="the workspace id, T…")
    for parser_ in (show, change):
        parser_.add_argument(
            "--sales-team",
            default=None,
            help="a sales team (its name, or its manager's name or U… id): its own digest channel, days, times",
        )
        parser_.set_defaults(func=cmd_settings)

    worker = sub.add_parser("worker", help="do the work `serve` spooled after its acks (serve starts it)")
    worker.set_defaults(func=cmd_worker)

    sched = sub.add_parser("scheduler", help="run only the scheduler")
    sched.set_defaults(func=cmd_scheduler)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. A set-up error (a missing or wrong setting) is one line on stderr and
    exit status 2; the traceback behind it only with `--debug` or `LOG_LEVEL=DEBUG`."""
    args = build_parser().parse_args(argv)
    debug = bool(getattr(args, "debug", False)) or os.environ.get("LOG_LEVEL", "").upper() == "DEBUG"
    try:
        settings = load_settings()
        from runtime.logs import setup_logging

        setup_logging(
            settings.log_format,
            settings.log_level,
            secrets=(settings.slack_signing_secret, settings.slack_client_secret, settings.slack_bot_token),
        )
        return int(args.func(args, settings) or 0)
    except SettingsError as exc:
        if debug and exc.__context__ is not None:
            traceback.print_exception(exc.__context__)
        print(exc.message, file=sys.stderr)
        return int(exc.code or 2)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
