"""The dashboard in a real browser: the map draws offline, clicks and links open the right panel.

Run alone with ``python -m pytest tests/e2e``; needs Chromium at /usr/bin/chromium (or $CHROMIUM).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from geo.page.payload import SERVED

from .appserver import AppServer
from .helpers import (
    FIRST_LOAD,
    MAP_IFRAME,
    click_shape,
    find_shape,
    heading,
    is_local,
    leaflet_frame,
    map_shapes,
    metric_value,
    shown_labels,
    source_checkbox,
    wait_for_idle,
    wait_for_map,
    wait_until,
)

OUTLETS = ["Al Mayadeen English", "Associated Press (republished)", "Kurdistan24", "Reuters (republished)", "The Cradle"]
BUFFER_ZONE = "Israeli-held buffer zone in southern Syria (zone, SY)"
TILES = "tile.openstreetmap.org"  # the optional online layer; off by default, its requests may fail offline


def panel_outlets(page):
    """The outlet headings of the place panel's excerpts, in order."""
    return page.get_by_test_id("stMain").get_by_role("heading", level=5)


def test_e2e_map_draws_markers_and_buffer_zone_without_failed_requests(page, app, traffic):
    page.goto(app.url)
    frame = wait_for_map(page)
    shapes = map_shapes(frame)
    traffic.settle(page)

    circles = [s.label for s in shapes if s.is_circle]
    assert len(circles) >= 5 and {"Palmyra (city, SY)", "Damascus (city, SY)"} <= set(circles), circles
    zone = next((s for s in shapes if s.label == BUFFER_ZONE), None)
    assert zone is not None, f"no shape with the buffer zone's tooltip; tooltips: {[s.label for s in shapes]}"
    assert not zone.is_circle and len(re.findall(r"[ML]", zone.d)) >= 3, f"not a polygon: {zone.d!r}"
    assert zone.fill_opacity > 0
    box = zone.locator.bounding_box()
    assert box and box["width"] > 2 and box["height"] > 2, box
    failures = [f for f in traffic.failures if TILES not in f]
    assert not failures, f"requests failed: {failures}"
    assert not traffic.errors, f"uncaught errors in the page: {traffic.errors}"


def test_e2e_clicking_palmyra_opens_its_panel_with_both_sources(page, app):
    page.goto(app.url)
    frame = wait_for_map(page)
    click_shape(find_shape(frame, "Palmyra (city, SY)"))

    expect(heading(page, "Palmyra", 3)).to_be_visible()
    expect(panel_outlets(page)).to_have_text(["Reuters (republished)", "The Cradle"])
    main = page.get_by_test_id("stMain")
    for title in ("Turkish, Israeli delegations meet in Azerbaijan", "Turkish and Israeli officials held first technical"):
        expect(main.get_by_text(title).first).to_be_visible()  # each excerpt's caption names its article


def test_e2e_a_click_on_a_map_partly_below_the_fold_is_not_lost(page, app):
    # Leaflet focuses the map on mousedown; in an iframe partly off-screen that scrolls the page,
    # and the mouseup then lands elsewhere: the marker never gets its click.
    page.set_viewport_size({"width": 1400, "height": 700})
    page.goto(app.url)
    frame = wait_for_map(page)
    box = page.locator(MAP_IFRAME).bounding_box()
    assert box["y"] + box["height"] > 700 > box["y"] + 100, box  # the map's top shows, its bottom does not
    shape = find_shape(frame, "Palmyra (city, SY)")
    before = page.evaluate("window.scrollY")
    click_shape(shape)

    expect(heading(page, "Palmyra", 3)).to_be_visible()
    assert page.evaluate("window.scrollY") == before


def test_e2e_switching_a_source_off_removes_its_excerpts(page, app):
    page.goto(app.url + "?place=curated:palmyra")
    expect(panel_outlets(page)).to_have_text(["Reuters (republished)", "The Cradle"], timeout=FIRST_LOAD)

    wait_for_map(page)  # and settled: the map's mount-time report reruns the map fragment
    reuters = source_checkbox(page, "Reuters (republished)")
    page.get_by_test_id("stSidebar").get_by_text("Reuters (republished)", exact=True).click()  # its label, as a reader does
    expect(reuters).not_to_be_checked()

    expect(panel_outlets(page)).to_have_text(["The Cradle"])
    expect(heading(page, "Palmyra", 3)).to_be_visible()
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("Turkish, Israeli delegations meet in Azerbaijan").first).to_be_visible()
    expect(main.get_by_text("Turkish and Israeli officials held first technical")).to_have_count(0)
    frame = wait_for_map(page)  # the map redraws for the sources in view: Palmyra's tooltip drops Reuters
    wait_until(page, lambda: any(s.label == "Palmyra (city, SY)" and "Reuters" not in s.tooltip for s in map_shapes(frame)),
               "Palmyra's tooltip on the map still counts Reuters (republished)")


