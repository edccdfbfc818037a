"""Operations: deleting a workspace's data, the health endpoint, and logs that keep secrets."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.accounts.create import create_account
from bot.checkins.plan import PlanInput, save_plan
from bot.core.clock import ManualClock
from bot.core.settings import Settings
from bot.deals.ops import create_deal
from bot.deals.parser import FieldChanges
from bot.people.members import actor_for
from bot.visits.ops import ContactInput, VisitInput, log_visit
from dev import slack_requests as sr
from dev.driver import Driver, LocalServer
from runtime.app import build_app
from runtime.cli import build_parser
from runtime.executor import TrackingExecutor
from runtime.logs import JsonFormatter, RedactSecrets
from runtime.web import WebApp
from scheduler import registry
from storage.db import Database
from storage.models import Base, Delivery, EventReceipt, JobRun, Person, SlackBot, Workspace
from tests.conftest import SECRET, START, TEAM

OTHER = "T0000OTHER"


def _seed(db: Database, team_id: str) -> None:
    """A little of everything a workspace owns, made by the operations that make it: the
    workspace's first person (its admin) takes on an account, meets Li there (whose next step,
    a call, is now due), opens a deal and plans the day; and the rows the app keeps about
    Slack itself (a delivery, an event receipt, an installation)."""
    with db.transaction() as session:
        rep = session.scalars(select(Person).where(Person.team_id == team_id)).first()
        assert rep is not None
        actor = actor_for(rep)
        before = START - timedelta(days=30)
        account = create_account(session, team_id, "Ricoh", rep.id, before)
        met = VisitInput(
            account_id=account.id,
            channel="in_person",
            contacts=(ContactInput(name="Li", level=2),),
            occurred_at=before,
            next_step="call",
            next_due=START,
        )
        log_visit(session, actor, met, now=before, request_key=None)
        changes = FieldChanges(amount=Decimal("1000"))
        create_deal(session, actor, title="Printers", now=START, account_id=account.id, changes=changes, stage="S")
        plan = PlanInput(items=[{"text": "call Li", "tag": "key"}])
        save_plan(session, actor, date(2026, 11, 23), plan, START)
        # Direct: infrastructure rows the app writes about Slack (a delivery claimed, an event
        # received, an installation), which the workspace delete must remove too.
        session.add(
            Delivery(team_id=team_id, job="nudge", recipient=rep.slack_user_id, dedupe_key="k", claimed_at=START)
        )
        session.add(EventReceipt(team_id=team_id, event_id="Ev1", received_at=START))
        session.add(
            SlackBot(
                client_id="c", app_id="A", team_id=team_id, bot_token="xoxb-x", installed_at=START.replace(tzinfo=None)
            )
        )


def _counts(db: Database, team_id: str) -> dict[str, int]:
    counts = {}
    with db.transaction() as session:
        for table in Base.metadata.sorted_tables:
            if "team_id" in table.c:
                counts[table.name] = int(
                    session.scalar(select(func.count()).select_from(table).where(table.c.team_id == team_id)) or 0
                )
    return counts


def _run(argv: list[str], settings: Settings) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args, settings))


@pytest.fixture
def two_workspaces(driver: Driver, db: Database) -> Driver:
    driver.fake.add_user("U1", "Ann")
    driver.command("U1", "/coach", "help")
    other = Driver(
        driver.app, driver.fake, signing_secret=SECRET, team_id=OTHER, executor=driver.executor, url=driver.url
    )
    driver.fake.add_user("U9", "Zed", team_id=OTHER)
    other.command("U9", "/coach", "help")
    _seed(db, TEAM)
    _seed(db, OTHER)
    return driver


def test_workspace_delete_asks_and_deletes_only_that_workspace(
    two_workspaces: Driver, db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    before_other = _counts(db, OTHER)
    assert all(before_other[name] >= 1 for name in ("accounts", "deals", "visits", "people", "event_receipts"))

    monkeypatch.setattr("sys.stdin", io.StringIO("T0000WRONG\n"))
    assert _run(["workspace", "delete", TEAM], settings) == 1
    assert "nothing was deleted" in capsys.readouterr().out
    assert _counts(db, TEAM)["accounts"] == 1

    monkeypatch.setattr("sys.stdin", io.StringIO(f"{TEAM}\n"))
    assert _run(["workspace", "delete", TEAM], settings) == 0
    out = capsys.readouterr().out
    assert f"Deleted workspace {TEAM}" in out and "still installed" in out
    assert set(_counts(db, TEAM).values()) == {0}
    assert _counts(db, OTHER) == before_other
    with db.transaction() as session:
        assert session.get(Workspace, TEAM) is None and session.get(Workspace, OTHER) is not None


def test_workspace_list_and_unknown_workspace(
    two_workspaces: Driver, db: Database, settings: Settings, capsys: Any
) -> None:
    two_workspaces.event({"type": "app_uninstalled"})
    assert _run(["workspace", "list"], settings) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert "uninstalled" in lines[TEAM] and "uninstalled" not in lines[OTHER]
    with pytest.raises(SystemExit):
        _run(["workspace", "delete", "T0000NOPE", "--yes"], settings)


def test_every_table_is_emptied_by_workspace_delete() -> None:
    """A table without `team_id` must cascade from one that has it, or delete would leave rows."""
    tenant_tables = {t.name for t in Base.metadata.sorted_tables if "team_id" in t.c}
    for table in Base.metadata.sorted_tables:
        if table.name in tenant_tables:
            continue
        for fk in table.foreign_keys:
            assert fk.column.table.name not in tenant_tables or fk.ondelete == "CASCADE", (
                f"{table.name}.{fk.parent.name} refers to {fk.column.table.name} without ON DELETE CASCADE "
                "and has no team_id: `pipeline-coach workspace delete` could not remove it"
            )


def test_uninstall_keeps_the_data(two_workspaces: Driver, db: Database) -> None:
    before = _counts(db, TEAM)
    two_workspaces.event({"type": "app_uninstalled"})
    after = _counts(db, TEAM)
    assert after.pop("slack_bots") == 0  # dead tokens are dropped…
    before.pop("slack_bots")
    after.pop("event_receipts")
    before.pop("event_receipts")
    assert after == before  # …everything else stays until an operator deletes it


# ----- health -------------------------------------------------------------------------------


def _health(url: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_health_reports_database_and_jobs(
    driver: Driver, db: Database, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert driver.url is not None
    base = driver.url.removesuffix("/slack/events")
    status, report = _health(base)
    assert status == 200 and report["ok"] and report["database"] == "ok"

    job = registry.Job(name="test_sweep", interval=timedelta(minutes=5), sweep=lambda _ctx: 0)
    monkeypatch.setitem(registry.JOBS, "test_sweep", job)
    with db.transaction() as session:  # Direct: the job's run record is what the health check reads
        session.add(JobRun(name="test_sweep", last_success_at=clock.now() - timedelta(hours=1), consecutive_failures=3))
    status, report = _health(base)
    assert status == 503 and not report["ok"]
    assert [j["name"] for j in report["jobs"] if not j["healthy"]] == ["test_sweep"]


def test_health_is_503_when_the_database_is_unreachable(settings: Settings, tmp_path: Any) -> None:
    broken = Database(f"sqlite:///{tmp_path}/missing-dir/x.db")
    app = build_app(settings, db=broken, clock=ManualClock(START), executor=TrackingExecutor())
    server = LocalServer(WebApp(app))
    try:
        status, report = _health(server.url)
    finally:
        server.stop()
    assert status == 503 and report["database"] == "unreachable"


# ----- logs ---------------------------------------------------------------------------------


class _Capture(logging.Handler):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__(logging.INFO)
        self.setFormatter(JsonFormatter())
        self.addFilter(RedactSecrets(secrets))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def test_json_logs_at_info_carry_no_token_secret_or_message_text(driver: Driver, settings: Settings) -> None:
    marker = "ZQX-confidential-deal-terms"
    capture = _Capture([SECRET, settings.slack_bot_token or ""])
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(capture)
    root.setLevel(logging.INFO)
    try:
        driver.fake.add_user("U1", "Ann")
        driver.command("U1", "/coach", f"help {marker}")
        driver.command("U1", "/coach", f"{marker} please")
        driver.command("U1", "/coach", "x" * 20_000)  # too long: refused with a message
        driver.event({"type": "app_home_opened", "user": "U1", "tab": "home", "channel": "DU1", "text": marker})
        body = sr.interaction_form({"type": "block_actions", "user": {"id": "U1"}, "actions": [{"value": marker}]})
        driver.send(body, sr.FORM)  # malformed: no action_id
        driver.wait_idle()
    finally:
        root.removeHandler(capture)
        root.setLevel(old_level)
    assert capture.lines, "the requests were logged"
    entries = [json.loads(line) for line in capture.lines]  # one JSON object per line
    assert all({"ts", "level", "logger", "message"} <= set(e) for e in entries)
    text = "\n".join(capture.lines)
    for secret in (marker, SECRET, "xoxb-test-token", "x" * 100):
        assert secret not in text
    requests = [e for e in entries if e["logger"] == "runtime.web"]
    assert len(requests) == 5 and all(e["path"] == "/slack/events" and e["duration_ms"] >= 0 for e in requests)


def test_redaction_masks_tokens_and_secrets_that_libraries_might_log() -> None:
    capture = _Capture(["my-signing-secret"])
    logger = logging.getLogger("some.library")
    logger.addHandler(capture)
    try:
        logger.warning("calling with token xoxb-123-456-abc and secret my-signing-secret")
        try:
            raise RuntimeError("bad token xapp-1-A0-99")
        except RuntimeError:
            logger.exception("failed")
    finally:
        logger.removeHandler(capture)
    text = "\n".join(capture.lines)
    assert "xoxb-123" not in text and "my-signing-secret" not in text and "xapp-1" not in text
    assert "[redacted-token]" in text and "RuntimeError" in text


_LOGGING_PROCESS = """
import logging, os, sys
from runtime.logs import setup_logging
setup_logging("json", "INFO", secrets=["my-signing-secret"])
log = logging.getLogger("check")
log.info("before fork, secret my-signing-secret, token xoxb-1-2-3")
pid = os.fork()
if pid == 0:  # as gunicorn starts its workers
    log.info("from the child %d", 7)
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        log.exception("child failed")
    sys.exit(0)
