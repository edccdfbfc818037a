"""Scheduler benchmark: each job's selection on big data, and 10,000 DMs through a paced Slack.

    # selection, per data-set size (10k / 100k / 1M visits), on SQLite and PostgreSQL:
    flock /tmp/pc-bench.lock python -m bench.bench_scheduler selection --visits 1000000 \
        --database-url sqlite:////tmp/pcbench/sched-1m.db
    flock /tmp/pc-bench.lock python -m bench.bench_scheduler selection --visits 1000000 \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/pc_bench_sched_1m
    # sending: 10,000 DMs, the fake Slack enforcing 1/s per channel and 50/s per workspace,
    # with 429s injected on top (every 100th call):
    flock /tmp/pc-bench.lock python -m bench.bench_scheduler send --dms 10000

Selection: the data set comes from `bench.generate` (1,000 reps in six time zones, accounts,
contacts, follow-ups and visits scaled with `--visits`: the 1M set has 100k accounts, 300k
contacts and 50k follow-ups), generated once per database and reused. What is timed is each
job's `plan(session, team_id, at)`: everything a sweep does before Slack (who is due in their
own time zone, what to tell them, the Block Kit), at a Monday instant inside the job's window
in Shanghai (where 70 % of the reps are), in one transaction. "all due" repeats it with every
person moved to Asia/Shanghai first, so that all 1,100 people are due at once (the worst case).
The ledger is empty, so nobody is skipped as already served: the most work a sweep can have.
Median of `--repeat` runs after one warm-up (the warm-up commits; the timed runs roll back).
Target: < 1 s on PostgreSQL, < 2 s on SQLite.

Send: `pipeline-coach jobs run followup-nudges` in its own process against a fresh SQLite (or
`--database-url`) database with 10,000 people who each have an overdue follow-up, and the fake
Slack in this process. Checks: every person got exactly one DM and every ledger row is `sent`;
reports the wall time against the pacing floor (10,000 / 50 per second = 200 s; target within
10 %) and the job process's peak RSS (target < 300 MB).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.orm import Session

from bench.bench_funnel import ensure_database
from bench.generate import DEFAULT_TEAM, Sizes, generate
from bench.harness import load_average
from bot.people.members import ensure_workspace
from dev.fake_slack import FakeSlack
from scheduler.jobs import checkins, followup_nudges, relationship_decay, stale_deals
from scheduler.jobs._common import Planned
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Base, Delivery, FollowUp, Person, Workspace

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # Monday 08:00 in Shanghai: the data ends here
# A Monday instant inside each job's window in Shanghai (UTC+8).
JOBS: dict[str, tuple[Callable[[Session, str, datetime], list[Planned]], datetime]] = {
    "checkin-morning": (checkins.plan_morning, datetime(2026, 11, 23, 0, 50, tzinfo=UTC)),
    "checkin-evening": (checkins.plan_evening, datetime(2026, 11, 23, 10, 5, tzinfo=UTC)),
    "followup-nudges": (followup_nudges.plan, datetime(2026, 11, 23, 2, 35, tzinfo=UTC)),
    "relationship-decay": (relationship_decay.plan, datetime(2026, 11, 23, 2, 35, tzinfo=UTC)),
    "stale-deals": (stale_deals.plan, datetime(2026, 11, 23, 2, 35, tzinfo=UTC)),
}
TARGET = {"postgresql": 1.0, "sqlite": 2.0}
SEND_AT = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)  # Monday 09:30 in Shanghai
SEND_TEAM = "T0SEND000"


def sizes_for(visits: int) -> Sizes:
    """The 1M set's proportions at `visits` (always 1,000 reps: the people are what sweeps scale with)."""
    return Sizes(
        reps=1000,
        accounts=max(visits // 10, 100),
        contacts=max(3 * visits // 10, 300),
        visits=visits,
        followups=max(visits // 20, 50),
    )


def ensure_data(url: str, visits: int, regenerate: bool) -> None:
    ensure_database(url)
    db = Database(url)
    try:
        upgrade(db.engine)
        with db.transaction() as session:
            present = session.get(Workspace, DEFAULT_TEAM) is not None
            have = session.scalar(text("SELECT count(*) FROM visits")) if present else 0
    finally:
        db.dispose()
    if present and not regenerate and have == visits:
        print(f"reusing {url} ({have:,} visits)")
        return
    generate(url, sizes_for(visits), seed=1, now=NOW, reset=True)


def _timed_plan(
    db: Database, plan: Callable[..., list[Planned]], at: datetime, *, all_due: bool
) -> tuple[float, int, int]:
    """One run in a transaction that is rolled back: (seconds, people due, messages planned)."""
    with db.engine.connect() as conn, Session(bind=conn) as session:
        if all_due:
            session.execute(update(Person).where(Person.team_id == DEFAULT_TEAM).values(tz="Asia/Shanghai"))
            session.flush()
        t0 = time.perf_counter()
        planned = plan(session, DEFAULT_TEAM, at)
        seconds = time.perf_counter() - t0
        held = sum(1 for p in planned if p.due.held)
        session.rollback()
    return seconds, len(planned), held


def selection(args: argparse.Namespace) -> int:
    ensure_data(args.database_url, args.visits, args.regenerate)
    db = Database(args.database_url)
    dialect = db.dialect
    print(f"\n{dialect}, {args.visits:,} visits, load average {load_average()}")
    with db.transaction() as session:
        people = session.scalar(select(func.count()).select_from(Person).where(Person.team_id == DEFAULT_TEAM))
        open_fu = session.scalar(select(func.count()).select_from(FollowUp).where(FollowUp.status == "open"))
    print(f"{people:,} people, {open_fu:,} open follow-ups")
    print(f"| job | messages (Shanghai window) | median | max | messages (all {people:,} due) | median | max |")
    print("|---|---|---|---|---|---|---|")
    worst = 0.0
    for name, (plan, at) in JOBS.items():
        with db.transaction() as session:  # warm-up, committed: the rules' follow-ups are made once
            plan(session, DEFAULT_TEAM, at)
        runs = [_timed_plan(db, plan, at, all_due=False) for _ in range(args.repeat)]
        all_runs = [_timed_plan(db, plan, at, all_due=True) for _ in range(args.repeat)]
        med = statistics.median(r[0] for r in runs)
        med_all = statistics.median(r[0] for r in all_runs)
        worst = max(worst, med, med_all)
        print(
            f"| {name} | {runs[0][1]:,} | {med * 1000:.0f} ms | {max(r[0] for r in runs) * 1000:.0f} ms "
            f"| {all_runs[0][1]:,} | {med_all * 1000:.0f} ms | {max(r[0] for r in all_runs) * 1000:.0f} ms |"
        )
    target = TARGET.get(dialect, 1.0)
    print(f"slowest median {worst * 1000:.0f} ms: {'within' if worst < target else 'OVER'} the {target:.0f} s target")
    db.dispose()
    return 0 if worst < target else 1


# ----- send -------------------------------------------------------------------------------------
def _send_data(url: str, n: int) -> None:
    ensure_database(url)
    db = Database(url)
    with db.engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade(db.engine)
    with db.transaction() as session:
        ensure_workspace(session, SEND_TEAM, SEND_AT, name="Send Co")
        session.execute(
            insert(Person),
            [
                {
                    "team_id": SEND_TEAM,
                    "slack_user_id": f"U{i:07d}",
                    "name": f"Rep {i}",
                    "role": "rep",
                    "tz": "Asia/Shanghai",
                    "locale": "zh-CN" if i % 3 else "en-US",
                    "is_active": True,
                    "created_at": SEND_AT,
                }
                for i in range(1, n + 1)
            ],
        )
        ids = list(session.scalars(select(Person.id).where(Person.team_id == SEND_TEAM).order_by(Person.id)))
        session.execute(
            insert(FollowUp),
            [
                {
                    "team_id": SEND_TEAM,
                    "owner_id": pid,
                    "kind": "manual",
                    "text": "Send the revised quote",
                    "due_at": datetime(2026, 11, 20, 2, 0, tzinfo=UTC),
                    "status": "open",
                    "snooze_count": 0,
                    "created_at": SEND_AT,
                }
                for pid in ids
            ],
        )
    db.dispose()


def send(args: argparse.Namespace) -> int:
    url = args.database_url or f"sqlite:///{Path(args.workdir) / 'sched-send.db'}"
    Path(args.workdir).mkdir(parents=True, exist_ok=True)
    _send_data(url, args.dms)
    fake = FakeSlack(team_id=SEND_TEAM).start()
    fake.enforce_pacing(per_channel_seconds=1.0, workspace_per_second=50)
    fake.rate_limit_every(args.inject_every)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(
        DATABASE_URL=url,
        SLACK_BOT_TOKEN="xoxb-bench",
        SLACK_API_URL=fake.api_url,
        WORKSPACE_SEND_RATE="50",
        LOG_LEVEL="WARNING",
    )
    print(f"sending {args.dms:,} DMs ({url.split(':')[0]}), load average {load_average()}")
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "runtime.cli", "jobs", "run", "followup-nudges", "--at", SEND_AT.isoformat()],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    fake.stop()
    if proc.returncode != 0:
        print(proc.stderr[-3000:])
        return 1
    with fake._lock:
        per_channel: dict[str, int] = {}
        for message in fake.messages:
            per_channel[message.channel] = per_channel.get(message.channel, 0) + 1
        posts = [c for c in fake.calls if c.method == "chat.postMessage"]
    rejected = sum(1 for c in posts if c.status == 429)
    expected = {fake.dm_channel(f"U{i:07d}") for i in range(1, args.dms + 1)}
    once = set(per_channel) == expected and set(per_channel.values()) == {1}
    db = Database(url)
    with db.transaction() as session:
        statuses = {
            status: count
            for status, count in session.execute(select(Delivery.status, func.count()).group_by(Delivery.status))
        }
    db.dispose()
    floor = args.dms / 50
    print(proc.stdout.strip())
    print(
        "| DMs | delivered once | ledger | chat.postMessage calls | 429 answers | time | pacing floor "
        "| over floor | peak RSS (job) | load avg |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {args.dms:,} | {'yes' if once else 'NO'} | {statuses} | {len(posts):,} | {rejected:,} | {seconds:.1f} s "
        f"| {floor:.0f} s | {100 * (seconds / floor - 1):+.1f} % | {peak_mb:.0f} MB | {load_average()} |"
    )
    ok = once and statuses == {"sent": args.dms} and seconds <= floor * 1.1 and peak_mb < 300
    print("within targets" if ok else "OUTSIDE the targets")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_scheduler",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="what", required=True)
    sel = sub.add_parser("selection", help="time each job's selection on a generated data set")
    sel.add_argument("--database-url", required=True)
    sel.add_argument("--visits", type=int, default=1_000_000)
    sel.add_argument("--repeat", type=int, default=3)
    sel.add_argument("--regenerate", action="store_true")
    sel.set_defaults(func=selection)
    snd = sub.add_parser("send", help="10,000 DMs through the paced fake Slack")
    snd.add_argument("--dms", type=int, default=10_000)
    snd.add_argument("--database-url", default=None, help="default: a fresh SQLite file in --workdir")
    snd.add_argument("--workdir", default="/tmp/pcbench")
    snd.add_argument("--inject-every", type=int, default=100, help="answer 429 to every n-th call as well")
    snd.set_defaults(func=send)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
