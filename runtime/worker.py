"""Where a listener's work runs after its ack: in this process, or in worker processes.

Listeners whose ack needs nothing but `ack()` (the one-line `/visit`) are registered with
Bolt's documented ack/lazy split: `app.command(...)(ack=..., lazy=[work])`. Bolt answers Slack
once the ack function has run and hands each lazy function to the app's lazy listener runner:

- `GatedLazyRunner` (the shell, the tests, Socket Mode, and `serve` with
  `WORKER_PROCESSES=0`): the work runs on this process's listener pool, behind the same work
  slots as the work after any other listener's ack (runtime/executor.py).
- `SpoolLazyRunner` (`serve`): the verified request is written to the spool (runtime/spool.py)
  before the answer goes out, and a worker process does the work. If the spool cannot be
  written (disk full), the work runs here instead: nothing acknowledged is dropped.

The worker (`pipeline-coach worker`, started by `serve`) lowers its own CPU priority
(`WORKER_NICE`, `WORKER_IDLE`), so on a busy machine the process answering Slack gets the CPU
first, and runs each spooled request through the same Bolt app in "lazy only" mode (Bolt's
mechanism for running one lazy function of a request, as its AWS Lambda adapter does).

A low priority was not enough during a burst: on a two-core machine the acks' tail latency
was clearly longer while the worker ran than while it was stopped, even at `SCHED_IDLE`
(bench/RESULTS.md, fourth session). So while requests are spooled faster than
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

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.lazy_listener import LazyListenerRunner
from slack_bolt.lazy_listener.internals import build_runnable_function
from slack_bolt.listener import Listener
from slack_bolt.listener.thread_runner import ThreadListenerRunner
from slack_bolt.util.utils import get_name_for_callable

from handlers._support import RECEIVED_AT
from runtime.executor import TrackingExecutor
from runtime.spool import Claimed, Spool, SpoolEntry

log = logging.getLogger(__name__)

LAZY_ONLY = "x-slack-bolt-lazy-only"
LAZY_FUNCTION = "x-slack-bolt-lazy-function-name"
IDLE_POLL_SECONDS = 0.01
PARENT_CHECK_SECONDS = 1.0
HOLD_POLL_SECONDS = 0.02  # how often a held entry looks whether the burst is over
RATE_SAMPLE_SECONDS = 0.01
RATE_WINDOW_SECONDS = 0.25
RATE_MIN_SPAN_SECONDS = 0.05


class GatedLazyRunner(LazyListenerRunner):
    """Lazy functions on this process's listener pool, each waiting for a work slot first."""

    def __init__(self, logger: logging.Logger, executor: TrackingExecutor) -> None:
        self.logger = logger
        self.executor = executor

    def start(self, function: Callable[..., None], request: BoltRequest) -> None:
        runnable = build_runnable_function(func=function, logger=self.logger, request=request)

        def gated() -> None:
            self.executor.enter_work()
            runnable()

        self.executor.submit(gated)


class SpoolLazyRunner(LazyListenerRunner):
    """Lazy functions go to the spool for a worker process (`put`); `start`, used when the
    spool cannot be written (disk full), runs them in this process instead."""

    def __init__(
        self, logger: logging.Logger, spool: Spool, fallback: LazyListenerRunner, now: Callable[[], datetime]
    ) -> None:
        self.logger = logger
        self.spool = spool
        self.fallback = fallback
        self.now = now

    def put(self, function: Callable[..., None], request: BoltRequest) -> bool:
        """Spool `request` for `function`; False if it could not be written."""
        entry = SpoolEntry(
            body=request.raw_body,
            headers={k: list(v) for k, v in request.headers.items() if k not in (LAZY_ONLY, LAZY_FUNCTION)},
            function=get_name_for_callable(function),
            received_at=self.now().timestamp(),
        )
        try:
            self.spool.put(entry)
        except OSError:
            self.logger.exception("spool not writable: running %s in this process", entry.function)
            return False
        return True

    def start(self, function: Callable[..., None], request: BoltRequest) -> None:
        self.fallback.start(function, request)


