"""Acknowledged work is never dropped: the database's work queue (PostgreSQL), the spool's hand
back, a worker that meets an unreachable database, a machine that is lost, and outages while
`/visit`s and other commands arrive (issue 14 item 5, issue 21 reproductions 1–3)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.core.clock import ManualClock
from bot.core.settings import Settings
from bot.ui.blocks import escape
from dev import slack_requests as sr
from dev.driver import Driver, LocalServer
from dev.fake_slack import FakeSlack, Message
from runtime.app import build_app
from runtime.executor import TrackingExecutor
from runtime.queue import DbQueue, GroupCommit
from runtime.spool import MAX_ATTEMPTS, Spool, SpoolEntry
from runtime.web import WebApp
from runtime.worker import ArrivalGauge, SpoolWorker
from storage.db import Database, DatabaseUnavailable
from tests.conftest import SECRET, TEAM
from tests.pg_outage import needs_postgresql, refusing_connections, terminate_backends
from tests.test_ops_serve import serve_env, serving
from tests.test_serve_cli import _children
from tests.test_worker import _Ticks
from tests.visit_world import account, rep, reply_text
from tests.visit_world import visits as stored_visits

SAVED = "what you sent is saved"  # common.saved_for_later (en)
NOTHING_SAVED = "nothing was saved"  # common.db_unavailable / common.error (en)

# Reps and the one-line visits they send: sloppy, in both languages.
LINES = {
    "U1": ("Ricoh", "ricoh w/ Zhang in person - needs confirmed; next: send quote fri"),
    "U2": ("宏诚科技", "宏诚科技 见了吴总 电话 售后回访 关系3"),
    "U3": ("Acme Foods", "acme foods, phone w Li, pricing talk"),
    "U4": ("龙驰酒店", "龙驰酒店 拜访曹经理 微信 需求确认"),
    "U5": ("Globex", "Globex email to Ms Wong: sent case studies"),
}


def _entry(n: int) -> SpoolEntry:
    return SpoolEntry(body=f"text={n}", headers={"content-type": ["x"]}, function="f", received_at=1.0 + n)


def _texts(fake: FakeSlack, user: str) -> list[str]:
    return [reply_text(_as_dict(m)) for m in fake.ephemerals_to(user)]


def _as_dict(m: Message) -> dict[str, object]:
    return {"text": m.text, "blocks": m.blocks}


# ----- the database's work queue -------------------------------------------------------------


@pytest.fixture
def queue(db: Database, database_url: str) -> DbQueue:
    needs_postgresql(database_url)
    return DbQueue(db)


def test_rows_are_claimed_oldest_first_and_a_leased_row_is_nobody_elses(queue: DbQueue, db: Database) -> None:
    for n in range(3):
        queue.put(_entry(n))
    other = DbQueue(db)
    first, second = queue.claim(), other.claim()
    assert first is not None and second is not None
    assert (first.entry.body, second.entry.body) == ("text=0", "text=1")
    queue.done(first)
    assert queue.pending() == 2  # the second is leased, not done
    third = queue.claim()
    assert third is not None and third.entry.body == "text=2" and queue.claim() is None


def test_concurrent_workers_take_each_row_exactly_once(queue: DbQueue, db: Database) -> None:
    for n in range(60):
        queue.put(_entry(n))
    taken: list[str] = []
    lock = threading.Lock()

    def drain() -> None:
        mine = DbQueue(db)
        while (claimed := mine.claim()) is not None:
            with lock:
                taken.append(claimed.entry.body)
            mine.done(claimed)

    threads = [threading.Thread(target=drain) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken) == sorted(f"text={n}" for n in range(60))
    assert queue.pending() == 0


def test_requests_answered_at_once_are_stored_together_each_exactly_once(queue: DbQueue) -> None:
    """40 serving threads put at the same moment: every row stored once, in fewer statements."""
    statements: list[int] = []
    write = queue._insert

    def counting(rows: list[tuple[str, str]]) -> None:
        statements.append(len(rows))
        time.sleep(0.005)  # the database's answer takes a moment: others arrive meanwhile
        write(rows)

    queue._group = GroupCommit(counting)
    start = threading.Barrier(40)

    def serve(n: int) -> None:
        start.wait()
        queue.put(_entry(n))

    threads = [threading.Thread(target=serve, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    taken = []
    while (claimed := queue.claim()) is not None:
        taken.append(claimed.entry.body)
        queue.done(claimed)
    assert sorted(taken) == sorted(f"text={n}" for n in range(40))
    assert sum(statements) == 40 and len(statements) < 40


def _in_background(target: Callable[[], None]) -> tuple[threading.Thread, list[BaseException]]:
    failures: list[BaseException] = []

    def run() -> None:
        try:
            target()
        except BaseException as exc:
            failures.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, failures


def test_a_group_is_written_by_one_statement_and_its_failure_reaches_each_request() -> None:
    """A lone request is written at once; those arriving meanwhile wait for the next statement,
    which carries them all; if it fails, every one of them hears so (and goes to the spool)."""
    writes: list[list[str]] = []
    first_started, release_first = threading.Event(), threading.Event()

    def write(rows: list[tuple[str, str]]) -> None:
        writes.append([payload for _, payload in rows])
        if len(writes) == 1:
            first_started.set()
            assert release_first.wait(10)
        elif len(writes) == 2:
            raise DatabaseUnavailable("connection refused")

    group = GroupCommit(write)
    leader, leader_failures = _in_background(lambda: group.put(("f", "a")))
    assert first_started.wait(10)  # written at once, alone
    followers = [_in_background(lambda name=name: group.put(("f", name))) for name in "bcd"]
    deadline = time.monotonic() + 10
    while len(group._waiting) < 3 and time.monotonic() < deadline:
        time.sleep(0.001)
    release_first.set()
    for thread, _ in [(leader, leader_failures), *followers]:
        thread.join(10)
    assert writes == [["a"], ["b", "c", "d"]]
    assert leader_failures == []
    assert all(len(f) == 1 and isinstance(f[0], DatabaseUnavailable) for _, f in followers)
    group.put(("f", "e"))  # the next one starts afresh
    assert writes[-1] == ["e"]


def test_a_row_whose_lease_ended_is_taken_again_then_marked_failed(queue: DbQueue, db: Database) -> None:
    """A worker that died (or whose machine was lost) holds its rows only until its lease ends."""
    queue.put(_entry(1))
    dying = DbQueue(db, lease=0)  # its lease has ended as soon as it is taken
    attempts = []
    for _ in range(MAX_ATTEMPTS):
        claimed = dying.claim()
        assert claimed is not None
        attempts.append(claimed.entry.attempt)
    assert attempts == [1, 2, 3]
    assert dying.claim() is None  # taken MAX_ATTEMPTS times without being done: set aside
    assert (queue.pending(), queue.failed()) == (0, 1)


def test_a_row_given_back_untried_is_not_counted_as_an_attempt(queue: DbQueue) -> None:
    queue.put(_entry(1))
    claimed = queue.claim()
    assert claimed is not None
    queue.release(claimed)
    again = queue.claim()
    assert again is not None and again.entry.attempt == 1


def test_the_arrival_gauge_reads_the_database_queue_as_requests_per_second(queue: DbQueue, db: Database) -> None:
    """A worker holds its work while `serve`s queue requests fast (runtime/worker.py): on
    PostgreSQL the gauge reads the queue's id sequence, at most every 40 ms."""
    ticks = _Ticks()
    reader = DbQueue(db, monotonic=ticks)
    gauge = ArrivalGauge(reader, clock=ticks)
    queue.put(_entry(0))  # before the first sample: not part of any rate
    assert gauge.rate() is None
    for n in range(10):  # 8 requests every 40 ms: 200 per second
        ticks.now += 0.04
        for _ in range(8):
            queue.put(_entry(n))
        rate = gauge.rate()
        assert rate is None or rate == pytest.approx(200, rel=0.01)
    assert gauge.rate() == pytest.approx(200, rel=0.01)
    ticks.now += 0.3  # a quiet spell longer than the window
    assert gauge.rate() is None
    ticks.now += 0.1
    assert gauge.rate() == 0


