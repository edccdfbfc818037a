"""The terminal shell: scripts drive the real app, and what users would see is readable text.

The end-to-end tests run `pipeline-coach shell --demo --script FILE` through the CLI on the
test database; the interaction tests put a small form-and-buttons feature on the real app
(registered in the test, like any feature module would) and drive it through `Shell`, so
pressing, picking, filling, validation errors and submission are checked against Bolt's real
dispatch; the renderer and the field parser are unit-tested on hand-built Block Kit.
"""

from __future__ import annotations

import io
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.core.clock import ManualClock
from bot.ui import blocks as bk
from dev.driver import Driver
from dev.fake_slack import FakeSlack, Message
from dev.shell.forms import FieldError, parse_value
from dev.shell.render import Renderer, display_width
from dev.shell.session import Shell, manifest_names, steps
from dev.shell.timeparse import parse_clock_target
from runtime.cli import main as cli_main
from storage.db import Database
from storage.models import Contact, Deal, DealReason, FollowUp, Person, StageChange, Visit
from tests.conftest import SECRET, TEAM

# ----- end to end: the CLI with --demo and --script ------------------------------------------


def _run_script(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any, lines: list[str], *extra: str) -> str:
    script = tmp_path / "demo.txt"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code = cli_main(["shell", "--demo", "--script", str(script), *extra])
    assert code == 0
    return capsys.readouterr().out


@pytest.fixture
def on_test_database(monkeypatch: pytest.MonkeyPatch, db: Database, database_url: str) -> Database:
    """The shell's DATABASE_URL is the (emptied) test database, SQLite or PostgreSQL."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("LOG_LEVEL", raising=False)
    return db


def test_demo_script_replies_in_both_languages_moves_the_clock_and_has_every_kind_of_data(
    on_test_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    out = _run_script(
        tmp_path,
        monkeypatch,
        capsys,
        [
            "# comments are echoed and skipped",
            "/coach help",
            ":time +2h",
            ":as li",
            "/coach help",
            ":frobnicate",
            "hello there",
            "/nosuchcommand x",
            "7",
            ":users",
            ":quit",
            "/coach help",  # never reached
        ],
    )
    assert "You are Emma Brown, a rep, by default (Europe/London)" in out
    assert ":as NAME" in out and ":help" in out
    assert "Emma Mon 08:30 › /coach help" in out  # the script is echoed with the prompt
    assert "Pipeline Coach admin commands" in out  # the English reply
    assert "Mon 23 Nov 10:30 London" in out  # the clock moved two hours
    assert "Now acting as 李伟 Li Wei (rep, Asia/Shanghai, zh-CN)" in out
    assert "李伟 Mon 18:30 › /coach help" in out
    assert "管理命令" in out  # the same command answered in Chinese
    assert "Unknown command :frobnicate" in out
    assert "type a slash command" in out
    assert "no listener for /nosuchcommand" in out
    assert "Nothing to press" in out
    assert "Grace Chen" in out and "manager" in out
    assert out.count("Pipeline Coach admin commands") == 1  # nothing ran after :quit

    # The demo workspace behind it has every kind of data the features show.
    db = on_test_database
    with db.transaction() as session:
        roles = dict(session.execute(select(Person.role, func.count()).group_by(Person.role)).all())
        levels = set(session.scalars(select(Contact.relationship_level)))
        stages = set(session.execute(select(Deal.status, Deal.stage_key)).all())
        visits = session.scalar(select(func.count()).select_from(Visit))
        overdue = session.scalar(
            select(func.count()).where(FollowUp.status == "open", FollowUp.due_at < datetime(2026, 11, 23, tzinfo=UTC))
        )
        oldest_f2f = session.scalar(select(func.min(Contact.last_face_to_face_at)))
        history = session.scalar(select(func.count()).select_from(StageChange))
    assert roles == {"rep": 4, "manager": 1, "admin": 1}
    assert levels == {0, 1, 2, 3, 4, 5}
    assert {stage for status, stage in stages if status == "open"} == {"S", "P", "A", "D", "C", "O"}
    assert {"won", "lost"} <= {status for status, _ in stages}
    assert visits and visits > 150
    assert overdue and overdue > 0
    assert oldest_f2f is not None and oldest_f2f < datetime(2025, 11, 23, tzinfo=UTC)  # a lost relationship
    assert history and history > 46


def test_demo_real_buttons_and_modal_change_the_database(
    on_test_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """/deal's confirmation button and its "lost" modal, pressed and filled from a script."""
    out = _run_script(
        tmp_path,
        monkeypatch,
        capsys,
        [
            '/deal new WWI "A3 copiers" 120k close Dec',
            "/deal WWI copiers → D",
            "1",  # "Move anyway"
            "/deal lost Proseware print",
            ":submit",  # the reasons are required: refused before reaching the app
            ":set 1 1, budget unknown",
            ":set 2 Meet the CFO earlier",
            ":submit",
        ],
    )
    assert "[1] Move anyway" in out
    assert "▸ Modal:" in out
    assert "⚠ Please complete this required field." in out
    assert "(modal closed)" in out
    with on_test_database.transaction() as session:
        moved = session.scalars(select(Deal).where(Deal.title == "A3 copiers")).one()
        lost = session.scalars(select(Deal).where(Deal.lesson == "Meet the CFO earlier")).one()
        reasons = set(session.scalars(select(DealReason.reason_key).where(DealReason.deal_id == lost.id)))
    assert (moved.stage_key, moved.status) == ("D", "open")
    assert (lost.title, lost.status) == ("Print fleet refresh", "lost")
    assert reasons == {"price", "budget_unknown"}


