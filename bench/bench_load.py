"""Issue 7's load target: sustained signed `/visit` traffic at 50 requests/s for 60 s against
two `pipeline-coach serve` processes sharing one PostgreSQL, with the 1M-visit data set.

    flock /tmp/pc-bench.lock python -m bench.bench_load \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/pc_bench

Open loop: requests leave at a fixed rate whether or not earlier ones were answered (as Slack
delivers users' commands), alternating between the two processes (any load balancer does as
much). Reported: p50/p90/p99 latency to the HTTP response, errors (connection errors, non-200
answers, replies that never reached the fake Slack or were rejected by it, error lines in the
servers' logs), the reply round trip, and the stored visits: each request that stored a visit
stored exactly one (`request_key` = the command's trigger id).

Target (issue 7): p99 < 100 ms and no errors. Bounded: `--rate` × `--seconds` requests, then
at most 60 s waiting for the replies; loopback only.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bench import harness
from bench.generate import DEFAULT_TEAM
from bench.harness import ServerProcess
from bench.visit_lines import visit_workload
from bot.core.clock import Clock
from storage.db import Database
from storage.models import Visit

TARGET_P99_MS = 100.0


def stored_visits(database_url: str, team_id: str, trigger_ids: list[str], since: datetime) -> tuple[int, int]:
    """(visits stored for these commands, commands stored more than once).

    The app keys a command's visit on its trigger id (`…cmd:<trigger_id>`, possibly behind a
    prefix of its own), so the count does not depend on the exact key format.
    """
    wanted = set(trigger_ids)
    db = Database(database_url)
    try:
        with db.transaction() as session:
            keys = session.scalars(
                select(Visit.request_key).where(
                    Visit.team_id == team_id, Visit.created_at >= since, Visit.request_key.like("%cmd:%")
                )
            ).all()
    finally:
        db.dispose()
    per_trigger = Counter(key.rsplit("cmd:", 1)[1] for key in keys if key)
    stored = sum(n for trigger, n in per_trigger.items() if trigger in wanted)
    duplicated = sum(1 for trigger, n in per_trigger.items() if trigger in wanted and n > 1)
    return stored, duplicated


def run(args: argparse.Namespace, echo: harness.Echo = print) -> dict:
    workload = visit_workload(args.database_url, args.team, reps=args.reps, lines=args.lines)
    with tempfile.TemporaryDirectory(prefix="pc-load-") as tmp:
        workdir = Path(tmp)
        fake = harness.FakeSlackProcess(workload.users, args.team, workdir)
        env = harness.app_env(fake.api_url, args.database_url)
        servers = []
        for k in range(args.processes):
            port = harness.free_port()
            argv = harness.serve_argv(port, args.workers, args.threads)
            servers.append(ServerProcess(f"serve{k + 1}", argv, env, port, workdir))
        try:
            for server in servers:
                server.wait_healthy()
            before = harness.load_average()
            echo(f"{len(servers)} serve processes up; load average {before}; warming up")
            warm = harness.closed_loop(
                servers[0].url, workload.commands, fake, args.team, label="warmup", concurrency=2,
                requests=args.warmup, max_seconds=60,
            )  # fmt: skip
            if len(servers) > 1:
                warm2 = harness.closed_loop(
                    servers[1].url, workload.commands, fake, args.team, label="warmup", concurrency=2,
                    requests=args.warmup, max_seconds=60,
                )  # fmt: skip
                warm.samples += warm2.samples
            harness.collect_replies(warm, fake, expect=True)
            echo(f"sending {args.rate:g} requests/s for {args.seconds:g} s")
            since = Clock().now() - timedelta(seconds=5)
            phase = harness.open_loop(
                [s.url for s in servers], workload.commands, fake, args.team, label="/visit",
                rate=args.rate, seconds=args.seconds, max_in_flight=args.max_in_flight,
            )  # fmt: skip
            harness.collect_replies(phase, fake, expect=True)
            after = harness.load_average()
        finally:
            for server in servers:
                server.stop()
            fake.stop()
        log_errors = []
        for server in servers:
            log_errors += [
                f"{server.name}: {line[:300]}"
                for line in server.log_path.read_text(errors="replace").splitlines()
                if "Traceback" in line or " ERROR " in line or '"level": "ERROR"' in line
            ]
    stored, duplicated = stored_visits(args.database_url, args.team, [s.trigger_id for s in phase.ok], since)
    result = harness.summarize(phase)
    result.update(
        processes=len(servers),
        rate=args.rate,
        planned=int(args.rate * args.seconds),
        visits_stored=stored,
        request_keys_stored_twice=duplicated,
        app_log_errors=len(log_errors),
        load_average_before=before,
        load_average_after=after,
    )
    failures = result["errors"] + result["non_200"] + result.get("replies_missing", 0) + result.get("replies_failed", 0)
    result["meets_target"] = bool(result["p99_ms"] < TARGET_P99_MS and not failures and not log_errors)
    if log_errors:
        echo(f"{len(log_errors)} error line(s) in the servers' logs, e.g. {log_errors[0]}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="PostgreSQL, with the generated data set")
    parser.add_argument("--team", default=DEFAULT_TEAM)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers per process")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--rate", type=float, default=50.0, help="requests per second")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--max-in-flight", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=50, help="per process")
    parser.add_argument("--reps", type=int, default=300)
    parser.add_argument("--lines", type=int, default=4000)
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    result = run(args)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0 if result["meets_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
