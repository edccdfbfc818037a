"""Who sweeps: one process at a time per job, and one leader running the scheduler.

PostgreSQL: session-level advisory locks, each on its own connection held for as long as the
lock is. If the holding process dies its connection closes, PostgreSQL releases the lock, and
another process takes over on its next try. SQLite (one machine): POSIX record locks on a file
next to the database, released by the kernel when the process dies. In-memory SQLite: a lock
in this process. Inside one process a `threading.Lock` per name also applies, because POSIX
record locks do not exclude threads of the same process.

Holding a job's lock is what allows the sender to resolve a claim a crashed run left behind
(nobody else can be sending it). Without it the ledger's unique key still prevents duplicates.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import text

from storage.db import Database

log = logging.getLogger("scheduler.locks")

NAMESPACE = 0x50434F41  # "PCOA": the advisory-lock class of Pipeline Coach
LEADER = "scheduler-leader"

_thread_locks: dict[str, threading.Lock] = {}
_thread_locks_guard = threading.Lock()
_files: dict[str, int] = {}
_files_guard = threading.Lock()


def _key(name: str) -> int:
    value = zlib.crc32(name.encode())
    return value - (1 << 32) if value >= (1 << 31) else value  # int4 for pg_advisory_lock(int, int)


def _thread_lock(db: Database, name: str) -> threading.Lock:
    with _thread_locks_guard:
        return _thread_locks.setdefault(f"{db.url}#{name}", threading.Lock())


def _lock_file(db: Database) -> int | None:
    """One open file per database per process (closing any descriptor of a file drops all of
    the process's record locks on it, so it is opened once and kept)."""
    database = db.engine.url.database
    if not database or database == ":memory:":
        return None
    path = str(Path(database).resolve()) + ".locks"
    with _files_guard:
        if path not in _files:
            _files[path] = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        return _files[path]


class Lock:
    """A named lock held until `release`; `held` says whether it still is (PostgreSQL: the
    connection that holds it is alive)."""

    def __init__(self, db: Database, name: str) -> None:
        self.db = db
        self.name = name
        self._thread = _thread_lock(db, name)
        self._conn: Any = None
        self._fd: int | None = None
        self._mine = False
        self._conn_guard = threading.Lock()  # `held` may be asked from several sending threads

    def acquire(self, *, wait: bool, timeout: float | None = None) -> bool:
        if not self._thread.acquire(blocking=wait, timeout=-1 if timeout is None else timeout):
            return False
        try:
            ok = self._acquire_outer(wait=wait, timeout=timeout)
        except Exception:
            self._thread.release()
            raise
        if not ok:
            self._thread.release()
            return False
        self._mine = True
        return True

    def _acquire_outer(self, *, wait: bool, timeout: float | None) -> bool:
        if self.db.dialect == "postgresql":
            conn = self.db.engine.connect()
            try:
                deadline = None if timeout is None else time.monotonic() + timeout
                while True:
                    got = conn.execute(
                        text("SELECT pg_try_advisory_lock(:ns, :key)"), {"ns": NAMESPACE, "key": _key(self.name)}
                    ).scalar()
                    conn.commit()
                    if got:
                        self._conn = conn
                        return True
                    if not wait or (deadline is not None and time.monotonic() >= deadline):
                        conn.close()
                        return False
                    time.sleep(0.2)
            except Exception:
                conn.close()
                raise
        fd = _lock_file(self.db)
        if fd is None:
            return True
        offset = _key(self.name) & 0x7FFFFFFF
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, offset)
                self._fd = fd
                return True
            except OSError:
                if not wait or (deadline is not None and time.monotonic() >= deadline):
                    return False
                time.sleep(0.2)

    @property
    def held(self) -> bool:
        if not self._mine:
            return False
        with self._conn_guard:
            if not self._mine:
                return False
            if self._conn is None:
                return True
            try:
                self._conn.execute(text("SELECT 1"))
                self._conn.commit()
                return True
            except Exception:
                log.warning("lost the connection holding lock %s", self.name)
                self._drop()
                return False

    def release(self) -> None:
        if not self._mine:
            return
        if self._conn is not None:
            try:
                unlocked = self._conn.execute(
                    text("SELECT pg_advisory_unlock(:ns, :key)"), {"ns": NAMESPACE, "key": _key(self.name)}
                ).scalar()
                self._conn.commit()
                if unlocked:
                    self._conn.close()  # holds no lock now: back to the pool
                    self._conn = None
            except Exception:
                pass
        if self._fd is not None:
            offset = _key(self.name) & 0x7FFFFFFF
            fcntl.lockf(self._fd, fcntl.LOCK_UN, 1, offset)
        self._drop()

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.invalidate()  # a connection that may still hold the lock never goes back to the pool
                self._conn.close()
            except Exception:
                pass
        self._conn = None
        self._fd = None
        if self._mine:
            self._mine = False
            self._thread.release()


@contextmanager
def job_lock(db: Database, name: str, *, wait: bool, timeout: float | None = None) -> Iterator[bool]:
    """Hold the lock of job `name` for the block; yields False (without it) if not `wait`
    and someone else has it."""
    lock = Lock(db, f"job:{name}")
    got = lock.acquire(wait=wait, timeout=timeout)
    try:
        yield got
    finally:
        if got:
            lock.release()
