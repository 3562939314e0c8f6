"""The page's run slots: at most RUNS_AT_ONCE runs at once, nested use in one thread, a slot let go while waiting."""

from __future__ import annotations

import contextlib
import threading
import time

import pytest

from geo.app import slots
from geo.app.slots import RUNS_AT_ONCE, run_slot, slot_set_aside


def free_slots() -> int:
    """The slots no thread holds (acquired and given back at once, none left taken)."""
    taken = 0
    while slots._slots.acquire(blocking=False):
        taken += 1
    for _ in range(taken):
        slots._slots.release()
    return taken


@contextlib.contextmanager
def every_other_slot_taken():
    """All slots but one held by this thread's stand-ins for other readers, for the block."""
    holders = [run_slot() for _ in range(RUNS_AT_ONCE - 1)]
    for holder in holders:
        holder.__enter__()
    try:
        yield
    finally:
        for holder in holders:
            holder.__exit__(None, None, None)


def test_slots_let_in_at_most_runs_at_once():
    inside, most, lock = 0, 0, threading.Lock()

    def run() -> None:
        nonlocal inside, most
        with run_slot():
            with lock:
                inside += 1
                most = max(most, inside)
            time.sleep(0.05)
            with lock:
                inside -= 1

    threads = [threading.Thread(target=run) for _ in range(3 * RUNS_AT_ONCE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert most == RUNS_AT_ONCE and free_slots() == RUNS_AT_ONCE


def test_slots_a_thread_holding_one_goes_on_inside_itself():
    done = threading.Event()

    def run() -> None:  # a full run draws the map's fragment inside its own slot
        with run_slot(), run_slot(), run_slot():
            done.set()

    with every_other_slot_taken():
        thread = threading.Thread(target=run)
        thread.start()
        assert done.wait(5)
        thread.join(5)
    assert free_slots() == RUNS_AT_ONCE


def test_slots_are_given_back_when_a_run_stops_with_an_exception():
    with pytest.raises(RuntimeError), run_slot(), run_slot():
        raise RuntimeError("a rerun or a stop")
    assert free_slots() == RUNS_AT_ONCE


def test_slots_a_run_waiting_on_another_process_lets_its_slot_go():
    entered, waiting, finished = threading.Event(), threading.Event(), threading.Event()

    def parse_waiting() -> None:
        with run_slot():
            with slot_set_aside():
                waiting.set()
                assert entered.wait(5)  # another reader got in while this one waited
            finished.set()

    def other_reader() -> None:
        with run_slot():
            entered.set()

    with every_other_slot_taken():
        first = threading.Thread(target=parse_waiting)
        first.start()
        assert waiting.wait(5)
        second = threading.Thread(target=other_reader)
        second.start()
        second.join(5)
        first.join(5)
    assert entered.is_set() and finished.is_set() and free_slots() == RUNS_AT_ONCE


def test_slots_set_aside_outside_a_slot_changes_nothing():
    with slot_set_aside():
        assert free_slots() == RUNS_AT_ONCE
