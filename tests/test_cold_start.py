"""A fresh server, as Streamlit Community Cloud starts one after every deploy or wake: an empty cache
folder and no store. Each start runs in a child process (AppTest on the page) whose whole tree's
resident size is watched, so a cold path that grew past the budget fails here."""

from __future__ import annotations

import json
import re
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT, run_watched
from geo.gazetteer.index import DATA_DIR
from geo.page.corpus import page_paths

# A cold start's budget (issue 33: 600 MB for the server); this child also holds AppTest and pytest's absence.
COLD_MB = 700

START = textwrap.dedent("""
    import json, sys
    from unittest.mock import patch
    from streamlit.testing.v1 import AppTest

    from geo.page.payload import SERVED, STATIC_DIR

    calls = []
    def map_bytes(call):  # the component's arguments and the map file they link to (geo/page/payload.py)
        files = [STATIC_DIR / SERVED / link.rsplit("/", 1)[1] for link in call["js_links"] if f"/{SERVED}/" in link]
        return len(json.dumps(call, default=str)) + sum(path.stat().st_size for path in files)

    def fake_map(**kwargs):
        calls.append(kwargs)
        return {}

    sys.argv = ["dashboard.py", *sys.argv[1:]]
    at = AppTest.from_file("dashboard.py", default_timeout=240)
    with patch("streamlit_folium._component_func", fake_map):
        at.run()
    print(json.dumps({
        "exceptions": [str(e.value) for e in at.exception],
        "errors": [e.value for e in at.error],
        "infos": [i.value for i in at.info],
        "map_calls": len(calls),
        "map_bytes": map_bytes(calls[-1]) if calls else 0,
        "articles": next((m.value for m in at.metric if m.label == "Articles in view"), None),
    }))
""")


def cold_start(tmp_path: Path, *args: str, env: dict | None = None, script: str = START):
    """The page's first run in a child process with a fresh cache folder; what it showed and its peak memory."""
    import os

    environment = {**os.environ, "GEO_CACHE_DIR": str(tmp_path / "cache"), **(env or {})}
    done = run_watched([sys.executable, "-c", script, *args], memory_mb=COLD_MB, seconds=240, env=environment)
    assert done.returncode == 0, done.stderr[-3000:]
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    return shown, done


def test_cold_start_reaches_the_map_within_its_memory(tmp_path):
    store = tmp_path / "store"
    shown, done = cold_start(tmp_path, "--articles", str(DATA_DIR / "articles"), "--sources",
                             str(DATA_DIR / "sources.toml"), "--store", str(store))
    assert shown["exceptions"] == [] and shown["errors"] == []
    assert shown["map_calls"] >= 1 and shown["map_bytes"] > 10_000  # the map's data (its file too), not an empty frame
    assert shown["articles"] == "5" and (store / "manifest.json").exists()
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").glob("index-*"))  # nothing compiled
    assert done.peak_mb < COLD_MB


def test_cold_start_with_an_unwritable_cache_folder_still_serves_the_map(tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    shown, done = cold_start(tmp_path, "--articles", str(DATA_DIR / "articles"), "--sources",
                             str(DATA_DIR / "sources.toml"), "--store", str(tmp_path / "store"),
                             env={"GEO_CACHE_DIR": str(blocked / "cache")})
    assert shown["exceptions"] == [] and shown["errors"] == [] and shown["map_calls"] >= 1
    assert "cannot be written" in done.stderr  # the log says where it went instead


def test_cold_start_with_data_unwritable_builds_the_store_in_the_cache_and_says_so(tmp_path, monkeypatch):
    import geo.page.corpus as corpus

    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(corpus, "can_write", lambda folder: not str(folder).startswith(str(DATA_DIR)))
    paths = page_paths([])
    assert paths.store.is_relative_to(tmp_path / "cache") and paths.articles == DATA_DIR / "articles"
    assert "cannot be written" in paths.note and str(paths.store) in paths.note


def test_cold_start_an_unwritable_data_folder_serves_the_map_from_the_cache(tmp_path):
    """The page itself, with ``data/`` seen as unwritable (root writes anywhere: the check is patched in the child)."""
    script = START.replace("at = AppTest", "import geo.page.corpus as corpus\n"
                                          f"corpus.can_write = lambda folder: not str(folder).startswith({str(DATA_DIR)!r})\n"
                                          "at = AppTest")
    shown, _ = cold_start(tmp_path, script=script)
    assert shown["exceptions"] == [] and shown["errors"] == [] and shown["map_calls"] >= 1
    assert any("cannot be written" in info for info in shown["infos"])
    assert (tmp_path / "cache" / "stores" / "bundled" / "manifest.json").exists()


def test_cold_start_a_failed_index_build_says_why_and_the_next_visit_retries(tmp_path, monkeypatch):
    import geo.gazetteer.index as index

    calls = []

    def failing(data_dir, index_dir, fingerprint):
        calls.append(index_dir)
        raise index.GazetteerError("building the place index failed (no space left on device)")

    monkeypatch.setattr(index, "_compile_in_child", failing)
    monkeypatch.setattr(index, "_index_ok", lambda folder, fingerprint: False)
    with pytest.raises(index.GazetteerError):
        index.load_gazetteer(cache_dir=tmp_path)
    with pytest.raises(index.GazetteerError):
        index.load_gazetteer(cache_dir=tmp_path)
    assert len(calls) == 2  # nothing remembered the failure: each visit tries again


def test_cold_start_the_page_says_why_the_index_could_not_be_built(monkeypatch, tmp_path):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    import geo.gazetteer.index as index

    st.cache_resource.clear()  # this process's earlier tests loaded the parser: this start must load it again

    def failing(data_dir, index_dir, fingerprint):
        raise index.GazetteerError("building the place index failed (no space left on device)")

    monkeypatch.setattr(index, "_compile_in_child", failing)
    monkeypatch.setattr(index, "_index_ok", lambda folder, fingerprint: False)
    monkeypatch.setattr(sys, "argv", ["dashboard.py", "--articles", str(DATA_DIR / "articles"), "--store",
                                      str(tmp_path / "store")])
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    assert not at.exception
    shown = [re.sub(r"\\(.)", r"\1", e.value) for e in at.error]  # as the reader reads it, Markdown's escapes gone
    assert shown == ["Cannot prepare the map: building the place index failed (no space left on device). Reload the page "
                     "to try again."]