def test_demo_without_database_url_uses_a_fresh_file_and_reads_piped_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("LOG_LEVEL", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.StringIO(":as 张敏\n/coach help\n"))  # not a terminal
    stale = tmp_path / "pipeline-coach-demo.db"
    stale.write_bytes(b"not a database")
    assert cli_main(["shell", "--demo", "--as", "sam"]) == 0
    out = capsys.readouterr().out
    assert f"in {stale}" in out
    assert "You are Sam Carter (America/New_York)" in out
    assert "Sam Mon 03:30 › :as 张敏" in out  # piped lines are echoed like a script's
    assert "Now acting as 张敏 Zhang Min" in out and "管理命令" in out
    assert stale.read_bytes().startswith(b"SQLite format 3")


# ----- interaction: buttons, menus and a modal on the real app --------------------------------


def _form_feature(driver: Driver) -> None:
    """A small feature the way feature modules write one: a command, buttons, a modal."""
    app = driver.app

    @app.command("/shelltest")
    def command(ack, respond):
        ack()
        respond(
            text="Pick something",
            blocks=[
                bk.header("Form test 表单"),
                bk.section("*Ricoh 理光* needs a decision", fields=["*Stage*\nD", "*金额*\n120k"]),
                bk.actions(
                    bk.button("Open the form", "open_form", "42", style="primary"),
                    bk.static_select("choose_colour", [bk.option("Red", "red"), bk.option("Blue 蓝", "blue")]),
                ),
            ],
        )

    @app.action("open_form")
    def open_form(ack, body, client):
        ack()
        view = bk.modal(
            "en",
            "Log it",
            [
                bk.input_block("name", "Name", bk.text_input("name_in")),
                bk.input_block(
                    "stage",
                    "Stage",
                    bk.static_select("stage_in", [bk.option(s, s) for s in ("Suspect", "Prospect", "Demo")]),
                ),
                bk.input_block(
                    "roles",
                    "Roles",
                    bk.static_select("roles_in", [bk.option(r, r) for r in ("buyer", "user", "coach")], multi=True),
                    optional=True,
                ),
                bk.input_block("due", "Due date", bk.date_picker("due_in", initial="2026-11-30")),
            ],
            callback_id="shelltest_form",
            submit="Save",
            private_metadata=body["actions"][0]["value"],
        )
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.action("choose_colour")
    def colour(ack, body, respond):
        ack()
        respond(text=f"You picked {body['actions'][0]['selected_option']['value']}", replace_original=False)

    @app.view("shelltest_form")
    def submitted(ack, body, client, view):
        values = view["state"]["values"]
        name = values["name"]["name_in"]["value"]
        if name == "bad":
            ack(response_action="errors", errors={"name": "Name cannot be bad"})
            return
        ack()
        roles = [o["value"] for o in values["roles"]["roles_in"]["selected_options"]]
        stage = values["stage"]["stage_in"]["selected_option"]["value"]
        due = values["due"]["due_in"]["selected_date"]
        dm = client.conversations_open(users=body["user"]["id"])["channel"]["id"]
        client.chat_postMessage(
            channel=dm, text=f"Saved {name} / {stage} / {'+'.join(roles)} / {due} / {view['private_metadata']}"
        )


