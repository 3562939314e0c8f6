import threading
import time

from geo.app import memory


class Library:
    """glibc's two calls, counted."""

    def __init__(self):
        self.trims = 0
        self.options = []

    def malloc_trim(self, pad):
        self.trims += 1
        return 1

    def mallopt(self, parameter, value):
        self.options.append((parameter, value))
        return 1


def test_memory_trims_every_period_until_told_to_stop():
    libc, stop = Library(), threading.Event()
    thread = threading.Thread(target=memory.trim_until, args=(libc, stop, 0.01), daemon=True)
    thread.start()
    time.sleep(0.2)
    stop.set()
    thread.join(2)
    assert not thread.is_alive() and 3 <= libc.trims <= 25
    trims = libc.trims
    time.sleep(0.05)
    assert libc.trims == trims  # stopped


def test_memory_sets_two_arenas_unless_the_operator_chose(monkeypatch):
    libc = Library()
    monkeypatch.setattr(memory, "c_library", lambda: libc)
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    memory.memory_given_back.clear()
    stop = memory.memory_given_back()
    assert libc.options == [(memory.M_ARENA_MAX, memory.ARENAS)] and not stop.is_set()
    assert memory.memory_given_back() is stop  # once per server
    memory.memory_given_back.clear()
    assert stop.is_set()  # released: its thread ends
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    libc.options.clear()
    memory.memory_given_back()
    assert libc.options == []
    memory.memory_given_back.clear()


def test_memory_finds_glibc_here_and_nothing_to_do_without_it(monkeypatch):
    assert memory.c_library() is not None  # the tests run on Linux with glibc, as Community Cloud does
    monkeypatch.setattr(memory.sys, "platform", "darwin")
    assert memory.c_library() is None
    memory.memory_given_back.clear()
    monkeypatch.setattr(memory, "c_library", lambda: None)
    assert memory.memory_given_back() is None
    memory.memory_given_back.clear()
