"""Shared fixtures: the gazetteer is loaded once per session (built on first use)."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import threading
import time
from concurrent.futures import Future
from pathlib import Path

import pytest
from watch import tree_mb

from geo import Geoparser, load_gazetteer
from geo.gazetteer.index import DATA_DIR
from geo.text.corpus import load_corpus

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parent.parent


def run_watched(command: list[str], memory_mb: float, seconds: float, wait: bool = True, **options):
    """Run ``command`` in a child process (from the project's folder) with its whole tree's resident size watched, as
    ``../shared/tools/capped`` does (not an address-space limit: DuckDB's reservations segfault under one): past
    ``memory_mb`` or ``seconds`` the tree is killed and the test fails, instead of the machine (which has no swap)
    freezing. A CompletedProcess with ``peak_mb``; with ``wait=False``, a Future of it."""
    process = subprocess.Popen(command, cwd=options.pop("cwd", ROOT), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True, **options)
    future: Future = Future()
    output: dict[str, str] = {}
    readers = [threading.Thread(target=lambda name=name, stream=stream: output.__setitem__(name, stream.read()), daemon=True)
               for name, stream in (("stdout", process.stdout), ("stderr", process.stderr))]

    def watch() -> None:
        started, peak, killed = time.monotonic(), 0.0, ""
        while process.poll() is None:
            peak = max(peak, tree_mb(process.pid))
            if peak > memory_mb or time.monotonic() - started > seconds:
                killed = f"over {memory_mb:g} MB" if peak > memory_mb else f"still running after {seconds:g} s"
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                break
            time.sleep(0.05)
        for reader in readers:
            reader.join()
        done = subprocess.CompletedProcess(command, process.returncode, output.get("stdout", ""), output.get("stderr", ""))
        done.peak_mb = peak
        if killed:
            future.set_exception(AssertionError(f"{' '.join(command)[:200]}: killed, {killed}"))
        else:
            future.set_result(done)

    for reader in readers:
        reader.start()
    threading.Thread(target=watch, daemon=True).start()
    return future.result() if wait else future


@pytest.fixture(scope="session")
def gazetteer():
    return load_gazetteer()


@pytest.fixture(scope="session")
def parser(gazetteer):
    return Geoparser(gazetteer)


@pytest.fixture(scope="session")
def seed_articles():
    articles, problems = load_corpus(DATA_DIR / "articles", DATA_DIR / "sources.toml")
    assert not problems
    return {a.id: a for a in articles}


@pytest.fixture(scope="session")
def seed_docs(parser, seed_articles):
    return {article_id: parser(article) for article_id, article in seed_articles.items()}


@pytest.fixture(scope="session")
def seed_gold():
    with open(FIXTURES / "seed_gold.tsv", encoding="utf-8") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        return [{**row, "start": int(row["start"]), "end": int(row["end"])} for row in rows]


def parse_text(parser, text: str, article_id: str = "t"):
    """Run the whole pipeline on a string."""
    from geo.types import Article

    return parser(Article(article_id, text))


def place_ids(doc, kind: str | None = None) -> list[str]:
    return [m.place_id for m in doc.mentions if kind is None or m.type == kind]


@pytest.fixture(scope="session")
def seed_store(parser, tmp_path_factory):
    """The bundled corpus built into a store of its own (local engine, this process)."""
    from geo.store.build import build_store
    from geo.store.read import open_store

    path = tmp_path_factory.mktemp("seed-store")
    build_store(DATA_DIR / "articles", DATA_DIR / "sources.toml", path, parser)
    return open_store(path)
