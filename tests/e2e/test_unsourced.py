"""A folder of articles without a sources file, as a reader sees it (issue 23, items 5, 12 and 15): each article
under the outlet it states, the rest under one "Source not stated"; a "does not mention" answer with its evidence;
an upload left untitled titled by its own first line."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .appserver import AppServer
from .helpers import FIRST_LOAD, heading, wait_for_idle, wait_for_map

PLAIN = "Officials met in Palmyra, Syria, on Tuesday, and later in Damascus.\n"
WIRE = "BEIRUT (AP) — Officials met in Damascus on Tuesday, far from Aleppo.\n"
PAGE = ("<html><head><title>Talks in Damascus</title><meta property='og:site_name' content='Example Daily'></head>"
        "<body><article><p>Officials met in Damascus, Syria, on Tuesday to talk about the war.</p>"
        "<p>They met again in Damascus on Wednesday.</p></article></body></html>")


@pytest.fixture(scope="module")
def unsourced(tmp_path_factory):
    folder = tmp_path_factory.mktemp("unsourced")
    articles = folder / "articles"
    articles.mkdir()
    for n in range(12):  # twelve articles stating no outlet: one source, not twelve named by their first lines
        (articles / f"plain-{n:02d}.txt").write_text(f"Meeting number {n}\n\n{PLAIN}", encoding="utf-8")
    for n in range(2):
        (articles / f"wire-{n}.txt").write_text(f"Wire story {n}\n\n{WIRE}", encoding="utf-8")
    (articles / "page.html").write_text(PAGE, encoding="utf-8")
    with AppServer(script_args=("--articles", str(articles), "--store", str(folder / "store")), timeout=240) as server:
        yield server


def test_e2e_unsourced_articles_are_filed_under_their_stated_outlet_and_silence_shows_its_evidence(page, unsourced):
    page.goto(unsourced.url + "?place=curated:palmyra")
    expect(heading(page, "Palmyra", 3)).to_be_visible(timeout=FIRST_LOAD)
    wait_for_map(page)
    sidebar = page.get_by_test_id("stSidebar")
    labels = sorted(sidebar.get_by_role("checkbox").evaluate_all("boxes => boxes.map(b => b.getAttribute('aria-label'))"))
    outlets = [label for label in labels if label in ("Associated Press", "Example Daily", "Source not stated")
               or label.startswith(("Meeting", "Wire", "Talks", "Officials"))]
    assert outlets == ["Associated Press", "Example Daily", "Source not stated"], labels
    expect(sidebar).to_contain_text("12 articles")
    main = page.get_by_test_id("stMain")
    silent = main.get_by_text("Do not mention Palmyra:")
    expect(silent).to_contain_text("Associated Press (2 articles in view)")
    expect(silent).not_to_contain_text("Source not stated")
    evidence = main.get_by_text("Looked for by every name the gazetteer gives it")
    expect(evidence).to_contain_text("Arabic: تدمر")
    expect(evidence).to_contain_text("Tadmur")
    evidence.scroll_into_view_if_needed()
    wait_for_idle(page)
    page.screenshot(path=_shot("evidence"))


def test_e2e_an_untitled_upload_is_titled_by_its_first_line(page, unsourced):
    page.goto(unsourced.url)
    wait_for_map(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Add an article (this session only)").click()
    sidebar.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(files=[{
        "name": "note.txt", "mimeType": "text/plain",
        "buffer": b"Shelling near Aleppo\n\nShelling was reported near Aleppo, Syria."}])
    expect(sidebar.get_by_test_id("stFileChipIconSpinner")).to_have_count(0)
    wait_for_idle(page)
    sidebar.get_by_role("button", name="Add to the map").click()
    expect(sidebar.get_by_test_id("stAlertContentSuccess")).to_have_text("Added note.txt as Upload: note.txt.")
    expect(sidebar).to_contain_text("Shelling near Aleppo")  # its own first line, not "note.txt"


def _shot(name: str):
    from .conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS / f"test_e2e_unsourced-{name}.png"
