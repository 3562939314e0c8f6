"""Broken input, end to end: each file a reader might bring is loaded or refused by name, and never crashes.

Complements test_corpus.py (the loader's own rules) with the whole path: load → geoparse →
frames → dashboard, where a bad file must leave the rest of the corpus working.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.frames import geoparse
from geo.text.corpus import load_articles, load_corpus

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
GOOD = "Officials met in Damascus on Monday. Later they flew to Palmyra."
SOURCES_WITH_EVERYTHING_WRONG = '''
[[article]]
id = "good"
outlet = "Good Desk"
published = "10 April 2025"
colour = "blue"

[[article]]
outlet = "No id"

[[article]]
id = "ghost"
outlet = "Nobody"
'''


def mentions_hold(articles, parser) -> bool:
    """Every mention is the exact slice of its article's text."""
    places, mentions = geoparse(articles, parser)
    texts = {a.id: a.text for a in articles}
    return all(texts[m.article_id][m.start:m.end] == m.surface for m in mentions.itertuples())


@pytest.mark.parametrize(("name", "data"), [
    ("crlf.txt", GOOD.replace(". ", ".\r\n").encode()),
    ("lone-cr.txt", GOOD.replace(". ", ".\r\r").encode()),
    ("bom.txt", GOOD.encode("utf-8-sig")),
    ("utf16.txt", GOOD.encode("utf-16")),
    ("cp1252.txt", (GOOD + " Café “talks”.").encode("cp1252")),
])
def test_broken_input_odd_encodings_and_line_ends_keep_exact_offsets(tmp_path, parser, name, data):
    (tmp_path / name).write_bytes(data)
    articles, _ = load_articles(tmp_path)
    places, mentions = geoparse(articles, parser)
    assert {"curated:damascus", "curated:palmyra"} <= set(mentions["place_id"])
    assert mentions_hold(articles, parser)


def test_broken_input_a_bom_is_not_part_of_the_text(tmp_path):
    (tmp_path / "bom.txt").write_bytes(GOOD.encode("utf-8-sig"))
    articles, problems = load_articles(tmp_path)
    assert articles[0].text.startswith("Officials") and not problems


def test_broken_input_a_5_mb_article_loads_and_parses(tmp_path, parser):
    paragraph = "Talks went on in Damascus while aid reached Palmyra. Nothing else happened that day.\n"
    (tmp_path / "huge.txt").write_text(paragraph * (5 * 2**20 // len(paragraph)), encoding="utf-8")
    articles, problems = load_articles(tmp_path)
    assert not problems and len(articles[0].text) >= 5 * 10**6
    assert mentions_hold(articles, parser)


def test_broken_input_an_article_without_places_gives_empty_frames(tmp_path, parser):
    (tmp_path / "none.txt").write_text("The committee met and adjourned without a decision.", encoding="utf-8")
    places, mentions = geoparse(load_articles(tmp_path)[0], parser)
    assert places.empty and mentions.empty and "place_id" in mentions.columns


def test_broken_input_an_article_of_page_furniture_only_has_no_mentions(tmp_path, parser):
    furniture = "Read more:\nSyria news live updates\nAdvertisement\nLeave the first comment\nShare on Facebook\n"
    (tmp_path / "chrome.txt").write_text(furniture, encoding="utf-8")
    articles, problems = load_articles(tmp_path)
    _, mentions = geoparse(articles, parser)
    assert not problems and mentions_hold(articles, parser)


def test_broken_input_a_missing_articles_folder_is_a_problem_not_an_error(tmp_path):
    articles, problems = load_corpus(tmp_path / "nowhere")
    assert not articles and "cannot read the articles folder" in problems[0].reason


def test_broken_input_a_missing_sources_file_is_reported(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    articles, problems = load_corpus(tmp_path, tmp_path / "sources.toml")
    assert articles[0].source.attribution == "unknown" and "no such sources file" in problems[0].reason


def test_broken_input_every_bad_file_is_named_and_the_good_one_loads(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, data in {"good.txt": GOOD.encode(), "empty.txt": b"", "image.txt": PNG,
                       "page.html": b"<html><head><script>x()</script></head><body></body></html>",
                       "good.md": b"Duplicate id."}.items():
        (folder / name).write_bytes(data)
    (tmp_path / "sources.toml").write_text(SOURCES_WITH_EVERYTHING_WRONG, encoding="utf-8")
    articles, problems = load_corpus(folder, tmp_path / "sources.toml")
    assert [a.id for a in articles] == ["good"] and articles[0].source.outlet == "Good Desk"
    named = "\n".join(f"{Path(p.path).name}: {p.reason}" for p in problems)
    for expected in ("empty.txt: empty", "image.txt: binary", "page.html: HTML without", "duplicate article id",
                     "sources.toml: entry 'good'", "sources.toml: entry 2 has no id", "'ghost' names no article"):
        assert expected in named, named


def test_broken_input_the_dashboard_names_bad_files_and_shows_the_rest(tmp_path, monkeypatch):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "image.txt").write_bytes(PNG)
    monkeypatch.setattr(sys, "argv", ["dashboard.py", "--articles", str(tmp_path)])
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert not at.exception
    assert any("image" in w.value and "binary" in w.value for w in at.warning)
    assert next(int(m.value) for m in at.metric if m.label == "Places in view") >= 2


def test_broken_input_the_dashboard_with_no_readable_article_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["dashboard.py", "--articles", str(tmp_path / "nowhere")])
    at = AppTest.from_file(APP, default_timeout=180).run()
    shown = [re.sub(r"\\(.)", r"\1", e.value) for e in at.error]  # as a reader sees the escaped Markdown
    assert not at.exception and any("nowhere" in e and "cannot read the articles folder" in e for e in shown)
