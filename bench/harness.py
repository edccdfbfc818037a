"""What the HTTP benchmarks share: processes (the fake Slack, `pipeline-coach serve`, the
hello-world app), signed slash-command requests over keep-alive connections on loopback, and
latency statistics.

Every run is bounded (a request count and a time limit per phase) and talks only to 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import gc
import http.client
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dev import slack_requests as sr

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:  # pragma: no cover - not Linux
        return "?"


# ----- processes -------------------------------------------------------------------------------
class FakeSlackProcess:
    """`bench.fake_slack_server` in a subprocess; `drain()` returns reply arrivals by channel."""

    def __init__(self, users: list[dict[str, str]], team_id: str, workdir: Path) -> None:
        users_file = workdir / "fake_users.json"
        users_file.write_text(json.dumps(users, ensure_ascii=False), encoding="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.fake_slack_server", "--users", str(users_file), "--team", team_id],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=open(workdir / "fake_slack.log", "wb"),  # noqa: SIM115 (lives as long as the process)
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        if not line.startswith("READY "):
            raise RuntimeError(f"fake Slack did not start: {line!r}")
        self.base_url = line.split(" ", 1)[1]
        self.api_url = f"{self.base_url}/api/"
        self._lock = threading.Lock()

    def response_url(self, channel: str, user: str, n: int) -> str:
        return f"{self.base_url}/response/{channel}/{user}/{n}"

    def drain(self) -> list[tuple[str, float, bool, str]]:
        with self._lock:
            assert self.proc.stdin is not None and self.proc.stdout is not None
            self.proc.stdin.write("drain\n")
            self.proc.stdin.flush()
            return [tuple(x) for x in json.loads(self.proc.stdout.readline())]  # type: ignore[misc]

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.write("quit\n")
                self.proc.stdin.flush()
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()


class ServerProcess:
    """A server subprocess (`pipeline-coach serve` or the hello app) on a loopback port."""

    def __init__(self, name: str, argv: Sequence[str], env: dict[str, str], port: int, workdir: Path) -> None:
        self.name = name
        self.port = port
        self.url = f"http://127.0.0.1:{port}/slack/events"
        self.log_path = workdir / f"{name}.log"
        self.proc = subprocess.Popen(
            list(argv),
            cwd=ROOT,
            # The spool of `serve`'s worker processes: in the run's directory unless
            # BENCH_SPOOL_DIR says otherwise (e.g. a tmpfs, to measure the file system's share).
            env={**os.environ, "SPOOL_DIR": os.environ.get("BENCH_SPOOL_DIR") or str(workdir / "spool"), **env},
            stdout=open(self.log_path, "wb"),  # noqa: SIM115 (lives as long as the process)
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_healthy(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log_path.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2):
                    return
            except OSError:
                time.sleep(0.25)
        raise RuntimeError(f"{self.name} not healthy after {timeout:.0f}s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


def _server_options(port: int, workers: int, threads: int) -> list[str]:
    """The same server options for both apps: loopback, the port, gunicorn workers and threads."""
    return ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers), "--threads", str(threads)]


def serve_argv(port: int, workers: int, threads: int) -> list[str]:
    """The real CLI, as an operator runs it (the scheduler is not what is measured here)."""
    cli = str(Path(sys.executable).with_name("pipeline-coach"))
    return [cli, "serve", *_server_options(port, workers, threads), "--no-scheduler"]


def hello_argv(port: int, workers: int, threads: int) -> list[str]:
    return [sys.executable, "-m", "bench.hello_app", *_server_options(port, workers, threads)]


def app_env(api_url: str, database_url: str) -> dict[str, str]:
    return {
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_URL": api_url,
        "DATABASE_URL": database_url,
        "SCHEDULER_ENABLED": "false",
    }


# ----- requests --------------------------------------------------------------------------------
@dataclass(frozen=True)
class CommandSpec:
    """One slash command to send: who, what, and the unique channel its reply will name."""

    user_id: str
    command: str
    text: str


@dataclass
class Sample:
    channel: str
    sent_at: float  # epoch seconds, to compare with the fake's arrival times
    latency: float  # seconds, request written → response read
    status: int
    trigger_id: str = ""  # what the app keys a stored visit on ("cmd:<trigger_id>")


@dataclass
class Phase:
    label: str
    concurrency: int
    samples: list[Sample] = field(default_factory=list)
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    round_trips: list[float] = field(default_factory=list)
    replies_missing: int = 0
    replies_failed: int = 0
    stale_retries: int = 0

    @property
    def ok(self) -> list[Sample]:
        return [s for s in self.samples if s.status == 200]

    @property
    def rps(self) -> float:
        return len(self.samples) / self.seconds if self.seconds else 0.0


class _Connection:
    """One keep-alive HTTP/1.1 connection; reopened after any error."""

    def __init__(self, url: str) -> None:
        parsed = urllib.parse.urlparse(url)
        self.host, self.port, self.path = parsed.hostname or "127.0.0.1", parsed.port or 80, parsed.path
        self.conn: http.client.HTTPConnection | None = None
        self.stale_retries = 0

    def post(self, body: bytes) -> tuple[int, float]:
        """POST `body`; (status, seconds from writing the request to reading the response).

        A kept-alive connection the server has meanwhile closed (gunicorn's keep-alive is 5 s)
        fails before the server read anything; like any HTTP client pool, we then reconnect and
        send once more, and the reconnect is not counted in the latency. `stale_retries` counts
        them.
        """
        headers = {"Content-Type": sr.FORM, **sr.sign(SECRET, body)}
        reused = self.conn is not None
        if self.conn is None:
            self._connect()
        started = time.perf_counter()
        try:
            response = self._send(body, headers)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.close()
            if not reused:
                raise
            self.stale_retries += 1
            self._connect()
            started = time.perf_counter()
            response = self._send(body, headers)
        elapsed = time.perf_counter() - started
        if response.will_close:
            self.close()
        return response.status, elapsed

    def _connect(self) -> None:
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        self.conn.connect()
        self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _send(self, body: bytes, headers: dict[str, str]) -> http.client.HTTPResponse:
        assert self.conn is not None
        try:
            self.conn.request("POST", self.path, body=body, headers=headers)
            response = self.conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        return response

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


_channels = itertools.count(1)


def _body(spec: CommandSpec, fake: FakeSlackProcess, team_id: str) -> tuple[str, bytes, str]:
    n = next(_channels)
    channel = f"CB{n:09d}"
    body = sr.command_form(
        command=spec.command,
        text=spec.text,
        user_id=spec.user_id,
        team_id=team_id,
        channel_id=channel,
        response_url=fake.response_url(channel, spec.user_id, n),
    )
    trigger_id = urllib.parse.parse_qs(body.decode())["trigger_id"][0]
    return channel, body, trigger_id


def closed_loop(
    url: str,
    specs: Sequence[CommandSpec],
    fake: FakeSlackProcess,
    team_id: str,
    *,
    label: str,
    concurrency: int,
    requests: int,
    max_seconds: float,
) -> Phase:
    """`concurrency` clients, each sending its next request when the last one is answered,
    until `requests` have been sent or `max_seconds` have passed."""
    phase = Phase(label, concurrency)
    counter = itertools.count()
    lock = threading.Lock()
    deadline = time.monotonic() + max_seconds
    start = threading.Barrier(concurrency + 1)

    def client() -> None:
        conn = _Connection(url)
        start.wait()
        while time.monotonic() < deadline:
            i = next(counter)
            if i >= requests:
                break
            channel, body, trigger_id = _body(specs[i % len(specs)], fake, team_id)
            sent_at = time.time()
            try:
                status, latency = conn.post(body)
            except Exception as exc:  # a failed request is a measured error
                with lock:
                    phase.errors.append(f"{type(exc).__name__}: {exc}")
                continue
            with lock:
                phase.samples.append(Sample(channel, sent_at, latency, status, trigger_id))
        conn.close()
        with lock:
            phase.stale_retries += conn.stale_retries

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    for t in threads:
        t.start()
    with _no_client_gc():
        start.wait()
        began = time.perf_counter()
        for t in threads:
            t.join()
        phase.seconds = time.perf_counter() - began
    return phase


@contextlib.contextmanager
def _no_client_gc() -> Iterator[None]:
    """No garbage collection in the measuring process during a phase: its heap grows with every
    phase's samples, and a full collection (30-40 ms seen by the end of a run) would stop all
    client threads at once and add itself to the latency of every request then in flight, in
    whichever phase, the hello app's or ours, it happened to fall."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def open_loop(
    urls: Sequence[str],
    specs: Sequence[CommandSpec],
    fake: FakeSlackProcess,
    team_id: str,
    *,
    label: str,
    rate: float,
    seconds: float,
    max_in_flight: int = 64,
) -> Phase:
    """Requests at a fixed rate (like Slack delivering users' commands), round-robin over `urls`,
    whether or not earlier ones were answered (up to `max_in_flight` at once)."""
    phase = Phase(label, max_in_flight)
    total = int(rate * seconds)
    lock = threading.Lock()
    slots = threading.Semaphore(max_in_flight)
    pool: list[list[_Connection]] = [[] for _ in urls]

    def send(i: int) -> None:
        target = i % len(urls)
        with lock:
            conn = pool[target].pop() if pool[target] else _Connection(urls[target])
        channel, body, trigger_id = _body(specs[i % len(specs)], fake, team_id)
        sent_at = time.time()
        try:
            status, latency = conn.post(body)
            with lock:
                phase.samples.append(Sample(channel, sent_at, latency, status, trigger_id))
                pool[target].append(conn)
        except Exception as exc:  # a failed request is a measured error
            with lock:
                phase.errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            slots.release()

    with _no_client_gc():
        began = time.perf_counter()
        workers: list[threading.Thread] = []
        for i in range(total):
            due = began + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            if not slots.acquire(timeout=30):
                phase.errors.append("client: too many requests in flight")
                continue
            t = threading.Thread(target=send, args=(i,), daemon=True)
            t.start()
            workers.append(t)
        for t in workers:
            t.join(timeout=60)
        phase.seconds = time.perf_counter() - began
    for conns in pool:
        for conn in conns:
            phase.stale_retries += conn.stale_retries
            conn.close()
    return phase