def test_e2e_deep_link_opens_place_with_chosen_sources(page, app):
    page.goto(app.url + "?place=curated:t4-air-base&sources=The%20Cradle")

    expect(heading(page, "T4 (Tiyas) air base", 3)).to_be_visible(timeout=FIRST_LOAD)
    expect(panel_outlets(page)).to_have_text(["The Cradle"])
    expect(metric_value(page, "Sources in view")).to_have_text("1")
    for outlet in OUTLETS:
        expect(source_checkbox(page, outlet)).to_be_checked(checked=outlet == "The Cradle")
    wait_for_map(page)  # the map draws a moment after the panel: wait for it, for the screenshot


def test_e2e_find_a_place_follows_every_pick(page, app):
    """Four places picked in a row, clicked or typed and entered: the panel follows each (it skipped every second)."""
    page.goto(app.url)
    box = page.get_by_role("combobox", name="Find a place")
    box.wait_for(timeout=FIRST_LOAD)
    wait_for_map(page)
    picks = [("T4", "T4 (Tiyas) air base (air base, SY)", "T4 (Tiyas) air base", "t4-air-base"),
             ("buffer", "Israeli-held buffer zone in southern Syria (zone, SY)",
              "Israeli-held buffer zone in southern Syria", "southern-syria-buffer-zone"),
             ("Damascus", "Damascus (city, SY)", "Damascus", "damascus"),
             ("Palmyra", "Palmyra (city, SY)", "Palmyra", "palmyra")]
    for number, (typed, option, name, place_id) in enumerate(picks):
        box.click()
        page.keyboard.press("Control+A")
        page.keyboard.press("Backspace")
        page.keyboard.type(typed)
        expect(page.get_by_role("option", name=option, exact=True)).to_be_visible()
        if number % 2:  # typed and entered
            page.keyboard.press("Enter")
        else:
            page.get_by_role("option", name=option, exact=True).click()
        expect(heading(page, name, 3)).to_be_visible()
        expect(page).to_have_url(re.compile(rf"place=curated(:|%3A){place_id}(&|$)"))
        wait_for_idle(page)


def test_e2e_phone_the_map_is_on_the_first_screen_and_the_counters_in_one_row(page, app):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(app.url)
    wait_for_map(page)
    wait_for_idle(page)
    top = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()["y"]
    assert top < 844 * 0.5, f"the map starts at {top:.0f} px of an 844 px screen"  # the title took the screen
    metrics = page.get_by_test_id("stMetric")
    expect(metrics).to_have_count(4)
    rows = {round(metrics.nth(i).bounding_box()["y"]) for i in range(4)}
    assert len(rows) == 1, f"the counters stack in {len(rows)} rows"


def test_e2e_find_a_place_by_keyboard_without_the_map(page, app, traffic):
    # No map's file (Leaflet and the map are in it, geo.page.payload) and no Leaflet stylesheet: no map.
    page.route(re.compile(r"/app/static/(generated|vendor/leaflet)/"), lambda route: route.abort())
    page.goto(app.url)
    box = page.get_by_role("combobox", name="Find a place")
    box.wait_for(timeout=FIRST_LOAD)
    wait_for_idle(page)

    box.focus()
    page.keyboard.type("Damascus")
    expect(page.get_by_role("option", name="Damascus (city, SY)", exact=True)).to_be_visible()
    page.keyboard.press("Enter")

    expect(heading(page, "Damascus", 3)).to_be_visible()
    expect(panel_outlets(page)).to_have_text(["Al Mayadeen English", "Reuters (republished)", "The Cradle"])
    wait_until(page, lambda: any(f"/app/static/{SERVED}/map-" in failure for failure in traffic.failures),
               f"the map iframe never asked for its file: {traffic.summary()}")
    expect(page.frame_locator(MAP_IFRAME).locator(".leaflet-container")).to_have_count(0)


