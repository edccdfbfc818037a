"""`/coach settings`: an admin changes the workspace's rules in modals (validated like every
form, nothing saved on error), every change is audited and listed, reps are refused; the CLI
goes through the same validation and audit."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.core.config import WorkspaceConfig
from bot.core.i18n import t
from bot.deals.ops import reason_names
from bot.settings import ops, render
from bot.settings.fields import SECTIONS
from bot.ui.blockkit import view_problems
from dev.driver import Driver
from storage.db import Database
from storage.models import SettingsChange, Stage, Workspace
from tests.deal_world import ADMIN, MGR, REP, ZH, all_calls_ok, build_team, cli


@pytest.fixture
def team(driver: Driver, db: Database) -> dict[str, int]:
    return build_team(driver, db)


def _config(db: Database, driver: Driver) -> WorkspaceConfig:
    with db.transaction() as session:
        return WorkspaceConfig.load(session.get(Workspace, driver.team_id).config)  # type: ignore[union-attr]


def _audit(db: Database) -> list[tuple[str, Any, Any, str, str]]:
    with db.transaction() as session:
        rows = session.scalars(select(SettingsChange).order_by(SettingsChange.id)).all()
        return [(r.key, r.old_value, r.new_value, r.changed_by, r.source) for r in rows]


def _state(view: dict[str, Any], **changed: str) -> dict[str, dict[str, Any]]:
    """The modal's fields as Slack submits them: the shown values, with `changed` typed over."""
    values: dict[str, dict[str, Any]] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        key = block["block_id"]
        text = changed.get(key.replace(".", "__"), block["element"].get("initial_value", ""))
        values[key] = {"v": {"type": "plain_text_input", "value": text}}
    return values


def _open_section(driver: Driver, user: str, section: str) -> dict[str, Any]:
    """Open the picker, choose `section`: the picker answers with the section's modal."""
    driver.command(user, "/coach", "settings")
    picker = driver.last_view()
    assert picker["callback_id"] == "settings_pick"
    chosen = {"section": {"pick": {"type": "static_select", "selected_option": {"value": section}}}}
    answer = driver.submit(user, picker, chosen).json()
    assert answer["response_action"] == "update"
    return {**answer["view"], "id": picker["id"]}  # Slack keeps the view's id when it updates it


def test_admin_changes_the_schedule_errors_first_then_saved_and_in_history(
    driver: Driver, db: Database, team: dict[str, int]
) -> None:
    view = _open_section(driver, ADMIN, "schedule")
    keys = [b["block_id"] for b in view["blocks"] if b["type"] == "input"]
    assert keys == [
        "schedule.working_days",
        "schedule.checkin_morning",
        "schedule.checkin_evening",
        "schedule.quiet_start",
        "schedule.quiet_end",
        "away_status_words",
    ]
    assert view["title"]["text"] == "Work days and hours"
    shown = {b["block_id"]: b["element"].get("initial_value") for b in view["blocks"] if b["type"] == "input"}
    assert shown["schedule.working_days"] == "Mon Tue Wed Thu Fri"
    assert shown["schedule.quiet_end"] == "20:00"

    # Sloppy and wrong input: every problem under its field, nothing saved.
    bad = _state(view, schedule__working_days="Mon-Sat", schedule__checkin_morning="8:4x", schedule__quiet_end="7:00")
    response = driver.submit(ADMIN, view, bad).json()
    assert response["response_action"] == "errors"
    assert response["errors"] == {"schedule.checkin_morning": "Enter a time as HH:MM, e.g. 08:45."}
    only_window = _state(view, schedule__working_days="Mon-Sat", schedule__quiet_end="7:00")
    errors = driver.submit(ADMIN, view, only_window).json()["errors"]
    assert errors == {"schedule.quiet_end": "Must be later than the start of the messaging hours."}
    late = _state(view, schedule__checkin_morning="7:30")
    errors = driver.submit(ADMIN, view, late).json()["errors"]
    assert errors == {"schedule.checkin_morning": "Must be within messaging hours (08:00–20:00)."}
    assert _audit(db) == []
    assert _config(db, driver).schedule.working_days == [0, 1, 2, 3, 4]

    good = _state(
        view, schedule__working_days="周一至周六", schedule__checkin_morning="9：15", schedule__quiet_end="21:00"
    )
    assert driver.submit(ADMIN, view, good).json() in (None, {}, "")  # a plain ack closes the modal
    schedule = _config(db, driver).schedule
    assert (schedule.working_days, schedule.checkin_morning, schedule.quiet_end) == (
        [0, 1, 2, 3, 4, 5],
        "09:15",
        "21:00",
    )
    assert _audit(db) == [
        ("schedule.working_days", [0, 1, 2, 3, 4], [0, 1, 2, 3, 4, 5], ADMIN, "slack"),
        ("schedule.checkin_morning", "08:45", "09:15", ADMIN, "slack"),
        ("schedule.quiet_end", "20:00", "21:00", ADMIN, "slack"),
    ]
    saved = driver.last_ephemeral(ADMIN)["text"]
    assert "Settings saved (3 changes)" in saved
    assert "Work days: Mon Tue Wed Thu Fri → Mon Tue Wed Thu Fri Sat" in saved

    driver.command(ADMIN, "/coach", "settings history")
    history = driver.last_ephemeral(ADMIN)["text"]
    assert "Last 3 settings changes" in history
    assert f"<@{ADMIN}> · Messages until: 20:00 → 21:00" in history
    all_calls_ok(driver)


