"""Parsing on a reader's behalf (an upload, the articles a session's correction touches) in a child
process with a time and a memory budget, one parse at a time for the whole server (no Streamlit here).

One visitor's upload must not take a shared server down: a text of one 300 KB "sentence" naming
places once took the server from 3 to 10 GB. So the page never parses in its own process. A
child process (``python -m geo.page.parsing``) loads the pipeline once and parses what it is
sent; the page waits for it at most ``seconds``, and the child may grow by at most ``memory_mb``
over what it holds idle (an address-space limit set in the child, so an allocation past it fails
there, and the page's own watch of its resident size as a second line). Past either, the child
is killed, the reader told why, and a new child started for the next parse. The child reads a
watchdog pipe whose other end only the page holds: when the page's process ends, however it
ends, the child sees end-of-file and exits (not PR_SET_PDEATHSIG, which fires when the creating
*thread* exits, and Streamlit runs each script run in a thread of its own).
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path

from ..types import Article, Document

__all__ = ["PARSE_MEMORY_MB", "PARSE_MENTIONS", "PARSE_SECONDS", "ParseRefused", "ParseSlot"]

PARSE_SECONDS = 20.0  # one request's parse, articles and all
PARSE_MEMORY_MB = 300  # what the child may grow by over its idle size while parsing
# The mentions one parse may send back. Within the child's budget a 2 MB text of one "sentence" of
# place names gives 265,000 of them, and the page, which keeps what it is sent, grew by 320 MB to
# hold them; real news names a place about every 200 characters (GeoWebNews: 2,427 in 495 KB), so
# a 2 MB article of it names some 10,000.
PARSE_MENTIONS = 25_000
WAIT_SECONDS = 45.0  # how long a request waits for the slot while another reader's parse runs
START_SECONDS = 120.0  # the child's start: imports and the gazetteer (compiled once per machine: ~20 s)
_HEADER = struct.Struct("!Q")
_ROOT = Path(__file__).resolve().parents[2]


class ParseRefused(Exception):
    """A parse that did not happen or did not finish: ``reason`` says why, in words for the reader."""

    def __init__(self, reason: str, subject: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.subject = subject  # what was refused, when the caller says (an upload's key)


def _send(stream, value) -> None:
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(payload)) + payload)
    stream.flush()


def _resident_mb(pid: int) -> float:
    """The resident size of process ``pid`` (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


class _Child:
    """One child process: its pipes, its idle size, and the watchdog pipe's write end (held here only)."""

    def __init__(self, settings: dict, memory_mb: int, max_mentions: int) -> None:
        watch_read, self._watch_write = os.pipe()  # both ends close-on-exec: only the child's copy is passed on
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "geo.page.parsing", str(watch_read), str(memory_mb), str(max_mentions)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, pass_fds=(watch_read,),
                cwd=_ROOT, start_new_session=True)  # its own group: a reader's Ctrl-C in a terminal is the page's
        except OSError:
            os.close(self._watch_write)
            raise
        finally:
            os.close(watch_read)
        # A child dropped without close() (a cleared cache) must not outlive its page: its pipe closes, it ends.
        self._end = weakref.finalize(self, _end, self.process, self._watch_write)  # runs once, whichever comes first
        _send(self.process.stdin, settings)
        self.idle_mb = 0.0
        self.idle_mb = self.receive(START_SECONDS, None)["resident_mb"]

    def receive(self, seconds: float, memory_mb: float | None):
        """The child's next answer, within ``seconds`` and, when given, ``memory_mb`` over its idle size."""
        deadline = time.monotonic() + seconds
        stream, buffer, wanted = self.process.stdout, bytearray(), _HEADER.size
        fd = stream.fileno()
        while len(buffer) < wanted:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ParseRefused(f"it took longer than {seconds:g} s, the most one parse may take here")
            if memory_mb is not None and _resident_mb(self.process.pid) - self.idle_mb > memory_mb:
                raise ParseRefused(f"it needed more than {memory_mb:g} MB, the most one parse may use here")
            ready, _, _ = select.select([fd], [], [], min(left, 0.05))
            if not ready:
                continue
            chunk = os.read(fd, max(wanted - len(buffer), 1 << 16))
            if not chunk:
                raise ParseRefused(self._why_stopped(memory_mb))
            buffer += chunk
            if wanted == _HEADER.size and len(buffer) >= _HEADER.size:
                wanted += _HEADER.unpack(bytes(buffer[:_HEADER.size]))[0]
        return pickle.loads(bytes(buffer[_HEADER.size:wanted]))

    def _why_stopped(self, memory_mb: float | None) -> str:
        """Why the child closed its answers' pipe, in words for the reader."""
        with _quietly():
            self.process.wait(1)  # its end of the pipe closes a moment before it is reaped
        status = self.process.poll()
        if status == -signal.SIGABRT and memory_mb is not None:
            # Native code (Rust, C++) aborts when an allocation fails under the child's address-space limit.
            return f"it needed more than {memory_mb:g} MB, the most one parse may use here (the parser stopped)"
        return "the parser stopped unexpectedly" if status in (None, 0) else f"the parser stopped (exit status {status})"

    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        """Kill the child and give back its pipes."""
        self._end()


def _end(process: subprocess.Popen, watch_write: int) -> None:
    """Kill a child, reap it, close its pipes (each step may have been done already)."""
    with _quietly():
        process.kill()
    with _quietly():
        process.wait(5)
    for stream in (process.stdin, process.stdout):
        with _quietly():
            stream.close()
    with _quietly():
        os.close(watch_write)


