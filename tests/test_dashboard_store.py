"""The dashboard on a store: one built elsewhere, one it builds itself, one that is missing or broken."""

from __future__ import annotations

import os
import re
import shutil
import sys
import textwrap

from streamlit.testing.v1 import AppTest
from test_dashboard import APP, FakeMap, marked, rerun

from geo.gazetteer.index import DATA_DIR
from geo.page.views import Upload
from geo.store.build import build_store
from geo.store.read import open_store

UPLOAD = Upload("upload-1", "note.txt", b"Talks were held in Baku.", "My desk", "", "")


def start(monkeypatch, *args: str, fake: FakeMap | None = None) -> AppTest:
    monkeypatch.setattr(sys, "argv", ["dashboard.py", *args])
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    assert not at.exception, at.exception
    return at


def metric(at: AppTest, label: str) -> int:
    return int(next(m.value for m in at.metric if m.label == label))


def test_dashboard_store_opens_a_store_built_elsewhere(tmp_path, parser, monkeypatch):
    store = tmp_path / "store"
    report = build_store(DATA_DIR / "articles", DATA_DIR / "sources.toml", store, parser)
    fake = FakeMap()
    at = start(monkeypatch, "--store", str(store))
    assert metric(at, "Mentions in view") == report.mentions and metric(at, "Articles in view") == 5
    fake.click("Palmyra (city, SY)")
    rerun(at, fake)
    assert "Palmyra" in marked(at)


def test_dashboard_store_a_missing_store_is_a_clear_message(tmp_path, monkeypatch):
    at = start(monkeypatch, "--store", str(tmp_path / "nowhere"))
    shown = [re.sub(r"\\(.)", r"\1", e.value) for e in at.error]  # as a reader sees the escaped Markdown
    assert any("no store here yet" in e and "python -m geo build --store" in e for e in shown)
    assert not at.metric


def test_dashboard_store_builds_its_store_once_then_reads_it(tmp_path, monkeypatch):
    articles = tmp_path / "articles"
    shutil.copytree(DATA_DIR / "articles", articles)
    store = tmp_path / "store"
    at = start(monkeypatch, "--articles", str(articles), "--sources", str(DATA_DIR / "sources.toml"), "--store", str(store))
    generation = open_store(store).generation
    assert metric(at, "Articles in view") == 5
    at.run()
    assert open_store(store).generation == generation  # the second run read it, built nothing


def test_dashboard_store_a_corrupt_store_is_named_and_rebuilt(tmp_path, parser, monkeypatch):
    store = tmp_path / "store"
    build_store(DATA_DIR / "articles", DATA_DIR / "sources.toml", store, parser)
    broken = open_store(store).table_path("sentences")
    broken.write_bytes(b"not parquet")
    at = start(monkeypatch, "--articles", str(DATA_DIR / "articles"), "--store", str(store))
    assert any("rebuilt" in i and "sentences" in i for i in (re.sub(r"\\(.)", r"\1", i.value) for i in at.info))
    assert metric(at, "Articles in view") == 5 and open_store(store).table_path("sentences") != broken


def test_dashboard_store_a_rebuild_meanwhile_is_read_on_the_next_run(tmp_path, parser, monkeypatch):
    articles = tmp_path / "articles"
    shutil.copytree(DATA_DIR / "articles", articles)
    store = tmp_path / "store"
    build_store(articles, None, store, parser)
    at = start(monkeypatch, "--store", str(store))
    assert metric(at, "Articles in view") == 5
    (articles / "900_new.txt").write_text("Talks were held in Baku, Azerbaijan.", encoding="utf-8")
    build_store(articles, None, store, parser)
    at.run()
    assert not at.exception and metric(at, "Articles in view") == 6


def shown(messages) -> list[str]:
    return [re.sub(r"\\(.)", r"\1", m.value) for m in messages]  # as a reader sees the escaped Markdown


def test_dashboard_store_deleted_while_serving_is_a_clear_message(tmp_path, parser, monkeypatch):
    store = tmp_path / "store"
    build_store(DATA_DIR / "articles", DATA_DIR / "sources.toml", store, parser)
    at = start(monkeypatch, "--store", str(store))
    at.session_state["uploads"] = [UPLOAD]
    shutil.rmtree(store)
    at.run()
    assert not at.exception, at.exception
    assert any("no store here yet" in e and "python -m geo build --store" in e for e in shown(at.error))
    assert at.session_state["uploads"] == [UPLOAD]  # what the reader added is still there


def test_dashboard_store_a_table_truncated_while_serving_is_named(tmp_path, parser, monkeypatch):
    store = tmp_path / "store"
    build_store(DATA_DIR / "articles", DATA_DIR / "sources.toml", store, parser)
    at = start(monkeypatch, "--store", str(store))
    summed = open_store(store).table_path("place_articles")  # what a new view's counts read
    summed.write_bytes(summed.read_bytes()[:100])
    at.sidebar.toggle[0].set_value(False).run()  # a view not cached yet: the page must read the table
    assert not at.exception, at.exception
    assert any("place_articles.parquet" in e for e in shown(at.error)), shown(at.error)


def test_dashboard_store_a_table_truncated_while_serving_is_rebuilt_from_the_articles(tmp_path, parser, monkeypatch):
    articles = tmp_path / "articles"
    shutil.copytree(DATA_DIR / "articles", articles)
    store = tmp_path / "store"
    build_store(articles, DATA_DIR / "sources.toml", store, parser)
    at = start(monkeypatch, "--articles", str(articles), "--sources", str(DATA_DIR / "sources.toml"), "--store", str(store))
    mentions = open_store(store).table_path("mentions")
    mentions.write_bytes(mentions.read_bytes()[:100])
    fake = FakeMap()
    fake.click("Palmyra (city, SY)")  # the panel reads the mentions
    rerun(at, fake)
    assert not at.error and metric(at, "Articles in view") == 5 and "Palmyra" in marked(at)
    assert any("rebuilt" in i for i in shown(at.info))


def test_dashboard_store_a_full_disk_while_updating_shows_the_store_as_last_built(tmp_path, parser, monkeypatch):
    articles = tmp_path / "articles"
    shutil.copytree(DATA_DIR / "articles", articles)
    store = tmp_path / "store"
    build_store(articles, DATA_DIR / "sources.toml", store, parser)
    before = open_store(store).generation
    (articles / "900_new.txt").write_text("Fighting was reported in Aleppo.", encoding="utf-8")
    # The page builds in a child process (python -m geo build): the full disk is put there by a
    # sitecustomize module on its path, which counts each write it refuses in a file.
    calls = tmp_path / "writes-refused"
    (tmp_path / "fault").mkdir()
    (tmp_path / "fault" / "sitecustomize.py").write_text(textwrap.dedent(f"""
        import errno
        import pyarrow.parquet as pq

        def full(self, table, *args, **kwargs):
            with open({str(calls)!r}, "a") as handle:
                handle.write("x")
            raise OSError(errno.ENOSPC, "No space left on device")

        pq.ParquetWriter.write_table = full
    """), encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path / "fault"), os.environ.get("PYTHONPATH", "")]))
    at = start(monkeypatch, "--articles", str(articles), "--sources", str(DATA_DIR / "sources.toml"), "--store", str(store))
    assert any("No space left on device" in w and "last built" in w for w in shown(at.warning)), shown(at.warning)
    assert metric(at, "Articles in view") == 5 and open_store(store).generation == before
    tried = calls.read_text()
    at.run()
    assert calls.read_text() == tried and metric(at, "Articles in view") == 5  # not retried on every run of the session
