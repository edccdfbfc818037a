"""Acknowledged work in PostgreSQL: the hand-over from `serve` to workers on any machine.

The local spool (runtime/spool.py) survives the death of a process but not the loss of its
machine, and only that machine's workers read it. With PostgreSQL, `serve` writes each
acknowledged request to the `work_queue` table (storage/models/work_queue.py) before it
answers, and any worker, on any machine, claims it:

- `claim` takes the oldest row that nobody holds, with `FOR UPDATE SKIP LOCKED` (two workers
  never wait for, nor take, the same row), counts an attempt and leases it for `lease`
  seconds, in one committed statement. Holding no transaction open while the work runs means
  a database outage during the work does not lose the claim's bookkeeping, and a worker that
  dies (or whose machine is lost) loses its lease: another worker takes the row once it ends.
- `done` deletes the row. A row taken `MAX_ATTEMPTS` times without being done is kept, marked
  failed, for an operator (the work it stands for failed each time, or its workers died).
- Leases and their expiry use the database's clock only, so workers on machines whose clocks
  disagree still agree on who owns what.

When PostgreSQL cannot be reached, `serve` writes to the local spool instead, and a worker on
that machine moves those entries here once it is back (`SpoolMover` in runtime/worker.py).
"""

from __future__ import annotations

import copy
import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy import text

from runtime.spool import MAX_ATTEMPTS, Claimed, SpoolEntry
from storage.db import Database, DatabaseUnavailable, is_connection_error, make_engine, postgres_timeouts

log = logging.getLogger(__name__)

DEFAULT_LEASE_SECONDS = 120.0  # a visit's work takes well under a second; a dead worker's rows wait this long
GAUGE_QUERY_SECONDS = 0.04  # see `segment_sizes`
SEGMENT = "work_queue"  # `Claimed.segment` of a row claimed here; its `offset` is the row id

_CLAIM = text(
    """
    UPDATE work_queue SET attempts = attempts + 1,
                          lease_until = clock_timestamp() + make_interval(secs => :lease)
    WHERE id = (
        SELECT id FROM work_queue
        WHERE failed_at IS NULL AND (lease_until IS NULL OR lease_until < clock_timestamp())
        ORDER BY id
        LIMIT 1
        FOR UPDATE SKIP LOCKED
    )
    RETURNING id, payload, attempts
    """
)


_INSERT = text(
    """
    INSERT INTO work_queue (function, payload, attempts)
    SELECT function, payload, 0 FROM unnest(CAST(:functions AS text[]), CAST(:payloads AS text[]))
        WITH ORDINALITY AS row(function, payload, n)
    ORDER BY n
    """
)


class GroupCommit:
    """Rows written by many threads at once, in as few statements as possible (group commit).

    A thread that finds no write in progress becomes the leader: it takes every row waiting
    (its own and those that arrived while the previous statement ran) and writes them with one
    call of `write`; the others wait until a leader has written theirs, and each learns the
    outcome of its own group. Nobody waits for a timer: the group is whatever queued up while
    the database answered the last one, so one request alone is written at once.
    """

    def __init__(self, write: Callable[[list[tuple[str, str]]], None]) -> None:
        self._write = write
        self._ready = threading.Condition()
        self._waiting: list[_Pending] = []
        self._writing = False

    def put(self, row: tuple[str, str]) -> None:
        mine = _Pending(row)
        with self._ready:
            self._waiting.append(mine)
            while not mine.done and self._writing:
                self._ready.wait()
            if mine.done:
                mine.raise_failure()
                return
            self._writing = True
            group, self._waiting = self._waiting, []
        failure: BaseException | None = None
        try:
            self._write([pending.row for pending in group])
        except BaseException as exc:  # handed to every request of the group (and raised here)
            failure = exc
        with self._ready:
            for pending in group:
                pending.done, pending.failure = True, failure
            self._writing = False
            self._ready.notify_all()
        mine.raise_failure()


class _Pending:
    """One row waiting in `GroupCommit`, and what became of it."""

    __slots__ = ("done", "failure", "row")

    def __init__(self, row: tuple[str, str]) -> None:
        self.row = row
        self.done = False
        self.failure: BaseException | None = None

    def raise_failure(self) -> None:
        """The group's error, as a copy of its own in each thread (one exception object raised
        in several threads at once would have their tracebacks mixed in it)."""
        if self.failure is not None:
            try:
                own = copy.copy(self.failure)
            except Exception:  # an exception that cannot be copied: the shared one
                own = self.failure
            raise own from self.failure.__cause__


