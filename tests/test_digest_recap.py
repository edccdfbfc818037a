"""The Friday win/loss recap: parent, one threaded reply per closed deal, a closing reply.

Friday 27 November 2026, 16:30 in Shanghai; the recap covers the 7 days before. Closed in
that week by the team (Bo and 王芳):

* 王芳 won 理光 (300k): created 50 days ago, reached Close, one visit (王总) in its life.
* Bo lost Canon (120k) on price: reached Demo, 2 visits in its life (张总, Li): ask why.
* Bo lost Nikon (80k), budget unknown: never visited: an untouched failure.

Not in it: 王芳's loss 9 days ago, and a loss by someone outside the team.
"""

from __future__ import annotations

import pytest
from slack_sdk import WebClient

from bot.core.clock import ManualClock
from bot.core.services import Services
from bot.core.settings import Settings
from bot.digests import recap as recap_mod
from bot.digests import render, service
from bot.people.members import workspace_config
from bot.people.teams import all_teams
from bot.ui.blockkit import message_problems
from dev.fake_slack import FakeSlack
from scheduler.service import run_job
from storage.db import Database
from tests.conftest import TEAM
from tests.digest_world import World, sh
from tests.test_digest_daily import texts

AT = sh(2026, 11, 27, 16, 30)


@pytest.fixture
def world(db: Database) -> None:
    with db.transaction() as session:
        w = World(session, AT)
        _, bo, fang = w.east_team()
        olga = w.person("UOLGA", "Olga")
        canon = w.account("Canon", bo)
        nikon = w.account("Nikon", bo)
        liguang = w.account("理光", fang)
        fuji = w.account("Fuji", olga)
        zhang = w.contact(canon, "张总", "decision_maker")
        li = w.contact(canon, "Li", "coach")
        wang = w.contact(liguang, "王总", "decision_maker")

        w.deal(
            bo,
            canon,
            [(-40, "S"), (-30, "P"), (-20, "A"), (-12, "D"), (-2, "lost")],
            amount=120_000,
            title="A3 copiers",
            reasons=("price",),
            lesson="Bring the GM to the demo",
        )
        w.deal(bo, nikon, [(-90, "S"), (-60, "P"), (-3, "lost")], amount=80_000, reasons=("budget_unknown",))
        w.deal(fang, liguang, [(-50, "S"), (-40, "A"), (-30, "C"), (-1, "won")], amount=300_000, lesson="早点约决策人")
        w.deal(fang, liguang, [(-20, "S"), (-9, "lost")], amount=60_000)
        w.deal(olga, fuji, [(-20, "S"), (-1, "lost")], amount=70_000)
        other = w.deal(bo, canon, [(-10, "S")], amount=10_000)
        w.visit(bo, canon, w.days(-4), contacts=(li,), deal=other)  # another deal's visit: not Canon's story
        w.visit(bo, canon, w.days(-50), contacts=(zhang,))  # before the deal began
        w.visit(bo, canon, w.days(-15), contacts=(zhang, li))
        w.visit(bo, canon, w.days(-5), contacts=(zhang,))
        w.visit(fang, liguang, w.days(-10), contacts=(wang,))
        w.visit(fang, liguang, w.days(-60))


def _recap(db: Database) -> recap_mod.Recap:
    with db.transaction() as session:
        team = all_teams(session, TEAM)[0]
        reps = service._members(session, team)
        config = workspace_config(session, TEAM)
        return recap_mod.build_recap(
            session, TEAM, team.name, reps, recap_mod.recap_period(AT), team.manager_tz, config
        )


