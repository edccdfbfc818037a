"""The daily manager digest: every figure of a hand-built team, in both languages, and its job.

The team (Shanghai time, Monday 23 November 2026, digest for Friday 20 November):

| rep  | Friday visits | effective | check-in       | overdue | cooling key contacts |
|------|---------------|-----------|----------------|---------|----------------------|
| Bo   | 4             | 3         | plan + review  | 1       | 1                    |
| Cy   | on time off   |           |                | 2       | 0                    |
| Dee  | 0             | 0         | none           | 0       | 0                    |
| 王芳 | 1             | 1         | plan only      | 0       | 1                    |
"""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient

from bot.core.clock import ManualClock
from bot.core.services import Services
from bot.core.settings import Settings
from bot.digests import render, service
from bot.digests.daily import build_daily, cooling_counts, previous_working_day
from bot.people.members import workspace_config
from bot.people.teams import all_teams
from bot.ui.blockkit import message_problems
from dev.fake_slack import FakeSlack
from scheduler.service import run_job
from storage.db import Database
from tests.conftest import TEAM
from tests.digest_world import SHANGHAI, World, sh

NOW = sh(2026, 11, 23, 9, 5)  # Monday, 09:05 in Shanghai
FRIDAY = date(2026, 11, 20)


def texts(blocks: list[dict[str, Any]]) -> str:
    """Every visible string of a message's blocks, in order."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block.get("text"), dict):
            out.append(block["text"]["text"])
        out.extend(f["text"] for f in block.get("fields") or [])
        out.extend(e.get("text", "") for e in block.get("elements") or [] if isinstance(e, dict))
    return "\n".join(out)


@pytest.fixture
def world(db: Database) -> dict[str, Any]:
    with db.transaction() as session:
        w = World(session, NOW)
        mia, bo, fang = w.east_team()
        cy = w.person("UCY", "Cy", manager=mia)
        dee = w.person("UDEE", "Dee", manager=mia)
        outsider = w.person("UOUT", "Olga")  # in no team: never in this digest

        ricoh = w.account("Ricoh", bo)
        canon = w.account("Canon", bo)
        liguang = w.account("理光", fang)
        w.deal(bo, ricoh, [(-30, "S"), (-20, "A")])
        w.deal(fang, liguang, [(-30, "S"), (-20, "D")])
        w.contact(ricoh, "张总", "decision_maker", met=w.days(-40))  # cooling
        w.contact(ricoh, "Li", "coach", met=w.days(-10))  # met recently
        w.contact(ricoh, "小王", "influencer")  # never met, but not a key role
        w.contact(canon, "Zhou", "decision_maker")  # no open deal on Canon: not key
        w.contact(liguang, "王总", "decision_maker")  # key, never met: cooling

        w.visit(bo, ricoh, sh(2026, 11, 20, 10))
        w.visit(bo, ricoh, sh(2026, 11, 20, 14))
        w.visit(bo, canon, sh(2026, 11, 20, 16), next_step=None)  # no next step: not effective
        w.visit(bo, canon, sh(2026, 11, 20, 23, 30))  # late Friday evening still counts
        w.visit(bo, canon, sh(2026, 11, 21, 0, 30))  # Saturday
        w.visit(bo, canon, sh(2026, 11, 19, 15))  # Thursday
        w.visit(fang, liguang, sh(2026, 11, 20, 11))
        w.visit(fang, liguang, sh(2026, 11, 19, 11))
        w.visit(fang, liguang, sh(2026, 11, 21, 11), purpose=None)
        w.visit(outsider, w.account("Fuji", outsider), sh(2026, 11, 20, 9))  # her own account: not the team's

        w.checkin(bo, FRIDAY, planned=True, reviewed=True)
        w.checkin(fang, FRIDAY, planned=True, reviewed=False)
        w.checkin(dee, date(2026, 11, 19), planned=True, reviewed=True)  # Thursday: not Friday's

        w.follow_up(bo, sh(2026, 11, 22, 9))  # overdue
        w.follow_up(bo, sh(2026, 11, 25, 9))  # not yet due
        w.follow_up(bo, sh(2026, 11, 18, 9), status="done")
        w.follow_up(cy, sh(2026, 11, 10, 9))
        w.follow_up(cy, sh(2026, 11, 16, 9))
        w.follow_up(outsider, sh(2026, 11, 16, 9))
        w.time_off(cy, date(2026, 11, 19), date(2026, 11, 20))
        return {"team_id": w.team_id}


def _daily(db: Database):  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        team = all_teams(session, TEAM)[0]
        config = workspace_config(session, team.team_id)
        reps = service._members(session, team)
        return build_daily(session, team.team_id, team.name, reps, FRIDAY, team.manager_tz, NOW, config)


def test_every_figure_per_rep_and_for_the_team(db: Database, world) -> None:
    digest = _daily(db)
    rows = {r.name: (r.visits, r.effective, r.planned, r.reviewed, r.overdue, r.cooling, r.off) for r in digest.reps}
    assert rows == {
        "Bo": (4, 3, True, True, 1, 1, False),
        "Cy": (0, 0, False, False, 2, 0, True),
        "Dee": (0, 0, False, False, 0, 0, False),
        "王芳": (1, 1, True, False, 0, 1, False),
    }
    totals = digest.totals
    assert (totals.reps, totals.visits, totals.effective, totals.standard) == (4, 5, 4, 12)
    assert (totals.planned, totals.reviewed, totals.overdue, totals.cooling, totals.off) == (2, 1, 3, 2, 1)
    # attention: Dee 4 short + no review = 5; 王芳 3 short + 1 cooling + no review = 5; Bo 1 + 1 = 2; Cy 2
    assert [(r.name, r.attention_score) for r in digest.attention] == [("Dee", 5), ("王芳", 5), ("Bo", 2)]


def test_rendered_in_english_and_chinese(db: Database, world) -> None:
    digest = _daily(db)
    en = render.render_daily("en", digest)
    text = texts(en.parent.blocks)
    assert "Daily digest · East · Fri 20 Nov 2026" in text
    assert "5/12 visits (42%), 4 effective" in text
    assert "check-in reviewed 1/3, planned 2/3 · 3 follow-ups overdue · 2 key relationships cooling" in text
    assert "1 on time off." in text
    assert "1. *Dee*: 0 of 4 visits; no check-in review" in text
    assert "2. *王芳*: 1 of 4 visits; 1 key relationship cooling; no check-in review" in text
    assert "3. *Bo*: 1 follow-up overdue; 1 key relationship cooling" in text
    assert "• *Bo*: 4/4 visits (3 effective) · plan ✓ review ✓ · 1 overdue · 1 cooling" in text
    assert "• *Cy*: on time off · 2 overdue · 0 cooling" in text
    assert "• *王芳*: 1/4 visits (1 effective) · plan ✓ review ✗ · 0 overdue · 1 cooling" in text
    assert "Olga" not in text and "private" not in text  # completion only, never check-in detail
    assert message_problems(en.parent.text, en.parent.blocks) == [] and not en.replies

    zh = texts(render.render_daily("zh", digest).parent.blocks)
    assert "每日简报 · East · 2026年11月20日 周五" in zh
    assert "拜访 5/12 次（42%），有效 4 次 · 复盘 1/3，计划 2/3 · 逾期跟进 3 项 · 关键关系变冷 2 个" in zh
    assert "1. *Dee*：拜访 0/4 次；未做当日复盘" in zh
    assert "• *王芳*：拜访 1/4（有效 1）· 计划 ✓ 复盘 ✗ · 逾期 0 · 变冷 1" in zh


def test_yesterday_skips_weekends_and_holidays(db: Database, world) -> None:
    with db.transaction() as session:
        config = workspace_config(session, world["team_id"])
    assert previous_working_day(date(2026, 11, 23), config, {}) == FRIDAY
    assert previous_working_day(date(2026, 11, 23), config, {FRIDAY: "x"}) == date(2026, 11, 19)
    assert previous_working_day(date(2026, 11, 25), config, {}) == date(2026, 11, 24)


def test_due_on_working_days_from_the_digest_time(db: Database, world) -> None:
    with db.transaction() as session:
        config = workspace_config(session, world["team_id"])
    local = NOW.astimezone(ZoneInfo(SHANGHAI))
    assert service.due("daily", local, config, {}).key == "2026-11-23"
    assert service.due("daily", local.replace(hour=8, minute=59), config, {}) is None
    assert service.due("daily", local.replace(hour=20, minute=1), config, {}) is None  # quiet hours
    assert service.due("daily", local.replace(day=22), config, {}) is None  # Sunday
    assert service.due("daily", local, config, {date(2026, 11, 23): "x"}) is None  # holiday


@pytest.fixture
def job_services(settings: Settings, db: Database) -> Services:
    return Services(settings=settings, db=db, clock=ManualClock(NOW))


def test_the_job_posts_once_in_the_team_channel(db: Database, world, fake_slack: FakeSlack, job_services) -> None:
    client = WebClient(token="xoxb-test-token", base_url=fake_slack.api_url)
    assert run_job(job_services, client, "manager-digest", sh(2026, 11, 23, 8, 50)) == 0
    assert run_job(job_services, client, "manager-digest", NOW) == 1
    assert run_job(job_services, client, "manager-digest", sh(2026, 11, 23, 9, 20)) == 0  # once a day
    posts = fake_slack.calls_to("chat.postMessage")
    assert len(posts) == 1 and posts[0].params["channel"] == "C0SALES"
    assert "5/12 visits" in texts(posts[0].params["blocks"])
    assert all(c.response.get("ok") for c in fake_slack.calls if c.method == "chat.postMessage")
    assert run_job(job_services, client, "manager-digest", sh(2026, 11, 24, 9, 5)) == 1  # the next day


def test_a_channel_that_refuses_the_digest_sends_it_to_the_manager(
    db: Database, world, fake_slack: FakeSlack, job_services
) -> None:
    client = WebClient(token="xoxb-test-token", base_url=fake_slack.api_url)
    fake_slack.fail_next("chat.postMessage", status=200, error="not_in_channel")
    assert run_job(job_services, client, "manager-digest", NOW) == 2
    note, digest = fake_slack.dms_to("UMIA")
    assert "couldn't post your team's digest in <#C0SALES> (Slack said `not_in_channel`)" in note.text
    assert "5/12 visits" in texts(digest.blocks)
    assert not fake_slack.messages_in("C0SALES")
    assert run_job(job_services, client, "manager-digest", sh(2026, 11, 23, 9, 30)) == 0  # once
    assert len(fake_slack.dms_to("UMIA")) == 2


def test_many_cooling_key_contacts_are_all_counted(db: Database) -> None:
    with db.transaction() as session:
        w = World(session, NOW)
        rep = w.person("UBO", "Bo")
        account = w.account("Ricoh", rep)
        w.deal(rep, account, [(-30, "S")])
        for i in range(13):
            w.contact(account, f"DM {i}", "decision_maker", met=w.days(-40 - i))
        for i in range(30):
            w.contact(account, f"User {i}", "user", met=w.days(-200))  # cooling, but not key contacts
        config = workspace_config(session, TEAM)
        assert cooling_counts(session, TEAM, [rep.id], NOW, config) == {rep.id: 13}
