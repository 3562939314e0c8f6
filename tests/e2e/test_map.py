"""The map's own names, key and selection in a real browser (issue 23, items 13 and 14).

Run alone with ``python -m pytest tests/e2e/test_map.py``; needs Chromium at /usr/bin/chromium (or $CHROMIUM).
"""

from __future__ import annotations

from playwright.sync_api import expect

from .helpers import MAP_IFRAME, choose, find_shape, heading, leaflet_frame, wait_for_idle, wait_for_map, wait_until

BUFFER_ZONE = "Israeli-held buffer zone in southern Syria (zone, SY)"
PHONE = {"width": 390, "height": 844}


def boxes(locator) -> list[dict]:
    return locator.evaluate_all("els => els.map(e => { const b = e.getBoundingClientRect(); "
                                "return {text: e.textContent, x: b.left, y: b.top, r: b.right, b: b.bottom}; })")


def test_e2e_marked_places_are_named_where_their_names_fit(page, app):
    page.goto(app.url)
    frame = wait_for_map(page)
    names = frame.locator(".newsgeo-place-name span")
    wait_until(page, lambda: names.count() >= 4, "the marked places carry no names")
    placed = boxes(names)
    assert {"Palmyra", "Damascus"} <= {b["text"] for b in placed}, placed
    for number, a in enumerate(placed):
        for b in placed[number + 1:]:
            assert a["r"] <= b["x"] or b["r"] <= a["x"] or a["b"] <= b["y"] or b["b"] <= a["y"], (a, b)
    # The basemap's own "Damascus" yields to the marker's name: the two never overprint.
    towns = set(frame.locator(".newsgeo-label span").all_text_contents())
    assert "Damascus" not in towns, sorted(towns)
    # Names follow a zoom: more of the map's places, still none overlapping, and none under the map's buttons or key.
    leaflet_frame(page).evaluate("window.map.setView([33.5, 36.3], 8)")
    wait_until(page, lambda: "Damascus" in names.all_text_contents(), "no name after a zoom")
    for view in ([33.5, 36.3], [34.5, 37.4], [32.9, 35.9], [34.6, 38.3]):  # places at the corners, under the controls
        leaflet_frame(page).evaluate(f"window.map.setView({view}, 8)")
        page.wait_for_timeout(300)
        controls = boxes(frame.locator(".leaflet-control"))
        for name in boxes(names):
            for control in controls:
                assert (name["r"] <= control["x"] or control["r"] <= name["x"] or name["b"] <= control["y"]
                        or control["b"] <= name["y"]), (view, name, control)


def test_e2e_the_key_folds_and_starts_folded_on_a_phone(page, app):
    page.goto(app.url)
    frame = wait_for_map(page)
    toggle, body = frame.locator(".newsgeo-legend-toggle"), frame.locator(".newsgeo-legend-body")
    expect(body).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    toggle.click()
    expect(body).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(body).to_be_visible()
    page.set_viewport_size(PHONE)
    page.reload()
    frame = wait_for_map(page)
    expect(frame.locator(".newsgeo-legend-body")).to_be_hidden()
    expect(frame.locator(".newsgeo-legend-toggle")).to_have_text("Key \u25b8")


def test_e2e_a_linked_small_zone_is_zoomed_to(page, app):
    page.goto(app.url + "?place=curated:southern-syria-buffer-zone")
    frame = wait_for_map(page)
    wait_for_idle(page)
    zone = find_shape(frame, BUFFER_ZONE)
    wait_until(page, lambda: zone.locator.bounding_box()["width"] >= 24,
               f"the buffer zone stays small: {zone.locator.bounding_box()}")
    box, size = zone.locator.bounding_box(), frame.locator(".leaflet-container").bounding_box()
    assert size["x"] <= box["x"] and box["x"] + box["width"] <= size["x"] + size["width"], (box, size)


def test_e2e_the_zoom_made_for_a_small_zone_is_not_kept_for_the_next_pick(page, app):
    page.goto(app.url)
    wait_for_map(page)
    wait_for_idle(page)
    leaflet = leaflet_frame(page)
    zoom = lambda: leaflet.evaluate("window.map.getZoom()")  # noqa: E731
    first = zoom()
    choose(page, "Find a place", BUFFER_ZONE)
    wait_until(page, lambda: zoom() > first, f"the buffer zone was not zoomed to (zoom {zoom()})")
    choose(page, "Find a place", "Damascus (city, SY)")  # a marker: the zoom before the zone's, Damascus in the middle
    wait_until(page, lambda: zoom() == first, f"the zone's zoom was kept: {zoom()}, was {first}")
    middle = leaflet.evaluate("""() => { const s = window.map.getSize(), p = window.map.latLngToContainerPoint(
        [33.5102, 36.29128]); return Math.max(Math.abs(p.x / s.x - 0.5), Math.abs(p.y / s.y - 0.5)); }""")
    assert middle < 0.1, middle
    # A zoom the reader makes is theirs: the next pick keeps it.
    leaflet.evaluate("window.map.setZoom(9, {animate: false})")
    choose(page, "Find a place", "Palmyra (city, SY)")
    wait_until(page, lambda: zoom() == 9, f"the reader's zoom was not kept: {zoom()}")


