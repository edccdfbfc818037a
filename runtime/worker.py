"""Where a listener's work runs after its ack: in this process, or in worker processes.

Listeners whose ack needs nothing but `ack()` (the one-line `/visit`) carry the listener
middleware `handlers._support.AckAndQueue`. Bolt runs listener middleware in the request's own
thread; under `serve` that middleware hands the verified request to a `Handoff` (below) and
answers Slack itself, so the listener does not run in the serving process at all. A worker
process (`pipeline-coach worker`, started by `serve`) later dispatches the stored request
through the same Bolt app (`app.dispatch`, with a `QueuedRun` in its context), where the
middleware lets the listener run. Everything here is Bolt's public API: listener middleware,
`App.dispatch`, `BoltRequest(context=…)`, `process_before_response` for the worker's app.

Where the hand-over is kept (`Handoff`):
- PostgreSQL: the `work_queue` table (runtime/queue.py), so a worker on any machine finishes
  what a lost machine's `serve` acknowledged; if the database cannot be reached, the local
  spool, which the workers of this machine drain (their work then waits for the database).
- SQLite (one machine): the local file spool (runtime/spool.py).
If neither can be written, the listener runs in the serving process: nothing acknowledged is
dropped.

When the work meets an unreachable database, the listener marks its run postponed (and tells
the user once that their text is saved); the worker keeps the request and dispatches it again
with backoff until the database is back, and the work's own reply confirms it.

The worker lowers its own CPU priority (`WORKER_NICE`, `WORKER_IDLE`), so on a busy machine
the process answering Slack gets the CPU first.

A low priority was not enough during a burst: on a two-core machine the acks' tail latency
was clearly longer while the worker ran than while it was stopped, even at `SCHED_IDLE`
(bench/RESULTS.md, fourth session). So while requests are queued faster than
`WORKER_YIELD_RATE` per second, a worker holds each entry it took until the burst is over, or
until `WORKER_MAX_HOLD` seconds after its request: the replies of a burst come a little later,
its acks stay fast, and a backlog older than that is worked off at once. The worker's app does
not check signatures again: entries are written only after the front checked them, and a
backlog may be older than Slack's five-minute signature window.
"""

from __future__ import annotations

import collections
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from slack_bolt import App, BoltRequest

from handlers._support import QUEUED_RUN, RECEIVED_AT, QueuedRun
from runtime.spool import Claimed, Spool, SpoolEntry
from storage.db import Database, DatabaseUnavailable

log = logging.getLogger(__name__)

IDLE_POLL_SECONDS = 0.01
PARENT_CHECK_SECONDS = 1.0
HOLD_POLL_SECONDS = 0.02  # how often a held entry looks whether the burst is over
RATE_SAMPLE_SECONDS = 0.01
RATE_WINDOW_SECONDS = 0.25
RATE_MIN_SPAN_SECONDS = 0.05
RETRY_FIRST_SECONDS = 0.5  # work postponed for an unreachable database: first wait, doubling…
RETRY_MAX_SECONDS = 30.0  # …up to this
PRIMARY_RETRY_SECONDS = 2.0  # after the work queue could not be written, the spool for this long


class WorkQueue(Protocol):
    """What a worker drains: the local spool (runtime/spool.py) or the database's work queue
    (runtime/queue.py)."""

    @property
    def path(self) -> object: ...  # named in the worker's start-up line (read-only, so any type)

    idle_poll_max: float  # seconds: how long an idle worker may wait between looks

    def put(self, entry: SpoolEntry) -> None: ...
    def claim(self) -> Claimed | None: ...
    def done(self, claimed: Claimed) -> None: ...
    def release(self, claimed: Claimed) -> None: ...
    def recover(self) -> int: ...
    def close(self) -> None: ...
    def segment_sizes(self) -> dict[str, int]: ...
    def mean_record_bytes(self) -> float: ...