@pytest.fixture(scope="module")
def prefixed_app():
    with AppServer(base_path="news") as server:
        yield server


def test_e2e_map_draws_under_a_url_prefix(page, prefixed_app, traffic):
    page.goto(prefixed_app.url)
    frame = wait_for_map(page)
    traffic.settle(page)

    assert frame.locator("path.leaflet-interactive").count() >= 5
    served = [url for url in traffic.responses if url.startswith(prefixed_app.url + f"app/static/{SERVED}/map-")]
    assert served and all(traffic.responses[url] == 200 for url in served), \
        f"the map's file (Leaflet and the map) not loaded under the prefix; requests: {traffic.requests}"
    failures = [f for f in traffic.failures if TILES not in f]
    assert not failures, f"requests failed: {failures}\nServer log:\n{prefixed_app.output()[-3000:]}"


def test_e2e_every_request_stays_on_the_local_server(page, app, traffic):
    page.goto(app.url + "?place=curated:palmyra")
    wait_for_map(page)
    expect(heading(page, "Palmyra", 3)).to_be_visible()
    traffic.settle(page)

    assert any(f"/app/static/{SERVED}/map-" in url for url in traffic.requests), \
        "the map iframe's requests were not recorded"
    assert traffic.websockets, "the Streamlit websocket was not recorded"
    outside = [url for url in traffic.requests + traffic.websockets if not is_local(url)]
    assert not outside, f"requests left 127.0.0.1: {outside}"


def visible_labels(frame) -> set[str]:
    """The basemap's names and the marked places' own (a town with a marker leaves its name to the marker's)."""
    return set(frame.locator(".newsgeo-label span, .newsgeo-place-name span").all_text_contents())


@pytest.mark.parametrize(("zoom", "centre", "names"), [
    # The marked places' markers and names come first (static/labels.js): at zoom 3 "Syria" and at zoom 6 "Homs"
    # lie under the Syrian places' names and are left out, as a smaller town is for a larger one.
    (3, [33, 40], {"Iran", "Egypt", "Saudi Arabia"}),
    (6, [34.5, 37.5], {"Aleppo", "Syria", "Palmyra"}),
    (8, [33.5, 36.3], {"Damascus", "Tripoli"}),
])
def test_e2e_the_offline_map_names_places_at_every_zoom(page, app, traffic, zoom, centre, names):
    page.goto(app.url)
    wait_for_map(page)
    frame = leaflet_frame(page)
    frame.evaluate(f"window.map.setView({centre}, {zoom})")
    wait_until(page, lambda: names <= visible_labels(frame), f"names at zoom {zoom}: {sorted(visible_labels(frame))}")
    if zoom >= 6:  # rivers and first-level boundaries are drawn from there
        wait_until(page, lambda: frame.locator(".leaflet-water-pane path").count() > 10, "no rivers or boundaries drawn")
    assert all(is_local(url) for url in traffic.requests), traffic.summary()


def test_e2e_online_tiles_that_fail_say_so(page, app):
    page.route(re.compile(TILES), lambda route: route.abort())  # no network
    page.goto(app.url)
    frame = wait_for_map(page)
    frame.locator(".leaflet-control-layers").hover()
    frame.locator(".leaflet-control-layers-base").get_by_text("OpenStreetMap (online)").click()
    expect(frame.locator(".newsgeo-tile-note")).to_contain_text("cannot be loaded")
    frame.locator(".leaflet-control-layers").hover()
    frame.locator(".leaflet-control-layers-base").get_by_text("Offline map").click()
    expect(frame.locator(".newsgeo-tile-note")).to_have_count(0)


def test_e2e_the_selection_is_drawn_on_the_map_and_found_places_come_into_view(page, app):
    page.goto(app.url)
    frame = wait_for_map(page)
    click_shape(find_shape(frame, "Palmyra (city, SY)"))
    expect(heading(page, "Palmyra", 3)).to_be_visible()
    outline = frame.locator('.leaflet-rings-pane path[stroke="#000000"]')
    wait_until(page, lambda: outline.count() == 1, "the selected place is not outlined on the map")
    leaflet = leaflet_frame(page)
    leaflet.evaluate("window.map.setView([20, 0], 5)")  # the reader looks elsewhere, then finds a place
    box = page.get_by_role("combobox", name="Find a place")
    box.click()
    page.keyboard.type("Erbil")
    page.get_by_role("option", name="Erbil (city, IQ)").click()
    expect(heading(page, "Erbil", 3)).to_be_visible()
    wait_until(page, lambda: leaflet.evaluate("window.map.getBounds().contains([36.19, 44.01])"),
               "the place found is not brought into view")


