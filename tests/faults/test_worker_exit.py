"""A worker process killed by a signal is logged as killed by that signal, never as a normal exit."""

from __future__ import annotations

import logging
import os
import signal
import sys

import pytest

from runtime.worker import WorkerProcesses, exit_description


def test_exit_descriptions_tell_a_signal_death_from_an_exit_status() -> None:
    assert exit_description(-signal.SIGKILL) == "was killed by SIGKILL"
    assert exit_description(-signal.SIGTERM) == "was killed by SIGTERM"
    assert exit_description(0) == "exited with status 0"
    assert exit_description(3) == "exited with status 3"


def test_a_worker_killed_with_sigkill_is_logged_as_killed_and_replaced(caplog: pytest.LogCaptureFixture) -> None:
    workers = WorkerProcesses(1, argv=[sys.executable, "-c", "import time; time.sleep(60)"])
    caplog.set_level(logging.ERROR, logger="runtime.worker")
    workers.start()
    try:
        victim = workers._procs[0]
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(15)
        workers.replace_dead()  # what the watcher thread does every second
        assert workers._procs[0] is not victim, "the killed worker was not replaced"
    finally:
        workers.stop(timeout=5)
    lines = [r.getMessage() for r in caplog.records if str(victim.pid) in r.getMessage()]
    assert lines == [f"worker process {victim.pid} was killed by SIGKILL; starting another"]
