"""Helpers for the browser tests: record a page's traffic, find and click places on the map, read the panel.

The map lives in streamlit-folium's component iframe. A place's shape is found the way a reader
finds it, by its tooltip (hovering each shape), and clicked where it is really on top, so
overlapping markers (Palmyra and T4) and the legend cannot swallow the click.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import FrameLocator, Locator, Page

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
SHAPES = "path.leaflet-interactive"  # clickable places: circle markers and zone/region polygons
FIRST_LOAD = 120_000  # ms: a cold server may still build the gazetteer index (~15 s) and parse the corpus
WAIT = 60_000  # ms: for any other condition; the test machines are slow and shared
LOCAL_SCHEMES = {"data", "blob", "about"}


@dataclass
class Traffic:
    """What a page (and its frames) asked the network for, and what went wrong."""

    requests: list[str] = field(default_factory=list)
    responses: dict[str, int] = field(default_factory=dict)  # url -> last HTTP status
    failures: list[str] = field(default_factory=list)  # "url: reason"; failed requests and HTTP >= 400
    websockets: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # uncaught exceptions in the page
    in_flight: int = 0
    last_event: float = field(default_factory=time.monotonic)

    def watch(self, page: Page) -> None:
        page.on("request", self._request)
        page.on("requestfinished", lambda _: self._done())
        page.on("requestfailed", self._failed)
        page.on("response", self._response)
        page.on("websocket", lambda ws: self.websockets.append(ws.url))
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _request(self, request) -> None:
        self.requests.append(request.url)
        self.in_flight += 1
        self.last_event = time.monotonic()

    def _done(self) -> None:
        self.in_flight = max(0, self.in_flight - 1)
        self.last_event = time.monotonic()

    def _failed(self, request) -> None:
        self.failures.append(f"{request.url}: {request.failure}")
        self._done()

    def _response(self, response) -> None:
        self.responses[response.url] = response.status
        if response.status >= 400:
            self.failures.append(f"{response.url}: HTTP {response.status}")

    def settle(self, page: Page, quiet: float = 1.0, timeout: float = WAIT / 1000) -> None:
        """Wait until no request has been in flight for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        while self.in_flight or time.monotonic() - self.last_event < quiet:
            if time.monotonic() > deadline:
                raise AssertionError(f"the page kept loading for {timeout} s ({self.in_flight} request(s) in flight)")
            page.wait_for_timeout(100)  # lets Playwright deliver events; the loop condition is the sync

    def summary(self) -> str:
        return (f"{len(self.requests)} request(s); failures: {self.failures or 'none'}; "
                f"page errors: {self.errors or 'none'}")


def map_frame(page: Page) -> FrameLocator:
    return page.frame_locator(MAP_IFRAME)


# Leaflet's stylesheet is in force: streamlit-folium adds it after the map script has run, and until
# then the panes are not stacked, so what is on top (and so what a click hits) is not yet the map's.
_STYLED = """() => {
    const pane = document.querySelector(".leaflet-marker-pane");
    return !!pane && getComputedStyle(pane).position === "absolute";
}"""


def wait_for_map(page: Page, timeout: float = FIRST_LOAD) -> FrameLocator:
    """The map iframe, once Leaflet has drawn the places (one script adds them all), is styled and the app has settled.

    Waits for a single map iframe first: while the app reruns with a new map, the old and the
    new component iframe may both be in the page for a moment.
    """
    deadline = time.monotonic() + timeout / 1000

    def remaining() -> float:  # ms
        return max(1000.0, (deadline - time.monotonic()) * 1000)

    iframes = page.locator(MAP_IFRAME)
    iframes.first.wait_for(state="attached", timeout=remaining())
    wait_until(page, lambda: iframes.count() == 1, "more than one map iframe stays in the page", remaining())
    frame = map_frame(page)
    frame.locator(SHAPES).first.wait_for(state="attached", timeout=remaining())
    wait_until(page, lambda: frame.locator(".leaflet-container").evaluate(_STYLED),
               "Leaflet's stylesheet never applied in the map iframe", remaining())
    wait_for_idle(page, timeout=remaining())
    return frame


@dataclass
class Shape:
    label: str  # the tooltip's first line, e.g. "Palmyra (city, SY)"
    tooltip: str
    d: str  # the SVG path
    fill_opacity: float
    locator: Locator

    @property
    def is_circle(self) -> bool:
        return "a" in self.d  # Leaflet draws circle markers with SVG arcs, polygons with straight lines


# Hover each shape (a synthetic mouseover: Playwright's hover does not reach Leaflet's SVG handlers) and
# read the tooltip Leaflet links to it through aria-describedby.
_READ_TOOLTIPS = """paths => paths.map(path => {
    path.dispatchEvent(new MouseEvent("mouseover", {bubbles: true}));
    const id = path.getAttribute("aria-describedby");
    const tooltip = id && document.getElementById(id);
    const text = tooltip ? tooltip.innerText : "";
    path.dispatchEvent(new MouseEvent("mouseout", {bubbles: true}));
    return {tooltip: text, d: path.getAttribute("d") || "", fillOpacity: path.getAttribute("fill-opacity") || "0"};
})"""


def map_shapes(frame: FrameLocator) -> list[Shape]:
    """Every clickable shape on the map with its tooltip."""
    paths = frame.locator(SHAPES)
    found = paths.evaluate_all(_READ_TOOLTIPS)
    return [Shape(item["tooltip"].strip().splitlines()[0] if item["tooltip"].strip() else "", item["tooltip"], item["d"],
                  float(item["fillOpacity"]), paths.nth(index)) for index, item in enumerate(found)]


