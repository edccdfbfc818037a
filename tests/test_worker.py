"""The hand-over of acknowledged work from the process that answers Slack to worker processes:
the spool's guarantees, and `/visit` through a front app and a worker app end to end."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core.clock import ManualClock
from bot.core.settings import Settings
from dev import slack_requests as sr
from dev.driver import Driver, LocalServer
from dev.fake_slack import FakeSlack
from runtime.app import build_app
from runtime.executor import TrackingExecutor
from runtime.spool import MAX_ATTEMPTS, Spool, SpoolEntry
from runtime.web import WebApp
from runtime.worker import ArrivalGauge, SpoolWorker
from storage.db import Database
from tests.conftest import SECRET, START, TEAM
from tests.visit_world import account, rep, reply_text
from tests.visit_world import visits as stored_visits


def _entry(n: int) -> SpoolEntry:
    return SpoolEntry(body=f"text={n}", headers={"content-type": ["x"]}, function="f", received_at=1.0 + n)


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# ----- the spool ----------------------------------------------------------------------------


def test_entries_are_claimed_oldest_first_and_done_removes_them(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    for n in range(3):
        spool.put(_entry(n))
    assert spool.pending() == 3
    claimed = [spool.claim() for _ in range(3)]
    assert [c.entry.body for c in claimed if c] == ["text=0", "text=1", "text=2"]
    assert spool.claim() is None
    for c in claimed:
        assert c is not None
        spool.done(c)
    assert spool.pending() == 0
    spool.close()  # the writer moves on: its finished segment goes
    assert spool.claim() is None
    assert sorted(p.name for p in (tmp_path / "spool").iterdir()) == ["failed"]


def test_entries_written_after_a_claim_are_found_by_the_next_claim(tmp_path: Path) -> None:
    writer, reader = Spool(tmp_path / "spool"), Spool(tmp_path / "spool")
    writer.put(_entry(1))
    first = reader.claim()
    assert first is not None and first.entry.body == "text=1" and reader.claim() is None
    writer.put(_entry(2))
    second = reader.claim()
    assert second is not None and second.entry.body == "text=2"


def test_segments_roll_over_and_finished_ones_are_deleted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("runtime.spool.SEGMENT_BYTES", 300)
    writer, reader = Spool(tmp_path / "spool"), Spool(tmp_path / "spool")
    for n in range(10):
        writer.put(_entry(n))
    assert len(list((tmp_path / "spool").glob("*.seg"))) > 2
    bodies = []
    while (claimed := reader.claim()) is not None:
        bodies.append(claimed.entry.body)
        reader.done(claimed)
    assert bodies == [f"text={n}" for n in range(10)]
    assert len(list((tmp_path / "spool").glob("*.seg"))) == 1  # only the one still being written


def test_concurrent_consumers_take_each_entry_exactly_once(tmp_path: Path) -> None:
    writers = [Spool(tmp_path / "spool") for _ in range(4)]  # four answering processes' segments
    for n in range(200):
        writers[n % 4].put(_entry(n))
    taken: list[str] = []
    lock = threading.Lock()

    def take() -> None:
        other = Spool(tmp_path / "spool")  # as another process would: its own handle
        while (claimed := other.claim()) is not None:
            with lock:
                taken.append(claimed.entry.body)
            other.done(claimed)

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken) == sorted(f"text={n}" for n in range(200))


def test_each_writing_thread_appends_to_a_segment_of_its_own(tmp_path: Path) -> None:
    """Threads answering Slack never wait on one another to spool (no lock around a write)."""
    spool = Spool(tmp_path / "spool")

    def write(k: int) -> None:
        for n in range(50):
            spool.put(_entry(k * 100 + n))

    threads = [threading.Thread(target=write, args=(k,)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    reader = Spool(tmp_path / "spool")
    taken = []
    while (claimed := reader.claim()) is not None:
        taken.append(claimed.entry.body)
        reader.done(claimed)
    assert sorted(taken) == sorted(f"text={k * 100 + n}" for k in range(8) for n in range(50))
    # The eight threads have ended: their segments are complete, done, and deleted.
    assert not list((tmp_path / "spool").glob("*.seg"))


def test_a_thread_writing_after_close_gets_a_new_segment(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    spool.put(_entry(1))
    (first,) = (tmp_path / "spool").glob("*.seg")
    spool.close()  # e.g. a worker stopping while this handle also wrote
    spool.put(_entry(2))
    assert len(list((tmp_path / "spool").glob("*.seg"))) == 2
    reader = Spool(tmp_path / "spool")
    bodies = []
    while (claimed := reader.claim()) is not None:
        bodies.append(claimed.entry.body)
        reader.done(claimed)
    assert bodies == ["text=1", "text=2"]
    assert not first.exists()  # closed, done: deleted; the second is still being written


class _Ticks:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_arrival_gauge_measures_requests_per_second_over_a_short_window(tmp_path: Path) -> None:
    writer, reader = Spool(tmp_path / "spool"), Spool(tmp_path / "spool")
    ticks = _Ticks()
    gauge = ArrivalGauge(reader, clock=ticks)
    writer.put(_entry(0))  # before the first sample: not part of any rate
    assert reader.claim() is not None  # the reader now knows how large an entry is
    assert gauge.rate() is None  # one sample spans nothing yet
    for _ in range(10):  # 2 entries every 10 ms: 200 per second
        ticks.now += 0.01
        writer.put(_entry(1))
        writer.put(_entry(2))
        assert gauge.rate() is None or gauge.rate() == pytest.approx(200, rel=0.01)
    assert gauge.rate() == pytest.approx(200, rel=0.01)
    ticks.now += 0.3  # a quiet spell longer than the window: nothing arrived in it
    assert gauge.rate() is None
    ticks.now += 0.1
    assert gauge.rate() == 0


def _claim_in_a_process_that_dies(path: Path) -> str:
    """A worker process that claims the next entry and dies before it is done."""
    code = (
        "import sys; from runtime.spool import Spool; c = Spool(sys.argv[1]).claim(); print(c.entry.body if c else '')"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_entries_of_a_dead_worker_are_taken_over_with_one_more_attempt_then_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "spool"
    writer = Spool(path)
    writer.put(_entry(7))
    writer.put(_entry(8))
    assert _claim_in_a_process_that_dies(path) == "text=7"

    survivor = Spool(path)
    assert survivor.recover() == 1
    again = survivor.claim()
    assert again is not None and again.entry.body == "text=7" and again.entry.attempt == 2
    survivor.close()  # ... and this one dies with it too, and the next one

    for attempt in range(2, MAX_ATTEMPTS):
        assert _claim_in_a_process_that_dies(path) == "text=7", attempt
    last = Spool(path)
    following = last.claim()
    assert following is not None and following.entry.body == "text=8"  # 7 was given up
    (failed,) = (path / "failed").iterdir()
    assert json.loads(failed.read_text())["body"] == "text=7"


def _finished_segment(path: Path, n: int) -> Path:
    """A segment holding entry `n` whose writer has moved on."""
    writer = Spool(path)
    writer.put(_entry(n))
    writer.close()
    (segment,) = path.glob("*.seg")
    return segment


def test_a_corrupt_record_is_set_aside_and_the_next_segment_read(tmp_path: Path) -> None:
    path = tmp_path / "spool"
    segment = _finished_segment(path, 1)
    data = bytearray(segment.read_bytes())
    data[-3] ^= 0xFF  # a flipped byte in the record's JSON: its checksum no longer matches
    segment.write_bytes(bytes(data))
    Spool(path).put(_entry(2))

    claimed = Spool(path).claim()
    assert claimed is not None and claimed.entry.body == "text=2"
    assert len(list((path / "failed").iterdir())) == 1


def test_a_record_torn_by_a_writer_that_died_is_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "spool"
    segment = _finished_segment(path, 1)
    with segment.open("ab") as f:
        f.write(b"\x40\x00\x00\x00")  # the start of a header, then nothing
    reader = Spool(path)
    claimed = reader.claim()
    assert claimed is not None and claimed.entry.body == "text=1"
    reader.done(claimed)
    assert reader.claim() is None
    assert len(list((path / "failed").iterdir())) == 1 and not list(path.glob("*.seg"))


# ----- a front app and a worker app ----------------------------------------------------------


@dataclass
class Pair:
    front: Driver
    worker: SpoolWorker
    spool: Spool
    clock: ManualClock


@pytest.fixture
def pair(settings: Settings, db: Database, clock: ManualClock, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[Pair]:
    spool = Spool(tmp_path / "spool")
    executor = TrackingExecutor()
    front = build_app(settings, db=db, clock=clock, executor=executor, mode="front", spool=spool)
    server = LocalServer(WebApp(front))
    worker_app = build_app(settings, db=db, clock=clock, mode="worker", spool=spool)
    driver = Driver(
        front, fake_slack, signing_secret=SECRET, team_id=TEAM, executor=executor, url=f"{server.url}/slack/events"
    )
    hold = {"yield_rate": settings.worker_yield_rate, "max_hold": settings.worker_max_hold, "now": clock.now}
    worker = SpoolWorker(worker_app, spool, threads=2, **hold)  # as `pipeline-coach worker` runs it
    yield Pair(driver, worker, spool, clock)
    worker.stop()
    executor.wait_idle(10)
    server.stop()


def test_visit_is_answered_at_once_and_done_by_the_worker(pair: Pair, db: Database) -> None:
    me = rep(db, pair.front, "U1", tz="Asia/Shanghai")
    account(db, me, "Ricoh", "理光")

    response = pair.front.command("U1", "/visit", "Ricoh with Zhang in person: needs confirmed")

    assert response.status == 200 and response.body == ""
    assert stored_visits(db) == [] and pair.front.fake.ephemerals_to("U1") == []
    assert pair.spool.pending() == 1

    pair.worker.start()
    assert pair.front.fake.wait_for(lambda: len(pair.front.fake.ephemerals_to("U1")) == 1, timeout=15)
    (visit,) = stored_visits(db)
    assert visit.purpose == "needs confirmed" and visit.channel == "in_person"
    assert "Ricoh" in reply_text(pair.front.last_ephemeral("U1"))
    pair.worker.stop()  # lets the entry in hand finish
    assert pair.spool.pending() == 0


def test_a_late_worker_dates_the_visit_from_when_the_rep_sent_it(pair: Pair, db: Database) -> None:
    """A backlog (or a restart) may run the work days later, past Slack's signature window."""
    me = rep(db, pair.front, "U1", tz="Asia/Shanghai")
    account(db, me, "Ricoh")

    pair.front.command("U1", "/visit", "Ricoh with Zhang phone yesterday")
    pair.clock.set(START + timedelta(days=2))
    pair.worker.start()

    assert pair.front.fake.wait_for(lambda: len(pair.front.fake.ephemerals_to("U1")) == 1, timeout=15)
    (visit,) = stored_visits(db)
    local_start = START.astimezone(ZoneInfo("Asia/Shanghai"))
    assert visit.occurred_at.astimezone(ZoneInfo("Asia/Shanghai")).date() == local_start.date() - timedelta(days=1)


