"""A durable local queue of acknowledged work: the hand-over from the process that answers
Slack to the worker processes that do the work (`runtime/worker.py`).

Why: an ack must not wait for the CPU. In one Python process, the parsing, matching and
database work of earlier requests holds the interpreter lock while a new request waits for its
ack; at 20 busy clients that made `/visit`'s ack 10 × slower than an empty Bolt app's. So
`serve` writes the request to this spool before it answers and a worker process, at a lower
CPU priority, does the work. A spooled request survives a crash of either process.

Why append-only segments: writing an entry must cost the answering process as little as
possible. One file per entry (create, write, rename) made the kernel search for free inodes and
lock two directories that the worker's renames and deletes also locked; profiling `serve`
under 20 clients put about a third of its CPU there (bench/RESULTS.md). Here an entry is one
`write()` to a file the process already has open.

The layout:
- `<name>.seg`: a segment, appended to by one writing thread (each thread of each process
  that answers Slack has its own) and holding an exclusive `flock` while it does. A record is a header
  (length, CRC-32) and the entry as JSON. The writer starts a new segment after
  `SEGMENT_BYTES`; a segment's lock is free once its writer moved on or died.
- `<name>.journal`: the consuming process's notes on that segment: `S <offset>` when a record
  is claimed, `D <offset>` when it is done, `R <offset>` when it was given back untried. The
  consumer holds an exclusive `flock` on it: one process at a time owns a segment; if it dies,
  its lock goes with it and another process takes the segment over, redoing what was started
  but not done (idempotent where that matters: a visit is keyed on its command's trigger id),
  with one more attempt counted.
- A record started `MAX_ATTEMPTS` times without being done, or unreadable, is copied to
  `failed/` and noted done. A segment whose writer is gone and whose records are all done is
  deleted with its journal.

Entries are not fsync'ed: a spooled request survives the death of any process, not the loss of
the machine's page cache (the same promise as SQLite in WAL mode with synchronous=NORMAL).
"""

from __future__ import annotations

import collections
import contextlib
import errno
import fcntl
import json
import logging
import os
import secrets
import struct
import threading
import time
import weakref
import zlib
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
SEGMENT_BYTES = 256 * 1024  # ~150 /visit requests: small enough for workers to share a busy writer
TYPICAL_RECORD_BYTES = 1700  # a spooled `/visit`: form body, headers, JSON framing
MAX_RECORD = 1024 * 1024  # a Slack request is far smaller; a larger length is corruption
_HEADER = struct.Struct("<II")  # payload length, CRC-32 of the payload