def test_reasons_are_added_renamed_and_retired_and_old_deals_keep_theirs(
    driver: Driver, db: Database, team: dict[str, int]
) -> None:
    driver.command(ADMIN, "/coach", "settings reasons")
    view = driver.last_view()
    lines = _state(view)["loss_reasons"]["v"]["value"].splitlines()
    assert lines[0] == "price | Price | 价格"
    kept = [line for line in lines if not line.startswith(("dm_absent", "never_engaged"))]
    kept[0] = "price | Price too high | 价格太高"
    typo = _state(view, loss_reasons="\n".join([*kept, "slow | Slow answers"]))
    errors = driver.submit(ADMIN, view, typo).json()["errors"]
    assert errors == {"loss_reasons": "Line 7 should read `key | English | 中文` (key: lowercase letters, digits, _)."}
    good = _state(
        view, loss_reasons="\n".join([*kept, "slow | Slow answers | 回复太慢"]), win_reasons="Rel | Relationship | 关系"
    )
    driver.submit(ADMIN, view, good)
    config = _config(db, driver)
    active = [r.key for r in config.loss_reasons if not r.retired]
    retired = [r.key for r in config.loss_reasons if r.retired]
    assert active[0] == "price" and active[-1] == "slow" and config.loss_reasons[0].zh == "价格太高"
    assert retired == ["dm_absent", "never_engaged"]
    assert [r.key for r in config.win_reasons if not r.retired] == ["rel"]  # the default wins retired
    # The lost-deal form offers only active reasons; a retired one still has its name.
    driver.command(REP, "/deal", 'new Ricoh "A3 copiers"')
    driver.command(REP, "/deal", "lost Ricoh copiers")
    driver.click(REP, driver.last_ephemeral(REP), "deal_confirm")  # only 0 contacts: lose it anyway
    close = driver.last_view()
    offered = [o["value"] for b in close["blocks"] if b.get("block_id") == "reasons" for o in b["element"]["options"]]
    assert offered[0] == "price" and offered[-1] == "slow" and "dm_absent" not in offered
    assert close["blocks"][1]["element"]["options"][0]["text"]["text"] == "Price too high"
    with db.transaction() as session:  # a retired reason still names the deals closed with it
        assert reason_names(session, driver.team_id, "zh")["dm_absent"] == "决策人未参加演示"
    all_calls_ok(driver)


def test_chinese_admin_gets_the_modal_and_errors_in_chinese(driver: Driver, db: Database, team: dict[str, int]) -> None:
    driver.command(ADMIN, "/coach", f"role <@{ZH}> admin")
    view = _open_section(driver, ZH, "cadence")
    assert view["title"]["text"] == "见面频率"
    bad = _state(view, cadence__thresholds="90, 30", cadence__role_thresholds="采购 60 180")
    errors = driver.submit(ZH, view, bad).json()["errors"]
    assert errors["cadence.thresholds"].startswith("请输入 1 到 3650 之间递增的天数")
    assert errors["cadence.role_thresholds"] == "第 1 行应为 `角色: 60, 180, 365`（递增的天数）。"
    good = _state(view, cadence__thresholds="30，60、120", cadence__role_thresholds="purchaser: 60, 180, 365")
    driver.submit(ZH, view, good)
    cadence = _config(db, driver).cadence
    assert cadence.thresholds == [30, 60, 120] and cadence.role_thresholds == {"purchaser": [60, 180, 365]}
    assert "设置已保存（2 项修改）" in driver.last_ephemeral(ZH)["text"]