def _shell(driver: Driver, fake_slack: FakeSlack, clock: ManualClock) -> tuple[Shell, io.StringIO]:
    out = io.StringIO()
    # In-process signed dispatch, as the shell itself does (the fixture's driver goes over HTTP).
    local = Driver(driver.app, fake_slack, signing_secret=SECRET, team_id=TEAM, executor=driver.executor)
    shell = Shell(app=driver.app, driver=local, fake=fake_slack, clock=clock, user_id="U1", out=out)
    return shell, out


def _said(shell: Shell, out: io.StringIO, *lines: str) -> str:
    start = out.tell()
    for line in lines:
        shell.handle(line)
    return out.getvalue()[start:]


def test_buttons_menus_and_a_modal_with_validation(driver: Driver, fake_slack: FakeSlack, clock: ManualClock) -> None:
    fake_slack.add_user("U1", "Ann Lee", tz="Asia/Shanghai", locale="en-US")
    _form_feature(driver)
    shell, out = _shell(driver, fake_slack, clock)

    shown = _said(shell, out, "/shelltest")
    assert "▸ #general · only visible to you" in shown
    assert "FORM TEST 表单" in shown
    assert "Ricoh 理光 needs a decision" in shown  # bold markers gone
    assert "[1] Open the form" in shown and "[2] ▾ choose" in shown
    assert "1) Red  2) Blue 蓝" in shown

    picked = _said(shell, out, ":pick 2 blue")
    assert "You picked blue" in picked

    shown = _said(shell, out, ":show", "1")
    modal = shown[shown.index("Modal: Log it") :]
    assert "(1) Name: ___" in modal
    assert "(3) Roles (optional): ___" in modal
    assert "(4) Due date: 2026-11-30" in modal
    assert ":submit → Save" in modal

    filled = _said(shell, out, ":set 1 bad", ":set stage 2", ":set Roles 1, coach", ":set due date +3d", ":submit")
    assert "(2) Stage: Prospect" in filled
    assert "(3) Roles: buyer, coach" in filled
    assert "(4) Due date: 2026-11-26" in filled  # three days after the clock's local date
    assert "⚠ Name cannot be bad" in filled
    assert shell.modals, "the modal stays open after a validation error"

    done = _said(shell, out, ":set name Wang 王总", ":submit")
    assert "Saved Wang 王总 / Prospect / buyer+coach / 2026-11-26 / 42" in done
    assert "DM from Pipeline Coach" in done and "(modal closed)" in done
    assert not shell.modals

    errors = _said(shell, out, ":submit", ":set 1 x", ":pick 1 red", "9", ":time soon", ":as nobody", ":jobs run")
    assert "No modal is open." in errors
    assert "[1] is a button" in errors
    assert "There is no [9]" in errors
    assert "'soon' is not a time" in errors
    assert "No single user matches 'nobody'" in errors
    assert all(c.response.get("ok") for c in fake_slack.calls if c.method != "users.info")


def test_modal_fields_by_label_and_bad_values(driver: Driver, fake_slack: FakeSlack, clock: ManualClock) -> None:
    fake_slack.add_user("U1", "Ann Lee", tz="Europe/London", locale="en-GB")
    _form_feature(driver)
    shell, out = _shell(driver, fake_slack, clock)
    said = _said(shell, out, "/shelltest", "1", ":submit", ":set Stage Nope", ":set due yesterday-ish", ":set 9 x")
    assert said.count("⚠ Please complete this required field.") == 2  # Name and Stage; Slack checks these
    assert not fake_slack.dms_to("U1")  # nothing reached the app
    said += _said(shell, out, ":cancel")
    assert "no option 'Nope'; choose one of: 1) Suspect, 2) Prospect, 3) Demo" in said
    assert "is not a date" in said
    assert "There is no field (9)" in said
    assert "(modal closed)" in said and not shell.modals