def test_e2e_a_click_is_sent_at_once_and_once(page, app):
    """static/places.js sends the clicked place to the page at the click, before streamlit-folium's 250 ms debounce,
    and that debounce then sends nothing more: one value per click, naming the place clicked."""
    page.goto(app.url)
    frame = wait_for_map(page)
    page.evaluate("""() => {
        window.__sent = [];
        window.addEventListener("message", e => {
            if (e.data && e.data.type === "streamlit:setComponentValue") { window.__sent.push(e.data.value); }
        });
    }""")
    leaflet_frame(page).evaluate("""() => document.addEventListener("click", () => {
        // A timer of the debounce's length, set at the click: what has been sent when it fires came before the debounce.
        setTimeout(() => { parent.__beforeDebounce = parent.__sent.length; }, 250);
    }, true)""")
    click_shape(find_shape(frame, "Palmyra (city, SY)"))
    expect(heading(page, "Palmyra", 3)).to_be_visible()
    page.wait_for_timeout(1000)  # the debounce's own call has come and gone
    sent = page.evaluate("window.__sent")
    assert page.evaluate("window.__beforeDebounce") == 1
    assert len(sent) == 1 and sent[0]["last_object_clicked_tooltip"].startswith("Palmyra (city, SY)"), sent
    assert set(sent[0]) == {"last_object_clicked_count", "last_object_clicked_tooltip"}


def test_e2e_a_click_on_empty_map_selects_nothing(page, app):
    page.goto(app.url)
    frame = wait_for_map(page)
    leaflet_frame(page).evaluate("window.map.setView([15, 45], 6)")  # the Arabian peninsula: no place there
    wait_for_idle(page)
    frame.locator(".leaflet-container").click(position={"x": 200, "y": 200})
    wait_for_idle(page)
    expect(page.get_by_text("Click a place on the map, or find it in the list")).to_be_visible()


def test_e2e_two_places_a_few_pixels_apart_are_both_reachable(page, app):
    page.goto(app.url)
    frame = wait_for_map(page)
    leaflet = leaflet_frame(page)
    leaflet.evaluate("window.map.setView([34.55, 38.27], 4)")  # Palmyra and the T4 base, ~60 km apart: a few pixels
    wait_for_idle(page)
    apart = leaflet.evaluate("""() => {
        const at = ll => window.map.latLngToContainerPoint(ll);
        return at([34.5624, 38.2840]).distanceTo(at([34.5226, 37.6294])); }""")
    assert apart < 20, apart
    click_shape(find_shape(frame, "Palmyra (city, SY)"))
    chooser = frame.locator(".newsgeo-chooser")
    expect(chooser).to_be_visible()
    labels = chooser.get_by_role("button").all_text_contents()
    assert {"Palmyra (city, SY)", "T4 (Tiyas) air base (air base, SY)"} <= set(labels), labels
    chooser.get_by_role("button", name="T4 (Tiyas) air base (air base, SY)").click()
    expect(heading(page, "T4 (Tiyas) air base", 3)).to_be_visible()


def test_e2e_a_region_too_large_to_draw_is_chosen_under_the_map_and_lets_go(page, app):
    page.goto(app.url)
    frame = wait_for_map(page)
    page.get_by_test_id("stButtonGroup").get_by_text("Middle East", exact=True).click()
    expect(heading(page, "Middle East", 3)).to_be_visible()
    click_shape(find_shape(frame, "Palmyra (city, SY)"))  # a later click on the map is not taken back by the choice
    expect(heading(page, "Palmyra", 3)).to_be_visible()
    wait_for_idle(page)
    expect(heading(page, "Palmyra", 3)).to_be_visible()


