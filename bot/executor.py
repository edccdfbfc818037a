"""The thread pool Bolt runs listeners on after ack(), able to say when it is idle.

Production does not need `wait_idle`; the shell and the tests do, to show (or assert) what a
request led to once all its work has finished, without sleeping and hoping.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


class TrackingExecutor(ThreadPoolExecutor):
    def __init__(self, max_workers: int = 16) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="listener")
        self._pending = 0
        self._cond = threading.Condition()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._cond:
            self._pending += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, _future: Future[Any]) -> None:
        with self._cond:
            self._pending -= 1
            self._cond.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until no listener is running (True) or `timeout` passes (False)."""
        with self._cond:
            return self._cond.wait_for(lambda: self._pending == 0, timeout=timeout)