def find_shape(frame: FrameLocator, label: str) -> Shape:
    """The shape with that tooltip, once the page has settled (a rerun may still redraw the map)."""
    wait_for_idle(frame.owner.page)
    shapes = map_shapes(frame)
    matches = [s for s in shapes if s.label == label]
    assert len(matches) == 1, f"expected one shape labelled {label!r}; the map has {[s.label for s in shapes]}"
    return matches[0]


# The point of the shape nearest its centre where the shape itself is on top (with a 2 px margin), in
# the shape's own box coordinates: what a reader would click when another marker or the legend covers part.
# Without such a point, what covers the shape's centre, for the failure message.
_VISIBLE_POINT = """path => {
    const box = path.getBoundingClientRect();
    const step = Math.max(1, Math.min(box.width, box.height) / 40);
    const hits = (x, y) => document.elementFromPoint(x, y) === path;
    const cx = box.left + box.width / 2, cy = box.top + box.height / 2;
    let best = null;
    for (let y = box.top + 2; y <= box.bottom - 2; y += step) {
        for (let x = box.left + 2; x <= box.right - 2; x += step) {
            if (!(hits(x, y) && hits(x - 2, y) && hits(x + 2, y) && hits(x, y - 2) && hits(x, y + 2))) continue;
            const distance = (x - cx) ** 2 + (y - cy) ** 2;
            if (!best || distance < best.distance) best = {x: x - box.left, y: y - box.top, distance};
        }
    }
    if (best) return {point: {x: best.x, y: best.y}};
    const top = document.elementFromPoint(cx, cy);
    return {covered: `box ${JSON.stringify(box)}; at its centre: ${top ? top.outerHTML.slice(0, 200) : "nothing"}`};
}"""


def click_shape(shape: Shape) -> None:
    """A real mouse click on the visible part of ``shape`` nearest its centre."""
    shape.locator.scroll_into_view_if_needed()
    found = shape.locator.evaluate(_VISIBLE_POINT)
    assert "point" in found, f"no part of {shape.label!r} is on top on the map: {found['covered']}"
    shape.locator.click(position=found["point"])


def heading(page: Page, name: str, level: int) -> Locator:
    """A Markdown heading in the main area: place names are ``st.subheader`` (h3), outlets ``#####`` (h5)."""
    return page.get_by_test_id("stMain").get_by_role("heading", name=name, level=level, exact=True)


def source_checkbox(page: Page, outlet: str) -> Locator:
    return page.get_by_test_id("stSidebar").get_by_role("checkbox", name=outlet, exact=True)


def metric_value(page: Page, label: str) -> Locator:
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


_APP_STATE = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app ? [app.dataset.testConnectionState, app.dataset.testScriptState] : ["", ""];
}"""


def wait_for_idle(page: Page, quiet: float = 0.6, timeout: float = WAIT) -> None:
    """Until the app has been connected and running no script for ``quiet`` seconds, as a reader sees it settle.

    Streamlit marks its root element with the connection and script-run state (its own browser
    tests wait on the same marks). The quiet spell outlasts streamlit-folium's 250 ms debounce,
    so the map's mount-time report and its fragment rerun are over too. On a saturated machine
    an interaction made while runs were still starting was now and then lost (the checkbox
    toggled in the page, the app never reran); a reader waits for the page to settle, so do we.
    """
    idle_since: list[float] = []

    def settled() -> bool:
        if page.evaluate(_APP_STATE) != ["CONNECTED", "notRunning"]:
            idle_since.clear()
            return False
        idle_since[:] = idle_since or [time.monotonic()]
        return time.monotonic() - idle_since[0] >= quiet

    wait_until(page, settled, f"the app never stayed connected and idle for {quiet} s", timeout)


def choose(page: Page, label: str, option: str, where=None) -> None:
    """Pick ``option`` in the select box labelled ``label`` (typed, as a reader using the keyboard does)."""
    box = (where or page).get_by_role("combobox", name=label, exact=True)
    box.click()
    page.keyboard.press("Control+A")  # a box showing a choice already: typed over, not after it
    page.keyboard.press("Backspace")
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).first.click()
    wait_for_idle(page)


def wait_until(page: Page, condition, message: str, timeout: float = WAIT) -> None:
    """Poll ``condition()`` until it is true; a frame being replaced mid-check counts as not yet."""
    deadline = time.monotonic() + timeout / 1000
    while True:
        try:
            if condition():
                return
        except PlaywrightError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout / 1000:.0f} s: {message}")
        page.wait_for_timeout(200)


def is_local(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in LOCAL_SCHEMES or parsed.hostname == "127.0.0.1"


def leaflet_frame(page: Page):
    """The map iframe as a Frame (to read and drive Leaflet's own map object, as a reader's zoom would)."""
    return next(f for f in page.frames if f.url and "streamlit_folium" in f.url)


SHOWN_LABELS = """() => {
    const labels = [];
    window.map.eachLayer(layer => {
        const tip = layer.getTooltip && layer.getTooltip();
        if (layer._path && tip) { labels.push(new DOMParser().parseFromString(tip.getContent(), "text/html").body
                                             .textContent.split("\\n")[0].trim()); }
    });
    return labels;
}"""


def shown_labels(leaflet) -> set[str]:
    """The places Leaflet has on the map now, read from its layers (not by hovering each shape)."""
    return set(leaflet.evaluate(SHOWN_LABELS))