def test_a_failure_while_showing_something_is_one_line_and_the_shell_goes_on(
    driver: Driver, fake_slack: FakeSlack, clock: ManualClock
) -> None:
    fake_slack.add_user("U1", "Ann Lee")
    shell, out = _shell(driver, fake_slack, clock)
    with fake_slack._lock:  # something Slack would never deliver: fields that are not a list
        fake_slack.messages.append(
            Message(
                channel=fake_slack.dm_channel("U1"),
                ts="1.000001",
                text="odd",
                blocks=[{"type": "section", "fields": 5}],
            )
        )
    said = _said(shell, out, ":inbox", "/coach help")
    errors = [line for line in said.splitlines() if "error" in line]
    assert errors and all(e.startswith("  error: cannot show a message in DM") for e in errors)
    assert "TypeError" in errors[0]
    assert "Pipeline Coach admin commands" in said  # the reply after it is still shown


# ----- the renderer and the parsers, on hand-built Block Kit -------------------------------------


def _names(user_id: str) -> str:
    return {"U1": "Ann", "U2": "李伟"}.get(user_id, user_id)


def test_renderer_turns_mrkdwn_into_plain_terminal_text() -> None:
    r = Renderer(user_name=_names, channel_name=lambda c: "sales")
    text = "*Due* <@U2> in <#C1>: <https://x.test/d/1|deal> &amp; <!here> :white_check_mark: _soon_ :unknown:"
    assert (
        r.text({"type": "mrkdwn", "text": text})
        == "Due @李伟 in #sales: deal (https://x.test/d/1) & @here ✅ soon :unknown:"
    )
    assert r.text({"type": "plain_text", "text": "*kept* :tada:"}) == "*kept* 🎉"
    colored = Renderer(color=True).text("*b*")
    assert colored == "\033[1mb\033[0m"


def test_renderer_lays_out_fields_in_columns_at_display_width() -> None:
    r = Renderer()
    lines = r.columns(["客户\n理光中国", "Stage\nD", "Amount\n120k"])
    assert lines[0].startswith("客户") and lines[0].endswith("Stage")
    assert display_width(lines[0][: lines[0].index("Stage")]) == display_width(lines[1][: lines[1].index("D")])
    assert lines[2] == "Amount"


def test_renderer_shows_a_home_and_a_modal_with_values_and_errors() -> None:
    r = Renderer(user_name=_names)
    home = bk.home(
        [
            bk.header("Today 今天"),
            bk.section("Follow-ups", accessory=bk.button("Done", "fu_done", "1")),
            bk.divider(),
            bk.context("Updated 08:30", "<@U1>"),
            bk.actions(bk.button("Log a visit", "log"), bk.button("Delete", "del", style="danger")),
            {"type": "image", "image_url": "https://x.test/c.png", "alt_text": "funnel chart"},
            {
                "type": "rich_text",
                "elements": [
                    {
                        "type": "rich_text_list",
                        "style": "bullet",
                        "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": "one"}]}],
                    }
                ],
            },
        ]
    )
    rendered = r.view(home)
    text = "\n".join(rendered.lines)
    assert rendered.lines[0] == "▸ App Home"
    assert "TODAY 今天" in text and "[1] Done" in text and "[2] Log a visit  [3] Delete ⚠" in text
    assert "Updated 08:30 · @Ann" in text and "funnel chart" in text and "• one" in text
    assert [t.element["action_id"] for t in rendered.targets] == ["fu_done", "log", "del"]

    modal = bk.modal(
        "en",
        "Visit",
        [
            bk.input_block("acct", "Account", bk.external_select("acct_in", placeholder="Search")),
            bk.input_block("who", "Contacts", bk.static_select("who_in", [bk.option("王总", "1")], multi=True)),
            bk.input_block("notes", "Notes", bk.text_input("notes_in", multiline=True), optional=True, hint="Short"),
        ],
        callback_id="v",
        submit="Save",
        close="Cancel",
    )
    values = {"who": {"who_in": {"type": "multi_static_select", "selected_options": [bk.option("王总", "1")]}}}
    rendered = r.view(modal, values=values, errors={"acct": "Pick an account"})
    text = "\n".join(rendered.lines)
    assert rendered.lines[0] == "▸ Modal: Visit"
    assert "(1) Account: ___  Search" in text and "type a name to search" in text and "⚠ Pick an account" in text
    assert "(2) Contacts: 王总" in text and "1) 王总 ✓" in text
    assert "(3) Notes (optional): ___" in text and "Short" in text
    assert ":submit → Save" in text and ":cancel → Cancel" in text
    assert [f.block_id for f in rendered.fields] == ["acct", "who", "notes"]


