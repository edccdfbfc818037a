"""The weekly digest on a hand-built team: every figure, the weakest step per rep, the quadrant,
the reverse funnel, the charts and their upload into the thread, in both languages.

Monday 23 November 2026, 09:05 in Shanghai; the week reviewed is 16–22 November; conversion
over the 365 days to 22 November; the process window is 26 October – 22 November (20 working
days, standard 4 a day, so 80 visits). Q4 2026 is 59% gone (54 of 92 days).

Deals (days before now → stage):

* Bo (Ricoh): 4 × S→P→A open (100k, close Jan 2027), 1 × S→P→lost, 5 × S→lost;
  an old deal sitting in C since long before the window (300k, close Dec 2026).
* 王芳 (理光): 6 × S→P→A open (100k, close Dec 2026), 3 × S→P→lost, 1 × S→lost,
  2 × S→P→A→D→C→won (200k, 30 days ago); old deals in D (50k, close Oct 2026: slipped) and S
  (20k, no date).
* Dee (Fuji): 1 × S→won (100k, 35 days ago). Cy: no deal.

So the team's conversion (the method's reading: reached the next stage of those that reached
this one): S→P 17/23 (74%), P→A 13/17 (76%), A→D 3/13 (23%: ten deals stalled in A for 70
days, past its 60-day limit), then 3/3 to the end; 13 closed. Decided only, A→D reads 3/3.
Bo: S→P 5/10 (50%) is his weakest (A→D 0 of 4 is short by less); 王芳: P→A 8/11 (73%) is hers.
"""

from __future__ import annotations

from datetime import date

import pytest
from slack_sdk import WebClient

from bot.core.clock import ManualClock
from bot.core.services import Services
from bot.core.settings import Settings
from bot.digests import render, service
from bot.digests.weekly import WeeklyDigest, build_weekly
from bot.people.members import workspace_config
from bot.people.teams import all_teams
from bot.ui.blockkit import message_problems
from dev.fake_slack import FakeSlack
from scheduler.service import run_job
from storage.db import Database
from tests.conftest import TEAM
from tests.digest_world import World, sh
from tests.test_digest_daily import texts

NOW = sh(2026, 11, 23, 9, 5)
TODAY = date(2026, 11, 23)


@pytest.fixture
def world(db: Database) -> None:
    with db.transaction() as session:
        w = World(session, NOW)
        mia, bo, fang = w.east_team()
        cy = w.person("UCY", "Cy", manager=mia)
        dee = w.person("UDEE", "Dee", manager=mia)

        ricoh = w.account("Ricoh", bo)
        canon = w.account("Canon", bo)
        nikon = w.account("Nikon", bo)
        new_one = w.account("新客户甲", bo, status="no_business", assigned_at=w.days(-20))
        sony = w.account("Sony", bo, status="no_business", assigned_at=w.days(-400))
        liguang = w.account("理光", fang)
        w.account("佳能", fang, status="no_business", assigned_at=w.days(-10))
        fuji = w.account("Fuji", dee)

        for _ in range(4):
            w.deal(bo, ricoh, [(-100, "S"), (-90, "P"), (-70, "A")], close=date(2027, 1, 15))
        w.deal(bo, ricoh, [(-100, "S"), (-90, "P"), (-60, "lost")])
        for _ in range(5):
            w.deal(bo, ricoh, [(-100, "S"), (-80, "lost")])
        w.deal(bo, ricoh, [(-400, "S"), (-380, "C")], amount=300_000, close=date(2026, 12, 15))
        for _ in range(6):
            w.deal(fang, liguang, [(-100, "S"), (-90, "P"), (-70, "A")], close=date(2026, 12, 20))
        for _ in range(3):
            w.deal(fang, liguang, [(-100, "S"), (-90, "P"), (-60, "lost")])
        w.deal(fang, liguang, [(-100, "S"), (-80, "lost")])
        for _ in range(2):
            w.deal(
                fang,
                liguang,
                [(-100, "S"), (-90, "P"), (-70, "A"), (-50, "D"), (-40, "C"), (-30, "won")],
                amount=200_000,
            )
        w.deal(fang, liguang, [(-400, "S"), (-390, "D")], amount=50_000, close=date(2026, 10, 31))
        w.deal(fang, liguang, [(-400, "S")], amount=20_000)
        w.deal(dee, fuji, [(-40, "S"), (-35, "won")])

        # Bo: the week 16–22 Nov: 5 visits, 3 effective, 2 to Ricoh (open deals: hunting)
        w.visit(bo, ricoh, sh(2026, 11, 20, 10))
        w.visit(bo, ricoh, sh(2026, 11, 20, 14))
        w.visit(bo, new_one, sh(2026, 11, 20, 16), next_step=None)
        w.visit(bo, canon, sh(2026, 11, 20, 23, 30))
        w.visit(bo, canon, sh(2026, 11, 21, 0, 30), purpose=None)
        w.visit(bo, nikon, w.days(-60))  # in the 90 days, not the 30
        w.visit(bo, new_one, w.days(-10))
        # 王芳: 3 visits last week (all hunting), 63 effective ones earlier in November
        w.visit(fang, liguang, sh(2026, 11, 20, 11))
        w.visit(fang, liguang, sh(2026, 11, 19, 11))
        w.visit(fang, liguang, sh(2026, 11, 21, 11), purpose=None)
        for i in range(63):
            w.visit(fang, liguang, w.days(-21 + i * 11 / 63))
        # Cy: one visit, to an account of Bo's with no deal (farming)
        w.visit(cy, sony, sh(2026, 11, 16, 10))

        w.target(bo, date(2026, 10, 1), date(2026, 12, 31), "Q4 2026", 500_000)
        w.target(bo, date(2027, 1, 1), date(2027, 3, 31), "Q1 2027", 950_000)
        w.target(bo, date(2026, 7, 1), date(2026, 9, 30), "Q3 2026", 300_000)
        w.target(fang, date(2026, 10, 1), date(2026, 12, 31), "Q4 2026", 600_000)
        w.target(dee, date(2026, 10, 1), date(2026, 12, 31), "Q4 2026", 100_000)


