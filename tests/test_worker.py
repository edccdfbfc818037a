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

from bot.app import build_app
from bot.clock import ManualClock
from bot.devtools import slack_requests as sr
from bot.devtools.driver import Driver, LocalServer
from bot.devtools.fake_slack import FakeSlack
from bot.executor import TrackingExecutor
from bot.settings import Settings
from bot.spool import MAX_ATTEMPTS, Spool, SpoolEntry
from bot.web import WebApp
from bot.worker import SpoolWorker
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
    assert spool.claim() is None and spool.pending() == 0
    for c in claimed:
        assert c is not None
        spool.done(c)
    assert not any((tmp_path / "spool" / "cur").iterdir())


def test_concurrent_claims_take_each_entry_exactly_once(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    for n in range(200):
        spool.put(_entry(n))
    taken: list[str] = []
    lock = threading.Lock()

    def take() -> None:
        other = Spool(tmp_path / "spool")  # as another process would: its own handle
        while (claimed := other.claim()) is not None:
            with lock:
                taken.append(claimed.entry.body)

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken) == sorted(f"text={n}" for n in range(200))


def test_entries_of_a_dead_worker_go_back_with_one_more_attempt_then_to_failed(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    name = spool.put(_entry(7))
    dead = _dead_pid()
    cur = tmp_path / "spool" / "cur"
    (tmp_path / "spool" / "new" / name).rename(cur / f"{dead}-{name}")
    alive = spool.put(_entry(8))  # claimed by a worker that is still running (this process's parent)
    (tmp_path / "spool" / "new" / alive).rename(cur / f"1-{alive}")

    assert spool.recover() == 1
    claimed = spool.claim()
    assert claimed is not None and claimed.entry.body == "text=7" and claimed.entry.attempt == 2
    assert (cur / f"1-{alive}").exists()  # pid 1 is alive: left alone

    for _ in range(MAX_ATTEMPTS - 1):  # the worker dies with it again and again
        claimed.path.rename(cur / f"{dead}-{claimed.path.name.split('-', 1)[1]}")
        spool.recover()
        claimed = spool.claim()  # type: ignore[assignment]
        if claimed is None:
            break
    assert claimed is None
    assert [p.name.split(".")[0] for p in (tmp_path / "spool" / "failed").iterdir()] == [name.split(".")[0]]


def test_an_unreadable_entry_is_set_aside_and_the_next_one_claimed(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    (tmp_path / "spool" / "new" / "00000000000000000000-1-0.1.json").write_text("{not json")
    spool.put(_entry(1))
    claimed = spool.claim()
    assert claimed is not None and claimed.entry.body == "text=1"
    assert len(list((tmp_path / "spool" / "failed").iterdir())) == 1


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
    worker = SpoolWorker(worker_app, spool, threads=2)
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
    assert pair.spool.pending() == 0 and not any((pair.spool.path / "cur").iterdir())


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
    shutil.rmtree(pair.spool.path / "tmp")
    (pair.spool.path / "tmp").write_text("not a directory")

    response = pair.front.command("U1", "/visit", "Ricoh with Zhang phone")

    assert response.status == 200
    (visit,) = stored_visits(db)
    assert visit.channel == "phone"
    assert "Ricoh" in reply_text(pair.front.last_ephemeral("U1"))


def test_spool_entries_keep_the_request_as_signed(pair: Pair, db: Database) -> None:
    rep(db, pair.front, "U1")
    pair.front.command("U1", "/visit", "help")
    (path,) = (pair.spool.path / "new").iterdir()
    data = json.loads(path.read_text())
    assert data["function"] == "visit_from_text"
    assert "text=help" in data["body"] and "x-slack-signature" in data["headers"]