def test_field_values_take_slacks_shape() -> None:
    kw: dict[str, Any] = {"today": date(2026, 11, 23), "tz": "Asia/Shanghai", "find_user": _find}
    options = [bk.option("Suspect", "S"), bk.option("Prospect", "P"), bk.option("Proposal", "D")]
    select = bk.static_select("s", options)
    assert parse_value(select, "2", **kw)["selected_option"]["value"] == "P"
    assert parse_value(select, "suspect", **kw)["selected_option"]["value"] == "S"
    with pytest.raises(FieldError, match="several"):
        parse_value(select, "pro", **kw)
    multi = bk.static_select("m", options, multi=True)
    assert [o["value"] for o in parse_value(multi, "1、Proposal", **kw)["selected_options"]] == ["S", "D"]
    assert parse_value(bk.date_picker("d"), "fri", **kw)["selected_date"] == "2026-11-27"
    assert parse_value(bk.date_picker("d"), "", **kw)["selected_date"] is None
    assert parse_value(bk.text_input("t"), "line one\\nline two", **kw)["value"] == "line one\nline two"
    assert parse_value({"type": "users_select", "action_id": "u"}, "@li", **kw)["selected_user"] == "U2"
    ext = bk.external_select("e")
    found = parse_value(ext, "ricoh", search=lambda q: [bk.option("理光中国", "7")], **kw)
    assert found["selected_option"]["value"] == "7"
    with pytest.raises(FieldError, match="nothing found"):
        parse_value(ext, "zzz", search=lambda q: [], **kw)
    with pytest.raises(FieldError):
        parse_value({"type": "number_input", "action_id": "n"}, "ten", **kw)


def _find(query: str) -> str | None:
    return {"li": "U2", "ann": "U1"}.get(query.lower())


def test_clock_targets_and_scheduler_steps() -> None:
    now = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
    assert parse_clock_target("+2h", now, "UTC") == now + timedelta(hours=2)
    assert parse_clock_target("+1d2h30m", now, "UTC") == now + timedelta(days=1, hours=2, minutes=30)
    assert parse_clock_target("18:00", now, "Asia/Shanghai") == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    assert parse_clock_target("08:00", now, "Europe/London") == datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    assert parse_clock_target("tomorrow 08:45", now, "Asia/Shanghai") == datetime(2026, 11, 24, 0, 45, tzinfo=UTC)
    assert parse_clock_target("2026-11-24T08:45+08:00", now, "UTC") == datetime(2026, 11, 24, 0, 45, tzinfo=UTC)
    assert parse_clock_target("2026-11-24T08:45", now, "Asia/Shanghai") == datetime(2026, 11, 24, 0, 45, tzinfo=UTC)
    short = steps(now, now + timedelta(hours=1))
    assert [s - now for s in short] == [timedelta(minutes=m) for m in (15, 30, 45, 60)]
    long = steps(now, now + timedelta(days=7))
    assert len(long) <= 25 and long[-1] == now + timedelta(days=7)


def test_manifest_names_read_commands_and_shortcut_types(tmp_path: Path) -> None:
    manifest = tmp_path / "app_manifest.yml"
    manifest.write_text(
        "features:\n  slash_commands:\n    - command: /visit\n      url: x\n    - command: /deal\n"
        "  shortcuts:\n    - name: A\n      type: message\n      callback_id: a_msg\n"
        "    - callback_id: b_global\n      name: B\n      type: global\n",
        encoding="utf-8",
    )
    assert manifest_names(manifest) == (["/visit", "/deal"], {"a_msg": "message", "b_global": "global"})
    assert manifest_names(tmp_path / "missing.yml") == ([], {})
