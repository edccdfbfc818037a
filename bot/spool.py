"""A durable local queue of acknowledged work: the hand-over from the process that answers
Slack to the worker processes that do the work (`bot/worker.py`).

Why: an ack must not wait for the CPU. In one Python process, the parsing, matching and
database work of earlier requests holds the interpreter lock while a new request waits for its
ack; at 20 busy clients that made `/visit`'s ack 10 × slower than an empty Bolt app's. So
`serve` writes the request to this spool before it answers and a worker process, at a lower
CPU priority, does the work. A spooled request survives a crash of either process.

The layout is a mail queue's (maildir), which needs nothing but atomic renames:
- `tmp/`: an entry being written; `new/`: written, waiting; `cur/`: claimed by a worker (the
  name starts with the worker's pid); `failed/`: given up after `MAX_ATTEMPTS` claims that
  ended with the worker dying.
- A claim is a rename from `new/` to `cur/`: of two workers racing for one entry exactly one
  rename succeeds. Entries are taken oldest first (names start with the time in ns).
- `recover()` puts entries claimed by processes that no longer exist back into `new/`, with one
  more attempt counted; the work is then done again (it is idempotent where that matters:
  a visit is keyed on its command's trigger id).

Entries are not fsync'ed: a spooled request survives the death of any process, not the loss of
the machine's page cache (the same promise as SQLite in WAL mode with synchronous=NORMAL).
"""

from __future__ import annotations

import collections
import itertools
import json
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
_DIRS = ("tmp", "new", "cur", "failed")


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
    path: Path


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


class Spool:
    """One spool directory; safe to share between processes of one machine."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        for name in _DIRS:
            (self.path / name).mkdir(parents=True, exist_ok=True)
        self._tmp, self._new = str(self.path / "tmp"), str(self.path / "new")
        self._counter = itertools.count()
        self._lock = threading.Lock()
        self._batch: collections.deque[str] = collections.deque()  # names seen, oldest first

    def _dir(self, name: str) -> Path:
        return self.path / name

    def put(self, entry: SpoolEntry) -> str:
        """Write `entry` and make it visible to workers (one rename); its name is returned."""
        with self._lock:
            serial = next(self._counter)
        name = f"{time.time_ns():020d}-{os.getpid()}-{serial}.{entry.attempt}.json"
        tmp, final = f"{self._tmp}/{name}", f"{self._new}/{name}"
        data = entry.to_json().encode()
        # Plain system calls, not pathlib/io: this runs before the ack, and each call that
        # leaves the interpreter lock is a chance to wait for it under load.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
        os.rename(tmp, final)
        return name

    def pending(self) -> int:
        return sum(1 for _ in os.scandir(self._dir("new")))

    def claim(self) -> Claimed | None:
        """The oldest waiting entry, now owned by this process; None when there is none.

        The directory is listed once per batch, not once per claim: with a backlog of
        thousands, listing it for every entry would cost the worker more than the work."""
        while True:
            with self._lock:
                if not self._batch:
                    self._batch.extend(sorted(e.name for e in os.scandir(self._dir("new")) if e.name.endswith(".json")))
                if not self._batch:
                    return None
                name = self._batch.popleft()
            target = self._dir("cur") / f"{os.getpid()}-{name}"
            try:
                os.rename(self._dir("new") / name, target)
            except FileNotFoundError:
                continue  # another worker took it
            try:
                entry = SpoolEntry.from_json(target.read_text(encoding="utf-8"), _attempt_of(name))
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                log.exception("unreadable spool entry %s moved to failed/", name)
                os.replace(target, self._dir("failed") / name)
                continue
            return Claimed(entry, target)

    def done(self, claimed: Claimed) -> None:
        claimed.path.unlink(missing_ok=True)

    def recover(self) -> int:
        """Put back the entries of workers that died mid-work; returns how many went back."""
        returned = 0
        for item in os.scandir(self._dir("cur")):
            pid_text, _, name = item.name.partition("-")
            if not pid_text.isdigit() or (_pid_alive(int(pid_text)) and int(pid_text) != os.getpid()):
                continue
            attempt = _attempt_of(name) + 1
            base = name.rsplit(".", 2)[0]
            if attempt > MAX_ATTEMPTS:
                log.error("spool entry %s failed %d times; moved to failed/", base, MAX_ATTEMPTS)
                os.replace(item.path, self._dir("failed") / name)
                continue
            os.replace(item.path, self._dir("new") / f"{base}.{attempt}.json")
            returned += 1
        for item in os.scandir(self._dir("tmp")):  # half-written by a process that died
            pid_text = item.name.split("-")[1] if item.name.count("-") >= 2 else ""
            if pid_text.isdigit() and not _pid_alive(int(pid_text)):
                Path(item.path).unlink(missing_ok=True)
        if returned:
            log.warning("spool: %d entries of stopped workers queued again", returned)
        return returned


def _attempt_of(name: str) -> int:
    parts = name.rsplit(".", 2)
    return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else 1
