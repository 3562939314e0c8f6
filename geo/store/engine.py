"""Where articles are parsed: this machine's processes (``local``) or a Dask cluster (``dask``).

Both engines run the same task, ``parse_partition``: a partition of articles in, their parsed
documents out, on a worker that loads the gazetteer index once (``worker_parser``, a
per-process cache; the index is built there only when missing). The engines differ only in
where the task runs. Results come back as they finish, in no particular order: the build sorts
what it writes. Only offline stages run on workers; the online geocoder, which must keep to
one request a second, runs afterwards in the building process (see ``geo.store.build``).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice

from ..gazetteer.index import Gazetteer, load_gazetteer
from ..pipeline import Geoparser
from ..types import Article, Document

__all__ = ["DaskEngine", "EngineError", "LocalEngine", "ParsedPartition", "ParserSpec", "mention_rows_partition",
           "parse_partition", "seed_worker_parser", "worker_parser"]


class EngineError(RuntimeError):
    """The engine could not parse the corpus (a worker died for good, no scheduler answered…)."""


@dataclass(frozen=True)
class ParserSpec:
    """How a worker makes its parser: the gazetteer's data folder and index cache (None: the worker's defaults)."""

    data_dir: str | None = None
    cache_dir: str | None = None
    fingerprint: str = ""  # the driver's gazetteer, which every worker must match

    @classmethod
    def of(cls, gazetteer: Gazetteer) -> ParserSpec:
        return cls(str(gazetteer.data_dir), str(gazetteer.index_dir.parent), gazetteer.meta.get("fingerprint", ""))


@dataclass(frozen=True)
class ParsedPartition:
    """A partition's documents, and which worker parsed them (a test checks that every worker took part)."""

    worker: str
    docs: list[Document]


_PARSERS: dict[ParserSpec, Geoparser] = {}


def seed_worker_parser(spec: ParserSpec, parser: Geoparser) -> None:
    """Make ``parser`` this process's parser for ``spec`` (forked workers then inherit it)."""
    _PARSERS[spec] = parser


def forget_worker_parser(spec: ParserSpec) -> None:
    """Undo ``seed_worker_parser``: a seeded parser (with its corrections) is not left to a later build."""
    _PARSERS.pop(spec, None)


def worker_parser(spec: ParserSpec) -> Geoparser:
    """The offline pipeline of this process, built once (the index is memory-mapped, so loading is cheap)."""
    if spec in _PARSERS:
        return _PARSERS[spec]
    data_dir = spec.data_dir if spec.data_dir and os.path.isdir(spec.data_dir) else None  # another machine's path
    cache_dir = spec.cache_dir if spec.cache_dir and os.path.isdir(spec.cache_dir) else None
    parser = Geoparser(load_gazetteer(data_dir, cache_dir))
    found = parser.gazetteer.meta.get("fingerprint", "")
    if spec.fingerprint and found != spec.fingerprint:
        raise EngineError(f"this worker's gazetteer ({found}) differs from the building machine's ({spec.fingerprint}): "
                          "install the same version of the project on every worker")
    _PARSERS[spec] = parser
    return parser


def _worker_name() -> str:
    if "distributed" in sys.modules:
        from distributed import get_worker

        try:
            return get_worker().address
        except ValueError:  # not inside a Dask task
            pass
    return f"pid:{os.getpid()}"


# Set in a local engine's worker when the build is stopping (``LocalEngine.parse``): a partition
# then ends after the article it is parsing, and its worker is free to end.
_STOPPING = None


def _until_stopped(articles: list[Article]) -> Iterator[Article]:
    for article in articles:
        if _STOPPING is not None and _STOPPING.is_set():
            return  # what was parsed goes back to a build that no longer reads it
        yield article


def parse_partition(spec: ParserSpec, articles: list[Article]) -> ParsedPartition:
    """Parse one partition of articles on whichever worker runs this."""
    parser = worker_parser(spec)
    return ParsedPartition(_worker_name(), [parser(article) for article in _until_stopped(articles)])


