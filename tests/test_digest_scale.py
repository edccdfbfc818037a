"""A team of 50 reps with long names: every digest is valid Block Kit, counted and measured
against Slack's limits, and what does not fit the message goes into its thread, never cut."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from slack_sdk import WebClient
from slack_sdk.models.blocks import Block

from bot.core.clock import ManualClock
from bot.core.services import Services
from bot.core.settings import Settings
from bot.digests import service
from bot.digests.layout import Rendered
from bot.people.teams import all_teams
from bot.ui import blockkit
from dev.fake_slack import FakeSlack
from scheduler.service import run_job
from storage.db import Database
from storage.models import Person
from tests.conftest import TEAM
from tests.digest_world import World, sh
from tests.test_digest_daily import texts

AT = sh(2026, 12, 1, 9, 30)  # Tuesday 1 December: daily, tiers; weekly and recap are previewed
REPS = 50
LONG = "的长名字" * 6


@pytest.fixture
def big_team(db: Database) -> None:
    with db.transaction() as session:
        w = World(session, AT)
        mia = w.person("UMIA", "Mia", role="manager")
        w.team(mia, "华东大客户一部" * 3)
        reps = [w.person(f"UREP{i:03d}", f"欧阳{i:02d}{LONG}", manager=mia) for i in range(REPS)]
        for i, rep in enumerate(reps):
            accounts = [
                w.account(
                    f"上海{i:02d}-{j:02d}{LONG}科技发展有限公司",
                    rep,
                    status="no_business" if tier == "none" else "has_business",
                    assigned_at=AT - timedelta(days=30 * j),
                    tier=tier,
                    expected=100_000 + j * 10_000,
                )
                for j, tier in enumerate(["big"] * 5 + ["some"] * 5 + ["none"] * 5)
            ]
            for k in range(8):
                when = AT - timedelta(days=k + 1, hours=i % 5)
                w.visit(rep, accounts[k], when, purpose="p", next_step="n" if k % 2 else None)
            closed = w.days(-(2 + i % 3))
            for k, stages in enumerate((["S", "P", "A"], ["S", "P", "lost"], ["S", "A", "D", "C", "won"], ["S"])):
                ends = stages[-1] in ("won", "lost")
                history = [(-60 + 10 * n, stage) for n, stage in enumerate(stages[:-1] if ends else stages)]
                w.deal(
                    rep,
                    accounts[k],
                    [*history, *([((closed - AT).total_seconds() / 86400, stages[-1])] if ends else [])],
                    amount=50_000 * (k + 1),
                    close=date(2027, 1 + k, 15) if not ends else None,
                    title=f"项目{k}{LONG}",
                    reasons=("price", "no_need") if stages[-1] == "lost" else (),
                    lesson=("教训" * 200) if ends else None,
                )
            w.target(rep, date(2026, 10, 1), date(2026, 12, 31), "Q4 2026", 300_000 + 10_000 * i)


def _measure(rendered: Rendered) -> None:
    """Every post within Slack's limits, by our checker and by slack_sdk's own models."""
    for post in rendered.all_posts():
        assert blockkit.message_problems(post.text, post.blocks) == [], rendered.kind
        assert 0 < len(post.blocks) <= blockkit.MAX_MESSAGE_BLOCKS
        for block in post.blocks:
            Block.parse(block).validate_json()  # type: ignore[union-attr]
            if block.get("type") == "section":
                assert len(block["text"]["text"]) <= blockkit.MAX_SECTION_TEXT
                assert not block["text"]["text"].endswith("…"), "a section was cut"


def test_every_digest_of_a_50_rep_team_fits_slack(db: Database, big_team) -> None:
    """Every kind of digest of the one team (built once: the team is made through the app's
    operations, which takes a while)."""
    for kind in service.KINDS:
        with db.transaction() as session:
            team = all_teams(session, TEAM)[0]
            assert len(team.members) == REPS
            rendered = service.build_and_render(session, team, kind, AT, "zh")
        _measure(rendered)
        everything = "\n".join(texts(p.blocks) for p in rendered.all_posts())
        for i in range(REPS):  # every rep is in it, whatever the overflow
            assert f"欧阳{i:02d}" in everything, (kind, i)
        if kind == "tiers":
            assert rendered.overflowed and rendered.replies  # 50 reps × 15 accounts: the thread holds the rest
            assert texts(rendered.parent.blocks[-1:]) == "简报的其余部分在下方话题中。"
        if kind == "recap":
            assert len(rendered.replies) == 2 * REPS + 1, kind  # a won and a lost deal per rep, then the closing
        if kind == "weekly":
            assert len(rendered.charts) == 2, kind


@pytest.fixture
def job_services(settings: Settings, db: Database) -> Services:
    return Services(settings=settings, db=db, clock=ManualClock(AT))


def test_the_overflow_is_posted_in_the_thread(db: Database, big_team, fake_slack: FakeSlack, job_services) -> None:
    client = WebClient(token="xoxb-test-token", base_url=fake_slack.api_url)
    sent = run_job(job_services, client, "tier-review", AT)
    messages = fake_slack.messages_in("C0SALES")
    assert sent == len(messages) >= 2
    parent, replies = messages[0], messages[1:]
    assert [m.thread_ts for m in replies] == [parent.ts] * len(replies)
    assert all(c.response.get("ok") for c in fake_slack.calls if c.method == "chat.postMessage")
    posted = "\n".join(texts(m.blocks) for m in messages)
    assert all(f"欧阳{i:02d}" in posted for i in range(REPS))
    with db.transaction() as session:
        assert session.query(Person).count() == REPS + 2  # the reps, Mia and the founding admin


def test_many_teams_through_the_pipeline_come_out_as_each_alone(db: Database) -> None:
    """`team_digests` (figures of one team read while the previous one is drawn) gives each
    team what `team_digest` gives it alone, in the order asked."""
    with db.transaction() as session:
        w = World(session, AT)
        for n in range(4):
            manager = w.person(f"UMGR{n}", f"经理{n}", role="manager")
            rep = w.person(f"UREP{n}", f"销售{n}", manager=manager)
            w.team(manager, f"Team {n}", channel=f"C0TEAM{n}")
            account = w.account(f"客户{n}", rep)
            w.deal(rep, account, [(-40, "S"), (-20, "P"), (-5, "won")], amount=100_000 * (n + 1))
            w.visit(rep, account, w.days(-6))
        teams = all_teams(session, TEAM)
    jobs = [(t, service.Due("weekly", "k", AT.date(), AT)) for t in teams]
    drawn = list(service.team_digests(db, jobs, "weekly", AT))
    assert [team.name for team, _, _ in drawn] == [f"Team {n}" for n in range(4)]
    for team, when, rendered in drawn:
        assert not isinstance(rendered, Exception), rendered
        here = service.team_digest(db, TEAM, team.id, "weekly", AT, when.today)
        assert rendered.parent.blocks == here.parent.blocks
        assert [c.filename for c in rendered.charts] == [c.filename for c in here.charts]
        assert all(c.png.startswith(b"\x89PNG") for c in rendered.charts)
