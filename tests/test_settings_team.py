"""Per-team digest settings: a manager sets their own team's digest channel and time in
`/coach settings`, an admin any team's, a manager naming another team and a rep are refused in
their language; every change is in the history with the team; the digest job then posts in the
team's channel at the team's time while another team keeps the workspace's default."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import select

from bot.core.clock import ManualClock
from bot.core.i18n import t
from bot.core.services import Services
from bot.core.settings import Settings
from dev.driver import Driver
from dev.fake_slack import FakeSlack
from scheduler.service import run_job
from storage.db import Database
from storage.models import SalesTeam, SettingsChange
from tests.conftest import TEAM
from tests.deal_world import cli
from tests.digest_world import World, sh

NOW = sh(2026, 11, 23, 8, 0)  # Monday, 08:00 in Shanghai


@pytest.fixture
def org(db: Database, fake_slack: FakeSlack) -> None:
    """East (Mia; Bo, 王芳; #C0SALES) and West (Wes, Chinese; Yan), and an admin."""
    with db.transaction() as session:
        w = World(session, NOW)
        w.person("UADMIN", "Ann", role="admin")
        _, bo, _ = w.east_team()
        wes = w.person("UWES", "魏斯", role="manager", locale="zh-CN")
        w.person("UYAN", "Yan", manager=wes)
        w.team(wes, "West", channel="C0WEST")
        w.account("Ricoh", bo)
    for user, name, locale in (
        ("UADMIN", "Ann", "en-US"),
        ("UMIA", "Mia", "en-US"),
        ("UBO", "Bo", "en-US"),
        ("UFANG", "王芳", "zh-CN"),
        ("UWES", "魏斯", "zh-CN"),
        ("UYAN", "Yan", "en-US"),
    ):
        fake_slack.add_user(user, name, tz="Asia/Shanghai", locale=locale)
    fake_slack.reset()


def _state(view: dict[str, Any], **typed: str) -> dict[str, dict[str, Any]]:
    """The team modal as Slack submits it: shown values, `typed` over them (a channel: its id)."""
    values: dict[str, dict[str, Any]] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        key, element = block["block_id"], block["element"]
        given = typed.get(key.replace(".", "__"))
        if element["type"] == "channels_select":
            values[key] = {
                "v": {"type": "channels_select", "selected_channel": given or element.get("initial_channel")}
            }
        else:
            text = given if given is not None else element.get("initial_value", "")
            values[key] = {"v": {"type": "plain_text_input", "value": text}}
    return values


def _audit(db: Database) -> list[tuple[str, Any, Any, str, str | None]]:
    with db.transaction() as session:
        rows = session.execute(
            select(SettingsChange, SalesTeam.name)
            .outerjoin(SalesTeam, SalesTeam.id == SettingsChange.sales_team_id)
            .order_by(SettingsChange.id)
        ).all()
        return [(r.key, r.old_value, r.new_value, r.changed_by, name) for r, name in rows]


def test_manager_sets_own_team_errors_first_then_saved_and_in_history(driver: Driver, db: Database, org) -> None:
    driver.command("UMIA", "/coach", "settings")  # a manager sees their team's section only
    view = driver.last_view()
    assert view["callback_id"] == "settings_team"
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == [
        "team.digest_channel",
        "schedule.digest_time",
        "schedule.weekly_digest_day",
        "schedule.recap_day",
        "schedule.recap_time",
    ]
    assert "*East*" in view["blocks"][0]["elements"][0]["text"]
    shown = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert shown["team.digest_channel"]["initial_channel"] == "C0SALES"
    assert shown["schedule.digest_time"]["initial_value"] == "09:00"

    bad = driver.submit("UMIA", view, _state(view, schedule__digest_time="8.3o", schedule__recap_day="someday")).json()
    assert bad["response_action"] == "errors"
    assert set(bad["errors"]) == {"schedule.digest_time", "schedule.recap_day"}
    assert _audit(db) == []

    good = _state(view, team__digest_channel="C0EAST", schedule__digest_time=" 8：30 ")
    assert driver.submit("UMIA", view, good).json() in (None, {}, "")
    assert _audit(db) == [
        ("team.digest_channel", "C0SALES", "C0EAST", "UMIA", "East"),
        ("schedule.digest_time", "09:00", "08:30", "UMIA", "East"),
    ]
    saved = driver.last_ephemeral("UMIA")["text"]
    assert "Settings saved (2 changes)" in saved and "<#C0SALES> → <#C0EAST>" in saved

    driver.command("UADMIN", "/coach", "settings history")
    history = driver.last_ephemeral("UADMIN")["text"]
    assert "<@UMIA> · [East] Daily digest time: 09:00 → 08:30" in history


def test_other_team_and_reps_are_refused_in_their_language(driver: Driver, db: Database, org) -> None:
    driver.command("UWES", "/coach", "settings team <@UMIA|mia>")
    assert driver.last_ephemeral("UWES")["text"] == t("zh", "settings.team.not_yours")
    driver.command("UFANG", "/coach", "settings team")
    assert driver.last_ephemeral("UFANG")["text"] == t("zh", "common.not_allowed")
    driver.command("UBO", "/coach", "settings")
    assert "only a workspace admin" in driver.last_ephemeral("UBO")["text"]
    assert not driver.fake.calls_to("views.open")

    # A forged submission of Mia's form by Wes (the payload names Mia): refused when saved.
    driver.command("UMIA", "/coach", "settings")
    view = driver.last_view()
    forged = {**view, "private_metadata": '{"l":"zh","m":"UMIA"}'}
    driver.submit("UWES", forged, _state(view, schedule__digest_time="07:00"))
    assert _audit(db) == []

    # An admin may change any team, named by its manager.
    driver.command("UADMIN", "/coach", "settings team <@UWES|wes>")
    view = driver.last_view()
    assert "*West*" in view["blocks"][0]["elements"][0]["text"]
    driver.submit("UADMIN", view, _state(view, schedule__digest_time="10:15"))
    assert _audit(db) == [("schedule.digest_time", "09:00", "10:15", "UADMIN", "West")]


@pytest.fixture
def job_services(settings: Settings, db: Database) -> Services:
    return Services(settings=settings, db=db, clock=ManualClock(NOW))


def test_digest_goes_to_the_teams_channel_at_the_teams_time(
    db: Database, org, settings: Settings, fake_slack: FakeSlack, job_services: Services
) -> None:
    assert (
        cli(["settings", "set", "--team", TEAM, "--sales-team", "east", "schedule.digest_time", "8:30"], settings) == 0
    )
    assert (
        cli(["settings", "set", "--team", TEAM, "--sales-team", "UMIA", "team.digest_channel", "<#C0EAST|e>"], settings)
        == 0
    )
    assert (
        cli(["settings", "set", "--team", TEAM, "--sales-team", "Nobody", "schedule.digest_time", "8:30"], settings)
        == 2
    )
    assert cli(["settings", "set", "--team", TEAM, "--sales-team", "East", "daily_visit_standard", "3"], settings) == 2
    assert (
        cli(["settings", "set", "--team", TEAM, "--sales-team", "East", "schedule.recap_time", "25:00"], settings) == 1
    )
    assert [row[4] for row in _audit(db)] == ["East", "East"]

    client = WebClient(token="xoxb-test-token", base_url=fake_slack.api_url)
    assert run_job(job_services, client, "manager-digest", sh(2026, 11, 23, 8, 20)) == 0
    assert run_job(job_services, client, "manager-digest", sh(2026, 11, 23, 8, 35)) == 1  # East at 08:30
    assert [p.params["channel"] for p in fake_slack.calls_to("chat.postMessage")] == ["C0EAST"]
    assert run_job(job_services, client, "manager-digest", sh(2026, 11, 23, 9, 5)) == 1  # West: the default
    assert [p.params["channel"] for p in fake_slack.calls_to("chat.postMessage")] == ["C0EAST", "C0WEST"]


def test_a_private_channel_without_the_bot_tells_the_manager_once_in_their_language(
    db: Database, org, settings: Settings, fake_slack: FakeSlack, job_services: Services
) -> None:
    """Wes (Chinese) picks a private channel the bot was never invited to: his digest comes
    by DM, with one note asking him to invite the bot, and no second note the next day."""
    fake_slack.private_without_bot.add("C0PRIV")
    assert (
        cli(["settings", "set", "--team", TEAM, "--sales-team", "魏斯", "team.digest_channel", "C0PRIV"], settings) == 0
    )
    client = WebClient(token="xoxb-test-token", base_url=fake_slack.api_url)
    assert run_job(job_services, client, "manager-digest", sh(2026, 11, 23, 9, 5)) == 3  # East; Wes: note, digest
    note, digest = fake_slack.dms_to("UWES")
    assert "无法在 <#C0PRIV> 发布团队简报" in note.text and "/invite @Pipeline Coach" in note.text
    assert "C0PRIV" not in digest.text
    assert run_job(job_services, client, "manager-digest", sh(2026, 11, 24, 9, 5)) == 2  # East; Wes: digest
    assert len(fake_slack.dms_to("UWES")) == 3
    assert not fake_slack.messages_in("C0PRIV")


def test_a_manager_without_a_team_yet_gets_one_named_after_them(driver: Driver, db: Database, org) -> None:
    with db.transaction() as session:
        World(session, NOW).person("UNEW", "Nia", role="manager")
    driver.fake.add_user("UNEW", "Nia", tz="Asia/Shanghai")
    driver.command("UNEW", "/coach", "设置")
    view = driver.last_view()
    assert view["callback_id"] == "settings_team" and "*Nia*" in view["blocks"][0]["elements"][0]["text"]
    driver.submit("UNEW", view, _state(view, schedule__recap_day="周四"))
    assert _audit(db) == [("schedule.recap_day", 4, 3, "UNEW", "Nia")]
