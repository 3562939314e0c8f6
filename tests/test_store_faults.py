"""A build under faults: killed mid-way (its workers go with it), a full disk (every writer closed),
a read-only store (a no-op build needs no write)."""

from __future__ import annotations

import builtins
import errno
import gc
import io
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from geo.gazetteer.index import DATA_DIR
from geo.store.build import build_store
from geo.store.read import StoreError, open_store

ROOT = Path(__file__).resolve().parent.parent
MARK = "GEO_TEST_BUILD"


@pytest.fixture
def corpus(tmp_path):
    articles = tmp_path / "articles"
    shutil.copytree(DATA_DIR / "articles", articles)
    return articles, tmp_path / "store"


def marked(marker: str) -> list[int]:
    """The live processes started with ``GEO_TEST_BUILD=marker`` in their environment (a build and all it started)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()  # a zombie's is empty: it is gone already
        except OSError:
            continue
        if f"{MARK}={marker}".encode() in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="finds the build's processes through /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "sigterm"])
def test_store_faults_a_killed_local_build_leaves_no_process(tmp_path, sig):
    articles = tmp_path / "articles"
    articles.mkdir()
    seeds = sorted((DATA_DIR / "articles").glob("*.txt"))
    for copy in range(400):  # 2,000 articles: seconds of parsing on two workers, killed well before the end
        for seed in seeds:
            shutil.copy(seed, articles / f"{copy:03d}_{seed.name}")
    marker = secrets.token_hex(8)
    log = tmp_path / "stderr.txt"  # a file, not a pipe: workers left alive would hold a pipe open
    with open(log, "w") as stderr:
        build = subprocess.Popen([sys.executable, "-m", "geo", "build", "--articles", str(articles),
                                  "--store", str(tmp_path / "store"), "--processes", "2"],
                                 cwd=ROOT, env=os.environ | {MARK: marker}, stderr=stderr)
    try:
        # The build, its forkserver and both workers (and multiprocessing's resource tracker).
        assert wait_for(lambda: len(marked(marker)) >= 4 or build.poll() is not None, 120)
        assert build.poll() is None, log.read_text()
        time.sleep(1)  # the workers are parsing
        assert build.poll() is None
        build.send_signal(sig)
        build.wait(timeout=30)
        assert wait_for(lambda: not marked(marker), 5), f"left running: {marked(marker)}"
        if sig == signal.SIGTERM:  # as Ctrl-C: a clean stop and its message
            stderr = log.read_text()
            assert build.returncode == 130 and "interrupted; the store" in stderr and "Traceback" not in stderr, stderr
        assert not (tmp_path / "store" / "manifest.json").exists()
    finally:
        build.kill()
        build.wait()
        for pid in marked(marker):  # only if the test failed: never leave them behind
            os.kill(pid, signal.SIGKILL)


def test_store_faults_a_full_disk_closes_every_writer(corpus, parser, monkeypatch):
    articles, store = corpus
    build_store(articles, None, store, parser)
    before = open_store(store).generation
    (articles / "900_new.txt").write_text("Fighting was reported in Aleppo.", encoding="utf-8")
    original_close = pq.ParquetWriter.close
    closed, disk = [], {"full": True}

    def no_space(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    def close(self):  # on a full disk every close fails, and pyarrow keeps the writer open (its __del__ tries again)
        closed.append(id(self))
        if disk["full"]:
            no_space(self)
        original_close(self)

    ignored = []
    monkeypatch.setattr(sys, "unraisablehook", ignored.append)  # what "Exception ignored in" would print
    monkeypatch.setattr(pq.ParquetWriter, "write_table", no_space)
    monkeypatch.setattr(pq.ParquetWriter, "close", close)
    with pytest.raises(StoreError, match="No space left on device.*unchanged"):
        build_store(articles, None, store, parser)
    assert len(set(closed)) == 3  # each writer's close was tried, though the first failed
    gc.collect()
    disk["full"] = False
    assert not ignored, [f"{u.object}: {u.exc_value}" for u in ignored]
    assert open_store(store).generation == before


@pytest.fixture
def read_only(monkeypatch):
    """``read_only(folder)``: writes under ``folder`` fail with EACCES, as in a folder of another user's.

    ``chmod -R a-w`` alone does not stop root, who runs these tests in containers; so the write
    calls the build uses are refused here too."""
    folders: list[Path] = []

    def under(path) -> bool:
        try:
            resolved = Path(os.fsdecode(path)).resolve()
        except (TypeError, ValueError):
            return False
        return any(resolved == f or f in resolved.parents for f in folders)

    def refuse(path):
        raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(path))

    real_open, real_os_open = builtins.open, os.open

    def guarded_open(file, mode="r", *args, **kwargs):
        if isinstance(file, (str, bytes, os.PathLike)) and set(mode) & set("wax+") and under(file):
            refuse(file)
        return real_open(file, mode, *args, **kwargs)

    def guarded_os_open(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) and under(path):
            refuse(path)
        return real_os_open(path, flags, *args, **kwargs)

    def guard(module, name, *which):
        real = getattr(module, name)

        def guarded(*args, **kwargs):
            for index in which:
                if len(args) > index and under(args[index]):
                    refuse(args[index])
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, guarded)

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(io, "open", guarded_open)
    monkeypatch.setattr(os, "open", guarded_os_open)
    for name in ("mkdir", "unlink", "remove", "rmdir"):
        guard(os, name, 0)
    for name in ("rename", "replace", "symlink"):
        guard(os, name, 0, 1)

    def make(folder: Path) -> None:
        subprocess.run(["chmod", "-R", "a-w", str(folder)], check=True)
        folders.append(folder.resolve())

    yield make
    for folder in folders:
        subprocess.run(["chmod", "-R", "u+w", str(folder)], check=True)


def test_store_faults_a_no_op_build_on_a_read_only_store_is_up_to_date(corpus, parser, read_only, capsys):
    from geo.__main__ import main

    articles, store = corpus
    build_store(articles, DATA_DIR / "sources.toml", store, parser)
    read_only(store)
    report = build_store(articles, DATA_DIR / "sources.toml", store, parser)
    assert report.up_to_date and report.summary().endswith("5 unchanged; up to date")
    assert main(["build", "--articles", str(articles), "--sources", str(DATA_DIR / "sources.toml"),
                 "--store", str(store)]) == 0
    assert "up to date" in capsys.readouterr().err
    (articles / "900_new.txt").write_text("Talks were held in Baku.", encoding="utf-8")
    with pytest.raises(StoreError, match="cannot write the store"):  # work to do: said, and the store kept
        build_store(articles, DATA_DIR / "sources.toml", store, parser)
    assert len(open_store(store).manifest["counts"]) and open_store(store).manifest["counts"]["articles"] == 5