@dataclass(frozen=True)
class SpoolEntry:
    """A verified Slack request and the name of the work (Bolt lazy function) it is waiting for."""

    body: str
    headers: dict[str, list[str]]
    function: str
    received_at: float  # seconds since the epoch, when the request was answered
    attempt: int = 1

    def to_json(self) -> str:
        return json.dumps(
            {
                "body": self.body,
                "headers": self.headers,
                "function": self.function,
                "received_at": self.received_at,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str, attempt: int) -> SpoolEntry:
        data = json.loads(text)
        return cls(
            body=data["body"],
            headers={str(k): [str(v) for v in vs] for k, vs in data["headers"].items()},
            function=data["function"],
            received_at=float(data["received_at"]),
            attempt=attempt,
        )


@dataclass(frozen=True)
class Claimed:
    entry: SpoolEntry
    segment: str
    offset: int


@dataclass(eq=False)
class _Writer:
    """One thread's open segment. Its lock is taken by that thread for each write and by
    `close()`; no other thread ever waits on it, so a write never queues behind another."""

    fd: int
    name: str
    pid: int
    size: int = 0
    closed: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Held:
    """What a thread keeps of its segment; when the thread ends, this goes and the segment is
    closed (`weakref.finalize`)."""

    __slots__ = ("__weakref__", "writer")

    def __init__(self, writer: _Writer) -> None:
        self.writer = writer


@dataclass
class _Owned:
    """A segment this handle consumes: how far it has read, and what its journal says."""

    name: str
    fd: int
    journal: int
    read_to: int = 0
    done: set[int] = field(default_factory=set)
    started: collections.Counter[int] = field(default_factory=collections.Counter)
    in_flight: set[int] = field(default_factory=set)
    queued: int = 0  # records of this segment in the handle's ready queue
    writer_done: bool = False


@dataclass(frozen=True)
class _Record:
    offset: int
    payload: bytes | None  # None: unreadable from here on (corrupt or torn)


def _records(data: bytes, base: int) -> tuple[list[_Record], int]:
    """The complete records in `data` (read from offset `base`) and how many bytes they take."""
    records: list[_Record] = []
    pos = 0
    while len(data) - pos >= _HEADER.size:
        length, crc = _HEADER.unpack_from(data, pos)
        if length > MAX_RECORD:
            records.append(_Record(base + pos, None))
            return records, len(data)
        end = pos + _HEADER.size + length
        if end > len(data):
            break  # still being written
        payload = data[pos + _HEADER.size : end]
        if zlib.crc32(payload) != crc:
            records.append(_Record(base + pos, None))
            return records, len(data)
        records.append(_Record(base + pos, payload))
        pos = end
    return records, pos


def _read_journal(fd: int) -> tuple[set[int], collections.Counter[int]]:
    size = os.fstat(fd).st_size
    done: set[int] = set()
    started: collections.Counter[int] = collections.Counter()
    for line in os.pread(fd, size, 0).decode("ascii", "replace").splitlines():
        mark, _, offset = line.partition(" ")
        if offset.isdigit():
            if mark == "D":
                done.add(int(offset))
            elif mark == "S":
                started[int(offset)] += 1
            elif mark == "R":  # given back untried: that start was not an attempt
                started[int(offset)] -= 1
    return done, started


def _writer_gone(segment: Path) -> bool:
    """True once no process holds the segment's writer lock (it moved on, stopped or died)."""
    try:
        fd = os.open(segment, os.O_RDONLY)
    except FileNotFoundError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # also releases the shared lock
    return True


class Spool:
    """One spool directory; safe to share between processes of one machine. A handle writes
    its own segment (`put`) and consumes the segments it owns (`claim`, `done`)."""

    idle_poll_max = 0.01  # seconds between an idle worker's looks (runtime/worker.py): a cheap scan

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        (self.path / "failed").mkdir(parents=True, exist_ok=True)
        self._local = threading.local()  # this thread's segment (`_Held`)
        self._writers_lock = threading.Lock()
        self._writers: set[_Writer] = set()  # every thread's, for `close()`
        self._lock = threading.Lock()
        self._owned: dict[str, _Owned] = {}
        self._ready: collections.deque[Claimed] = collections.deque()
        self._bytes_read = 0
        self._records_read = 0

    # ----- writing (the process that answers Slack) ------------------------------------------

    def put(self, entry: SpoolEntry) -> None:
        """Append `entry` to this thread's segment: one `write()`.

        Each thread that answers Slack appends to a segment of its own. With one segment per
        process, the threads queued on a lock around the write: the thread holding it gives up
        the interpreter lock for the system call and must wait to get it back, and every other
        request waited behind it (bench/RESULTS.md, fourth session).
        """
        data = entry.to_json().encode()
        record = _HEADER.pack(len(data), zlib.crc32(data)) + data
        held: _Held | None = getattr(self._local, "held", None)
        writer = held.writer if held is not None else None
        if writer is None or writer.closed or writer.pid != os.getpid() or writer.size >= SEGMENT_BYTES:
            writer = self._start_segment(writer)
        with writer.lock:
            if writer.closed:  # `close()` ran meanwhile; the caller does the work itself
                raise OSError(errno.EBADF, "spool: closed")
            try:
                written = os.write(writer.fd, record)
            except OSError:
                self._retire(writer)
                raise
            if written != len(record):  # disk full mid-record: that record ends this segment
                self._retire(writer)
                raise OSError(errno.ENOSPC, "spool: short write")
            writer.size += written

    def _start_segment(self, previous: _Writer | None) -> _Writer:
        """A new segment for this thread, locked before it gets its visible name, so that no
        consumer can take it for finished while its writer is still setting it up."""
        if previous is not None:
            self._release(previous)
        name = f"{time.time_ns():020d}-{os.getpid()}-{secrets.token_hex(3)}"
        tmp = self.path / f"{name}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.rename(tmp, self.path / f"{name}.seg")
        except OSError:
            os.close(fd)
            raise
        writer = _Writer(fd, name, os.getpid())
        with self._writers_lock:
            self._writers.add(writer)
        held = _Held(writer)
        # A thread-per-request server's threads end: the segment is then complete.
        weakref.finalize(held, self._release, writer)
        self._local.held = held
        return writer

    def _release(self, writer: _Writer) -> None:
        with writer.lock:
            self._retire(writer)

    def _retire(self, writer: _Writer) -> None:
        """Close a segment (the caller holds `writer.lock`): its lock is released, so consumers
        see it complete. A parent's segment, inherited through fork, is left to the parent."""
        if writer.closed:
            return
        writer.closed = True
        if writer.pid == os.getpid():
            os.close(writer.fd)
        with self._writers_lock:
            self._writers.discard(writer)

    def close(self) -> None:
        """Release this handle's segments (a writer's lock marks its segment complete)."""
        with self._writers_lock:
            writers = list(self._writers)
        for writer in writers:
            self._release(writer)
        with self._lock:
            for owned in self._owned.values():
                os.close(owned.fd)
                os.close(owned.journal)
            self._owned.clear()
            self._ready.clear()

    # ----- consuming (the worker processes) --------------------------------------------------

    def claim(self) -> Claimed | None:
        """The oldest waiting entry of the segments this handle owns (taking over a free
        segment when they have none), noted as started; None when there is none."""
        with self._lock:
            if not self._ready:
                self._refill()
            if not self._ready:
                return None
            claimed = self._ready.popleft()
            owned = self._owned[claimed.segment]
            os.write(owned.journal, f"S {claimed.offset}\n".encode())
            owned.queued -= 1
            owned.in_flight.add(claimed.offset)
            return claimed

    def done(self, claimed: Claimed) -> None:
        with self._lock:
            owned = self._owned.get(claimed.segment)
            if owned is None:
                return
            os.write(owned.journal, f"D {claimed.offset}\n".encode())
            owned.in_flight.discard(claimed.offset)
            owned.done.add(claimed.offset)
            self._finish_if_complete(owned)

    def release(self, claimed: Claimed) -> None:
        """Give a claimed entry back untried (its worker stops while the work waits for the
        database to come back): noted in the journal, so it is not counted as an attempt, and
        queued again first."""
        with self._lock:
            owned = self._owned.get(claimed.segment)
            if owned is None:
                return
            os.write(owned.journal, f"R {claimed.offset}\n".encode())
            owned.in_flight.discard(claimed.offset)
            owned.started[claimed.offset] -= 1
            self._ready.appendleft(claimed)
            owned.queued += 1

    def recover(self) -> int:
        """Take over every segment no live process owns; returns how many of their records
        had been started by a consumer that died and are queued again."""
        for item in os.scandir(self.path):  # half-created by a writer that died
            if item.name.endswith(".tmp") and not _pid_alive(_pid_of(item.name)):
                Path(item.path).unlink(missing_ok=True)
        with self._lock:
            return sum(self._adopt(name) for name in self._free_segments())

    def _refill(self) -> None:
        for owned in list(self._owned.values()):
            self._read(owned)
        if not self._ready:
            for name in self._free_segments():
                self._adopt(name)
                if self._ready:
                    break

    def _free_segments(self) -> list[str]:
        names = (e.name[: -len(".seg")] for e in os.scandir(self.path) if e.name.endswith(".seg"))
        return sorted(n for n in names if n not in self._owned)

    def _adopt(self, name: str) -> int:
        """Own segment `name` if no other process does; returns how many of its records were
        started by a previous owner and not done (they are queued again)."""
        journal = os.open(self.path / f"{name}.journal", os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            fcntl.flock(journal, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(journal)
            return 0
        try:
            fd = os.open(self.path / f"{name}.seg", os.O_RDONLY)
        except FileNotFoundError:  # finished and deleted meanwhile: the journal is an orphan
            (self.path / f"{name}.journal").unlink(missing_ok=True)
            os.close(journal)
            return 0
        done, started = _read_journal(journal)
        owned = _Owned(name, fd, journal, done=done, started=started)
        self._owned[name] = owned
        again = sum(1 for offset in started if offset not in done)
        if again:
            log.warning("spool: %d entries of a stopped worker queued again (segment %s)", again, name)
        self._read(owned)
        return again

    def _read(self, owned: _Owned) -> None:
        """Queue the records appended since the last read; finish the segment if it is complete."""
        if not owned.writer_done:  # checked before reading: a finished writer wrote everything
            owned.writer_done = _writer_gone(self.path / f"{owned.name}.seg")
        size = os.fstat(owned.fd).st_size
        if size > owned.read_to:
            records, used = _records(os.pread(owned.fd, size - owned.read_to, owned.read_to), owned.read_to)
            owned.read_to += used
            self._bytes_read += used
            self._records_read += len(records)
            for record in records:
                self._queue(owned, record)
            if owned.writer_done and owned.read_to < size:  # the writer died mid-record
                self._set_aside(owned, _Record(owned.read_to, None))
                owned.read_to = size
        self._finish_if_complete(owned)

    def _queue(self, owned: _Owned, record: _Record) -> None:
        if record.offset in owned.done:
            return
        attempts = owned.started[record.offset]
        if record.payload is None or attempts >= MAX_ATTEMPTS:
            self._set_aside(owned, record)
            return
        try:
            entry = SpoolEntry.from_json(record.payload.decode(), attempts + 1)
        except (ValueError, KeyError, TypeError, AttributeError):
            self._set_aside(owned, record)
            return
        self._ready.append(Claimed(entry, owned.name, record.offset))
        owned.queued += 1

    def _set_aside(self, owned: _Owned, record: _Record) -> None:
        """Copy a record that cannot be done to failed/ and note it done."""
        target = self.path / "failed" / f"{owned.name}-{record.offset}"
        if record.payload is None:
            size = os.fstat(owned.fd).st_size
            target.with_suffix(".bin").write_bytes(os.pread(owned.fd, size - record.offset, record.offset))
            log.error("spool: unreadable data in %s from offset %d moved to failed/", owned.name, record.offset)
        else:
            target.with_suffix(".json").write_bytes(record.payload)
            log.error("spool: entry %s:%d set aside in failed/", owned.name, record.offset)
        os.write(owned.journal, f"D {record.offset}\n".encode())
        owned.done.add(record.offset)

    def _finish_if_complete(self, owned: _Owned) -> None:
        if not owned.writer_done or owned.in_flight or owned.queued:
            return
        if owned.read_to < os.fstat(owned.fd).st_size:
            return
        (self.path / f"{owned.name}.seg").unlink(missing_ok=True)
        (self.path / f"{owned.name}.journal").unlink(missing_ok=True)
        os.close(owned.fd)
        os.close(owned.journal)
        del self._owned[owned.name]

    # ----- looking -------------------------------------------------------------------------

    def waiting(self) -> list[SpoolEntry]:
        """Every entry not yet done, in every segment (for tests and operators; reads it all)."""
        entries: list[SpoolEntry] = []
        for item in sorted(os.scandir(self.path), key=lambda e: e.name):
            if not item.name.endswith(".seg"):
                continue
            journal = Path(item.path).with_suffix(".journal")
            done: set[int] = set()
            if journal.exists():
                fd = os.open(journal, os.O_RDONLY)
                try:
                    done = _read_journal(fd)[0]
                finally:
                    os.close(fd)
            records, _ = _records(Path(item.path).read_bytes(), 0)
            for record in records:
                if record.payload is not None and record.offset not in done:
                    entries.append(SpoolEntry.from_json(record.payload.decode(), 1))
        return entries

    def pending(self) -> int:
        return len(self.waiting())

    def segment_sizes(self) -> dict[str, int]:
        """Every segment's size now: how fast they grow is how fast requests are spooled."""
        sizes: dict[str, int] = {}
        for item in os.scandir(self.path):
            if item.name.endswith(".seg"):
                with contextlib.suppress(FileNotFoundError):  # finished and deleted meanwhile
                    sizes[item.name] = item.stat().st_size
        return sizes

    def mean_record_bytes(self) -> float:
        """The mean size of the records this handle has read (a typical `/visit` before any)."""
        return self._bytes_read / self._records_read if self._records_read else TYPICAL_RECORD_BYTES


def _pid_of(name: str) -> int:
    parts = name.split("-")
    return int(parts[1]) if len(parts) >= 3 and parts[1].isdigit() else 0


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True