def test_reps_and_managers_are_refused_and_nothing_opens(driver: Driver, db: Database, team: dict[str, int]) -> None:
    for user in (REP, MGR):
        driver.command(user, "/coach", "settings visits")
        assert "admin" in driver.last_ephemeral(user)["text"].lower()
        driver.command(user, "/coach", "settings history")
        assert "admin" in driver.last_ephemeral(user)["text"].lower()
    driver.command(REP, "/coach", "settings")
    assert "admin" in driver.last_ephemeral(REP)["text"].lower()
    assert not [c for c in driver.fake.calls if c.method == "views.open"]
    # A forged submission of the section modal by a rep changes nothing.
    forged = {
        "id": "V0FORGED1",
        "type": "modal",
        "callback_id": "settings_section",
        "private_metadata": '{"l":"en","s":"visits"}',
        "blocks": [],
    }
    driver.submit(REP, forged, {"daily_visit_standard": {"v": {"type": "plain_text_input", "value": "1"}}})
    assert _config(db, driver).daily_visit_standard == 4
    assert _audit(db) == []
    assert "admin" in driver.fake.dms_to(REP)[-1].text.lower()


def test_cli_show_set_and_history_share_validation_and_audit(
    driver: Driver, db: Database, team: dict[str, int], settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    team_id = driver.team_id
    assert cli(["settings", "set", "--team", team_id, "daily_visit_standard", "lots"], settings) == 1
    assert "daily_visit_standard: Enter a whole number from 1 to 20." in capsys.readouterr().err
    assert cli(["settings", "set", "--team", team_id, "follow_up.new_lead_hours", "2.5"], settings) == 0
    assert "follow_up.new_lead_hours" not in capsys.readouterr().err
    assert (
        cli(
            [
                "settings",
                "set",
                "--team",
                team_id,
                "win_reasons",
                "rel | Relationship | 关系; fast | Fast demo | 演示快",
            ],
            settings,
        )
        == 0
    )
    capsys.readouterr()
    assert cli(["settings", "show", "--team", team_id], settings) == 0
    shown = capsys.readouterr().out
    assert "follow_up.new_lead_hours = 2.5" in shown
    assert "win_reasons = rel | Relationship | 关系; fast | Fast demo | 演示快" in shown
    assert cli(["settings", "set", "--team", team_id, "no.such", "1"], settings) == 2
    assert cli(["settings", "set", "--team", "TNOPE", "daily_visit_standard", "5"], settings) == 2
    assert next((k, o, n, by) for k, o, n, by, _ in _audit(db)) == ("follow_up.new_lead_hours", 5, 2.5, "cli")
    driver.command(ADMIN, "/coach", "settings history")
    assert "the command line · First contact of a new lead (hours): 5 → 2.5" in driver.last_ephemeral(ADMIN)["text"]


def test_follow_up_rules_and_stale_days_per_stage(driver: Driver, db: Database, team: dict[str, int]) -> None:
    view = _open_section(driver, ADMIN, "followup")
    shown = {b["block_id"]: b["element"].get("initial_value") for b in view["blocks"] if b["type"] == "input"}
    assert shown["stages.max_days"].splitlines() == ["S: -", "P: -", "A: 60", "D: 45", "C: 30", "O: -"]
    assert shown["follow_up.new_lead_hours"] == "5"
    bad = _state(view, stages__max_days="D: 40\nX: 10", follow_up__min_contacts_before_lost="six")
    errors = driver.submit(ADMIN, view, bad).json()["errors"]
    assert errors == {
        "stages.max_days": "Line 2 should read `STAGE: days` (1–3650) or `STAGE: -`; stages: S, P, A, D, C, O.",
        "follow_up.min_contacts_before_lost": "Enter a whole number from 1 to 50.",
    }
    good = _state(view, stages__max_days="d：40\nC: -", follow_up__min_contacts_before_lost="8")
    driver.submit(ADMIN, view, good)
    with db.transaction() as session:
        stages = {s.key: s.max_days for s in session.scalars(select(Stage).where(Stage.is_active.is_(True)))}
        preset = session.get(Workspace, driver.team_id).config["stage_preset"]  # type: ignore[union-attr]
    assert stages == {"S": None, "P": None, "A": 60, "D": 40, "C": None, "O": None}
    assert preset == "custom"
    assert _config(db, driver).follow_up.min_contacts_before_lost == 8
    assert [key for key, *_ in _audit(db)] == ["follow_up.min_contacts_before_lost", "stages.max_days"]
    driver.command(ADMIN, "/coach", "stages")
    assert "40" in driver.last_ephemeral(ADMIN)["text"]
    all_calls_ok(driver)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_section_modal_is_valid_block_kit_with_unclipped_titles(
    driver: Driver, db: Database, team: dict[str, int], lang: str
) -> None:
    with db.transaction() as session:
        config = ops.current_config(session, driver.team_id)
    for section in SECTIONS:
        view = render.section_modal(lang, section, config, "https://hooks.slack.test/commands/T/1/x")  # type: ignore[arg-type]
        assert view_problems(view) == [], section
        assert view["title"]["text"] == t(lang, f"settings.section.{section}")  # type: ignore[arg-type]
        assert len(view["blocks"]) <= 100
    assert view_problems(render.picker_modal(lang)) == []  # type: ignore[arg-type]
