"""Team data is for managers and admins: previews on demand, and who the jobs send to.

The team is the weekly digest's hand-built team (Mia manages Bo, 王芳, Cy and Dee); Olga
manages a team of her own (Pat).
"""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from sqlalchemy import select, update

from bot.core.clock import ManualClock
from bot.core.services import Services
from bot.core.settings import Settings
from dev.driver import Driver
from dev.fake_slack import FakeSlack
from scheduler.service import run_job
from storage.db import Database
from storage.models import Person, SalesTeam
from tests.digest_world import World, sh
from tests.test_digest_daily import texts
from tests.test_digest_weekly import NOW
from tests.test_digest_weekly import world as world  # the weekly team, as a fixture


@pytest.fixture
def teams(db: Database, world) -> None:
    with db.transaction() as session:
        w = World(session, NOW)
        w.person("UADMIN", "Ann", role="admin")
        olga = w.person("UOLGA", "Olga", role="manager")
        w.person("UPAT", "Pat", manager=olga)
        w.team(olga, "West", channel=None)


def _ephemeral_text(driver: Driver, user: str) -> str:
    return "\n".join(texts(m.blocks) if m.blocks else m.text for m in driver.fake.ephemerals_to(user))


def test_a_rep_asking_for_a_digest_gets_a_polite_refusal_and_no_figures(driver: Driver, teams) -> None:
    for words in ("digest weekly", "digest daily <@UMIA>", "digest recap", "digest tier"):
        driver.command("UBO", "/coach", words)
    shown = _ephemeral_text(driver, "UBO")
    assert shown.count("Team digests are for managers and admins.") == 4
    assert "王芳" not in shown and "Conversion" not in shown and "visits" not in shown
    assert not driver.fake.calls_to("files.completeUploadExternal")
    driver.command("UFANG", "/coach", "digest weekly")
    assert "团队简报仅供经理和管理员查看" in driver.last_ephemeral("UFANG")["text"]


def test_a_manager_previews_their_teams_digest_with_the_charts_in_their_dm(driver: Driver, teams) -> None:
    driver.command("UMIA", "/coach", "digest weekly")
    shown = _ephemeral_text(driver, "UMIA")
    assert "Preview, only you can see this. The weekly digest goes to <#C0SALES>." in shown
    assert "Charts: 2 sent to you in a direct message." in shown
    assert "weakest *S→P* 5 of 10 (team 74%)" in shown
    (upload,) = driver.fake.calls_to("files.completeUploadExternal")
    assert upload.params["channel_id"] == driver.fake.dm_channel("UMIA")
    assert not driver.fake.calls_to("chat.postMessage")  # nothing reached the team's channel
    assert all(c.response.get("ok") for c in driver.fake.calls)


def test_previews_of_every_kind_in_both_languages(driver: Driver, db: Database, teams) -> None:
    for words, expected in (
        ("digest daily", "Daily digest · East"),
        ("digest recap", "Win/loss recap · East"),
        ("digest tier", "5+5+5 review · East · Nov 2026"),  # a preview: this month so far
        ("digest 周报", "Weekly digest · East"),
    ):
        driver.command("UMIA", "/coach", words)
        assert expected in _ephemeral_text(driver, "UMIA"), words
    with db.transaction() as session:
        session.execute(update(Person).where(Person.slack_user_id == "UMIA").values(lang="zh"))
    driver.command("UMIA", "/coach", "digest daily")
    assert "每日简报 · East" in _ephemeral_text(driver, "UMIA")
    driver.command("UMIA", "/coach", "digest monthly")
    assert "Usage: `/coach digest daily|weekly|recap|tier`" not in driver.last_ephemeral("UMIA")["text"]
    assert "用法：`/coach digest daily|weekly|recap|tier`" in driver.last_ephemeral("UMIA")["text"]


def test_only_admins_may_look_at_another_managers_team(driver: Driver, teams) -> None:
    driver.command("UMIA", "/coach", "digest daily <@UOLGA>")
    assert "only a workspace admin" in driver.last_ephemeral("UMIA")["text"]
    assert "Pat" not in _ephemeral_text(driver, "UMIA")
    driver.command("UADMIN", "/coach", "digest daily <@UOLGA>")
    shown = _ephemeral_text(driver, "UADMIN")
    assert "Daily digest · West" in shown and "Pat" in shown and "The daily digest goes to the manager by DM" in shown


@pytest.fixture
def job_services(settings: Settings, db: Database) -> Services:
    return Services(settings=settings, db=db, clock=ManualClock(NOW))


def test_digests_go_to_the_team_channel_or_the_managers_dm_and_never_to_a_rep(
    db: Database, teams, fake_slack: FakeSlack, job_services: Services
) -> None:
    client = WebClient(token="xoxb-test-token", base_url=fake_slack.api_url)
    with db.transaction() as session:  # Olga is no longer a manager: her team gets nothing
        session.execute(update(Person).where(Person.slack_user_id == "UOLGA").values(role="rep"))
    assert run_job(job_services, client, "manager-digest", NOW) == 1
    assert {c.params["channel"] for c in fake_slack.calls_to("chat.postMessage")} == {"C0SALES"}
    with db.transaction() as session:
        session.execute(update(Person).where(Person.slack_user_id == "UOLGA").values(role="manager"))
        channel = session.scalars(select(SalesTeam).where(SalesTeam.name == "West")).one().digest_channel_id
    assert channel is None
    assert run_job(job_services, client, "manager-digest", sh(2026, 11, 23, 9, 30)) == 1
    dms = fake_slack.dms_to("UOLGA")
    assert len(dms) == 1 and "Daily digest · West" in texts(dms[0].blocks)
    assert not fake_slack.dms_to("UPAT") and not fake_slack.dms_to("UBO")