def mention_rows_partition(spec: ParserSpec, articles: list[Article], encode=None) -> ParsedPartition:
    """Parse one partition into mention records (``geo.records``), not documents: what
    ``python -m geo extract`` prints, and far less to send back than whole documents.
    ``encode``: turns a record into its output line on the worker (JSON lines), so the
    building process only writes."""
    from ..records import mention_records

    parser = worker_parser(spec)
    parts = []
    for article in _until_stopped(articles):
        rows = mention_records(parser(article), parser.gazetteer)
        parts.append((article.path, [encode(row) for row in rows] if encode else rows))
    return ParsedPartition(_worker_name(), parts)


Task = Callable[[ParserSpec, list[Article]], ParsedPartition]


def _partitions(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    iterator = iter(articles)
    while batch := list(islice(iterator, size)):
        yield batch


class LocalEngine:
    """This machine: in this process, or ``processes`` worker processes (``concurrent.futures``).

    ``processes=None`` takes every core for ``PARALLEL_FROM`` articles or more and this
    process alone below that, where starting workers would cost more than it saves.
    """

    name = "local"
    PARALLEL_FROM = 500

    def __init__(self, processes: int | None = 1, partition_size: int = 64, fork: bool = False) -> None:
        self.processes = None if processes is None else max(1, processes)
        self.partition_size = partition_size
        self.used = self.processes or 1
        # fork: workers inherit this process's loaded parser and start at once; only for a
        # process without threads (the command line's extract), never the dashboard's server.
        self.fork = fork

    def describe(self) -> str:
        return f"local, {self.used} process{'es' if self.used > 1 else ''}"

    def parse(self, spec: ParserSpec, articles: Iterable[Article], task: Task = parse_partition) -> Iterator[ParsedPartition]:
        processes = self.processes
        if processes is None:
            many = not hasattr(articles, "__len__") or len(articles) >= self.PARALLEL_FROM
            processes = (os.cpu_count() or 1) if many else 1
        self.used = processes
        partitions = _partitions(articles, self.partition_size)
        if processes == 1:
            for partition in partitions:
                yield task(spec, partition)
            return
        # forkserver (or spawn): never fork a process that runs threads (the dashboard's server does).
        methods = multiprocessing.get_all_start_methods()
        method = "fork" if self.fork and "fork" in methods else "forkserver" if "forkserver" in methods else "spawn"
        context = multiprocessing.get_context(method)
        # The watchdog: this process holds the pipe's only writing end, each worker reads it (``_watch_parent``).
        watch, alive = context.Pipe(duplex=False)
        stopping = context.Event()
        pool = ProcessPoolExecutor(processes, mp_context=context, initializer=_watch_parent,
                                   initargs=(watch, alive, stopping))
        try:
            running = set()
            for partition in partitions:
                running.add(pool.submit(task, spec, partition))
                if len(running) >= 2 * processes:  # a bounded window: memory stays flat
                    done, running = wait(running, return_when=FIRST_COMPLETED)
                    yield from (future.result() for future in done)
            for future in running:
                yield future.result()
        except BrokenProcessPool:
            raise EngineError("a worker process died while parsing; nothing was written "
                              "(try --processes 1 to parse in this process)") from None
        except BaseException:  # interrupted, or the build stopped reading: the workers end now, not after their partitions
            _stop_workers(pool, stopping, running)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            alive.close()
            watch.close()


# How long a stopping build waits for its workers to finish the article each is parsing.
STOP_WAIT_SECONDS = 10.0


def _stop_workers(pool: ProcessPoolExecutor, stopping, running) -> None:
    """End a stopping build's workers at an article's end, so that they send what they hold whole.

    A worker ended while it sends a partition's result (terminated, or by its watchdog) leaves half a
    message in the result pipe, and the pool's manager thread then waits forever for the rest: the build
    hung on ``shutdown`` in full test runs, and at exit, since that thread is joined. So the workers are
    told to stop after their current article, their partitions come back whole, and the pool is not
    sent more; only workers still parsing after ``STOP_WAIT_SECONDS`` (one article that long) are ended.
    """
    stopping.set()
    for future in running:
        future.cancel()  # not started yet: never sent to a worker
    _done, still_running = wait(running, timeout=STOP_WAIT_SECONDS)
    if still_running:
        _end_workers(pool)


def _end_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's workers now (a last resort: see ``_stop_workers``)."""
    if hasattr(pool, "kill_workers"):  # Python 3.14
        pool.kill_workers()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(OSError, ValueError):  # ended meanwhile, or already closed
            process.kill()


def _watch_parent(watch, alive, stopping=None) -> None:
    """A worker's first act: end when the building process ends, however it ends (``kill -9`` too).

    The building process holds the pipe's writing end and never writes; when it is gone the
    kernel closes it, and the read here sees the end of the pipe. A worker would otherwise live
    on (reparented, waiting for work on queues that it holds open itself), and with it the
    forkserver, which lives as long as any of its children does. Not PR_SET_PDEATHSIG: it fires
    when the *thread* that started the worker ends, and the dashboard's server starts builds
    from short-lived threads.
    """
    import signal
    import threading

    global _STOPPING
    _STOPPING = stopping
    alive.close()  # this worker's copy (a forked worker inherits it): only the building process may hold one
    # Ctrl-C reaches the whole process group: the building process stops the build, and this worker ends after
    # its article (``_stop_workers``). SIGTERM keeps its default: the pool ends a broken pool's workers with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch_parent() -> None:
        try:
            while os.read(watch.fileno(), 1):
                pass
        except OSError:
            pass
        os._exit(1)

    threading.Thread(target=watch_parent, name="parent-watchdog", daemon=True).start()


# The name distributed's nanny gives each worker process it starts.
DASK_WORKER_PROCESS = "Dask Worker process"


class DaskEngine:
    """Dask distributed: a ``LocalCluster`` of ``workers`` processes, or the cluster at ``scheduler``."""

    name = "dask"

    def __init__(self, scheduler: str | None = None, workers: int = 2, partition_size: int = 128,
                 retries: int = 1) -> None:
        self.scheduler = scheduler
        self.workers = max(1, workers)
        self.partition_size = partition_size
        self.retries = retries

    def describe(self) -> str:
        if self.scheduler:
            return f"dask, scheduler {self.scheduler}"
        return f"dask, LocalCluster of {self.workers} worker{'s' if self.workers > 1 else ''}"

    def parse(self, spec: ParserSpec, articles: Iterable[Article], task: Task = parse_partition) -> Iterator[ParsedPartition]:
        import logging

        try:
            from distributed import Client, LocalCluster, as_completed
            from distributed.scheduler import KilledWorker
        except ImportError as error:
            raise EngineError(f"the dask engine needs dask and distributed ({error}); pip install -r requirements.txt") from None
        cluster = None
        try:
            if self.scheduler:
                client = Client(self.scheduler, timeout="10s")
            else:
                cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=logging.ERROR)
                client = Client(cluster)
        except OSError as error:
            raise EngineError(f"cannot reach the Dask scheduler {self.scheduler or '(local)'}: {error}") from None
        try:
            window = 2 * max(1, len(client.scheduler_info().get("workers", {})) or self.workers)
            partitions = _partitions(articles, self.partition_size)
            futures = as_completed()
            for partition in islice(partitions, window):
                futures.add(client.submit(task, spec, partition, pure=False, retries=self.retries))
            for future in futures:
                try:
                    result = future.result()
                except KilledWorker as error:
                    raise EngineError(f"a Dask worker died while parsing, {self.retries + 1} times for the same "
                                      f"partition ({error}); nothing was written") from None
                except EngineError:
                    raise
                except Exception as error:  # the task itself failed on a worker
                    raise EngineError(f"parsing failed on a Dask worker: {type(error).__name__}: {error}; "
                                      "nothing was written") from None
                future.release()
                yield result
                for partition in islice(partitions, 1):
                    futures.add(client.submit(task, spec, partition, pure=False, retries=self.retries))
        finally:
            client.close()
            if cluster is not None:
                close_local_cluster(cluster)


def close_local_cluster(cluster) -> None:
    """Close a ``LocalCluster``, never raising: the error that ended the work is the one to report.

    Closing while a nanny restarts a worker that just died can fail inside distributed
    ("can only join a started process", seen on a loaded CI machine), and leaves the cluster
    half-closed. Its worker processes are children of this one: end any still running, so a
    failed close never leaves a worker behind.
    """
    import logging

    try:
        cluster.close(timeout=60)
    except Exception as error:  # distributed's own teardown failed; finish it by hand
        logging.getLogger(__name__).warning("closing the Dask cluster failed (%s: %s); ending its workers",
                                            type(error).__name__, error)
        for child in multiprocessing.active_children():
            if child.name.startswith(DASK_WORKER_PROCESS):
                child.kill()
                child.join(5)
