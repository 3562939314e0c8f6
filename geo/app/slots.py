"""How many readers' runs execute the page's Python at once: the others wait their turn off the GIL.

Streamlit runs each session's script in a thread of its own and sends every message of a run
from one event loop. With fifty readers, a dozen runs at once shared the GIL with that loop:
each turn of the loop waited behind them all, and a click's panel, computed in 35 ms, reached
the browser a second later. Two cores run two runs' worth of Python and DuckDB at most; the
runs past that only made every other one wait longer.

A click reruns the map and panel only (a few dozen milliseconds) and a whole-page run (a visit,
a view change) takes several times that, so a click has a lane of its own: whole-page runs take
PAGE_RUNS_AT_ONCE slots at most, and a click waits only when RUNS_AT_ONCE runs of any kind are on.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import threading
from collections.abc import Iterator

RUNS_AT_ONCE = 3
PAGE_RUNS_AT_ONCE = 2

_runs = threading.BoundedSemaphore(RUNS_AT_ONCE)
_pages = threading.BoundedSemaphore(PAGE_RUNS_AT_ONCE)
_settled = threading.Event()
_held = threading.local()  # this thread's depth and lanes: a whole-page run draws the map's fragment inside its own


def _take(lanes: tuple[threading.BoundedSemaphore, ...]) -> None:
    for lane in lanes:  # always the page lane first: two threads never wait on each other's
        lane.acquire()


def _give_back(lanes: tuple[threading.BoundedSemaphore, ...]) -> None:
    for lane in reversed(lanes):
        lane.release()


@contextlib.contextmanager
def run_slot(whole_page: bool = True) -> Iterator[None]:
    """Hold a slot for the block: a whole page's run, or a click's (``whole_page=False``), which skips the page lane.
    A thread already holding one goes on."""
    if getattr(_held, "depth", 0):
        _held.depth += 1
        try:
            yield
        finally:
            _held.depth -= 1
        return
    lanes = (_pages, _runs) if whole_page else (_runs,)
    _take(lanes)
    _held.depth, _held.lanes = 1, lanes
    try:
        yield
    finally:
        _held.depth = 0
        _give_back(lanes)


@contextlib.contextmanager
def slot_set_aside() -> Iterator[None]:
    """Let this thread's slot go for a block that waits on another process (an upload's parse, up to a minute), so
    the other readers are not held up; taken back after it."""
    depth = getattr(_held, "depth", 0)
    if not depth:
        yield
        return
    lanes = _held.lanes
    _held.depth = 0
    _give_back(lanes)
    try:
        yield
    finally:
        _take(lanes)
        _held.depth = depth


def settle_once() -> None:
    """After the process's first page, what it holds for good (modules, the store's frames, the first entries of
    the shared caches) is set outside the collector's walks (``gc.freeze``).

    Python's full collection walks every object the process holds and stops every thread meanwhile: with fifty
    readers it stopped all runs for up to 220 ms at a time, after this for 70 ms at most.
    """
    if not _settled.is_set():
        _settled.set()
        gc.collect()
        gc.freeze()
        atexit.register(gc.unfreeze)  # at exit the collector finalises them as before (DuckDB's bindings count theirs)
