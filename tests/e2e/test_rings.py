"""Rings past eight sources (issue 23, item 15): a corpus of ten outlets, as a reader sees it. The ninth and tenth
ring in the palette's colours again, dashed (the second cue); with more than eight sources in view no ring is drawn
(they would nest past reading), and with eight or fewer each source in view rings its places, in the layer control
too. The map's file holds no ring: static/view.js draws them from the view. The reader is the server's first, whose
visit builds the store: the map stays mounted through the view's changes all the same."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from .appserver import AppServer
from .helpers import leaflet_frame, map_frame, source_checkbox, wait_for_map, wait_until

OUTLETS = [f"Outlet {n:02d}" for n in range(10)]
TEXT = "Officials met in Palmyra, Syria, on Tuesday, and later in Damascus.\n"
SCREENSHOTS = Path(__file__).parent / "screenshots"
RINGS = ("() => Array.from(document.querySelectorAll('.leaflet-rings-pane path'))"
         ".map(p => p.getAttribute('stroke-dasharray') || '')")


def rings(page) -> list[str]:
    """Each ring on the map now, by its dash pattern ("" solid), read in the map's frame (found anew each time)."""
    return leaflet_frame(page).evaluate(RINGS)


@pytest.fixture(scope="module")
def ten_outlets(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ten-outlets")
    articles = folder / "articles"
    articles.mkdir()
    rows = []
    for n, outlet in enumerate(OUTLETS):
        (articles / f"a{n:02d}.txt").write_text(f"Talks, report {n}\n\n{TEXT}", encoding="utf-8")
        rows.append(f'[[article]]\nid = "a{n:02d}"\noutlet = "{outlet}"\ntitle = "Talks, report {n}"\n')
    (folder / "sources.toml").write_text("\n".join(rows), encoding="utf-8")
    with AppServer(script_args=("--articles", str(articles), "--sources", str(folder / "sources.toml"),
                                "--store", str(folder / "store")), timeout=240) as server:
        yield server


def test_e2e_rings_past_eight_sources_are_dashed_and_drawn_while_eight_or_fewer_are_in_view(page, ten_outlets):
    page.goto(ten_outlets.url)
    wait_for_map(page)
    wait_until(page, lambda: leaflet_frame(page).evaluate("() => !!window.newsgeoViewApplied"),
               "no view was applied to the map")
    # This reader's first visit built the store: a view change after it keeps the same mounted map all the same.
    leaflet_frame(page).evaluate("() => { window.map.__mountedBeforeTheChange = true; }")
    overlays = map_frame(page).locator(".leaflet-control-layers-overlays label")
    assert rings(page) == []  # ten sources in view: no ring, no source's line in the layer control
    expect(overlays.filter(has_text="Outlet")).to_have_count(0)

    for outlet in OUTLETS[:2]:
        page.get_by_test_id("stSidebar").get_by_text(outlet, exact=True).click()
        expect(source_checkbox(page, outlet)).not_to_be_checked()
    # Eight in view: each rings Palmyra and Damascus; the ninth and tenth dashed, in the first two colours again.
    wait_until(page, lambda: len(rings(page)) == 16, "eight sources in view, but not their rings")
    dashes = rings(page)
    assert dashes.count("5 3") == 4 and dashes.count("") == 12, dashes
    expect(overlays.filter(has_text="Outlet")).to_have_count(8)
    assert leaflet_frame(page).evaluate("() => window.map.__mountedBeforeTheChange === true"), "the map was mounted anew"
    swatch = overlays.filter(has_text="Outlet 08").locator('span[style*="border:"]')
    assert "dashed" in (swatch.get_attribute("style") or ""), swatch.get_attribute("style")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "test_e2e_rings-eight-in-view.png")

    page.get_by_test_id("stSidebar").get_by_text(OUTLETS[0], exact=True).click()  # nine again: the rings go
    wait_until(page, lambda: rings(page) == [], "nine sources in view, and rings still drawn")
    expect(overlays.filter(has_text="Outlet")).to_have_count(0)
