"""The dashboard on a store: one built elsewhere, one it builds itself, one that is missing or broken."""

from __future__ import annotations

import re
import shutil
import sys

from streamlit.testing.v1 import AppTest
from test_dashboard import APP, FakeMap, marked, rerun

from geo.gazetteer.index import DATA_DIR
from geo.store.build import build_store
from geo.store.read import open_store


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