def _weekly(db: Database) -> WeeklyDigest:
    with db.transaction() as session:
        team = all_teams(session, TEAM)[0]
        config = workspace_config(session, TEAM)
        reps = service._members(session, team)
        return build_weekly(session, TEAM, team.name, reps, TODAY, team.manager_tz, NOW, config)


def _rates(conversion) -> list[str]:  # type: ignore[no-untyped-def]
    return [render.pct(s.rate) for s in conversion.steps]


def test_funnel_forecast_and_conversion_figures(db: Database, world) -> None:
    digest = _weekly(db)
    assert (digest.week.first, digest.week.last) == (date(2026, 11, 16), date(2026, 11, 22))
    stages = [(s.stage.key, s.deals, int(s.amount), int(s.weighted)) for s in digest.pipeline.stages]
    assert stages == [
        ("S", 1, 20_000, 1_000),
        ("P", 0, 0, 0),
        ("A", 10, 1_000_000, 250_000),
        ("D", 1, 50_000, 25_000),
        ("C", 1, 300_000, 240_000),
        ("O", 0, 0, 0),
    ]
    assert [(m.month, m.deals, int(m.amount), int(m.weighted)) for m in digest.forecast] == [
        (date(2026, 12, 1), 7, 900_000, 390_000),
        (date(2027, 1, 1), 4, 400_000, 100_000),
    ]
    assert digest.slipped and (digest.slipped.deals, int(digest.slipped.amount)) == (1, 50_000)
    assert digest.undated and (digest.undated.deals, int(digest.undated.amount)) == (1, 20_000)

    team = digest.team_conversion
    assert _rates(team) == ["74%", "76%", "23%", "100%", "100%", "100%"]
    assert [render.pct(s.decided_rate) for s in team.steps] == ["74%", "76%", "100%", "100%", "100%", "100%"]
    assert (team.won, team.lost, team.small_sample) == (3, 10, True)
    reps = {r.name: r for r in digest.reps}
    assert _rates(reps["Bo"].conversion.conversion) == ["50%", "80%", "0%", "—", "—", "—"]
    assert _rates(reps["王芳"].conversion.conversion) == ["92%", "73%", "25%", "100%", "100%", "100%"]
    weakest = {n: (r.conversion.weakest.stage.key if r.conversion.weakest else None) for n, r in reps.items()}
    assert weakest == {"Bo": "S", "王芳": "P", "Cy": None, "Dee": None}


