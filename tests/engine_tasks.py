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