class Handoff:
    """The front's side (`handlers._support.Handoff`): store an acknowledged request for a
    worker. `queue` first; if it cannot be written (the database unreachable, the disk full),
    `fallback` (the local spool, when `queue` is the database), and for `PRIMARY_RETRY_SECONDS`
    after a failure the fallback directly, so an outage costs the acks one failed attempt per
    interval instead of one per request. False when nothing could store it: the caller then
    does the work itself."""

    def __init__(
        self,
        queue: WorkQueue,
        now: Callable[[], datetime],
        *,
        fallback: Spool | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.queue = queue
        self.fallback = fallback
        self.now = now
        self.monotonic = monotonic
        self._queue_down_until = 0.0

    def __call__(self, request: BoltRequest, name: str) -> bool:
        entry = SpoolEntry(
            body=request.raw_body,
            headers={k: list(v) for k, v in request.headers.items()},
            function=name,
            received_at=self.now().timestamp(),
        )
        if self.fallback is None or self.monotonic() >= self._queue_down_until:
            try:
                self.queue.put(entry)
                return True
            except (OSError, DatabaseUnavailable) as exc:
                log.warning("work queue not writable (%s): %s", type(exc).__name__, exc)
                self._queue_down_until = self.monotonic() + PRIMARY_RETRY_SECONDS
        if self.fallback is not None:
            try:
                self.fallback.put(entry)
                return True
            except OSError:
                log.exception("spool not writable either")
        log.error("%s: nowhere to queue it; running it in this process", name)
        return False


def dispatch_entry(app: App, entry: SpoolEntry, run: QueuedRun | None = None) -> None:
    """Run one stored request's listener through the (worker's) Bolt app."""
    received = datetime.fromtimestamp(entry.received_at, UTC)
    context = {RECEIVED_AT: received, QUEUED_RUN: run or QueuedRun(attempt=entry.attempt)}
    request = BoltRequest(body=entry.body, headers=dict(entry.headers), context=context)
    request.lazy_only = False  # whatever headers were stored, the listener itself runs
    request.lazy_function_name = None
    response = app.dispatch(request)
    if response.status >= 400:
        log.error("queued %s answered %s: %s", entry.function, response.status, response.body[:200])


class ArrivalGauge:
    """How many requests per second the serving processes are spooling: the growth of the
    spool's segments over the last `RATE_WINDOW_SECONDS`, sampled at most every
    `RATE_SAMPLE_SECONDS` (a directory scan), in records of the mean size read so far. (The
    database's work queue reports its id sequence as one "segment" of one-unit records.)"""

    def __init__(self, spool: WorkQueue, clock: Callable[[], float] = time.monotonic) -> None:
        self.spool = spool
        self.clock = clock
        self._lock = threading.Lock()
        self._sizes: dict[str, int] | None = None
        self._appended = 0  # bytes appended since the first sample
        self._samples: collections.deque[tuple[float, int]] = collections.deque()

    def rate(self) -> float | None:
        """Requests per second; None until the samples span `RATE_MIN_SPAN_SECONDS` (after a
        quiet spell the old ones are gone, and a burst's first few milliseconds say little)."""
        with self._lock:
            now = self.clock()
            if not self._samples or now - self._samples[-1][0] >= RATE_SAMPLE_SECONDS:
                self._sample(now)
            (start, first), (end, last) = self._samples[0], self._samples[-1]
            if end - start < RATE_MIN_SPAN_SECONDS:
                return None
            return (last - first) / (end - start) / self.spool.mean_record_bytes()

    def _sample(self, now: float) -> None:
        sizes = self.spool.segment_sizes()
        if self._sizes is not None:  # what was there before the first sample is not a rate
            self._appended += sum(max(0, size - self._sizes.get(name, 0)) for name, size in sizes.items())
        self._sizes = sizes
        self._samples.append((now, self._appended))
        while self._samples[0][0] < now - RATE_WINDOW_SECONDS:  # not the one just taken
            self._samples.popleft()


class SpoolWorker:
    """`threads` threads taking entries from a spool or the database's work queue until `stop()`;
    in-flight ones finish.

    With `yield_rate`, an entry taken while requests arrive faster than that waits until they
    slow down, but never past `max_hold` seconds after its request (as `now` tells: the
    app's clock, so a held entry's deadline moves with the clock the tests move) — nor once
    `stop()` is called. `arrivals` is how fast requests are being spooled (None: not known
    yet); by default the spool's `ArrivalGauge`, a rate a test can set instead of making one."""

    def __init__(
        self,
        app: App,
        spool: WorkQueue,
        threads: int,
        *,
        yield_rate: float = 0.0,
        max_hold: float = 0.0,
        now: Callable[[], datetime],
        arrivals: Callable[[], float | None] | None = None,
    ) -> None:
        self.app = app
        self.spool = spool
        self.threads = threads
        self.yield_rate = yield_rate
        self.max_hold = max_hold
        self.now = now
        self.arrivals = arrivals or ArrivalGauge(spool).rate
        self._stopping = threading.Event()
        self._workers: list[threading.Thread] = []

    def start(self) -> None:
        self.spool.recover()
        for n in range(self.threads):
            thread = threading.Thread(target=self._loop, name=f"spool-worker-{n}", daemon=True)
            thread.start()
            self._workers.append(thread)

    def _loop(self) -> None:
        unreachable = RETRY_FIRST_SECONDS
        idle = IDLE_POLL_SECONDS
        while not self._stopping.is_set():
            try:
                claimed = self.spool.claim()
            except OSError:
                log.exception("spool unreadable")
                claimed = None
            except DatabaseUnavailable as exc:
                log.warning("work queue unreachable, trying again in %.1fs: %s", unreachable, exc)
                self._stopping.wait(unreachable)
                unreachable = min(unreachable * 2, RETRY_MAX_SECONDS)
                continue
            unreachable = RETRY_FIRST_SECONDS
            if claimed is None:
                # A look at the spool is a directory scan; at the database's queue it is a
                # query, so an idle worker looks less and less often, up to `idle_poll_max`.
                self._stopping.wait(idle)
                idle = min(idle * 2, self.spool.idle_poll_max)
                continue
            idle = IDLE_POLL_SECONDS
            self._hold_during_burst(claimed.entry)
            self._run(claimed)

    def _hold_during_burst(self, entry: SpoolEntry) -> None:
        if not self.yield_rate or not self.max_hold:
            return
        release_at = entry.received_at + self.max_hold
        while self.now().timestamp() < release_at and not self._stopping.is_set():
            rate = self.arrivals()
            if rate is not None and rate < self.yield_rate:
                return
            self._stopping.wait(HOLD_POLL_SECONDS)

    def _run(self, claimed: Claimed) -> None:
        """Dispatch the entry; while its work is postponed (the database unreachable), again
        with backoff. Done when it ran (or failed for another reason: that is answered to the
        user); given back untried if the worker stops while it still waits."""
        run = QueuedRun(attempt=claimed.entry.attempt)
        wait = RETRY_FIRST_SECONDS
        try:
            while True:
                run.postponed = False
                dispatch_entry(self.app, claimed.entry, run)
                if not run.postponed or self._stopping.wait(wait):
                    break
                log.info("queued %s waits for the database; trying again", claimed.entry.function)
                wait = min(wait * 2, RETRY_MAX_SECONDS)
        except Exception:
            log.exception("queued %s failed", claimed.entry.function)
        self._settle(claimed, done=not run.postponed)

    def _settle(self, claimed: Claimed, *, done: bool) -> None:
        """Mark the entry done (or give it back); if the queue itself is unreachable (the
        database), keep trying: a done entry not marked would be done twice."""
        wait = RETRY_FIRST_SECONDS
        while True:
            try:
                if done:
                    self.spool.done(claimed)
                else:
                    self.spool.release(claimed)
                return
            except DatabaseUnavailable as exc:
                if not done:
                    return  # its lease ends it
                log.warning("could not mark %s done, trying again: %s", claimed.entry.function, exc)
                if self._stopping.wait(wait) and wait >= RETRY_MAX_SECONDS:
                    return  # the lease ends it; its work is idempotent
                wait = min(wait * 2, RETRY_MAX_SECONDS)

    def stop(self, timeout: float = 20.0) -> None:
        self._stopping.set()
        deadline = time.monotonic() + timeout
        for thread in self._workers:
            thread.join(max(0.0, deadline - time.monotonic()))
        if not any(thread.is_alive() for thread in self._workers):
            self.spool.close()  # another worker may take over what this one owned


def warm_name_indexes(db: Database) -> threading.Thread:
    """Build the installed workspaces' name indexes (`bot.visits.names`) in the background, so
    the first `/visit` after a worker starts does not wait for its workspace's build. Readiness
    never waits for it, and a database that is down only means the first line builds it."""
    from bot.people.install import active_workspaces
    from bot.visits.names import warm_indexes

    def run() -> None:
        try:
            with db.transaction() as session:
                teams = list(session.scalars(active_workspaces()))
        except Exception:
            log.warning("worker: name indexes not built ahead (database unavailable)", exc_info=True)
            return
        warm_indexes(db.engine, teams).join()

    thread = threading.Thread(target=run, name="name-index-start", daemon=True)
    thread.start()
    return thread


def lower_priority(nice: int, idle: bool) -> None:
    """Give the CPU to the process answering Slack first. With `idle` (Linux SCHED_IDLE) this
    process runs only on CPU time nothing else wants: under a burst the acks keep their pace
    and the work catches up after it. Threads started afterwards inherit the policy."""
    if nice:
        os.nice(nice)
    if idle and hasattr(os, "SCHED_IDLE"):
        try:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        except OSError:
            log.warning("worker: SCHED_IDLE not permitted here; running at nice %d", nice)


def run_worker(
    app: App,
    spool: Spool,
    *,
    threads: int,
    nice: int,
    idle: bool,
    yield_rate: float,
    max_hold: float,
    now: Callable[[], datetime],
    queue: WorkQueue | None = None,
    db: Database | None = None,
) -> None:
    """`pipeline-coach worker`: drain the spool (and with PostgreSQL, the database's work
    `queue`, the spool then holding only what was queued while the database was unreachable)
    until SIGTERM/SIGINT, then finish what is claimed. With `db`, the name indexes are warmed
    in the background meanwhile."""
    lower_priority(nice, idle)
    if db is not None:
        warm_name_indexes(db)
    workers = [
        SpoolWorker(app, spool, threads if queue is None else 1, yield_rate=yield_rate, max_hold=max_hold, now=now)
    ]
    if queue is not None:
        workers.append(SpoolWorker(app, queue, threads, yield_rate=yield_rate, max_hold=max_hold, now=now))
    stop = threading.Event()

    def on_signal(_signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    parent = os.getppid()
    for worker in workers:
        worker.start()
        log.info("worker: %d threads on %s (nice %d, idle priority %s)", worker.threads, worker.spool.path, nice, idle)
    while not stop.wait(PARENT_CHECK_SECONDS):
        if os.getppid() != parent:  # `serve` was killed without a chance to stop us
            log.warning("worker: parent process %d is gone; stopping", parent)
            break
    for worker in workers:
        worker.stop()


def exit_description(returncode: int) -> str:
    """How a child ended, as an operator reads it: Popen reports a death by signal N as -N,
    which must not read as a normal exit ("exited with 0" for a SIGKILL misled an on-call)."""
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"was killed by {name}"
    return f"exited with status {returncode}"


class WorkerProcesses:
    """`serve`'s worker processes: started with the server, restarted if one dies, stopped with it."""

    def __init__(self, count: int, argv: list[str] | None = None) -> None:
        self.count = count
        self.argv = argv or [sys.executable, "-m", "runtime.cli", "worker"]
        self._procs: list[subprocess.Popen[bytes]] = []
        self._stopping = threading.Event()
        self._replacing = threading.Lock()
        self._watcher: threading.Thread | None = None

    def start(self) -> None:
        self._procs = [subprocess.Popen(self.argv) for _ in range(self.count)]
        self._watcher = threading.Thread(target=self._watch, name="worker-watch", daemon=True)
        self._watcher.start()

    def _watch(self) -> None:
        while not self._stopping.wait(1.0):
            self.replace_dead()

    def replace_dead(self) -> None:
        """Log each worker that has ended (how: exit status or signal) and start another."""
        with self._replacing:
            for i, proc in enumerate(self._procs):
                if proc.poll() is not None and not self._stopping.is_set():
                    log.error("worker process %d %s; starting another", proc.pid, exit_description(proc.returncode))
                    self._procs[i] = subprocess.Popen(self.argv)

    def stop(self, timeout: float = 25.0) -> None:
        self._stopping.set()
        for proc in self._procs:
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + timeout
        for proc in self._procs:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
