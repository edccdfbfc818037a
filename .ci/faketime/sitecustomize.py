"""Loaded (through PYTHONPATH) only by `.ci/shifted`, which runs Python under libfaketime.

libfaketime 0.9.10 (Debian/Ubuntu's) cannot run Python 3.11's waits as they are:
- by default it shifts CLOCK_MONOTONIC too, but not `sem_clockwait`, which Python's lock,
  event and queue waits with a timeout use: such a wait then lasts the shift (days), i.e. hangs;
- with FAKETIME_DONT_FAKE_MONOTONIC=1 those waits work, but its `clock_nanosleep` wrapper
  still shifts the absolute monotonic deadline `time.sleep` passes, and the call fails (EINVAL).
`.ci/shifted` sets FAKETIME_DONT_FAKE_MONOTONIC=1 (a monotonic clock is not the calendar) and
this module gives `time.sleep` a wait libfaketime leaves alone (select's relative timeout), in
this process and in every Python process it starts. Nothing else of the program changes.
"""

from __future__ import annotations

import os
import select
import time

if os.environ.get("FAKETIME_DONT_FAKE_MONOTONIC") == "1":

    def _sleep(seconds: float) -> None:
        """`time.sleep` by select(), to the same monotonic deadline (a signal may end a select early)."""
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            select.select([], [], [], left)

    time.sleep = _sleep
