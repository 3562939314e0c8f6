"""A folder without a sources file: each article's outlet as it states it, the rest one "Source not stated"."""

from __future__ import annotations

import sys

from streamlit.testing.v1 import AppTest
from test_dashboard import APP, FakeMap, page_text, rerun

from geo.app.common import EXCERPTS_SHOWN

PLAIN = "Officials met in Palmyra, Syria, on Tuesday. They spoke of Damascus.\n"


def test_dashboard_unsourced_articles_take_their_stated_outlet_or_one_not_stated_source(monkeypatch, tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for n in range(6):  # six articles stating nothing: one source, not six named by their first lines
        (folder / f"plain-{n}.txt").write_text(f"Talks number {n}\n\n{PLAIN}", encoding="utf-8")
    for n in range(2):  # an agency's dateline
        (folder / f"wire-{n}.txt").write_text(f"Talks {n}\n\nBEIRUT (AP) — Fighting went on in Aleppo, Syria.\n",
                                              encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["dashboard.py", "--articles", str(folder), "--store", str(tmp_path / "store")])
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["place"] = "curated:palmyra"
    fake = FakeMap()
    rerun(at, fake)
    assert not at.exception, at.exception
    sources = sorted(c.label for c in at.sidebar.checkbox if c.label in ("Source not stated", "Associated Press")
                     or c.label.startswith(("Talks", "Officials")))
    assert sources == ["Associated Press", "Source not stated"]
    assert any("6 articles" in h.value for h in at.sidebar.html)
    # Each article of the one source is still listed by its own title beside its excerpt.
    text = page_text(at)
    assert all(f"Talks number {n}" in text for n in range(EXCERPTS_SHOWN))
    aleppo = AppTest.from_file(APP, default_timeout=180)
    aleppo.query_params["place"] = "geonames:170063"
    rerun(aleppo, fake)
    assert "Associated Press" in page_text(aleppo) and "Aleppo" in page_text(aleppo)
    assert "Do not mention" not in page_text(aleppo)  # "Source not stated" is nobody: never silent on a place