def test_the_weeks_deals_with_their_story(db: Database, world) -> None:
    recap = _recap(db)
    assert (recap.totals.won, int(recap.totals.won_amount), recap.totals.lost, int(recap.totals.lost_amount)) == (
        1,
        300_000,
        2,
        200_000,
    )
    assert [(r.name, r.won, int(r.won_amount), r.lost, int(r.lost_amount)) for r in recap.by_rep] == [
        ("Bo", 0, 0, 2, 200_000),
        ("王芳", 1, 300_000, 0, 0),
    ]
    deals = [
        (
            d.account_name,
            d.status,
            d.stage_reached.key if d.stage_reached else None,
            d.days_in_pipeline,
            d.visits,
            d.contacts,
            d.reasons,
            d.untouched,
            d.lost_on_price,
        )
        for d in recap.deals
    ]
    assert deals == [
        ("理光", "won", "C", 49, 1, ["王总"], [], False, False),
        ("Canon", "lost", "D", 38, 2, ["Li", "张总"], ["price"], False, True),
        ("Nikon", "lost", "P", 87, 0, [], ["budget_unknown"], True, False),
    ]


def test_rendered_as_a_thread_in_english_and_chinese(db: Database, world) -> None:
    recap = _recap(db)
    en = render.render_recap("en", recap)
    parent = texts(en.parent.blocks)
    for expected in (
        "Win/loss recap · East",
        "Fri 20 Nov 2026 – Fri 27 Nov 2026",
        ":trophy: *Won 1* · 300k    :x: *Lost 2* · 200k",
        "• *Bo*: won 0 (0) · lost 2 (200k)",
        "• *王芳*: won 1 (300k) · lost 0 (0)",
        "*Top reasons lost*: Price (1), Budget unknown (1)",
        ":warning: 1 untouched failure:",
        ":speech_balloon: 1 lost on price: ask why in the thread.",
        "One reply per deal in the thread (3).",
    ):
        assert expected in parent, expected
    replies = [texts(r.blocks) for r in en.replies]
    assert len(replies) == 4  # one per deal, then the closing reply
    assert ":trophy: Won · *理光*: Copiers · 300k · 王芳" in replies[0]
    assert "Stage reached: Close · 49 days in the pipeline · 1 visit · contacts: 王总" in replies[0]
    assert "Reasons: none given" in replies[0] and "Lesson: _早点约决策人_" in replies[0]
    assert ":x: Lost · *Canon*: A3 copiers · 120k · Bo" in replies[1]
    assert "Stage reached: Demo / proposal · 38 days in the pipeline · 2 visits · contacts: Li, 张总" in replies[1]
    assert "Reasons: Price" in replies[1]
    assert "*Lost on price: ask why.* Was the decision maker at the demo?" in replies[1]
    assert "Untouched" not in replies[1]
    assert ":x: Lost · *Nikon*: Copiers · 80k · Bo" in replies[2]
    assert "*Untouched failure*: no visit to this account in the 30 days before it was lost." in replies[2]
    assert "Lesson: not written yet. Bo, add it in this thread." in replies[2]
    assert "What did we learn?" in replies[3]
    assert "Olga" not in "\n".join([parent, *replies]) and "60k" not in parent
    for post in en.all_posts():
        assert message_problems(post.text, post.blocks) == []

    zh = render.render_recap("zh", recap)
    zh_text = "\n".join(texts(p.blocks) for p in zh.all_posts())
    for expected in (
        "赢单/丢单复盘 · East",
        ":trophy: *赢单 1* · 300k    :x: *丢单 2* · 200k",
        "*主要丢单原因*：价格（1）、预算不清楚（1）",
        "到达阶段：演示/提案 · 在漏斗中 38 天 · 拜访 2 次 · 联系人：Li、张总",
        "*因价格丢单：问一问为什么。*",
        "*未接触性失败*：丢单前 30 天内没有拜访该客户。",
        "请在本话题中回复你的经验教训",
    ):
        assert expected in zh_text, expected


def test_a_quiet_week_is_a_single_message(db: Database) -> None:
    with db.transaction() as session:
        World(session, AT).east_team()
    rendered = render.render_recap("en", _recap(db))
    assert "No deals were won or lost this week." in texts(rendered.parent.blocks)
    assert rendered.replies == []


