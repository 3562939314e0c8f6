"""The page's run slots: whole-page runs and all runs bounded, a click's lane, nested use, a slot let go while waiting."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable

import pytest

from geo.app import slots
from geo.app.slots import PAGE_RUNS_AT_ONCE, RUNS_AT_ONCE, run_slot, slot_set_aside


def free(lane: threading.BoundedSemaphore) -> int:
    """The slots of a lane no thread holds (each taken and given back at once)."""
    taken = 0
    while lane.acquire(blocking=False):
        taken += 1
    for _ in range(taken):
        lane.release()
    return taken


def all_free() -> bool:
    return free(slots._runs) == RUNS_AT_ONCE and free(slots._pages) == PAGE_RUNS_AT_ONCE


def most_at_once(kinds: list[bool]) -> int:
    """The most runs inside their slot at the same time, one thread a run (``True``: a whole page's run)."""
    inside, most, lock = 0, 0, threading.Lock()

    def run(whole_page: bool) -> None:
        nonlocal inside, most
        with run_slot(whole_page):
            with lock:
                inside += 1
                most = max(most, inside)
            time.sleep(0.05)
            with lock:
                inside -= 1

    threads = [threading.Thread(target=run, args=(kind,)) for kind in kinds]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    return most


@contextlib.contextmanager
def taken(count: int, whole_page: bool = True):
    """``count`` slots held by this thread's stand-ins for other readers, for the block."""
    holders = [run_slot(whole_page) for _ in range(count)]
    for holder in holders:
        holder.__enter__()
        slots._held.depth = 0  # each stand-in is a reader of its own, not a nested use
    try:
        yield
    finally:
        for holder in reversed(holders):
            slots._held.depth = 1
            holder.__exit__(None, None, None)


def gets_in(run: Callable[[threading.Event], None], held: int) -> bool:
    """Whether ``run``, a reader's run in a thread of its own, sets the event it is given within 5 s while ``held``
    whole-page slots are taken by others."""
    entered = threading.Event()
    with taken(held):
        thread = threading.Thread(target=run, args=(entered,))
        thread.start()
        got_in = entered.wait(5)
        thread.join(5)
    return got_in


def test_slots_let_in_at_most_page_runs_at_once_whole_pages():
    assert most_at_once([True] * 3 * RUNS_AT_ONCE) == PAGE_RUNS_AT_ONCE and all_free()


def test_slots_let_in_at_most_runs_at_once_runs_of_any_kind():
    assert most_at_once([False, True] * 3 * RUNS_AT_ONCE) == RUNS_AT_ONCE and all_free()


def test_slots_a_click_has_a_lane_past_the_whole_page_runs():
    def click(entered: threading.Event) -> None:
        with run_slot(whole_page=False):
            entered.set()

    assert gets_in(click, PAGE_RUNS_AT_ONCE) and all_free()  # every whole-page slot held: a click still gets in


def test_slots_a_thread_holding_one_goes_on_inside_itself():
    def run(entered: threading.Event) -> None:  # a whole-page run draws the map's fragment inside its own slot
        with run_slot(), run_slot(whole_page=False), run_slot():
            entered.set()

    assert gets_in(run, PAGE_RUNS_AT_ONCE - 1) and all_free()


def test_slots_are_given_back_when_a_run_stops_with_an_exception():
    with pytest.raises(RuntimeError), run_slot(), run_slot(whole_page=False):
        raise RuntimeError("a rerun or a stop")
    assert all_free()


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

    with taken(PAGE_RUNS_AT_ONCE - 1):  # the waiting run's is the last whole-page slot
        first = threading.Thread(target=parse_waiting)
        first.start()
        assert waiting.wait(5)
        second = threading.Thread(target=other_reader)
        second.start()
        second.join(5)
        first.join(5)
    assert entered.is_set() and finished.is_set() and all_free()


def test_slots_set_aside_outside_a_slot_changes_nothing():
    with slot_set_aside():
        assert all_free()


def test_slots_what_the_first_page_holds_is_set_outside_the_collector_s_walks(monkeypatch):
    import gc

    monkeypatch.setattr(slots, "_settled", threading.Event())
    frozen = gc.get_freeze_count()
    slots.settle_once()
    after = gc.get_freeze_count()
    slots.settle_once()  # once per process
    assert after > frozen and gc.get_freeze_count() == after
