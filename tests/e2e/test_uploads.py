"""Uploads as readers make them (issue 31, item 11): two readers adding articles at the same moment, each
upload ending in "Added" or a reason; a session's limit on uploads said, not silently applied."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from geo.page.overlay import MAX_UPLOADS

from .conftest import VIEWPORT, WAIT
from .helpers import (
    click_shape,
    find_shape,
    heading,
    leaflet_frame,
    map_frame,
    shown_labels,
    wait_for_idle,
    wait_for_map,
    wait_until,
)

ARTICLE = b"Officials met in Palmyra, Syria, on Monday, and later in Damascus."


def open_form(page: Page, url: str):
    page.goto(url)
    wait_for_map(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Add an article (this session only)").click()
    return sidebar


def choose(sidebar, name: str, outlet: str, text: bytes = ARTICLE) -> None:
    """Choose a file and fill in its outlet, waiting until the file has reached the server."""
    sidebar.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": name, "mimeType": "text/plain", "buffer": text}])
    expect(sidebar.get_by_test_id("stFileChipName")).to_have_attribute("title", name)
    expect(sidebar.get_by_test_id("stFileChipIconSpinner")).to_have_count(0)
    wait_for_idle(sidebar.page)
    sidebar.get_by_role("textbox", name="Outlet", exact=True).fill(outlet)


def says(sidebar, expected: str | re.Pattern) -> None:
    """The upload's message (success or error) comes to be ``expected`` (the last one stays until the next submit)."""
    expect(sidebar.get_by_test_id("stAlertContentSuccess").or_(sidebar.get_by_test_id("stAlertContentError"))
           ).to_have_text(expected)


def test_e2e_two_readers_uploading_at_once_each_see_every_upload_end(browser, app):
    contexts = [browser.new_context(viewport=VIEWPORT) for _ in range(2)]
    try:
        pages = [context.new_page() for context in contexts]
        sidebars = [open_form(page, app.url) for page in pages]
        for round_number in range(1, 4):
            for reader, sidebar in enumerate(sidebars):
                choose(sidebar, f"note-{reader}-{round_number}.txt", f"Desk {reader}-{round_number}")
            for sidebar in sidebars:  # both submitted before either answer is read: the two parses overlap
                sidebar.get_by_role("button", name="Add to the map").click()
            for reader, sidebar in enumerate(sidebars):
                says(sidebar, f"Added note-{reader}-{round_number}.txt as Desk {reader}-{round_number}.")
                wait_for_idle(sidebar.page)
        for reader, sidebar in enumerate(sidebars):  # each reader has its own three, and none of the other's
            labels = sidebar.inner_text()
            assert all(f"Desk {reader}-{n}" in labels for n in range(1, 4))
            assert not any(f"Desk {1 - reader}-{n}" in labels for n in range(1, 4))
    finally:
        for context in contexts:
            context.close()


def test_e2e_a_session_s_uploads_past_its_limit_are_refused_with_the_reason(page, app):
    page.set_default_timeout(WAIT)
    sidebar = open_form(page, app.url)
    for number in range(1, MAX_UPLOADS + 2):
        choose(sidebar, f"note-{number}.txt", f"Desk {number}")
        sidebar.get_by_role("button", name="Add to the map").click()
        says(sidebar, f"Added note-{number}.txt as Desk {number}." if number <= MAX_UPLOADS
             else re.compile(f"^note-{number}.txt: not added; this session holds {MAX_UPLOADS} uploads"))
        wait_for_idle(page)


def test_e2e_an_upload_joins_the_sources_a_link_named_ticked(page, app):
    sidebar = open_form(page, app.url + "?sources=The%20Cradle")
    choose(sidebar, "note.txt", "My Desk")
    sidebar.get_by_role("button", name="Add to the map").click()
    says(sidebar, "Added note.txt as My Desk.")
    wait_for_idle(page)
    expect(sidebar.get_by_role("checkbox", name="My Desk", exact=True)).to_be_checked()  # seen at once, not hidden
    expect(sidebar.get_by_role("checkbox", name="Kurdistan24", exact=True)).not_to_be_checked()  # the link's choice kept
    assert "My+Desk" in page.url or "My%20Desk" in page.url


QAMISHLI = "Al Qāmishlī (city, SY)"  # no bundled article names it


def test_e2e_an_upload_s_own_place_joins_the_mounted_map_and_opens_its_panel(page, app):
    """The corpus's map stays mounted (pan, zoom and all); the upload's new place is drawn on it, with the upload's
    source in its tooltip and the layer control, and a click on it opens its panel."""
    sidebar = open_form(page, app.url)
    leaflet = leaflet_frame(page)
    wait_until(page, lambda: leaflet.evaluate("() => !!window.newsgeoViewApplied"), "no view was applied to the map")
    leaflet.evaluate("() => { window.map.__mountedBeforeTheUpload = true; }")
    assert QAMISHLI not in shown_labels(leaflet)
    choose(sidebar, "qamishli.txt", "Local Desk", b"Reporters visited Qamishli on Tuesday. Officials in Qamishli said "
                                                  b"the roads were open again.")
    sidebar.get_by_role("button", name="Add to the map").click()
    says(sidebar, "Added qamishli.txt as Local Desk.")
    wait_until(page, lambda: QAMISHLI in shown_labels(leaflet), "the upload's place is not on the map")
    assert leaflet.evaluate("() => window.map.__mountedBeforeTheUpload === true"), "the map was mounted anew"
    frame = map_frame(page)
    shape = find_shape(frame, QAMISHLI)
    assert "Local Desk: 2 mentions" in shape.tooltip, shape.tooltip
    expect(frame.locator(".leaflet-control-layers-overlays label").filter(has_text="Local Desk")).to_have_count(1)
    click_shape(shape)
    expect(heading(page, "Al Qāmishlī", 3)).to_be_visible()
    expect(page.get_by_text("Officials in Qamishli said")).not_to_have_count(0)