os.waitpid(pid, 0)
log.info("from the parent")
"""


def test_log_lines_are_written_by_a_thread_of_their_own_in_parents_and_forked_children() -> None:
    """Request threads only queue a record; the writing thread is started again after a fork
    (gunicorn's workers), and whatever is queued is written before the process exits."""
    out = subprocess.run(
        [sys.executable, "-c", _LOGGING_PROCESS], capture_output=True, text=True, timeout=60, check=True
    )
    entries = [json.loads(line) for line in out.stderr.splitlines() if line.startswith("{")]
    messages = [e["message"] for e in entries]
    assert messages[0] == "before fork, secret [redacted], token [redacted-token]"
    assert "from the child 7" in messages and "from the parent" in messages
    (failure,) = [e for e in entries if e["message"] == "child failed"]
    assert "RuntimeError: boom" in failure["exc"]


def test_migrations_after_the_first_release_are_additive() -> None:
    """`pipeline-coach migrate` runs while the old version still serves, so a revision may add
    tables, nullable columns and indexes, never drop or rename what the old code reads."""
    from storage.migrate import MIGRATIONS_DIR

    forbidden = ("drop_table", "drop_column", "rename_table", "new_column_name", "type_=")
    # Dropping a unique key is allowed only where it is replaced by a wider one (it loosens what
    # the old version may insert) and the old version never names it in ON CONFLICT; each such
    # line is listed here with the reason.
    loosened = {
        # holidays (team, day) → (team, day, scope): the old version checks for the day with a
        # SELECT before inserting (bot/settings/holidays.py), no ON CONFLICT on that key.
        "0010_team_settings.py": "batch_op.drop_constraint('uq_holidays_team_id_day', type_='unique')",
    }
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        if path.name.startswith("0001_"):
            continue  # the initial schema (frozen: tests/test_migrations.py)
        upgrade = path.read_text().split("def downgrade", 1)[0]
        if path.name in loosened:
            assert loosened[path.name] in upgrade, f"{path.name}: the allowed line is gone; update the list"
            upgrade = upgrade.replace(loosened[path.name], "")
        found = [word for word in forbidden if word in upgrade]
        # A new NOT NULL column needs a server default, or the old version's INSERTs fail.
        found += [
            line.strip()
            for line in upgrade.splitlines()
            if "add_column" in line and "nullable=False" in line and "server_default" not in line
        ]
        assert not found, f"{path.name} is not additive ({found}); the serving version would break"


def test_database_errors_do_not_carry_what_users_typed(db: Database) -> None:
    from sqlalchemy.exc import IntegrityError

    secret = "ZQX-the-customer-said-something-private"
    with pytest.raises(IntegrityError) as caught, db.transaction() as session:
        # Direct: two rows of one workspace, to make the database refuse something a user typed.
        session.add(Workspace(team_id="T1", name=secret, config={}))
        session.add(Workspace(team_id="T1", name=secret, config={}))
        session.flush()
    assert secret not in str(caught.value)


def test_uninstall_stops_scheduled_messages_until_the_workspace_is_used_again(
    two_workspaces: Driver, db: Database, clock: ManualClock
) -> None:
    """Token mode: `app_uninstalled` stops every job for the workspace; a signed request from it
    later (it was installed again) resumes them."""
    from runtime.app import services_of
    from scheduler.service import run_due_jobs

    fake = two_workspaces.fake
    services = services_of(two_workspaces.app)
    clock.set(START + timedelta(hours=9))  # 11:00 UTC, the people's zone: within allowed hours
    two_workspaces.event({"type": "app_uninstalled"})
    run_due_jobs(services, two_workspaces.app.client, clock.now())
    channels = {m.channel for m in fake.messages if not m.ephemeral}
    assert fake.dm_channel("U1") not in channels  # the uninstalled workspace: nothing
    assert fake.dm_channel("U9") in channels  # the other one carries on

    two_workspaces.command("U1", "/coach", "help")  # installed again: it is used
    with db.transaction() as session:
        assert session.get(Workspace, TEAM).uninstalled_at is None  # type: ignore[union-attr]
    clock.advance(timedelta(days=1))
    run_due_jobs(services, two_workspaces.app.client, clock.now())
    assert fake.dm_channel("U1") in {m.channel for m in fake.messages if not m.ephemeral}
