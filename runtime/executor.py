"""The thread pool Bolt runs listeners on, built so that an ack never waits behind work.

Bolt (with process_before_response off) runs a whole listener, its `ack()` and the work after
it, on this pool, and holds the HTTP response until `ack()` has been called. With a small pool
busy with earlier requests' work, a new request's ack would queue for a free thread, and Slack
gives up after 3 seconds. So the pool is large (threads are made only as needed), and the work
after `ack()` is gated: the app's `ack` calls `enter_work()`, which lets the listener go on
only while fewer than `work_slots` listeners are working; the slot is given back when the
listener returns. An ack then competes for the CPU with at most `work_slots` busy listeners,
and a burst queues as waiting threads instead of as late acks.

`wait_idle` lets the shell and the tests show (or assert) what a request led to once all its
work has finished, without sleeping and hoping.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

DEFAULT_WORK_SLOTS = 4
DEFAULT_MAX_THREADS = 512


class TrackingExecutor(ThreadPoolExecutor):
    def __init__(self, max_workers: int = DEFAULT_MAX_THREADS, work_slots: int = DEFAULT_WORK_SLOTS) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="listener")
        self._pending = 0
        self._cond = threading.Condition()
        self._slots = threading.BoundedSemaphore(work_slots)
        self._local = threading.local()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._cond:
            self._pending += 1

        def run() -> Any:
            self._local.listener = True
            self._local.working = False
            try:
                return fn(*args, **kwargs)
            finally:
                if self._local.working:
                    self._slots.release()
                self._local.listener = False
                self._local.working = False

        future = super().submit(run)
        future.add_done_callback(self._done)
        return future

    def enter_work(self) -> None:
        """Called right after ack(): wait for a work slot (only on this pool's threads)."""
        if getattr(self._local, "listener", False) and not self._local.working:
            self._slots.acquire()
            self._local.working = True

    def _done(self, _future: Future[Any]) -> None:
        with self._cond:
            self._pending -= 1
            self._cond.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until no listener is running (True) or `timeout` passes (False)."""
        with self._cond:
            return self._cond.wait_for(lambda: self._pending == 0, timeout=timeout)