class _quietly:
    """Suppress OSError and subprocess's time-out (closing what may be closed already)."""

    def __enter__(self):
        return self

    def __exit__(self, kind, error, trace):
        return kind is not None and issubclass(kind, (OSError, ValueError, subprocess.TimeoutExpired))


class ParseSlot:
    """The server's one parse slot: ``parse(articles)`` in the child, one request at a time, within budget.

    ``settings`` are the geocoder's (Streamlit secrets' ``[geocoder]`` table), passed to the
    child's pipeline. Thread-safe: every session's script thread may ask.
    """

    def __init__(self, settings: dict | None = None, seconds: float = PARSE_SECONDS, memory_mb: int = PARSE_MEMORY_MB,
                 wait_seconds: float = WAIT_SECONDS, gazetteer=None, max_mentions: int = PARSE_MENTIONS) -> None:
        self.settings = dict(settings or {})
        self.gazetteer = gazetteer  # the page's: places the child's online geocoder found are made known to it
        self.seconds, self.memory_mb, self.wait_seconds = seconds, memory_mb, wait_seconds
        self.max_mentions = max_mentions
        self.warnings: list[str] = []  # the child's pipeline's (the online geocoder's), each said once
        self._lock = threading.Lock()
        self._child: _Child | None = None

    def parse(self, articles: list[Article]) -> list[Document]:
        """The parsed documents of ``articles``, in order; ParseRefused with the reason when the budget runs out
        (the child is then killed: nothing it held stays), the server is busy, or the child cannot start."""
        if not articles:
            return []
        if not self._lock.acquire(timeout=self.wait_seconds):
            raise ParseRefused(f"the server was busy with other readers' articles for {self.wait_seconds:g} s; "
                               "try again in a moment")
        try:
            child = self._running_child()
            try:
                _send(child.process.stdin, articles)
                answer = child.receive(self.seconds, self.memory_mb)
            except (OSError, ParseRefused, pickle.UnpicklingError, EOFError) as error:
                self._stop_child()
                if isinstance(error, ParseRefused):
                    raise
                raise ParseRefused(f"the parser stopped ({error})") from None
            for warning in answer.get("warnings", []):
                if warning not in self.warnings:
                    self.warnings.append(warning)
            if "refused" in answer:
                self._stop_child()  # past its memory limit the child's heap is suspect: a fresh one next time
                raise ParseRefused(answer["refused"])
            for candidate, details in answer.get("places", []):
                if self.gazetteer is not None:
                    self.gazetteer.add_external(candidate, details)
            return answer["docs"]
        finally:
            self._lock.release()

    def _running_child(self) -> _Child:
        if self._child is None or not self._child.alive():
            self._stop_child()
            try:
                self._child = _Child(self.settings, self.memory_mb, self.max_mentions)
            except (OSError, ParseRefused, pickle.UnpicklingError, EOFError) as error:
                self._stop_child()
                reason = error.reason if isinstance(error, ParseRefused) else str(error)
                raise ParseRefused(f"the parser could not start ({reason})") from None
        return self._child

    def _stop_child(self) -> None:
        if self._child is not None:
            self._child.close()
            self._child = None

    def close(self) -> None:
        """Stop the child now (it also stops by itself when this process ends)."""
        with self._lock:
            self._stop_child()


# The child's side: ``python -m geo.page.parsing WATCHDOG_FD MEMORY_MB MAX_MENTIONS``.


def _watch(fd: int) -> None:
    """End this process when the page's end of the watchdog pipe closes (the page's process is gone)."""
    while True:
        try:
            if not os.read(fd, 1):
                os._exit(0)
        except InterruptedError:
            continue
        except OSError:
            os._exit(0)


def _virtual_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _child_main(watchdog_fd: int, memory_mb: int, max_mentions: int) -> int:
    import resource

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the page's to handle; this process ends with its pipe
    threading.Thread(target=_watch, args=(watchdog_fd,), daemon=True, name="watchdog").start()
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but answers on the answers' pipe

    def read_request():
        header = requests.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return None
        return pickle.loads(requests.read(_HEADER.unpack(header)[0]))

    settings = read_request()
    from .corpus import page_parser

    parser, warnings = page_parser(settings or {})
    parser(Article("warm-up", "Officials met in Damascus, Syria, on Monday."))  # every model loaded before the limit
    # Every allocation past the budget now fails here (MemoryError), not in the page's process.
    limit = _virtual_bytes() + memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
    _send(answers, {"resident_mb": _resident_mb(os.getpid())})
    while (articles := read_request()) is not None:
        try:
            docs = [parser(article) for article in articles]
            if (count := sum(len(doc.mentions) for doc in docs)) > max_mentions:  # checked here: never sent
                _send(answers, {"refused": f"it names places {count:,} times, more than the {max_mentions:,} one parse "
                                           "may keep here (a 2 MB news article names some 10,000)",
                                "warnings": list(warnings)})
                continue
            found = {m.place_id for doc in docs for m in doc.mentions}
            answer = {"docs": docs, "places": [place for place_id in sorted(found)
                                               if (place := parser.gazetteer.external(place_id)) is not None]}
            payload = pickle.dumps(answer | {"warnings": list(warnings)}, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            answer, payload = None, None
        if payload is None:
            _send(answers, {"refused": f"it needed more than {memory_mb} MB, the most one parse may use here",
                            "warnings": list(warnings)})
            continue
        answers.write(_HEADER.pack(len(payload)) + payload)
        answers.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_child_main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])))
