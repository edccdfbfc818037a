"""Funnel analytics benchmark: the funnel for a 50-rep team and for the whole workspace, and
the App Home of the busiest rep, against naive baselines computed in the same run.

    flock /tmp/pc-bench.lock python -m bench.bench_funnel --database-url sqlite:////tmp/pcbench/funnel.db
    flock /tmp/pc-bench.lock python -m bench.bench_funnel \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/pc_bench_funnel

The first run loads the data with `bench.generate` (1,000 reps under 20 managers, so each
manager has a 50-rep team; 200,000 deals created over the last year and walked through the
S-P-A-D-C-O funnel with their full stage history, plus accounts, contacts, visits and
follow-ups for App Home); later runs reuse it (`--regenerate` to start again).

What is timed (median of `--repeat` runs after one warm-up, each in its own transaction):
- funnel, team: `conversion` (stage-to-stage rates and closed deals, the small-sample flag) +
  `open_pipeline` (counts and amounts per stage) for one manager's 50 reps over a year;
- funnel, workspace: the same for everyone;
- the same two with the median days in stage as well (`with_medians=True`, a window over the
  whole stage history: the costliest figure, shown separately);
- rep comparison, team: `compare_reps` for the same team (each rep against the team);
- App Home, busiest rep: `home_view` (load + render) for the rep with the most open deals.
Baselines, same data, same run: "per-deal loop" = one query per deal for its history, then
Python (the N+1 way), team only, since the workspace would take minutes; "fetch + Python loop"
= one query fetching every stage change of the scope, aggregated in Python. Both compute the
same step counts as the SQL, and the run fails if any figure differs. (The generated data has
no handovers, so crediting each move's owner at the time, `stage_changes.owner_id`, and the
baselines' current owner select the same deals.)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from bench.generate import DEFAULT_TEAM, Sizes, generate
from bot import analytics as an
from bot.analytics.common import WON, positions
from bot.analytics.home import home_view
from bot.core.access import team_person_ids
from bot.core.clock import Clock
from bot.people.members import actor_for
from storage.db import Database
from storage.models import Deal, Person, StageChange, Workspace

TARGETS = {"funnel, team": 0.200, "funnel, workspace": 2.0, "App Home, busiest rep": 0.150}
Counts = list[tuple[int, int, int, int]]  # per stage: entered, advanced, dropped, still open (pending + stalled)


@dataclass
class Timing:
    name: str
    seconds: list[float]
    cpu: list[float] = field(default_factory=list)  # this process's CPU time per run

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def timed(name: str, fn: Callable[[], object], repeat: int, *, warm_up: bool = True) -> tuple[Timing, object]:
    """`fn` run `repeat` times (after one untimed run unless `warm_up` is False), and its result."""
    result = fn() if warm_up else None
    runs, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        runs.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return Timing(name, runs, cpu), result


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in `url` if it does not exist yet."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


# ----- baselines ------------------------------------------------------------------------------
def _journey_counts(
    changes_by_deal: dict[int, list[tuple[str, datetime]]], stages: list[an.StageInfo], period: an.Period
) -> Counts:
    """The conversion step counts of `bot.analytics.conversion`, computed deal by deal."""
    pos = positions(stages)
    counts = [[0, 0, 0, 0] for _ in stages]
    for changes in changes_by_deal.values():
        before = [c for c in changes if c[1] < period.end]
        if not any(at >= period.start for _, at in before):
            continue
        start_marks = [pos[s] for s, at in before if at < period.start and s in pos]
        end_marks = [pos[s] for s, _ in before if s in pos]
        if not end_marks:
            continue
        low = max(start_marks) if start_marks else -1
        high = max(end_marks)
        last_lost = max((at for s, at in before if s == "lost"), default=None)
        last_other = max((at for s, at in before if s != "lost"), default=None)
        lost = last_lost is not None and (last_other is None or last_lost >= last_other)
        for i, stage in enumerate(stages):
            if low < stage.position <= high:
                counts[i][0] += 1
                if high > stage.position:
                    counts[i][1] += 1
                elif lost:
                    counts[i][2] += 1
                else:
                    counts[i][3] += 1
    return [tuple(c) for c in counts]  # type: ignore[misc]


def per_deal_loop(db: Database, team_id: str, person_ids: Collection[int] | None, period: an.Period) -> Counts:
    """The naive way: list the deals, then one query per deal for its history."""
    with db.transaction() as session:
        stages = an.load_stages(session, team_id)
        query = select(Deal.id).where(Deal.team_id == team_id)
        if person_ids is not None:
            query = query.where(Deal.owner_id.in_(person_ids))
        history = {}
        for deal_id in session.scalars(query).all():
            rows = session.execute(
                select(StageChange.to_stage, StageChange.changed_at)
                .where(StageChange.deal_id == deal_id)
                .order_by(StageChange.changed_at, StageChange.id)
            ).all()
            history[deal_id] = [(s, at) for s, at in rows]
        return _journey_counts(history, stages, period)


def fetch_and_loop(db: Database, team_id: str, person_ids: Collection[int] | None, period: an.Period) -> Counts:
    """One query for every stage change of the scope, then Python."""
    with db.transaction() as session:
        stages = an.load_stages(session, team_id)
        query = (
            select(StageChange.deal_id, StageChange.to_stage, StageChange.changed_at)
            .join(Deal, Deal.id == StageChange.deal_id)
            .where(StageChange.team_id == team_id)
        )
        if person_ids is not None:
            query = query.where(Deal.owner_id.in_(person_ids))
        history: dict[int, list[tuple[str, datetime]]] = {}
        for deal_id, stage, at in session.execute(query):
            history.setdefault(deal_id, []).append((stage, at))
        return _journey_counts(history, stages, period)


# ----- the measured calls ---------------------------------------------------------------------
def funnel(
    db: Database, team_id: str, person_ids: Collection[int] | None, period: an.Period, *, medians: bool = False
) -> Counts:
    with db.transaction() as session:
        conversion = an.conversion(session, team_id, person_ids, period, with_medians=medians)
        an.open_pipeline(session, team_id, person_ids)
    return [(s.entered, s.advanced, s.dropped, s.open) for s in conversion.steps]


def compare(db: Database, team_id: str, person_ids: Collection[int], period: an.Period) -> an.TeamConversion:
    with db.transaction() as session:
        return an.compare_reps(session, team_id, person_ids, period)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_funnel", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="sqlite:////tmp/pcbench/funnel.db")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--regenerate", action="store_true", help="drop everything and load the data again")
    parser.add_argument("--reps", type=int, default=1000, help="when generating (50 per manager)")
    parser.add_argument("--deals", type=int, default=200_000, help="when generating")
    parser.add_argument("--no-naive", action="store_true", help="skip the per-deal loop baseline")
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
        scale = args.deals / 200_000
        sizes = Sizes(
            reps=args.reps,
            accounts=int(100_000 * scale),
            contacts=int(300_000 * scale),
            visits=int(300_000 * scale),
            deals=args.deals,
            followups=int(50_000 * scale),
            managers=max(1, args.reps // 50),
        )
        generate(url, sizes, seed=1, team_id=team_id, reset=True)
    with db.transaction() as session:
        now = session.scalar(select(func.max(StageChange.changed_at)).where(StageChange.team_id == team_id))
        counts = {
            "reps": session.scalar(select(func.count()).where(Person.team_id == team_id, Person.role == "rep")),
            "deals": session.scalar(select(func.count()).where(Deal.team_id == team_id)),
            "stage changes": session.scalar(select(func.count()).where(StageChange.team_id == team_id)),
        }
        manager = session.scalars(
            select(Person).where(Person.team_id == team_id, Person.role == "manager").order_by(Person.id).limit(1)
        ).one()
        team_ids = team_person_ids(session, actor_for(manager))
        assert team_ids is not None
        busiest_id, busiest_open = session.execute(
            select(Deal.owner_id, func.count())
            .where(Deal.team_id == team_id, Deal.status == "open")
            .group_by(Deal.owner_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
        busiest = actor_for(session.get(Person, busiest_id))  # type: ignore[arg-type]
    now = (now or Clock().now()).astimezone(UTC)
    year = an.Period.last_days(now, 365)
    print(f"database: {db.dialect}  {', '.join(f'{k}: {v:,}' for k, v in counts.items())}")
    print(f"team: {len(team_ids) - 1} reps + their manager; busiest rep: {busiest_open} open deals; period: a year")
    with db.transaction() as session:
        busy_deals = session.scalar(select(func.count()).where(Deal.owner_id == busiest_id))
        team_deals = session.scalar(select(func.count()).where(Deal.owner_id.in_(team_ids)))
    print(f"team deals: {team_deals:,}; busiest rep's deals: {busy_deals:,}")

    print("load average before: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    results: list[Timing] = []
    t, team_sql = timed("funnel, team", lambda: funnel(db, team_id, team_ids, year), args.repeat)
    results.append(t)
    t, workspace_sql = timed("funnel, workspace", lambda: funnel(db, team_id, None, year), args.repeat)
    results.append(t)
    for name, scope in (("team", team_ids), ("workspace", None)):
        t, _ = timed(
            f"funnel + median days in stage, {name}",
            lambda scope=scope: funnel(db, team_id, scope, year, medians=True),
            args.repeat,
        )
        results.append(t)
    t, compared = timed("rep comparison, team", lambda: compare(db, team_id, team_ids, year), args.repeat)
    results.append(t)
    t, view = timed("App Home, busiest rep", lambda: home_view(db, busiest, now), args.repeat)
    results.append(t)
    t, _ = timed("App Home, manager's team view", lambda: home_view(db, actor_for(manager), now, "team"), args.repeat)
    results.append(t)
    t, team_fetch = timed(
        "baseline: fetch + Python loop, team", lambda: fetch_and_loop(db, team_id, team_ids, year), 3, warm_up=False
    )
    results.append(t)
    t, workspace_fetch = timed(
        "baseline: fetch + Python loop, workspace", lambda: fetch_and_loop(db, team_id, None, year), 1, warm_up=False
    )
    results.append(t)
    checks = [("team", team_sql, team_fetch), ("workspace", workspace_sql, workspace_fetch)]
    if not args.no_naive:
        t, team_naive = timed(
            "baseline: per-deal loop, team", lambda: per_deal_loop(db, team_id, team_ids, year), 1, warm_up=False
        )
        results.append(t)
        checks.append(("team, per-deal", team_sql, team_naive))
    blocks = len(view["blocks"])  # type: ignore[index]
    print(f"App Home of the busiest rep: {blocks} blocks")
    print(f"weakest steps named in the team: {sum(1 for r in compared.reps.values() if r.weakest)}")  # type: ignore[attr-defined]
    print()
    # CPU: this process's CPU time (median). On SQLite that is all the work, so CPU well below
    # the wall time means the run waited for a core (other work on the machine); on
    # PostgreSQL the server's share is not in it.
    print(f"{'measure':<42} {'median':>9} {'min':>9} {'max':>9} {'CPU':>9}  target")
    for timing in results:
        target = TARGETS.get(timing.name)
        verdict = "" if target is None else f"< {target * 1000:.0f} ms {'ok' if timing.median < target else 'MISSED'}"
        print(
            f"{timing.name:<42} {timing.median * 1000:8.1f}ms {min(timing.seconds) * 1000:8.1f}ms "
            f"{max(timing.seconds) * 1000:8.1f}ms {statistics.median(timing.cpu) * 1000:8.1f}ms  {verdict}"
        )
    print("load average after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    ok = True
    for name, sql, baseline in checks:
        same = sql == baseline
        ok &= same
        print(f"same step counts as the baseline ({name}): {'yes' if same else 'NO'}")
        if not same:
            print(f"  sql:      {sql}\n  baseline: {baseline}")
    print(f"(won is stage {WON!r}; counts per stage = reached, went on, lost there, still open)")
    db.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
