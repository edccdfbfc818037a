"""The listener pool answers acks while earlier requests' work fills the work slots."""

from __future__ import annotations

import threading

from runtime.executor import TrackingExecutor


def test_ack_part_runs_while_work_slots_are_busy_and_work_waits_its_turn() -> None:
    pool = TrackingExecutor(work_slots=1)
    release_first = threading.Event()
    first_working = threading.Event()
    second_acked = threading.Event()
    second_worked = threading.Event()

    def first() -> None:
        pool.enter_work()  # right after its ack
        first_working.set()
        release_first.wait(5)

    def second() -> None:
        second_acked.set()  # the ack part: must not wait for the busy slot
        pool.enter_work()
        second_worked.set()

    pool.submit(first)
    assert first_working.wait(5)
    pool.submit(second)
    assert second_acked.wait(5), "the ack waited behind earlier work"
    assert not second_worked.wait(0.2), "work ran beyond the slot limit"
    release_first.set()
    assert second_worked.wait(5), "the slot was not given back when the first listener returned"
    assert pool.wait_idle(5)
    pool.shutdown()


def test_enter_work_outside_the_pool_never_blocks() -> None:
    pool = TrackingExecutor(work_slots=1)
    for _ in range(3):  # Bolt acks Events API requests on the request thread
        pool.enter_work()
    pool.shutdown()
