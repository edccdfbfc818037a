"""The HTTP benchmark harness end to end at tiny sizes: `pipeline-coach serve` and the hello app
answer signed commands, `/visit` lines built from generated data store visits once, and the
replies' round trips reach the fake Slack process. Keeps the benchmarks runnable as the app moves."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bench import harness
from bench.bench_load import stored_visits
from bench.generate import Sizes, generate
from bench.visit_lines import visit_workload
from bot.core.clock import Clock
from storage.db import Database

pytestmark = pytest.mark.slow

TEAM = "T0BENCHHARN"


def test_serve_and_hello_answer_and_visits_are_stored_once(db: Database, database_url: str, tmp_path: Path) -> None:
    generate(
        database_url,
        Sizes(reps=6, accounts=120, contacts=300, visits=600, followups=40),
        seed=5,
        team_id=TEAM,
        echo=lambda _line: None,
    )
    workload = visit_workload(database_url, TEAM, reps=6, lines=40)
    assert {c.command for c in workload.commands} == {"/visit"}
    fake = harness.FakeSlackProcess(workload.users, TEAM, tmp_path)
    env = harness.app_env(fake.api_url, database_url)
    app_port, hello_port = harness.free_port(), harness.free_port()
    app = harness.ServerProcess("serve", harness.serve_argv(app_port, 1, 4), env, app_port, tmp_path)
    hello = harness.ServerProcess("hello", harness.hello_argv(hello_port, 1, 4), env, hello_port, tmp_path)
    try:
        app.wait_healthy()
        hello.wait_healthy()
        since = Clock().now() - timedelta(seconds=5)
        base = harness.closed_loop(
            hello.url, workload.commands, fake, TEAM, label="hello", concurrency=2, requests=20, max_seconds=30
        )
        harness.collect_replies(base, fake, expect=False)
        visits = harness.closed_loop(
            app.url, workload.commands, fake, TEAM, label="/visit", concurrency=2, requests=20, max_seconds=30
        )
        harness.collect_replies(visits, fake, expect=True, timeout=30)
    finally:
        app.stop()
        hello.stop()
        fake.stop()
    for phase in (base, visits):
        summary = harness.summarize(phase)
        assert summary["requests"] == 20 and summary["non_200"] == 0 and summary["errors"] == 0, summary
    assert visits.replies_missing == 0 and visits.replies_failed == 0
    assert len(visits.round_trips) == 20 and all(rt > 0 for rt in visits.round_trips)
    stored, twice = stored_visits(database_url, TEAM, [s.trigger_id for s in visits.ok], since)
    assert twice == 0
    assert stored >= 15  # the rest may be questions (an alias two accounts share), never errors


def test_percentile_interpolates() -> None:
    assert harness.percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert harness.percentile([5.0], 99) == 5.0
