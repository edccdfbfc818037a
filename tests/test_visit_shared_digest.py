"""A visit logged on a colleague's account is told to its owner in the next daily team digest
(issue 15, deliverable 2): once, in both languages, and a long list ends with "and N more".

There is no personal digest for reps; the daily team digest (team channel, else the manager's
DM) is the one a rep reads, so the owner's line there carries it."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.core.clock import ManualClock
from bot.core.services import Services
from bot.core.settings import Settings
from bot.digests import render, service
from bot.digests.daily import COLLEAGUE_VISITS_SHOWN
from bot.people.teams import all_teams
from dev.driver import Driver
from dev.fake_slack import FakeSlack
from scheduler.service import run_job
from storage.db import Database
from tests.conftest import START, TEAM
from tests.digest_world import World, sh
from tests.test_digest_daily import texts
from tests.visit_world import all_ok, reply_text
from tests.visit_world import visits as stored_visits


def _east(db: Database, driver: Driver) -> dict[str, int]:
    with db.transaction() as session:
        w = World(session, START)
        _mia, bo, fang = w.east_team()
        ricoh = w.account("Ricoh", bo)
        w.contact(ricoh, "张总", "decision_maker")
        w.account("理光", fang)
        session.flush()
        ids = {"bo": bo.id, "fang": fang.id, "ricoh": ricoh.id}
    driver.fake.add_user("UBO", "Bo", tz="Asia/Shanghai")
    driver.fake.add_user("UFANG", "王芳", tz="Asia/Shanghai", locale="zh-CN")
    return ids


def test_the_owner_hears_of_it_in_the_next_daily_digest_once(
    driver: Driver, db: Database, settings: Settings, clock: ManualClock, fake_slack: FakeSlack
) -> None:
    ids = _east(db, driver)
    driver.command("UFANG", "/visit", "拜访了Ricoh的张总，下一步：周五前发报价")  # Monday, on Bo's account

    (visit,) = stored_visits(db)
    assert (visit.account_id, visit.rep_id) == (ids["ricoh"], ids["fang"])
    assert "Bo" in reply_text(driver.last_ephemeral("UFANG"))
    client = WebClient(token="xoxb-test-token", base_url=fake_slack.api_url)
    jobs = Services(settings=settings, db=db, clock=clock)

    assert run_job(jobs, client, "manager-digest", sh(2026, 11, 24, 9, 5)) == 1  # Tuesday: Monday's digest
    tuesday = texts(fake_slack.calls_to("chat.postMessage")[-1].params["blocks"])
    assert tuesday.count("1 visit by colleagues on Bo's accounts: Ricoh by 王芳") == 1
    assert "on 王芳's accounts" not in tuesday

    assert run_job(jobs, client, "manager-digest", sh(2026, 11, 25, 9, 5)) == 1  # Wednesday
    wednesday = texts(fake_slack.calls_to("chat.postMessage")[-1].params["blocks"])
    assert "by colleagues" not in wednesday and "Ricoh by" not in wednesday
    all_ok(driver)


def test_a_weekends_visits_are_told_on_tuesday_and_a_long_list_is_cut_in_both_languages(
    driver: Driver, db: Database, clock: ManualClock
) -> None:
    _east(db, driver)
    clock.set(sh(2026, 11, 21, 11))  # Saturday
    for n in range(COLLEAGUE_VISITS_SHOWN + 2):
        driver.command("UFANG", "/visit", f"Ricoh 电话 张总 第{n + 1}次")
    assert len(stored_visits(db)) == COLLEAGUE_VISITS_SHOWN + 2

    with db.transaction() as session:
        team = all_teams(session, TEAM)[0]
        monday = service.build(session, team, "daily", sh(2026, 11, 23, 9, 5))  # Friday's digest
        tuesday = service.build(session, team, "daily", sh(2026, 11, 24, 9, 5))  # Monday's, from Friday's end
    assert not any(r.by_colleagues.count for r in monday.reps)
    (bo,) = [r for r in tuesday.reps if r.name == "Bo"]
    assert (bo.by_colleagues.count, len(bo.by_colleagues.first)) == (COLLEAGUE_VISITS_SHOWN + 2, COLLEAGUE_VISITS_SHOWN)

    en = texts(render.render_daily("en", tuesday).parent.blocks)
    assert "7 visits by colleagues on Bo's accounts: Ricoh by 王芳; Ricoh by 王芳" in en
    assert "Ricoh by 王芳 and 2 more" in en
    zh = texts(render.render_daily("zh", tuesday).parent.blocks)
    assert "同事拜访了Bo的客户 7 次：Ricoh（王芳）" in zh and "另有 2 次" in zh
    all_ok(driver)
