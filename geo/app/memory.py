"""Freed memory given back to the system while readers come and go.

glibc keeps what Python, pandas, Arrow and DuckDB free in its arenas rather than return it, and
makes an arena for each thread that meets another in ``malloc``, up to eight per core: Streamlit
runs each script in a thread of its own, so a server read by many grows by what all its arenas
keep. Two arenas, and a trim every few seconds, held a server of 100,000 articles 50 MB lower
after fifty readers (bench/load.py; a trim takes under a millisecond, a few at most).
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading

import streamlit as st

M_ARENA_MAX = -8  # mallopt's parameter (glibc's malloc.h)
ARENAS = 2
TRIM_EVERY = 10.0  # seconds


def c_library():
    """glibc, or None where there is none to ask (macOS, Windows, musl's Alpine): nothing is done there."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None


def trim_until(libc, stop: threading.Event, period: float = TRIM_EVERY) -> None:
    """Give the arenas' free pages back every ``period`` seconds until ``stop`` is set."""
    while not stop.wait(period):
        libc.malloc_trim(0)


@st.cache_resource(show_spinner=False, on_release=lambda stop: stop is not None and stop.set())
def memory_given_back() -> threading.Event | None:
    """Two arenas for the threads made from now on (unless ``MALLOC_ARENA_MAX`` says how many), and a thread that
    trims them; the event that stops it, None without glibc. Once per server."""
    libc = c_library()
    if libc is None:
        return None
    if "MALLOC_ARENA_MAX" not in os.environ:  # the operator's own choice stands
        libc.mallopt(M_ARENA_MAX, ARENAS)
    stop = threading.Event()
    threading.Thread(target=trim_until, args=(libc, stop), daemon=True, name="memory given back").start()
    return stop