class DbQueue:
    """The `work_queue` table, with the spool's interface (`put`, `claim`, `done`, `release`)
    so that `SpoolWorker` drains either."""

    idle_poll_max = 0.1  # an idle worker's look is a query: at most ten a second per thread

    def __init__(
        self, db: Database, *, lease: float = DEFAULT_LEASE_SECONDS, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        if db.dialect != "postgresql":
            raise ValueError("the database work queue needs PostgreSQL; SQLite uses the local spool")
        # A pool of its own, without the app's ping before each use: on the ack path that ping
        # doubled the round trips, and a dead connection here just fails over to the spool (the
        # pool drops its connections on a disconnect, and the next use connects afresh).
        # Each statement is its own transaction (AUTOCOMMIT: one round trip for a `put`, where
        # BEGIN, a SET and COMMIT made three), and no commit here waits for the log flush
        # (`synchronous_commit` off for these connections only; see `put`).
        options = postgres_timeouts()["options"] + " -c synchronous_commit=off"
        self.engine = make_engine(
            db.url,
            pool_pre_ping=False,
            pool_size=5,
            max_overflow=15,
            isolation_level="AUTOCOMMIT",
            connect_args={"options": options},
        )
        self.lease = lease
        self._group = GroupCommit(self._insert)
        self._last_count: tuple[float, int] | None = None  # (when read, the id sequence's value)
        self._monotonic = monotonic
        self.path = "postgresql:work_queue"  # what the worker's start-up log line names

    def _execute(self, statement: str | object, **params: object) -> list[tuple[object, ...]]:
        """Run one statement (its own transaction); an unreachable database is `DatabaseUnavailable`."""
        query = text(statement) if isinstance(statement, str) else statement
        try:
            with self.engine.connect() as conn:
                result = conn.execute(query, params)  # type: ignore[call-overload]
                return [tuple(row) for row in result] if result.returns_rows else []
        except DatabaseUnavailable:
            raise
        except Exception as exc:
            if is_connection_error(exc):
                raise DatabaseUnavailable(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from exc
            raise

    # ----- writing (the process that answers Slack) -------------------------------------------

    def put(self, entry: SpoolEntry) -> None:
        """Store `entry` (committed) before the request is answered.

        Requests answered at the same moment share one INSERT (`GroupCommit`): a burst costs
        the serving process and the database one statement per group, not per request, and a
        lone request is written at once, never held back to wait for company.

        The commit does not wait for PostgreSQL to flush its log to disk (`synchronous_commit`
        off for this queue's connections only): the row is in the server's memory and visible to every
        worker at once, so it survives the loss of any machine that runs `serve` or a worker;
        what it does not survive is a crash of the database server itself within a fraction of
        a second (`wal_writer_delay`, 200 ms by default, up to three times that) — the same
        promise as the local spool, which is not fsync'ed either. Waiting for the flush put a
        disk write on every ack's path."""
        self._group.put((entry.function[:100], entry.to_json()))

    def _insert(self, rows: list[tuple[str, str]]) -> None:
        """One statement for every row of a group: all stored, or none (an error reaches each
        request of the group, which then goes to the local spool)."""
        self._execute(_INSERT, functions=[function for function, _ in rows], payloads=[payload for _, payload in rows])

    # ----- consuming (workers on any machine) -------------------------------------------------

    def claim(self) -> Claimed | None:
        """The oldest row nobody holds, leased to this worker; None when there is none."""
        while True:
            rows = self._execute(_CLAIM, lease=self.lease)
            if not rows:
                return None
            row_id, payload, attempts = rows[0]
            assert isinstance(row_id, int) and isinstance(payload, str) and isinstance(attempts, int)
            if attempts > MAX_ATTEMPTS:
                self._execute("UPDATE work_queue SET failed_at = clock_timestamp() WHERE id = :id", id=row_id)
                log.error("work queue: entry %d taken %d times without being done; marked failed", row_id, MAX_ATTEMPTS)
                continue
            try:
                entry = SpoolEntry.from_json(payload, attempts)
            except (ValueError, KeyError, TypeError, AttributeError):
                self._execute("UPDATE work_queue SET failed_at = clock_timestamp() WHERE id = :id", id=row_id)
                log.error("work queue: entry %d unreadable; marked failed", row_id)
                continue
            if attempts > 1:
                log.warning("work queue: entry %d taken again (attempt %d)", row_id, attempts)
            return Claimed(entry, SEGMENT, row_id)

    def done(self, claimed: Claimed) -> None:
        self._execute("DELETE FROM work_queue WHERE id = :id", id=claimed.offset)

    def release(self, claimed: Claimed) -> None:
        """Give a claimed row back untried (its worker is stopping while the work waits for the
        database): not counted as an attempt. If the database is still down, the lease ends it."""
        try:
            self._execute(
                "UPDATE work_queue SET lease_until = NULL, attempts = greatest(attempts - 1, 0) WHERE id = :id",
                id=claimed.offset,
            )
        except DatabaseUnavailable:
            log.warning("work queue: entry %d left to its lease (database unreachable)", claimed.offset)

    def recover(self) -> int:
        """Rows whose worker's lease ended are claimed like any other: nothing to do at start."""
        return 0

    def close(self) -> None:
        """Nothing held but the pool: a claimed row's lease keeps it from other workers until it ends."""
        self.engine.dispose()

    # ----- looking ----------------------------------------------------------------------------

    def pending(self) -> int:
        """Rows not done and not failed (for tests and operators)."""
        (count,) = self._execute("SELECT count(*) FROM work_queue WHERE failed_at IS NULL")[0]
        assert isinstance(count, int)
        return count

    def failed(self) -> int:
        (count,) = self._execute("SELECT count(*) FROM work_queue WHERE failed_at IS NOT NULL")[0]
        assert isinstance(count, int)
        return count

    def segment_sizes(self) -> dict[str, int]:
        """How many requests have been queued so far (the id sequence's last value), in the shape
        the worker's `ArrivalGauge` reads from a spool: its growth is the arrival rate. Read at
        most every `GAUGE_QUERY_SECONDS` (a query, where a spool's is a directory scan): the
        gauge's window spans several readings either way."""
        now = self._monotonic()
        if self._last_count is None or now - self._last_count[0] >= GAUGE_QUERY_SECONDS:
            rows = self._execute("SELECT coalesce(pg_sequence_last_value('work_queue_id_seq'), 0)")
            last = rows[0][0]
            assert isinstance(last, int)
            self._last_count = (now, last)
        return {SEGMENT: self._last_count[1]}

    def mean_record_bytes(self) -> float:
        """`segment_sizes` counts requests, not bytes: one unit per request."""
        return 1.0
