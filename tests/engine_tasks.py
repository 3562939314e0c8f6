"""Tasks for the engine tests that misbehave on purpose; importable by Dask's worker processes."""

from __future__ import annotations

import os
from pathlib import Path

from geo.store.engine import parse_partition


def die_once(spec, articles):
    """Kill this worker the first time any worker runs it (a marker file says it happened), then parse."""
    marker = Path(os.environ["ENGINE_TEST_MARKER"])
    try:
        marker.touch(exist_ok=False)
    except FileExistsError:
        return parse_partition(spec, articles)
    os._exit(1)


def always_die(spec, articles):
    """Kill every worker that runs it."""
    os._exit(1)


def with_every_worker(spec, articles, *, barrier: str, workers: int):
    """Parse, but only once ``workers`` processes have each started a partition (waits 30 s at most).

    Without it, the first worker to start can parse a small corpus alone before the second is up,
    and a check that every worker took part fails by timing alone.
    """
    import time

    folder = Path(barrier)
    (folder / str(os.getpid())).touch()
    deadline = time.monotonic() + 30
    while len(list(folder.iterdir())) < workers and time.monotonic() < deadline:
        time.sleep(0.02)
    return parse_partition(spec, articles)


def slowly(spec, articles, *, folder: str):
    """A quarter of a second an article, as ``parse_partition`` reads them (ending early when the build stops);
    each worker counts the articles it finished in a file of its own under ``folder``."""
    import time

    from geo.store.engine import ParsedPartition, _until_stopped

    done = Path(folder) / str(os.getpid())
    done.touch()
    for _article in _until_stopped(articles):
        time.sleep(0.25)
        with done.open("a") as counts:
            counts.write(".")
    return ParsedPartition(f"pid:{os.getpid()}", [])