def test_visit_without_text_opens_the_form_in_the_front_process(pair: Pair, db: Database) -> None:
    """views.open needs the trigger within 3 seconds: never spooled behind a backlog."""
    rep(db, pair.front, "U1")
    pair.front.command("U1", "/visit", "")
    assert pair.spool.pending() == 0
    assert pair.front.last_view()["type"] == "modal"


def test_a_request_from_the_network_cannot_ask_to_skip_its_ack(pair: Pair, db: Database) -> None:
    """Bolt reads "run only this lazy function" from headers; our front ignores them."""
    me = rep(db, pair.front, "U1")
    account(db, me, "Ricoh")
    forged = {"x-slack-bolt-lazy-only": "1", "x-slack-bolt-lazy-function-name": "visit_from_text"}
    response = pair.front.command("U1", "/visit", "Ricoh with Zhang phone", headers=forged)
    assert response.status == 200
    assert stored_visits(db) == [] and pair.spool.pending() == 1  # acked and spooled as usual


def test_the_worker_app_runs_spooled_requests_only(
    settings: Settings, db: Database, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    worker_app = build_app(settings, db=db, mode="worker", spool=Spool(tmp_path / "spool"))
    body = sr.command_form(
        command="/visit",
        text="x",
        user_id="U1",
        team_id=TEAM,
        channel_id="C1",
        response_url=fake_slack.response_url("U1", "C1"),
    )
    direct = Driver(worker_app, fake_slack, signing_secret=SECRET, team_id=TEAM, executor=TrackingExecutor())
    assert direct.send(body, sr.FORM, wait=False).status == 400


def test_when_the_spool_cannot_be_written_the_work_runs_in_the_front(pair: Pair, db: Database) -> None:
    me = rep(db, pair.front, "U1")
    account(db, me, "Ricoh")
    shutil.rmtree(pair.spool.path)
    pair.spool.path.write_text("not a directory")  # no segment can be created

    response = pair.front.command("U1", "/visit", "Ricoh with Zhang phone")

    assert response.status == 200
    (visit,) = stored_visits(db)
    assert visit.channel == "phone"
    assert "Ricoh" in reply_text(pair.front.last_ephemeral("U1"))


def test_spool_entries_keep_the_request_as_signed(pair: Pair, db: Database) -> None:
    rep(db, pair.front, "U1")
    pair.front.command("U1", "/visit", "help")
    (entry,) = pair.spool.waiting()
    assert entry.function == "visit_from_text"
    assert "text=help" in entry.body and "x-slack-signature" in entry.headers


class _Arrivals:
    """The rate at which requests are being spooled, as the test sets it; it counts how often
    the worker looked (a worker that looked has taken the entry and is holding it)."""

    def __init__(self, per_second: float | None) -> None:
        self.per_second = per_second
        self.looked = threading.Event()

    def __call__(self) -> float | None:
        self.looked.set()
        return self.per_second


def _holding_worker(pair: Pair, max_hold: float, arrivals: _Arrivals) -> SpoolWorker:
    return SpoolWorker(
        pair.worker.app, pair.spool, threads=2, yield_rate=20, max_hold=max_hold, now=pair.clock.now, arrivals=arrivals
    )


def test_work_taken_during_a_burst_waits_until_the_burst_is_over(pair: Pair, db: Database) -> None:
    me = rep(db, pair.front, "U1")
    account(db, me, "Ricoh")
    burst = _Arrivals(per_second=200)
    assert pair.front.command("U1", "/visit", "Ricoh with Zhang phone").status == 200
    worker = _holding_worker(pair, max_hold=30, arrivals=burst)
    worker.start()
    try:
        assert burst.looked.wait(15)  # the worker has the entry and sees the burst
        pair.clock.advance(timedelta(seconds=29))  # still within max_hold of the request
        burst.looked.clear()
        assert burst.looked.wait(15)  # it looked again after the clock moved: still holding
        assert stored_visits(db) == [] and pair.front.fake.ephemerals_to("U1") == []
        burst.per_second = 5  # the burst is over
        assert pair.front.fake.wait_for(lambda: len(pair.front.fake.ephemerals_to("U1")) == 1, timeout=15)
        (visit,) = stored_visits(db)
        assert visit.channel == "phone"
    finally:
        worker.stop()


def test_work_is_held_no_longer_than_max_hold_after_its_request(pair: Pair, db: Database) -> None:
    me = rep(db, pair.front, "U1")
    account(db, me, "Ricoh")
    burst = _Arrivals(per_second=200)  # and it never ends
    pair.front.command("U1", "/visit", "Ricoh with Zhang phone")
    worker = _holding_worker(pair, max_hold=5, arrivals=burst)
    worker.start()
    try:
        assert burst.looked.wait(15)
        burst.looked.clear()
        assert burst.looked.wait(15)
        assert stored_visits(db) == []  # held while the burst goes on
        pair.clock.advance(timedelta(seconds=5))  # max_hold after the request
        assert pair.front.fake.wait_for(lambda: len(pair.front.fake.ephemerals_to("U1")) == 1, timeout=15)
        assert len(stored_visits(db)) == 1
    finally:
        worker.stop()


def test_a_backlog_older_than_max_hold_is_worked_off_at_once(pair: Pair, db: Database) -> None:
    """After a restart the waiting entries are already late: holding them would only add to it."""
    me = rep(db, pair.front, "U1")
    account(db, me, "Ricoh")
    burst = _Arrivals(per_second=200)
    pair.front.command("U1", "/visit", "Ricoh with Zhang phone")
    pair.clock.advance(timedelta(seconds=6))
    worker = _holding_worker(pair, max_hold=5, arrivals=burst)
    worker.start()
    try:
        assert pair.front.fake.wait_for(lambda: len(pair.front.fake.ephemerals_to("U1")) == 1, timeout=15)
        assert not burst.looked.is_set()  # it did not even ask how busy the front is
    finally:
        worker.stop()