def test_coverage_hunting_farming_quadrant_and_reverse_funnel(db: Database, world) -> None:
    digest = _weekly(db)
    reps = {r.name: r for r in digest.reps}
    bo = reps["Bo"].coverage
    assert (bo.biz_accounts, bo.biz_30, bo.biz_90, bo.nobiz_accounts, bo.nobiz_30, bo.nobiz_90) == (3, 2, 3, 2, 2, 2)
    assert (bo.new_accounts, bo.new_visited) == (1, 1)
    team = digest.coverage
    assert (team.biz_accounts, team.biz_30, team.biz_90, team.nobiz_accounts, team.nobiz_30) == (5, 3, 4, 3, 2)
    assert (team.new_accounts, team.new_visited) == (2, 1)
    assert {n: (r.huntfarm.hunting, r.huntfarm.farming) for n, r in reps.items()} == {
        "Bo": (2, 3),
        "王芳": (3, 0),
        "Cy": (0, 1),
        "Dee": (0, 0),
    }
    assert {n: (r.visits_week, r.effective_week) for n, r in reps.items()} == {
        "Bo": (5, 3),
        "王芳": (3, 2),
        "Cy": (1, 1),
        "Dee": (0, 0),
    }
    assert digest.process_working_days == 20
    assert {n: r.placement.quadrant for n, r in reps.items()} == {
        "Bo": "at_risk",  # 0 won, 4 effective visits of 80
        "王芳": "excellent",  # 400k of 600k (67% ≥ 59% pace), 65 of 80 (81% ≥ 80%)
        "Dee": "smart",  # 100k of 100k, no visits
        "Cy": "no_target",
    }
    bo_week = reps["Bo"]
    assert (bo_week.target, bo_week.won_to_date, bo_week.remaining) == (500_000, 0, 500_000)
    assert bo_week.reverse is not None and bo_week.reverse_basis == "team"
    assert bo_week.reverse.deals_needed == 3 and bo_week.reverse.working_days == 29
    assert bo_week.reverse.visits_needed == 20  # ⌈6 first-stage entries × 74 visits / 23 entries⌉
    assert [(n.stage_key, n.entries) for n in bo_week.reverse.stages] == [
        ("S", 6),
        ("P", 4),
        ("A", 3),
        ("D", 3),
        ("C", 3),
        ("O", 3),
    ]
    fang = reps["王芳"]
    assert (fang.won_to_date, fang.remaining, fang.reverse.deals_needed) == (400_000, 200_000, 2)  # type: ignore[union-attr]
    assert reps["Dee"].remaining == 0 and reps["Dee"].reverse is None


def test_rendered_in_english(db: Database, world) -> None:
    rendered = render.render_weekly("en", _weekly(db))
    text = "\n".join(texts(p.blocks) for p in rendered.all_posts())
    for expected in (
        "Weekly digest · East",
        "Week of Mon 16 Nov 2026 – Sun 22 Nov 2026 · amounts in CNY",
        "• A Analysis: 10 deals · 1M (weighted 250k)",
        "*Total*: 13 deals · 1.37M (weighted 516k)",
        "*Conversion, last 365 days*: team S→P 17/23 74% · P→A 13/17 76% · A→D 3/13 23% · D→C 3/3 100% · "
        "C→O 3/3 100% · O→Won 3/3 100%",
        "_Decided only_ (second reading: open deals left out, advanced ÷ advanced or lost): S→P 74% · "
        "P→A 76% · A→D 100% · D→C 100%",
        "13 deals closed (3 won, 10 lost). :warning: Fewer than 20 closed deals",
        "• *Bo*: S→P 5/10 50% · P→A 4/5 80% · A→D 0/4 0% · weakest *S→P* 5 of 10 (team 74%) · 6 closed · "
        "_small sample_",
        "• *王芳*: S→P 11/12 92% · P→A 8/11 73% · A→D 2/8 25% · D→C 2/2 100% · C→O 2/2 100% · O→Won 2/2 100% · "
        "weakest *P→A* 8 of 11 (team 76%) · 6 closed",
        "• *Cy*: no stage reached in the period · 0 closed",
        "Pending: still open and moved within the stage's time limit (its max days, or 30 days",
        "• Dec 2026: 7 deals · 900k → weighted 390k",
        "• Jan 2027: 4 deals · 400k → weighted 100k",
        "• Expected close already past: 1 deal · 50k (weighted 25k)",
        "• No expected close date: 1 deal · 20k",
        "with business 60% in 30 days / 80% in 90 (5 accounts) · no business 67% / 67% (3) · new accounts visited 1/2",
        "Last week 9 visits: hunting 56% (accounts with an open deal), farming 44%",
        "• *Bo*: 5 visits (3 effective) · with business 67% in 30 days / 100% in 90 (3 accounts) · "
        "no business 100% / 100% (2) · new accounts visited 1/1 · hunting 40% / farming 60%",
        "• Excellent (1): 王芳 (67% of target, pace 59%, process 81%)",
        '• "Smart", good result, poor process: not repeatable (1): Dee (100% of target, pace 59%, process 0%)',
        '• "Diligent", good process, poor result: coach the method (0): —',
        "• At risk (1): Bo (0% of target, pace 59%, process 5%)",
        "• No target set (1): Cy",
        "Rule: result is good when the amount won in the current target period is at least the share",
        "• *Bo*: Q4 2026 target 500k, won 0 (0%)",
        # 74 visits in the year for 23 deals entering the funnel: 3.2 visits per new deal; 6 × 74/23 → 20
        "500k to go in 29 working days → 3 deals → 6 Suspect → 4 Prospect → 3 Analysis → 3 Demo / proposal"
        " → 3 Close → 3 Order (team rates, 3.2 visits per new deal) · 0.7 visits a day needed (now 0.3)",
        "• *王芳*: Q4 2026 target 600k, won 400k (67%)",
        "200k to go in 29 working days → 2 deals → 5 Suspect → 3 Prospect → 2 Analysis",
        "• *Dee*: Q4 2026 target 100k, won 100k (100%) · target met",
    ):
        assert expected in text, expected
    assert "Q1 2027" not in text and "950k" not in text  # only the target of today's period
    for post in rendered.all_posts():
        assert message_problems(post.text, post.blocks) == []
    assert [c.filename for c in rendered.charts] == ["funnel-2026-11-16.png", "conversion-2026-11-16.png"]
    assert all(c.png.startswith(b"\x89PNG") for c in rendered.charts)


