"""The monthly 5+5+5 review: each rep's named accounts, expected against actual, missing slots.

Tuesday 1 December 2026 (the first working day of the month), 09:30 in Shanghai; the review
covers November 2026, and the actual is what was won from 1 January to 30 November 2026.

Bo named four accounts:
* Ricoh (a lot of business, expecting 500k): won 200k in June (a win in December 2025 does not
  count), 150k open, three visits in November, the last on 28 November;
* Canon (a lot of business, expecting 300k): nothing won, last visited 1 September;
* Nikon (some business, no amount expected);
* 新客户甲 (no business yet, expecting 100k): one visit in November.
王芳 named all fifteen.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from slack_sdk import WebClient

from bot.core.clock import ManualClock, zone
from bot.core.services import Services
from bot.core.settings import Settings
from bot.digests import render, service
from bot.digests.periods import month_of, year_to
from bot.digests.tiers import build_tier_review
from bot.people.members import workspace_config
from bot.people.teams import all_teams
from bot.ui.blockkit import message_problems
from dev.fake_slack import FakeSlack
from scheduler.service import run_job
from storage.db import Database
from tests.conftest import TEAM
from tests.digest_world import SHANGHAI, World, sh
from tests.test_digest_daily import texts

AT = sh(2026, 12, 1, 9, 30)


@pytest.fixture
def world(db: Database) -> None:
    with db.transaction() as session:
        w = World(session, AT)
        _, bo, fang = w.east_team()
        ricoh = w.account("Ricoh", bo, tier="big", expected=500_000)
        canon = w.account("Canon", bo, tier="big", expected=300_000)
        w.account("Nikon", bo, tier="some")
        new_one = w.account("新客户甲", bo, status="no_business", tier="none", expected=100_000)
        w.account("Sony", bo)  # not in the 5+5+5
        for tier in ("big", "some", "none"):
            for i in range(5):
                w.account(f"{tier}-{i}", fang, tier=tier, expected=100_000)

        def closed_on(when: datetime) -> float:
            return (when - AT).total_seconds() / 86400

        w.deal(bo, ricoh, [(-300, "S"), (closed_on(sh(2026, 6, 10)), "won")], amount=200_000)
        w.deal(bo, ricoh, [(-400, "S"), (closed_on(sh(2025, 12, 20)), "won")], amount=100_000)
        w.deal(bo, ricoh, [(-20, "S"), (-10, "D")], amount=150_000)
        for day in (3, 10, 28):
            w.visit(bo, ricoh, sh(2026, 11, day))
        w.visit(bo, ricoh, sh(2026, 10, 30))
        w.visit(bo, ricoh, sh(2026, 12, 1, 8))  # today: not in November
        w.visit(bo, canon, sh(2026, 9, 1))
        w.visit(bo, new_one, sh(2026, 11, 20))


def test_expected_against_actual_for_every_named_account(db: Database, world) -> None:
    with db.transaction() as session:
        team = all_teams(session, TEAM)[0]
        month = month_of(datetime(2026, 11, 15, tzinfo=UTC).date(), SHANGHAI)
        review = build_tier_review(
            session, TEAM, team.name, service._members(session, team), month, year_to(month.last, SHANGHAI)
        )
    reps = {r.name: r for r in review.reps}
    bo = reps["Bo"]
    rows = [(a.name, a.tier, a.expected, a.won, a.pipeline, a.visits_month, a.last_visit) for a in bo.accounts]
    assert [(n, t, int(e) if e else None, int(w), int(p), v, str(last)) for n, t, e, w, p, v, last in rows] == [
        ("Canon", "big", 300_000, 0, 0, 0, "2026-09-01"),
        ("Ricoh", "big", 500_000, 200_000, 150_000, 3, "2026-11-28"),
        ("Nikon", "some", None, 0, 0, 0, "None"),
        ("新客户甲", "none", 100_000, 0, 0, 1, "2026-11-20"),
    ]
    assert bo.missing() == {"big": 3, "some": 4, "none": 4}
    assert reps["王芳"].missing() == {} and len(reps["王芳"].accounts) == 15

    en = render.render_tier_review("en", review)
    text = "\n".join(texts(p.blocks) for p in en.all_posts())
    for expected in (
        "5+5+5 review · East · Nov 2026",
        "1 of 2 reps have all 15 accounts named.",
        "*Bo*: 4/15 named · expected 900k · won 200k (22%)",
        "_a lot of business_ (2/5)",
        "Ricoh: expected 500k, won 200k (40%) · pipeline 150k · 3 visits, last Sat 28 Nov 2026",
        "Canon: expected 300k, won 0 (0%) · pipeline 0 · 0 visits, last Tue 1 Sep 2026",
        "Nikon: expected —, won 0 (—) · pipeline 0 · 0 visits, last —",
        ":warning: Missing: 3 in “a lot of business”, 4 in “some business”, 4 in “no business yet”",
        "*王芳*: 15/15 named · expected 1.5M · won 0 (0%)",
    ):
        assert expected in text, expected
    for post in en.all_posts():
        assert message_problems(post.text, post.blocks) == []
    zh = "\n".join(texts(p.blocks) for p in render.render_tier_review("zh", review).all_posts())
    assert "5+5+5 分层回顾 · East · 2026年11月" in zh
    assert ":warning: 缺少：“大客户（扩大）” 3 个、“有生意（发展）” 4 个、“无生意（开拓）” 4 个" in zh


@pytest.fixture
def job_services(settings: Settings, db: Database) -> Services:
    return Services(settings=settings, db=db, clock=ManualClock(AT))


def test_the_job_runs_on_the_first_working_day_of_the_month(
    db: Database, world, fake_slack: FakeSlack, job_services: Services
) -> None:
    client = WebClient(token="xoxb-test-token", base_url=fake_slack.api_url)
    assert run_job(job_services, client, "tier-review", sh(2026, 11, 30, 9, 30)) == 0
    assert run_job(job_services, client, "tier-review", AT) == 1
    assert run_job(job_services, client, "tier-review", sh(2026, 12, 2, 9, 30)) == 0
    (post,) = fake_slack.calls_to("chat.postMessage")
    assert post.params["channel"] == "C0SALES" and "5+5+5 review · East · Nov 2026" in texts(post.params["blocks"])


def test_a_holiday_on_the_first_moves_the_review_to_the_next_working_day(db: Database, world) -> None:
    with db.transaction() as session:
        config = workspace_config(session, TEAM)
    first = AT.astimezone(zone(SHANGHAI))
    holidays = {first.date(): "x"}
    assert service.due("tiers", first, config, holidays) is None
    second = first.replace(day=2)
    assert service.due("tiers", second, config, holidays).key == "2026-12"  # type: ignore[union-attr]
    assert service.due("tiers", second, config, {}) is None
