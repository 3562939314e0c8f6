"""The engines: the same store whichever engine built it, Dask's workers all take part, a dead worker is survived."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from geo.gazetteer.index import DATA_DIR
from geo.store.build import build_store
from geo.store.engine import DASK_WORKER_PROCESS, DaskEngine, EngineError, LocalEngine, close_local_cluster
from geo.store.read import open_store

TESTS = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def articles(tmp_path_factory):
    """The bundled articles 12 times over (60 articles, distinct ids), enough for several partitions."""
    folder = tmp_path_factory.mktemp("corpus") / "articles"
    folder.mkdir()
    for copy in range(12):
        for path in sorted((DATA_DIR / "articles").iterdir()):
            shutil.copy(path, folder / f"{copy:02d}_{path.name}")
    return folder


@pytest.fixture
def importable_tests(monkeypatch):
    """Dask's worker processes find tests/engine_tasks.py."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(TESTS), str(TESTS.parent), os.environ.get("PYTHONPATH", "")]))


def table(store: Path, name: str) -> pd.DataFrame:
    frame = pd.read_parquet(store / f"{name}.parquet")
    frame = frame.drop(columns=[c for c in ("mtime_ns", "geometry") if c in frame.columns])
    return frame.sort_values(list(frame.columns[:3]) + (["start", "type"] if name == "mentions" else []),
                             ignore_index=True)


def every_worker(engine, barrier: Path, monkeypatch):
    """The engine, its task held until both of its workers have started one (see engine_tasks.with_every_worker)."""
    import functools

    import engine_tasks

    barrier.mkdir()
    task = functools.partial(engine_tasks.with_every_worker, barrier=str(barrier), workers=2)
    original = engine.parse
    monkeypatch.setattr(engine, "parse", lambda spec, docs: original(spec, docs, task=task))
    return engine


def test_store_engine_local_and_dask_write_the_same_store(articles, parser, tmp_path, importable_tests, monkeypatch):
    one = build_store(articles, None, tmp_path / "local-1", parser, LocalEngine(1, partition_size=8))
    two = build_store(articles, None, tmp_path / "local-2", parser,
                      every_worker(LocalEngine(2, partition_size=8), tmp_path / "barrier-local", monkeypatch))
    dask = build_store(articles, None, tmp_path / "dask", parser,
                       every_worker(DaskEngine(workers=2, partition_size=4), tmp_path / "barrier-dask", monkeypatch))
    assert len(one.workers) == 1 and len(two.workers) == 2
    assert len(dask.workers) == 2 and all(w.startswith("tcp://") for w in dask.workers)  # both workers parsed
    for name in ("articles", "sentences", "mentions", "places"):
        expected = table(one.store, name)
        for other in (two, dask):
            pd.testing.assert_frame_equal(table(other.store, name), expected)
    assert one.mentions == two.mentions == dask.mentions > 0


def test_store_engine_dask_survives_a_worker_killed_mid_build(articles, parser, tmp_path, importable_tests, monkeypatch):
    import engine_tasks

    monkeypatch.setenv("ENGINE_TEST_MARKER", str(tmp_path / "died"))
    engine = DaskEngine(workers=2, partition_size=4)
    original = engine.parse
    monkeypatch.setattr(engine, "parse", lambda spec, docs: original(spec, docs, task=engine_tasks.die_once))
    report = build_store(articles, None, tmp_path / "store", parser, engine)
    assert (tmp_path / "died").exists() and report.articles == 60
    reference = build_store(articles, None, tmp_path / "reference", parser)
    pd.testing.assert_frame_equal(table(report.store, "mentions"), table(reference.store, "mentions"))


def test_store_engine_dask_gives_up_with_a_clear_message_and_keeps_the_store(articles, parser, tmp_path, importable_tests,
                                                                           monkeypatch):
    import dask
    import engine_tasks

    store = tmp_path / "store"
    build_store(DATA_DIR / "articles", DATA_DIR / "sources.toml", store, parser)
    before = open_store(store).generation
    engine = DaskEngine(workers=1, partition_size=30)
    original = engine.parse
    monkeypatch.setattr(engine, "parse", lambda spec, docs: original(spec, docs, task=engine_tasks.always_die))
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}), pytest.raises(EngineError, match="worker died"):
        build_store(articles, None, store, parser, engine)
    assert open_store(store).generation == before and len(pd.read_parquet(store / "articles.parquet")) == 5


class _ClusterWhoseCloseFails:
    """What distributed's LocalCluster does when closed while its nanny restarts a dead worker."""

    def close(self, timeout=None):
        raise AssertionError("can only join a started process")


def test_store_engine_a_failed_cluster_close_ends_the_workers_and_raises_nothing():
    import multiprocessing
    import time

    worker = multiprocessing.get_context("spawn").Process(target=time.sleep, args=(60,),
                                                          name=f"{DASK_WORKER_PROCESS} (from Nanny)")
    worker.start()
    close_local_cluster(_ClusterWhoseCloseFails())
    assert not worker.is_alive() and worker.exitcode is not None


def test_store_engine_unreachable_scheduler_is_an_engine_error(parser, tmp_path):
    with pytest.raises(EngineError, match="127.0.0.1:9"):
        build_store(DATA_DIR / "articles", None, tmp_path / "store", parser, DaskEngine("tcp://127.0.0.1:9"))
    assert not (tmp_path / "store" / "manifest.json").exists()


def test_store_engine_local_chooses_processes_by_corpus_size():
    engine = LocalEngine(None)
    list(engine.parse(None, [], task=lambda spec, part: part))
    assert engine.used == 1


# A local build, two workers on slow partitions (engine_tasks.slowly: 20 articles, 5 s each); on SIGINT it prints
# how many workers had to be killed (engine._end_workers) and how long the stop took.
_STOPPED_BUILD = """
import functools, json, sys
import engine_tasks
from geo.store import engine
killed = []
engine._end_workers = lambda pool: killed.append(pool)
task = functools.partial(engine_tasks.slowly, folder=sys.argv[1])
try:
    for _ in engine.LocalEngine(2, partition_size=20).parse(None, list(range(200)), task=task):
        pass
except KeyboardInterrupt:
    print(json.dumps({"killed": len(killed)}), flush=True)
"""


def test_store_engine_a_stopped_local_build_ends_its_workers_after_their_article(tmp_path, importable_tests):
    """Workers are told to stop after the article each is parsing, not killed: one killed while it sent its
    partition's result left the pool's manager thread waiting forever for the rest (the build hung)."""
    import json
    import signal
    import subprocess
    import sys
    import time

    folder = tmp_path / "done"
    folder.mkdir()
    build = subprocess.Popen([sys.executable, "-c", _STOPPED_BUILD, str(folder)], cwd=TESTS.parent,
                             stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while len([f for f in folder.iterdir() if f.stat().st_size]) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)  # both workers have finished an article of their first partition
        assert build.poll() is None
        build.send_signal(signal.SIGINT)
        asked = time.monotonic()
        out, _ = build.communicate(timeout=30)
        took = time.monotonic() - asked
    finally:
        build.kill()
    assert json.loads(out) == {"killed": 0}
    # each worker finished the article it was on (a quarter of a second), not its partition (five seconds)
    assert took < 2.5, took
    done = {f.name: f.read_text().count(".") for f in folder.iterdir()}
    assert len(done) == 2 and all(count < 20 for count in done.values()), done