class SpoolingListenerRunner(ThreadListenerRunner):
    """Bolt's listener runner, with two shortcuts for a listener whose work is all lazy and
    spooled (its ack function only acks):

    - its ack function runs in the request's own thread, as Bolt does for every listener
      with `process_before_response` (an `inline` twin of this runner), instead of on the
      listener pool while the request thread polls for the ack every 10 ms;
    - its lazy functions are spooled from the request itself: the spool keeps only the body
      and headers, so Bolt's deep copy of the request (made for a lazy function run on
      another thread) is skipped.

    Any other listener runs Bolt's way, on the pool. What the change did to `/visit`'s acks
    under load is in bench/RESULTS.md.
    """

    inline: ThreadListenerRunner | None = None

    @classmethod
    def replacing(cls, runner: ThreadListenerRunner, lazy: SpoolLazyRunner) -> SpoolingListenerRunner:
        def make(process_before_response: bool) -> SpoolingListenerRunner:
            return cls(
                logger=runner.logger,
                process_before_response=process_before_response,
                listener_error_handler=runner.listener_error_handler,
                listener_start_handler=runner.listener_start_handler,
                listener_completion_handler=runner.listener_completion_handler,
                listener_executor=runner.listener_executor,
                lazy_listener_runner=lazy,
            )

        spooling = make(runner.process_before_response)
        spooling.inline = make(True)
        return spooling

    def run(  # type: ignore[override]
        self,
        request: BoltRequest,
        response: BoltResponse,
        listener_name: str,
        listener: Listener,
        starting_time: float | None = None,
    ) -> BoltResponse | None:
        if self.inline is not None and listener.lazy_functions and not request.lazy_only:
            return self.inline.run(request, response, listener_name, listener, starting_time)
        return super().run(request, response, listener_name, listener, starting_time)

    def _start_lazy_function(self, lazy_func: Callable[..., None], request: BoltRequest) -> None:
        runner = self.lazy_listener_runner
        if isinstance(runner, SpoolLazyRunner) and runner.put(lazy_func, request):
            return
        super()._start_lazy_function(lazy_func, request)


def dispatch_entry(app: App, entry: SpoolEntry) -> None:
    """Run one spooled request's lazy function through the (worker's) Bolt app."""
    headers: dict[str, str | list[str]] = dict(entry.headers)
    headers[LAZY_ONLY] = "1"
    headers[LAZY_FUNCTION] = entry.function
    received = datetime.fromtimestamp(entry.received_at, UTC)
    response = app.dispatch(BoltRequest(body=entry.body, headers=headers, context={RECEIVED_AT: received}))
    if response.status >= 400:
        log.error("spooled %s answered %s: %s", entry.function, response.status, response.body[:200])


class ArrivalGauge:
    """How many requests per second the serving processes are spooling: the growth of the
    spool's segments over the last `RATE_WINDOW_SECONDS`, sampled at most every
    `RATE_SAMPLE_SECONDS` (a directory scan), in records of the mean size read so far."""

    def __init__(self, spool: Spool, clock: Callable[[], float] = time.monotonic) -> None:
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
    """`threads` threads taking entries from the spool until `stop()`; in-flight ones finish.

    With `yield_rate`, an entry taken while requests arrive faster than that waits until they
    slow down, but never past `max_hold` seconds after its request (as `now` tells: the
    app's clock, so a held entry's deadline moves with the clock the tests move) — nor once
    `stop()` is called. `arrivals` is how fast requests are being spooled (None: not known
    yet); by default the spool's `ArrivalGauge`, a rate a test can set instead of making one."""

    def __init__(
        self,
        app: App,
        spool: Spool,
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
        while not self._stopping.is_set():
            try:
                claimed = self.spool.claim()
            except OSError:
                log.exception("spool unreadable")
                claimed = None
            if claimed is None:
                self._stopping.wait(IDLE_POLL_SECONDS)
                continue
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
        try:
            dispatch_entry(self.app, claimed.entry)
        except Exception:
            log.exception("spooled %s failed", claimed.entry.function)
        finally:
            self.spool.done(claimed)

    def stop(self, timeout: float = 20.0) -> None:
        self._stopping.set()
        deadline = time.monotonic() + timeout
        for thread in self._workers:
            thread.join(max(0.0, deadline - time.monotonic()))
        if not any(thread.is_alive() for thread in self._workers):
            self.spool.close()  # another worker may take over what this one owned


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
) -> None:
    """`pipeline-coach worker`: drain the spool until SIGTERM/SIGINT, then finish what is claimed."""
    lower_priority(nice, idle)
    worker = SpoolWorker(app, spool, threads, yield_rate=yield_rate, max_hold=max_hold, now=now)
    stop = threading.Event()

    def on_signal(_signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    parent = os.getppid()
    worker.start()
    log.info("worker: %d threads on %s (nice %d, idle priority %s)", threads, spool.path, nice, idle)
    while not stop.wait(PARENT_CHECK_SECONDS):
        if os.getppid() != parent:  # `serve` was killed without a chance to stop us
            log.warning("worker: parent process %d is gone; stopping", parent)
            break
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