def test_rendered_in_chinese(db: Database, world) -> None:
    rendered = render.render_weekly("zh", _weekly(db), with_charts=False)
    text = "\n".join(texts(p.blocks) for p in rendered.all_posts())
    for expected in (
        "每周简报 · East",
        "• A 需求分析：10 个 · 1M（加权 250k）",
        "*转化率（近 365 天）*：团队 S→P 17/23 74% · P→A 13/17 76% · A→D 3/13 23% · D→C 3/3 100% · "
        "C→O 3/3 100% · O→赢单 3/3 100%",
        "• *Bo*：S→P 5/10 50% · P→A 4/5 80% · A→D 0/4 0% · 最弱环节 *S→P* 10 个中 5 个（团队 74%）",
        "• 优秀（1）：王芳（完成 67%，进度 59%，过程 81%）",
        "• 待淘汰（风险）（1）：Bo（完成 0%，进度 59%，过程 5%）",
        "还差 500k，剩 29 个工作日 → 3 单 → 6 潜在客户 → 4 有意向客户 → 3 需求分析",
        "（团队转化率，每个新商机约 3.2 次拜访） · 每天需拜访 0.7 次（目前 0.3）",
        "上周拜访 9 次：打猎 56%（有进行中商机的客户），播种 44%（没有商机的客户）。",
    ):
        assert expected in text, expected
    assert not rendered.charts


@pytest.fixture
def job_services(settings: Settings, db: Database) -> Services:
    return Services(settings=settings, db=db, clock=ManualClock(NOW))


def test_the_job_posts_the_digest_and_uploads_both_charts_into_its_thread(
    db: Database, world, fake_slack: FakeSlack, job_services: Services
) -> None:
    client = WebClient(token="xoxb-test-token", base_url=fake_slack.api_url)
    assert run_job(job_services, client, "weekly-digest", sh(2026, 11, 23, 8, 55)) == 0
    assert run_job(job_services, client, "weekly-digest", NOW) == 2  # the digest, then the charts
    posts = fake_slack.calls_to("chat.postMessage")
    assert len(posts) == 1 and posts[0].params["channel"] == "C0SALES"
    parent_ts = posts[0].response["ts"]
    assert len(posts[0].params["blocks"]) <= 50
    assert "weakest *S→P* 5 of 10 (team 74%)" in texts(posts[0].params["blocks"])
    uploads = fake_slack.calls_to("files.completeUploadExternal")
    assert len(uploads) == 1
    assert (uploads[0].params["channel_id"], uploads[0].params["thread_ts"]) == ("C0SALES", parent_ts)
    assert [f["title"] for f in uploads[0].params["files"]] == ["Funnel · East", "Conversion vs team · East"]
    stored = [fake_slack.files[f["id"]] for f in uploads[0].params["files"]]
    assert [f["name"] for f in stored] == ["funnel-2026-11-16.png", "conversion-2026-11-16.png"]
    assert all(f["content"].startswith(b"\x89PNG") for f in stored)
    assert all(c.response.get("ok") for c in fake_slack.calls)
    # once per team and week, whatever the sweeps that follow
    assert run_job(job_services, client, "weekly-digest", sh(2026, 11, 23, 9, 20)) == 0
    assert run_job(job_services, client, "weekly-digest", sh(2026, 11, 24, 9, 20)) == 0
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_the_charts_font_shows_chinese() -> None:
    """The CJK font is a dependency (noto-cjk-sans-otc), not something the machine must have."""
    from bot.ui import charts

    assert charts.cjk_font_available()
    png = charts.funnel_chart("漏斗", [("S 潜在客户", 3, "3 · 300k")])
    assert png.startswith(b"\x89PNG")