def test_e2e_a_view_change_is_applied_by_the_browser_to_the_mounted_map(page, app):
    """The map's script is the corpus's, the same for every view: a source switched off hides the places only it
    names and its rings' line in the layer control, and back on shows them, all on the same mounted map, whose
    pan and zoom are kept (static/view.js)."""
    page.goto(app.url)
    frame = wait_for_map(page)
    leaflet = leaflet_frame(page)
    wait_until(page, lambda: leaflet.evaluate("() => !!window.newsgeoViewApplied"), "no view was applied to the map")
    leaflet.evaluate("() => { window.map.__mountedBeforeTheChange = true; }")
    labels = {shape.label for shape in map_shapes(frame)}
    assert {"Erbil (city, IQ)", "Palmyra (city, SY)"} <= labels, labels
    overlays = frame.locator(".leaflet-control-layers-overlays label")
    expect(overlays.filter(has_text="Kurdistan24")).to_have_count(1)

    page.get_by_test_id("stSidebar").get_by_text("Kurdistan24", exact=True).click()
    expect(source_checkbox(page, "Kurdistan24")).not_to_be_checked()
    wait_until(page, lambda: "Erbil (city, IQ)" not in shown_labels(leaflet),
               "Erbil, named by Kurdistan24 alone, is still on the map")
    assert leaflet.evaluate("() => window.map.__mountedBeforeTheChange === true"), "the map was mounted anew"
    after = shown_labels(leaflet)
    assert "Palmyra (city, SY)" in after and not any(label.startswith("Northern Syria") for label in after), after
    expect(overlays.filter(has_text="Kurdistan24")).to_have_count(0)

    page.get_by_test_id("stSidebar").get_by_text("Kurdistan24", exact=True).click()
    wait_until(page, lambda: "Erbil (city, IQ)" in shown_labels(leaflet), "Erbil did not come back with its source")
    expect(overlays.filter(has_text="Kurdistan24")).to_have_count(1)
    assert leaflet.evaluate("() => window.map.__mountedBeforeTheChange === true"), "the map was mounted anew"


def test_e2e_a_link_to_one_source_shows_only_its_places_from_the_first_drawing(page, app):
    """The first view applied to a freshly mounted map hides what it leaves out (Erbil, named by Kurdistan24 alone;
    Northern Syria too), as a later change does."""
    page.goto(app.url + "?sources=The%20Cradle")
    wait_for_map(page)
    leaflet = leaflet_frame(page)
    wait_until(page, lambda: leaflet.evaluate("() => !!window.newsgeoViewApplied"), "no view was applied to the map")
    shown = shown_labels(leaflet)
    assert "T4 (Tiyas) air base (air base, SY)" in shown and "Erbil (city, IQ)" not in shown, shown
    assert not any(label.startswith("Northern Syria") for label in shown), shown


def test_e2e_a_coverage_table_pick_brings_the_place_panel_into_view(page, app):
    page.goto(app.url)
    wait_for_map(page)
    main = page.get_by_test_id("stMain")
    main.get_by_role("tab", name="Coverage by source").click()
    grid = main.get_by_test_id("stTabs").get_by_test_id("stDataFrame")
    grid.scroll_into_view_if_needed()
    expect(grid).to_be_visible()
    wait_for_idle(page)
    cells = grid.locator("[role=row]").nth(1).locator("[role=gridcell]").all_text_contents()  # the first row's
    labels = [c.strip() for c in cells if re.fullmatch(r".+ \([a-z ]+(, [A-Z]{2})?\)", c.strip())]  # "Baku (city, AZ)"
    assert labels, cells
    name = re.sub(r" \([^()]*\)$", "", labels[0])
    box = grid.bounding_box()
    assert box["y"] > 200, box  # scrolled down to the table: the panel's place is above the screen's top
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)  # the first row's selection box (the grid is a canvas)
    panel = heading(page, name, 3)
    expect(panel).to_be_visible(timeout=FIRST_LOAD)
    wait_until(page, lambda: 0 <= panel.bounding_box()["y"] < page.viewport_size["height"],
               "the panel's heading is not on screen")


def test_e2e_the_panel_links_to_the_sources_side_by_side(page, app):
    page.goto(app.url + "?place=curated:palmyra")
    expect(heading(page, "Palmyra", 3)).to_be_visible(timeout=FIRST_LOAD)
    wait_for_map(page)
    compare = heading(page, "Compare sources on Palmyra", 3)
    assert compare.bounding_box()["y"] > page.viewport_size["height"] * 0.8  # under the map, below the fold
    page.get_by_test_id("stMain").get_by_role("link", name="side by side below").click()
    wait_until(page, lambda: 0 <= compare.bounding_box()["y"] < page.viewport_size["height"] / 2,
               "the comparison did not come into view")