def test_the_work_queue_refuses_sqlite(database_url: str, db: Database) -> None:
    if database_url.startswith("postgresql"):
        pytest.skip("SQLite's case")
    with pytest.raises(ValueError, match="PostgreSQL"):
        DbQueue(db)


# ----- the spool's hand back (one machine, SQLite) -------------------------------------------


def test_a_spool_entry_given_back_untried_keeps_its_attempts(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    spool.put(_entry(1))
    claimed = spool.claim()
    assert claimed is not None
    spool.release(claimed)
    spool.close()
    for expected in range(1, MAX_ATTEMPTS + 1):  # each next consumer: one real attempt more
        consumer = Spool(tmp_path / "spool")
        again = consumer.claim()
        assert again is not None and again.entry.attempt == expected
        consumer.close()  # dies with the entry started, not done


# ----- a worker that meets an unreachable database -------------------------------------------


@dataclass
class Front:
    driver: Driver
    spool: Spool
    queue: DbQueue | None
    worker_app: object
    executor: TrackingExecutor
    now: Callable[[], datetime]  # the app clock the workers hold entries by


@pytest.fixture
def front(
    settings: Settings, db: Database, clock: ManualClock, fake_slack: FakeSlack, tmp_path: Path
) -> Iterator[Front]:
    """`serve`'s front as it runs on this database: the work queue in PostgreSQL (spool behind
    it), or the spool alone on SQLite; and a worker app."""
    spool = Spool(tmp_path / "spool")
    queue = DbQueue(db) if db.dialect == "postgresql" else None
    executor = TrackingExecutor()
    app = build_app(settings, db=db, clock=clock, executor=executor, mode="front", spool=spool, queue=queue)
    server = LocalServer(WebApp(app))
    driver = Driver(
        app, fake_slack, signing_secret=SECRET, team_id=TEAM, executor=executor, url=f"{server.url}/slack/events"
    )
    worker_app = build_app(settings, db=db, clock=clock, mode="worker", spool=spool)
    yield Front(driver, spool, queue, worker_app, executor, clock.now)
    executor.wait_idle(10)
    server.stop()


def _unreachable_url(database_url: str, tmp_path: Path) -> str:
    if database_url.startswith("postgresql"):
        return "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"  # connection refused
    return f"sqlite:///{tmp_path}/no-such-dir/app.db"  # cannot be opened


def test_work_that_meets_an_unreachable_database_is_kept_and_the_user_told_once(
    front: Front, settings: Settings, db: Database, clock: ManualClock, tmp_path: Path, database_url: str
) -> None:
    """Reproduction 2: the work is not answered "nothing was saved" and dropped; the user hears
    once that it is saved, a worker stopping meanwhile gives it back untried, and the next
    worker (the database back) stores it once and confirms."""
    me = rep(db, front.driver, "U1")
    account(db, me, "Ricoh")
    source: Spool | DbQueue = front.queue or front.spool
    assert front.driver.command("U1", "/visit", LINES["U1"][1]).status == 200

    down = Database(_unreachable_url(database_url, tmp_path))
    blind = build_app(settings, db=down, clock=clock, mode="worker", spool=front.spool)
    stuck = SpoolWorker(blind, source, threads=1, now=front.now)
    stuck.start()
    fake = front.driver.fake
    assert fake.wait_for(lambda: len(fake.ephemerals_to("U1")) == 1, timeout=15)
    time.sleep(1.0)  # it tries again meanwhile (backoff): the user is not told again
    stuck.stop()
    (notice,) = _texts(fake, "U1")
    assert SAVED in notice and LINES["U1"][1] in notice and NOTHING_SAVED not in notice
    assert stored_visits(db) == []

    worker = SpoolWorker(front.worker_app, source, threads=1, now=front.now)  # type: ignore[arg-type]
    worker.start()
    try:
        assert fake.wait_for(lambda: len(fake.ephemerals_to("U1")) == 2, timeout=15)
    finally:
        worker.stop()
    (visit,) = stored_visits(db)
    assert visit.channel == "in_person" and "Ricoh" in _texts(fake, "U1")[1]
    assert (source.pending() if isinstance(source, DbQueue) else len(source.waiting())) == 0
    down.dispose()


# ----- PostgreSQL outages while /visits arrive -----------------------------------------------


def _reps(front: Front, db: Database) -> None:
    for user, (name, _) in LINES.items():
        account(db, rep(db, front.driver, user, locale="en-US"), name)


def _workers(front: Front, db: Database) -> list[SpoolWorker]:
    """`pipeline-coach worker` on PostgreSQL: the work queue, and the spool for what was
    queued while the database was unreachable."""
    assert front.queue is not None
    workers = [
        SpoolWorker(front.worker_app, front.spool, threads=len(LINES), now=front.now),  # type: ignore[arg-type]
        SpoolWorker(front.worker_app, DbQueue(db), threads=2, now=front.now),  # type: ignore[arg-type]
    ]
    for worker in workers:
        worker.start()
    return workers


def _each_visit_stored_once_and_confirmed(front: Front, db: Database) -> None:
    fake = front.driver.fake
    for user, (name, _line) in LINES.items():
        texts = _texts(fake, user)
        confirmations = [t for t in texts if name in t and SAVED not in t]
        assert len(confirmations) == 1, (user, texts)
        assert not [t for t in texts if NOTHING_SAVED in t], (user, texts)
        assert len([t for t in texts if SAVED in t]) <= 1, (user, texts)
    stored = stored_visits(db)
    assert len(stored) == len(LINES)  # none lost, none twice
    assert len({v.rep_id for v in stored}) == len(LINES)


def test_visits_acked_while_postgresql_refuses_connections_are_stored_once_when_it_is_back(
    front: Front, db: Database, database_url: str
) -> None:
    """Reproduction 1: ALLOW_CONNECTIONS false and every backend terminated while /visits
    arrive. Each is acked at once (into the spool), its rep told once it is saved, and each is
    stored once and confirmed when the database accepts connections again."""
    needs_postgresql(database_url)
    _reps(front, db)
    workers = _workers(front, db)
    fake = front.driver.fake
    try:
        with refusing_connections(database_url):
            for user, (_, line) in LINES.items():
                started = time.monotonic()
                response = front.driver.command(user, "/visit", line)
                assert (response.status, response.body) == (200, "")
                assert time.monotonic() - started < 3.0  # within Slack's ack deadline
            assert len(front.spool.waiting()) == len(LINES)  # the database could not take them
            assert fake.wait_for(lambda: all(_texts(fake, u) for u in LINES), timeout=20)
            assert all(SAVED in _texts(fake, u)[0] for u in LINES)
        assert fake.wait_for(lambda: all(len(_texts(fake, u)) == 2 for u in LINES), timeout=60)
    finally:
        for worker in workers:
            worker.stop()
    _each_visit_stored_once_and_confirmed(front, db)
    assert front.spool.waiting() == [] and DbQueue(db).pending() == 0


def test_visits_survive_backends_terminated_mid_burst(front: Front, db: Database, database_url: str) -> None:
    """Backends killed every few milliseconds while /visits are acked and worked: a claim, a
    visit's transaction or a row's deletion may die half-way; none is lost or stored twice."""
    needs_postgresql(database_url)
    _reps(front, db)
    workers = _workers(front, db)
    stop = threading.Event()

    def kill_backends() -> None:
        while not stop.wait(0.05):
            terminate_backends(database_url)

    killer = threading.Thread(target=kill_backends)
    killer.start()
    fake = front.driver.fake
    try:
        for user, (_, line) in LINES.items():
            assert front.driver.command(user, "/visit", line).status == 200
        time.sleep(1.0)
    finally:
        stop.set()
        killer.join()
    try:
        assert fake.wait_for(
            lambda: all(any(LINES[u][0] in t and SAVED not in t for t in _texts(fake, u)) for u in LINES), timeout=60
        )
    finally:
        for worker in workers:
            worker.stop()
    _each_visit_stored_once_and_confirmed(front, db)


# ----- every command answers during an outage (reproduction 3) -------------------------------

COMMANDS = [
    ("/deal", "new Ricoh 打印机升级 50万"),
    ("/coach", "role <@U2> manager"),
    ("/pipeline", "team"),
    ("/checkin", "off 12/24-12/26 年假"),
    ("/visit", "ricoh w Zhang phone"),
]


def test_every_command_answers_during_an_outage_with_the_typed_text(
    driver: Driver, db: Database, database_url: str
) -> None:
    needs_postgresql(database_url)
    rep(db, driver, "U1")
    with refusing_connections(database_url):
        for n, (command, typed) in enumerate(COMMANDS, start=1):
            started = time.monotonic()
            response = driver.command("U1", command, typed, wait=False)
            assert response.status == 200, command  # never Bolt's 404 "no ack"
            assert time.monotonic() - started < 3.0, command
            assert driver.fake.wait_for(lambda n=n: len(driver.fake.ephemerals_to("U1")) == n, timeout=10), command
            apology = _texts(driver.fake, "U1")[-1]
            # what was typed comes back, Slack-escaped (a typed <!here> must not ping anyone)
            assert "can't reach the database" in apology and escape(typed) in apology, command


# ----- a machine that is lost (issue 14 item 5's done-when) ----------------------------------


def _seed_served_workspace(db: Database, fake: FakeSlack) -> None:
    """The reps of the served workspace, each owning the account their line names."""
    from bot.core.text import normalize
    from bot.people.members import ensure_workspace
    from storage.models import Account, Person
    from tests.conftest import START

    with db.transaction() as session:
        ensure_workspace(session, "T0000SRV", START)
        for user, (name, _) in LINES.items():
            fake.add_user(user, user, locale="en-US", tz="Asia/Shanghai")
            person = Person(
                team_id="T0000SRV",
                slack_user_id=user,
                name=user,
                role="rep",
                tz="Asia/Shanghai",
                locale="en-US",
                created_at=START,
            )
            session.add(person)
            session.flush()
            session.add(
                Account(
                    team_id="T0000SRV",
                    name=name,
                    name_norm=normalize(name),
                    owner_id=person.id,
                    is_lead=False,
                    created_at=START,
                )
            )


def _post_visit(base: str, fake: FakeSlack, user: str, line: str) -> tuple[int, str]:
    body = sr.command_form(
        command="/visit",
        text=line,
        user_id=user,
        team_id="T0000SRV",
        channel_id="C1",
        response_url=fake.response_url(user, "C1"),
    )
    answer = sr.post_signed(f"{base}/slack/events", body, sr.FORM, "serve-secret")
    return answer.status, answer.body


@pytest.mark.slow
def test_a_worker_on_another_machine_finishes_what_a_killed_serve_acknowledged(
    tmp_path: Path, database_url: str, db: Database
) -> None:
    """`serve` acks five /visits and is killed (SIGKILL) with its worker before any is done;
    a worker on a second machine (its own process and spool directory) stores each once and
    answers each rep."""
    needs_postgresql(database_url)
    with FakeSlack(team_id="T0000SRV") as fake:
        _seed_served_workspace(db, fake)
        env = serve_env(fake, database_url, SPOOL_DIR=str(tmp_path / "machine-1"))
        with serving(env) as (base, proc):
            (worker_pid,) = [p for p in _children(proc.pid) if b"worker" in Path(f"/proc/{p}/cmdline").read_bytes()]
            os.kill(worker_pid, signal.SIGSTOP)  # it takes nothing more: the work waits
            for user, (_, line) in LINES.items():
                assert _post_visit(base, fake, user, line) == (200, "")
            os.kill(proc.pid, signal.SIGKILL)  # the machine is lost: serve…
            os.kill(worker_pid, signal.SIGKILL)  # …and its worker, before any work was done
            proc.wait(timeout=10)
        assert stored_visits(db) == [] and fake.ephemerals_to("U1") == []
        assert DbQueue(db).pending() == len(LINES)

        other = subprocess.Popen(
            [sys.executable, "-m", "runtime.cli", "worker"],
            env={**env, "SPOOL_DIR": str(tmp_path / "machine-2")},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            done = fake.wait_for(lambda: all(fake.ephemerals_to(u) for u in LINES), timeout=60)
            assert done, other.stderr.read().decode() if other.poll() is not None and other.stderr else "timeout"
        finally:
            other.send_signal(signal.SIGTERM)
            other.wait(timeout=30)
        assert other.returncode == 0
        for user, (name, _) in LINES.items():
            (reply,) = _texts(fake, user)
            assert name in reply and NOTHING_SAVED not in reply
        stored = stored_visits(db)
        assert len(stored) == len(LINES) and len({v.rep_id for v in stored}) == len(LINES)
        assert DbQueue(db).pending() == 0
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM work_queue")).scalar() == 0
