"""How many readers' runs execute the page's Python at once: the others wait their turn off the GIL.

Streamlit runs each session's script in a thread of its own and sends every message of a run
from one event loop. With fifty readers, a dozen runs at once shared the GIL with that loop:
each turn of the loop waited behind them all, and a click's panel, computed in 35 ms, reached
the browser a second later. Two cores run two runs' worth of Python and DuckDB at most; the
runs past that only made every other one wait longer.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

RUNS_AT_ONCE = 2

_slots = threading.BoundedSemaphore(RUNS_AT_ONCE)
_held = threading.local()  # this thread's depth: a full run draws the map's fragment inside its own slot


@contextlib.contextmanager
def run_slot() -> Iterator[None]:
    """Hold one of the RUNS_AT_ONCE slots for the block (a thread already holding one goes on)."""
    if getattr(_held, "depth", 0):
        _held.depth += 1
        try:
            yield
        finally:
            _held.depth -= 1
        return
    with _slots:
        _held.depth = 1
        try:
            yield
        finally:
            _held.depth = 0


@contextlib.contextmanager
def slot_set_aside() -> Iterator[None]:
    """Let this thread's slot go for a block that waits on another process (an upload's parse, up to a minute), so
    the other readers are not held up; taken back after it."""
    depth = getattr(_held, "depth", 0)
    if not depth:
        yield
        return
    _held.depth = 0
    _slots.release()
    try:
        yield
    finally:
        _slots.acquire()
        _held.depth = depth