def test_e2e_phone_a_linked_place_is_in_the_middle_of_the_map(page, app):
    page.set_viewport_size(PHONE)
    page.goto(app.url + "?place=curated:palmyra")
    wait_for_map(page)
    wait_for_idle(page)
    leaflet = leaflet_frame(page)

    def offset() -> list[float]:  # Palmyra's distance from the map's middle, as a share of its width and height
        return leaflet.evaluate("""() => { const s = window.map.getSize(), p = window.map.latLngToContainerPoint(
            [34.5624, 38.28402]); return [Math.abs(p.x / s.x - 0.5), Math.abs(p.y / s.y - 0.5)]; }""")

    wait_until(page, lambda: max(offset()) < 0.1, f"Palmyra is not in the middle of the map: {offset()}")


def test_e2e_the_corpus_map_comes_as_one_file_not_in_the_page_s_messages(page, app):
    fetched: list[str] = []  # where each response carrying the corpus's map file came from
    from_cache: set[str] = set()  # the requests the browser answered from its memory cache
    devtools = page.context.new_cdp_session(page)
    devtools.send("Network.enable")
    devtools.on("Network.requestServedFromCache", lambda event: from_cache.add(event["requestId"]))
    devtools.on("Network.responseReceived", lambda event: fetched.append(
        "cache" if event["response"].get("fromDiskCache") or event["requestId"] in from_cache
        else f"server {event['response']['status']}") if "/generated/map-" in event["response"]["url"] else None)
    frames: list[bytes] = []
    page.on("websocket", lambda socket: socket.on(
        "framereceived", lambda payload: frames.append(payload if isinstance(payload, bytes) else payload.encode())))
    page.goto(app.url)
    frame = wait_for_map(page)
    wait_until(page, lambda: frame.locator(".newsgeo-place-name span").count() >= 4, "the map shows no place")
    assert fetched == ["server 200"], fetched  # once, as a file
    assert frames and not any(b"newsgeoTrack(" in f for f in frames)  # the places' script is in no message
    # A reload takes it from the browser's cache, without asking the server (geo.page.payload: the file says it is old).
    page.reload()
    frame = wait_for_map(page)
    wait_until(page, lambda: frame.locator(".newsgeo-place-name span").count() >= 4, "no places after the reload")
    assert fetched[0] == "server 200" and set(fetched[1:]) <= {"cache"}, fetched


# The zone brought under the middle of the open key at a zoom where it is larger than the key: what a reader sees
# when a large zone fills the corner the key sits in. Returns the key's middle in the frame's pixels.
_ZONE_UNDER_THE_KEY = """label => {
    const map = window.map, t = map.__newsgeoTracked;
    const entry = Object.values(t.places).find(e => e.shape && e.label === label);
    const centre = entry.bounds.getCenter();
    map.setView(centre, 11, {animate: false});
    const key = document.querySelector(".newsgeo-legend-body").getBoundingClientRect();
    const box = map.getContainer().getBoundingClientRect();
    const middle = L.point(key.left + key.width / 2 - box.left, key.top + key.height / 2 - box.top);
    map.panBy(map.latLngToContainerPoint(centre).subtract(middle), {animate: false});
    return {x: key.left + key.width / 2, y: key.top + key.height / 2};
}"""


def test_e2e_a_zone_under_the_open_key_is_clicked_through_it(page, app):
    page.goto(app.url)
    frame = wait_for_map(page)
    wait_for_idle(page)
    expect(frame.locator(".newsgeo-legend-body")).to_be_visible()
    middle = leaflet_frame(page).evaluate(_ZONE_UNDER_THE_KEY, BUFFER_ZONE)
    under = leaflet_frame(page).evaluate("([x, y]) => document.elementFromPoint(x, y).outerHTML.slice(0, 80)",
                                         [middle["x"], middle["y"]])
    assert under.startswith("<path"), under  # the key is over the zone, and lets the pointer through to it
    box = page.locator(MAP_IFRAME).bounding_box()
    page.mouse.click(box["x"] + middle["x"], box["y"] + middle["y"])
    expect(heading(page, "Israeli-held buffer zone in southern Syria", 3)).to_be_visible()
    expect(frame.locator(".newsgeo-legend-body")).to_be_visible()  # the key stays open
    frame.locator(".newsgeo-legend-toggle").click()  # its fold button still takes a click
    expect(frame.locator(".newsgeo-legend-body")).to_be_hidden()
