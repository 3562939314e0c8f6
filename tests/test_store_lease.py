"""Readers' leases: a generation somebody reads outlives later builds, and goes once nobody does."""

from __future__ import annotations

import gc
import shutil
import subprocess
import sys
import threading
import time

import pytest

from geo.gazetteer.index import DATA_DIR
from geo.store import lease, read
from geo.store.build import build_store
from geo.store.read import StoreError, View, open_store


def everything(store) -> View:
    return View(tuple(read.source_summaries(store)["outlet"]))


@pytest.fixture
def corpus(tmp_path):
    articles = tmp_path / "articles"
    shutil.copytree(DATA_DIR / "articles", articles)
    return articles


def add_article(articles, number: int) -> None:
    (articles / f"9{number:02d}_new.txt").write_text(f"Talks number {number} were held in Baku, Azerbaijan.",
                                                     encoding="utf-8")


def generations(store) -> set[str]:
    return {p.name for p in (store / "generations").iterdir() if not p.name.startswith(".")}


def test_store_lease_a_generation_being_read_outlives_later_builds(corpus, tmp_path, parser):
    store = tmp_path / "store"
    build_store(corpus, None, store, parser)
    reader = open_store(store)
    first, before = reader.generation, read.place_counts(reader, everything(reader))
    for number in range(3):
        add_article(corpus, number)
        build_store(corpus, None, store, parser)
    names = generations(store)
    assert first in names and len(names) == 3  # the held one, the previous one, the current one
    assert read.place_counts(reader, everything(reader)).equals(before)  # still reads its own files
    assert read.articles_in_view(reader, everything(reader)) == 5
    reader.close()
    add_article(corpus, 9)
    build_store(corpus, None, store, parser)
    assert first not in generations(store) and len(generations(store)) == 2


def test_store_lease_is_given_back_when_the_last_store_is_dropped(corpus, tmp_path, parser):
    store = tmp_path / "store"
    build_store(corpus, None, store, parser)
    reader = open_store(store)
    session = reader.with_overlay({}, None)  # a session's store shares the lease of the one it came from
    first = reader.generation
    del reader
    gc.collect()
    for number in range(2):
        add_article(corpus, number)
        build_store(corpus, None, store, parser)
    assert first in generations(store)
    del session
    gc.collect()
    add_article(corpus, 5)
    build_store(corpus, None, store, parser)
    assert first not in generations(store)


def test_store_lease_another_process_holds_it_too(corpus, tmp_path, parser):
    store = tmp_path / "store"
    build_store(corpus, None, store, parser)
    first = open_store(store).generation
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from geo.store.read import open_store; "
                               f"s = open_store({str(store)!r}); print('open', flush=True); sys.stdin.read()"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        for number in range(3):
            add_article(corpus, number)
            build_store(corpus, None, store, parser)
        assert first in generations(store)
    finally:
        holder.kill()  # a reader that dies gives its lease back with it
        holder.wait()
    add_article(corpus, 7)
    build_store(corpus, None, store, parser)
    assert first not in generations(store)


def test_store_lease_a_folder_being_removed_cannot_be_held(tmp_path):
    folder = tmp_path / "generation"
    folder.mkdir()
    held = lease.hold(folder)
    assert not lease.remove_unless_held(folder) and folder.exists()
    lease.release(held)
    assert lease.remove_unless_held(folder) and not folder.exists()
    with pytest.raises(lease.GenerationGone):
        lease.hold(folder)


def test_store_lease_twenty_readers_while_the_store_is_rebuilt(corpus, tmp_path, parser):
    """Each reader's figures always come from one generation whole, through five rebuilds; no errors."""
    store = tmp_path / "store"
    build_store(corpus, None, store, parser)
    held_from_the_start = open_store(store)
    done, errors, seen = threading.Event(), [], []

    def reader(keep_one: bool) -> None:
        opened = held_from_the_start
        try:
            while not done.is_set():
                if not keep_one:  # a new session: opens the store as it is now
                    opened = open_store(store)
                counts = opened.manifest["counts"]
                view = everything(opened)
                articles = read.articles_in_view(opened, view)
                mentions = int(read.place_counts(opened, view)["mention_count"].sum())
                excerpts, _ = read.place_excerpts(opened, "curated:palmyra", view, 5)
                seen.append((opened.generation, articles, mentions))
                if (articles, mentions) != (counts["articles"], counts["mentions"]) or not excerpts:
                    errors.append(f"{opened.generation}: {articles} articles and {mentions} mentions read, "
                                  f"the manifest says {counts['articles']} and {counts['mentions']}")
        except (StoreError, OSError, RuntimeError) as error:  # collected: a thread's exception would vanish
            errors.append(repr(error))

    threads = [threading.Thread(target=reader, args=(i % 4 == 0,)) for i in range(20)]
    for thread in threads:
        thread.start()
    try:
        for number in range(5):
            add_article(corpus, number)
            build_store(corpus, None, store, parser)
        # Give the new sessions a moment to open the last store (on a busy machine they may not
        # have read since the last build when it returns).
        deadline = time.monotonic() + 30
        while not any(articles == 10 for _, articles, _ in seen) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        done.set()
        for thread in threads:
            thread.join(60)
    assert errors == []
    assert {articles for _, articles, _ in seen} >= {5, 10}  # readers saw the first store and the last
    # The session that kept its store still reads it.
    assert read.articles_in_view(held_from_the_start, everything(held_from_the_start)) == 5