@pytest.fixture
def job_services(settings: Settings, db: Database) -> Services:
    return Services(settings=settings, db=db, clock=ManualClock(AT))


def test_the_job_posts_the_thread_once_and_resumes_after_a_failure(
    db: Database, world, fake_slack: FakeSlack, job_services: Services
) -> None:
    client = WebClient(token="xoxb-test-token", base_url=fake_slack.api_url)
    assert run_job(job_services, client, "winloss-recap", sh(2026, 11, 27, 15, 55)) == 0
    assert run_job(job_services, client, "winloss-recap", sh(2026, 11, 26, 16, 30)) == 0  # Thursday
    fake_slack.fail_next("chat.postMessage", status=200, error="internal_error")
    assert run_job(job_services, client, "winloss-recap", AT) == 0  # Slack failed the parent
    assert run_job(job_services, client, "winloss-recap", sh(2026, 11, 27, 16, 45)) == 5
    messages = fake_slack.messages_in("C0SALES")
    parent = messages[0]
    assert parent.thread_ts is None and "Win/loss recap · East" in texts(parent.blocks)
    replies = messages[1:]
    assert [m.thread_ts for m in replies] == [parent.ts] * 4
    assert [r.text.split(":")[-1].strip() for r in replies[:3]] == ["理光, 300k", "Canon, 120k", "Nikon, 80k"]
    assert "What did we learn?" in replies[3].text
    assert run_job(job_services, client, "winloss-recap", sh(2026, 11, 27, 17, 0)) == 0
    assert len(fake_slack.messages_in("C0SALES")) == 5


def test_every_close_is_reported_once_across_a_six_and_an_eight_day_gap(
    db: Database, fake_slack: FakeSlack, job_services: Services
) -> None:
    """Recaps on Fri 27 Nov, Thu 3 Dec (Friday 4 Dec is a holiday: a 6-day gap) and Fri 11 Dec
    (an 8-day gap). "The last 7 days" would report the Thursday-morning-before close twice and
    miss the close made just after Thursday's recap; the watermark reports each exactly once."""
    from datetime import date

    closes = {
        "Early": sh(2026, 11, 21, 12, 0),  # 6 days 4½ h before the first recap
        "Friday morning": sh(2026, 11, 27, 10, 0),  # in the first recap; 'last 7 days' repeats it on Thursday
        "Friday evening": sh(2026, 11, 27, 17, 0),  # just after the first recap
        "Thursday evening": sh(2026, 12, 3, 17, 0),  # just after the second; 'last 7 days' misses it
        "Last week": sh(2026, 12, 10, 9, 0),
    }
    with db.transaction() as session:
        w = World(session, AT)
        _, bo, fang = w.east_team()
        w.holiday(date(2026, 12, 4), "Company day")
        for i, (title, when) in enumerate(closes.items()):
            owner = bo if i % 2 else fang
            account = w.account(title, owner)
            offset = (when - AT).total_seconds() / 86400
            w.deal(
                owner,
                account,
                [(offset - 20, "S"), (offset - 10, "D"), (offset, "won" if i % 2 else "lost")],
                amount=10_000 * (i + 1),
                title=title,
                reasons=() if i % 2 else ("price",),
            )
    client = WebClient(token="xoxb-test-token", base_url=fake_slack.api_url)
    reported: dict[str, int] = {}
    for at in (AT, sh(2026, 12, 3, 16, 30), sh(2026, 12, 11, 16, 30)):
        before = len(fake_slack.messages_in("C0SALES"))
        job_services.clock = ManualClock(at)
        assert run_job(job_services, client, "winloss-recap", at) > 0
        new = fake_slack.messages_in("C0SALES")[before:]
        assert new[0].thread_ts is None  # one parent per recap
        for message in new[1:]:
            for title in closes:
                if f"*{title}*" in texts(message.blocks):
                    reported[title] = reported.get(title, 0) + 1
    assert reported == dict.fromkeys(closes, 1)