def collect_replies(phase: Phase, fake: FakeSlackProcess, *, expect: bool, timeout: float = 60.0) -> None:
    """Wait (bounded) for the reply of every answered request to reach the fake Slack and
    record the full round trips; replies still missing after `timeout` are counted."""
    wanted = {s.channel: s.sent_at for s in phase.ok}
    arrived: dict[str, float] = {}
    failed = 0
    deadline = time.monotonic() + (timeout if expect else 1.0)
    while True:
        for channel, at, ok, _method in fake.drain():
            if channel in wanted and channel not in arrived:
                arrived[channel] = at
                failed += not ok
        if not expect or len(arrived) >= len(wanted) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    phase.round_trips = [arrived[c] - wanted[c] for c in arrived]
    phase.replies_missing = len(wanted) - len(arrived) if expect else 0
    phase.replies_failed = failed


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def summarize(phase: Phase) -> dict[str, float | int | str]:
    lat = [s.latency for s in phase.ok]
    out: dict[str, float | int | str] = {
        "label": phase.label,
        "concurrency": phase.concurrency,
        "requests": len(phase.samples),
        "non_200": len(phase.samples) - len(phase.ok),
        "errors": len(phase.errors),
        "seconds": round(phase.seconds, 2),
        "rps": round(phase.rps, 1),
        "p50_ms": round(percentile(lat, 50) * 1000, 2),
        "p90_ms": round(percentile(lat, 90) * 1000, 2),
        "p99_ms": round(percentile(lat, 99) * 1000, 2),
        "max_ms": round(max(lat) * 1000, 2) if lat else float("nan"),
        "stale_keepalive_retries": phase.stale_retries,
    }
    if phase.errors:
        out["error_examples"] = "; ".join(sorted(set(phase.errors))[:3])
    if phase.round_trips or phase.replies_missing:
        out["reply_p50_ms"] = round(percentile(phase.round_trips, 50) * 1000, 1)
        out["reply_p99_ms"] = round(percentile(phase.round_trips, 99) * 1000, 1)
        out["replies_missing"] = phase.replies_missing
        out["replies_failed"] = phase.replies_failed
    return out


Echo = Callable[[str], None]
