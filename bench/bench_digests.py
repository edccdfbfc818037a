"""Digest benchmark: the weekly digest of a 50-rep team over a year of data (charts included),
and every team's digests in a 1,000-rep workspace.

    flock /tmp/pc-bench.lock python -m bench.bench_digests --database-url sqlite:////tmp/pcbench/digests.db
    flock /tmp/pc-bench.lock python -m bench.bench_digests \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/pc_bench_digests

The first run loads the data with `bench.generate` (1,000 reps under 20 managers, so each
manager has a 50-rep team; 200,000 deals over the last year with their stage history, 300,000
visits, accounts, contacts, follow-ups, quarterly targets) and names each rep's 5+5+5 accounts;
later runs reuse it (`--regenerate` to start again).

What is timed (median of `--repeat` runs after one warm-up), exactly as the jobs build
digests: `service.team_digest` (one team: its figures in one transaction, then Block Kit and
charts) and `service.team_digests` (many teams: one team's figures read while the previous one is drawn):
- weekly digest, one team: build (funnel, conversion per rep, forecast, coverage, hunting vs
  farming, quadrant, reverse funnel) + Block Kit + both PNG charts; and its parts;
- weekly digest, all 20 teams one after the other (the `weekly-digest` job's work, Slack aside);
- daily digest, recap and 5+5+5 review, all teams.
Targets: one team's weekly digest < 500 ms; every team's < 10 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import func, inspect, select, text

from bench.bench_funnel import ensure_database
from bench.generate import DEFAULT_TEAM, Sizes, generate
from bot.core.clock import Clock
from bot.digests import render, service, weekly
from bot.people.members import workspace_config
from bot.people.teams import TeamInfo, all_teams
from bot.ui import blockkit
from storage.db import Database
from storage.models import StageChange, Workspace

TARGETS = {"weekly digest, one team (with charts)": 0.5, "weekly digest, all teams": 10.0}


def timed(fn: Callable[[], object], repeat: int) -> tuple[list[float], object]:
    result = fn()  # warm-up: imports, font cache, plan caches
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - t0)
    return runs, result


def name_tiers(db: Database, team_id: str) -> None:
    """Give each rep a 5+5+5 (their first 15 accounts by id) so the review has something to show."""
    with db.transaction() as session:
        if db.dialect == "postgresql":
            sql = """
                UPDATE accounts SET tier = ranked.tier, tier_expected = 100000 * (ranked.n % 5 + 1)
                FROM (SELECT id, row_number() OVER (PARTITION BY owner_id ORDER BY id) - 1 AS n,
                             CASE (row_number() OVER (PARTITION BY owner_id ORDER BY id) - 1) / 5
                                  WHEN 0 THEN 'big' WHEN 1 THEN 'some' ELSE 'none' END AS tier
                      FROM accounts WHERE team_id = :team AND owner_id IS NOT NULL) AS ranked
                WHERE accounts.id = ranked.id AND ranked.n < 15
            """
        else:
            sql = """
                WITH ranked AS (
                    SELECT id, row_number() OVER (PARTITION BY owner_id ORDER BY id) - 1 AS n
                    FROM accounts WHERE team_id = :team AND owner_id IS NOT NULL)
                UPDATE accounts
                SET tier = (SELECT CASE r.n / 5 WHEN 0 THEN 'big' WHEN 1 THEN 'some' ELSE 'none' END
                            FROM ranked r WHERE r.id = accounts.id),
                    tier_expected = (SELECT 100000 * (r.n % 5 + 1) FROM ranked r WHERE r.id = accounts.id)
                WHERE id IN (SELECT id FROM ranked WHERE n < 15)
            """
        session.execute(text(sql), {"team": team_id})


def full_statistics(db: Database) -> None:
    """Planner statistics from every row (and, on PostgreSQL, a vacuum), as a database that has
    been running a while has them.

    The generator samples on SQLite (`analysis_limit`) to load fast; sampled statistics there
    make `team_id` look selective (about 2,000 rows a workspace instead of all of them) and
    SQLite then reads the whole workspace's stage history by date for a 50-rep team's funnel.
    """
    if db.dialect == "sqlite":
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA analysis_limit=0")
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
        return
    # PostgreSQL: VACUUM too, as autovacuum would have (index-only scans need the visibility map).
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")


def build(db: Database, team: TeamInfo, kind: str, now: datetime, *, charts: bool = True) -> object:
    today = service.local_now_of(now, team.manager_tz).date()
    if kind == "weekly" and not charts:
        with db.transaction() as session:
            data = _weekly(session, team, now)
        return render.render_weekly("zh", data, with_charts=False)
    return service.team_digest(db, team.team_id, team.id, kind, now, today)


def build_all(db: Database, teams: list[TeamInfo], kind: str, now: datetime) -> list[object]:
    jobs = [(t, service.Due(kind, "bench", service.local_now_of(now, t.manager_tz).date(), now)) for t in teams]
    results = [rendered for _, _, rendered in service.team_digests(db, jobs, kind, now)]
    failures = [r for r in results if isinstance(r, Exception)]
    if failures:
        raise failures[0]
    return results


def _weekly(session, team: TeamInfo, now: datetime) -> weekly.WeeklyDigest:  # type: ignore[no-untyped-def]
    config = workspace_config(session, team.team_id)
    today = service.local_now_of(now, team.manager_tz).date()
    reps = service._members(session, team)
    return weekly.build_weekly(session, team.team_id, team.name, reps, today, team.manager_tz, now, config)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_digests", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="sqlite:////tmp/pcbench/digests.db")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--analyze", action="store_true", help="refresh the planner statistics in full first")
    args = parser.parse_args(argv)
    url = args.database_url
    if url.startswith("sqlite:////"):
        from pathlib import Path

        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    ensure_database(url)
    team_id = DEFAULT_TEAM
    db = Database(url)
    present = False
    if inspect(db.engine).has_table("workspaces"):
        with db.transaction() as session:
            present = session.get(Workspace, team_id) is not None
    if args.regenerate or not present:
        sizes = Sizes(
            reps=1000,
            accounts=100_000,
            contacts=300_000,
            visits=300_000,
            deals=200_000,
            followups=50_000,
            managers=20,
        )
        generate(url, sizes, seed=1, team_id=team_id, reset=True)
        name_tiers(db, team_id)
        args.analyze = True
    if args.analyze:
        full_statistics(db)
    with db.transaction() as session:
        now = session.scalar(select(func.max(StageChange.changed_at)).where(StageChange.team_id == team_id))
        teams = all_teams(session, team_id)
    now = (now or Clock().now()).astimezone(UTC)
    team = max(teams, key=lambda t: (len(t.members), -t.id))
    reps = sum(len(t.members) for t in teams)
    print(f"database: {db.dialect}; {len(teams)} teams, {reps:,} reps; as of {now:%Y-%m-%d}", flush=True)
    print(f"the team timed alone: {team.name} ({len(team.members)} reps)")

    rows: list[tuple[str, list[float]]] = []

    def report(name: str, runs: list[float]) -> None:
        rows.append((name, runs))
        print(f"  measured {name}: median {statistics.median(runs) * 1000:.1f} ms", flush=True)

    runs, rendered = timed(lambda: build(db, team, "weekly", now), args.repeat)
    report("weekly digest, one team (with charts)", runs)
    runs, _ = timed(lambda: build(db, team, "weekly", now, charts=False), args.repeat)
    report("  of which build + Block Kit (no charts)", runs)
    with db.transaction() as session:
        data = _weekly(session, team, now)
    runs, _ = timed(lambda: render.weekly_charts("zh", data), args.repeat)
    report("  of which the two charts", runs)
    for kind in ("daily", "recap", "tiers"):
        runs, _ = timed(lambda kind=kind: build(db, team, kind, now), args.repeat)
        report(f"{kind} digest, one team", runs)
    repeat_all = max(1, args.repeat // 2)
    for kind in ("weekly", "daily", "recap", "tiers"):
        runs, _ = timed(lambda kind=kind: build_all(db, teams, kind, now), repeat_all)
        report(f"{kind} digest, all teams", runs)

    posts = rendered.all_posts()  # type: ignore[attr-defined]
    problems = [p for post in posts for p in blockkit.message_problems(post.text, post.blocks)]
    print(
        f"weekly digest of that team: {len(posts)} message(s), {sum(len(p.blocks) for p in posts)} blocks, "
        f"{sum(len(c.png) for c in rendered.charts) // 1024} KB of charts; Block Kit problems: {len(problems)}"  # type: ignore[attr-defined]
    )
    print()
    print(f"{'measure':<44} {'median':>9} {'min':>9} {'max':>9}  target")
    ok = not problems
    for name, runs in rows:
        median = statistics.median(runs)
        target = TARGETS.get(name)
        verdict = ""
        if target is not None:
            verdict = f"< {target * 1000:.0f} ms {'ok' if median < target else 'MISSED'}"
            ok &= median < target
        print(f"{name:<44} {median * 1000:8.1f}ms {min(runs) * 1000:8.1f}ms {max(runs) * 1000:8.1f}ms  {verdict}")
    db.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
