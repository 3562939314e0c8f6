"""Hostile text never executes, in a real browser: the hostile corpus and a hostile upload, every view opened.

The payloads (``tests/hostile.py``) try to set ``window.__pwned`` / ``parent.__pwned`` /
``top.__pwned`` or ``document.title = "pwned"`` if they run. Each test arms the page first: a
dialog listener, and an init script in every frame (the map's iframe too) that records any
element added with an event handler or a script running a payload. At the end no flag, no
title change, no dialog, no such element, no request for ``<img src=x>``, no javascript:/data:
URL in the DOM, and no uncaught error.

The tests at the bottom check what Streamlit's Markdown would rewrite even when escaped
(shortcodes, arrows, autolinks, see ``tests/hostile.py``) and a right-to-left override: article
text goes out as escaped HTML in ``<bdi>``, so it shows as written and reorders nothing around it.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from hostile import (
    BAD_DATE,
    FURNITURE,
    OUTLET_MAIN,
    OUTLETS,
    PAYLOADS,
    PWNED_TITLE,
    REWRITTEN_BY_STREAMLIT,
    SAFE_URL,
    UPLOAD_FILENAME,
    UPLOAD_OUTLET,
    UPLOAD_TITLE,
    article_bytes,
    sentence,
    write_corpus,
)
from playwright.sync_api import Page, expect

from .appserver import AppServer
from .helpers import (
    FIRST_LOAD,
    MAP_IFRAME,
    click_shape,
    find_shape,
    heading,
    map_shapes,
    wait_for_idle,
    wait_for_map,
    wait_until,
)

SCREENSHOTS = Path(__file__).parent / "screenshots"
PAGE_TITLE = "News geoparsing map"
DAMASCUS = "Damascus (city, SY)"
SENTENCES = {p.name: sentence(p, n) for n, p in enumerate(PAYLOADS)}
AS_WRITTEN = [text for name, text in SENTENCES.items() if name not in REWRITTEN_BY_STREAMLIT]
SAFE_HREF = "https://example.org/news/story_%281%29?a=1&b=%22two%22"  # SAFE_URL as the Markdown link carries it
SHOW_ALL = re.compile(r"^Show all \d+ sentences$")

# In every frame, before any page script: record elements added with an event handler or a javascript:
# URL, and scripts whose text is a payload's. Legitimate scripts (the map's) only hold payloads escaped.
WATCH = """(() => {
    const found = window.__hostileNodes = [];
    const bad = /^\\s*(window|top|parent)\\.__pwned|^\\s*(javascript|vbscript):/i;
    const check = node => {
        if (node.nodeType !== 1) return;
        for (const el of [node, ...node.querySelectorAll("*")]) {
            for (const attr of el.attributes) {
                const value = attr.value.replace(/[\\t\\n\\r]/g, "");
                if ((attr.name.startsWith("on") && /pwned/.test(value)) || bad.test(value)) {
                    found.push(el.outerHTML.slice(0, 200));
                }
            }
            if (el.tagName === "SCRIPT" && bad.test(el.textContent)) found.push(el.outerHTML.slice(0, 200));
        }
    };
    new MutationObserver(records => records.forEach(r => r.addedNodes.forEach(check)))
        .observe(document, {childList: true, subtree: true});
})();"""

# What a frame shows of any payload that ran, and every URL its DOM holds.
FRAME_STATE = """() => {
    const urls = [];
    for (const el of document.querySelectorAll("[href], [src], [action], [formaction], [srcdoc], [data]")) {
        for (const name of ["href", "src", "action", "formaction", "srcdoc", "data", "xlink:href"]) {
            if (el.hasAttribute(name)) urls.push(name === "srcdoc" ? "srcdoc:" : el.getAttribute(name));
        }
    }
    let parentFlag = null;
    try { parentFlag = window.parent.__pwned ?? null; } catch (error) { parentFlag = "unreadable"; }
    return {url: location.href, flag: window.__pwned ?? null, parentFlag, title: document.title,
            watched: Array.isArray(window.__hostileNodes), nodes: window.__hostileNodes || [], urls};
}"""


@dataclass
class Guard:
    """Dialogs opened while the test ran (there must be none)."""

    dialogs: list[str] = field(default_factory=list)


def arm(page: Page) -> Guard:
    guard = Guard()

    def dismiss(dialog) -> None:
        guard.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.add_init_script(WATCH)
    return guard


def unsafe_url(url: str) -> bool:
    scheme = urlparse(re.sub(r"[\t\n\r]", "", url).strip()).scheme.lower()
    return scheme in ("javascript", "vbscript", "srcdoc") or (scheme == "data" and not url.startswith("data:image/"))


def assert_nothing_ran(page: Page, guard: Guard, traffic) -> None:
    """No payload ran in the page or any frame, and no unsafe URL is anywhere in the DOM."""
    states = [frame.evaluate(FRAME_STATE) for frame in page.frames]
    assert any("streamlit_folium" in s["url"] for s in states), f"the map iframe was not checked: {[s['url'] for s in states]}"
    for state in states:
        where = state["url"]
        assert state["watched"], f"the watcher did not run in {where}"
        assert state["flag"] is None and state["parentFlag"] is None, f"a payload ran in {where}: {state}"
        assert state["title"] != PWNED_TITLE, f"a payload set the title in {where}"
        assert not state["nodes"], f"hostile elements were added in {where}: {state['nodes']}"
        assert not [u for u in state["urls"] if unsafe_url(u)], f"unsafe URLs in {where}: {state['urls']}"
    assert page.title() == PAGE_TITLE
    assert not guard.dialogs, f"dialogs opened: {guard.dialogs}"
    assert not [u for u in traffic.requests if urlparse(u).path.endswith("/x")], "an <img src=x> was loaded"
    assert not traffic.errors, f"uncaught errors in the page: {traffic.errors}"


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"test_e2e_hostile-{name}.png")


def map_in_view(page: Page) -> None:
    """Scroll the whole map into view: Leaflet focuses the map on mousedown, and with its iframe partly
    below the fold that focus scrolls the page between mousedown and mouseup, so the click is lost."""
    page.locator(MAP_IFRAME).evaluate("frame => frame.scrollIntoView({block: 'center'})")


def open_panel(page: Page, frame, label: str = DAMASCUS) -> None:
    """Click a place as a reader does."""
    map_in_view(page)
    click_shape(find_shape(frame, label))
    expect(heading(page, label.split(" (")[0], 3)).to_be_visible()


def visible_panel(page: Page):
    """The page's main part: the place panel beside the map and the comparison of sources below it."""
    return page.get_by_test_id("stMain")


def show_all(page: Page) -> None:
    """Turn on "Show all N sentences" in the visible tab (its label may be clipped in narrow columns)
    and wait for every payload sentence of the main article (the others are already shown)."""
    wait_for_idle(page)
    switch = visible_panel(page).get_by_role("switch", name=SHOW_ALL).first  # the panel's (the comparison has one too)
    switch.locator("xpath=ancestor::label[1]").click()
    expect(switch).to_be_checked()
    shows(page, lambda: visible_panel(page).inner_text(), AS_WRITTEN, "the payload sentences")


def shows(page: Page, text, expected, what: str) -> None:
    """Wait until ``text()`` holds every expected string (Streamlit draws a rerun's elements one by one)."""
    try:
        wait_until(page, lambda: not missing(text(), expected), what)
    except AssertionError:
        raise AssertionError(f"{what} not shown as written: {missing(text(), expected)}") from None


def uploaded(sidebar) -> None:
    """The chosen file has reached the server (submitting before that says "Choose a file first")."""
    expect(sidebar.get_by_test_id("stFileChipName")).to_have_attribute("title", UPLOAD_FILENAME)  # its text is elided
    expect(sidebar.get_by_test_id("stFileChipIconSpinner")).to_have_count(0)
    wait_for_idle(sidebar.page)


def download(page: Page, button) -> str:
    """The text of the file a download button gives (it is built when asked for; the click reruns nothing)."""
    with page.expect_download() as started:
        button.click()
    return Path(started.value.path()).read_text(encoding="utf-8")


def sidebar_labels(page: Page) -> list[str]:
    """The visible labels of the sidebar's source checkboxes (their accessible names are the escaped Markdown)."""
    boxes = page.get_by_test_id("stSidebar").get_by_test_id("stCheckbox").filter(has=page.get_by_role("checkbox"))
    return [label.strip() for label in boxes.all_inner_texts()]


def missing(text: str, expected) -> list[str]:
    return [e for e in expected if e not in text]


# --- the hostile corpus --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def app(corpus):
    """The dashboard on the hostile corpus (named ``app`` so a failing test prints its log)."""
    articles, sources = corpus
    with AppServer(script_args=("--articles", str(articles), "--sources", str(sources))) as server:
        yield server


def test_e2e_hostile_map_and_panel_show_text_and_run_nothing(page, app, traffic):
    guard = arm(page)
    page.goto(app.url)
    frame = wait_for_map(page)

    map_in_view(page)
    damascus = find_shape(frame, DAMASCUS)
    assert not missing(damascus.tooltip, [f"{outlet}: " for outlet in OUTLETS]), damascus.tooltip
    damascus.locator.dispatch_event("mouseover")  # opens the tooltip, for the screenshot
    shot(page, "tooltip")
    damascus.locator.dispatch_event("mouseout")
    layers = frame.locator(".leaflet-control-layers")
    layers.hover()
    expect(layers).to_have_class(re.compile("leaflet-control-layers-expanded"))
    names = frame.locator(".leaflet-control-layers-overlays").inner_text()
    assert not missing(names, OUTLETS), names
    shot(page, "layers")

    open_panel(page, frame)
    show_all(page)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", level=5)).to_have_text(sorted(OUTLETS))  # the panel's outlets, in order
    links = {a.get_attribute("href") for a in main.get_by_role("link", name="original article").all()}
    assert links == {SAFE_HREF}, links  # the one http(s) source URL; never javascript: or data:
    assert not missing(page.get_by_test_id("stSidebar").inner_text(), [OUTLET_MAIN]) and BAD_DATE in main.inner_text()
    wait_until(page, lambda: sorted(sidebar_labels(page)) == sorted(OUTLETS), f"sidebar labels {sidebar_labels(page)}")
    main.get_by_role("heading", level=5).filter(has_text="Wire").scroll_into_view_if_needed()
    shot(page, "panel")
    assert_nothing_ran(page, guard, traffic)


def test_e2e_hostile_comparison_tables_and_downloads_show_text_and_run_nothing(page, app, traffic):
    guard = arm(page)
    page.goto(app.url + "?place=curated:damascus")
    main = page.get_by_test_id("stMain")
    expect(heading(page, "Damascus", 3)).to_be_visible(timeout=FIRST_LOAD)
    wait_for_map(page)

    show_all(page)
    shows(page, lambda: visible_panel(page).inner_text(), OUTLETS, "the compared outlets")
    shot(page, "compare")

    main.get_by_role("tab", name="Coverage by source").click()
    grid = main.get_by_test_id("stTabs").get_by_test_id("stDataFrame")  # the panel has a table of its own
    expect(grid).to_be_visible()
    header = grid.locator("[role=columnheader]")  # the grid's accessible table (it draws on a canvas)
    wait_until(page, lambda: len(set(header.all_text_contents()) & set(OUTLETS)) >= 2, "no outlet column in the table")
    headers = header.all_text_contents()
    assert {"place", "sources"} <= set(headers), headers
    assert set(headers) <= {"place_id", "place", "sources", *OUTLETS}, headers
    grid.scroll_into_view_if_needed()
    shot(page, "coverage")

    main.get_by_role("tab", name="Left out as page furniture").click()
    article = main.get_by_role("combobox", name="Article", exact=True)  # options are plain text, shown unescaped
    expect(article).to_have_value(re.compile("^" + re.escape(f"{OUTLET_MAIN} · ")))
    furniture = main.get_by_test_id("stTabs").get_by_test_id("stExpander").locator("visible=true").first  # not the panel's
    furniture.locator("summary").click()
    expect(furniture.get_by_test_id("stText")).to_have_text("\n".join(["Read more", *FURNITURE]))
    furniture.scroll_into_view_if_needed()
    shot(page, "furniture")

    main.get_by_role("tab", name="Downloads").click()
    rows = list(csv.DictReader(io.StringIO(download(page, main.get_by_role("button", name="Mentions in view (CSV)")))))
    assert {r["outlet"] for r in rows} == set(OUTLETS) and set(SENTENCES.values()) <= {r["sentence"] for r in rows}
    assert_nothing_ran(page, guard, traffic)


def test_e2e_hostile_upload_becomes_a_source_and_runs_nothing(page, app, traffic):
    guard = arm(page)
    page.goto(app.url)
    frame = wait_for_map(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Add an article (this session only)").click()
    chooser = sidebar.get_by_test_id("stFileUploaderDropzoneInput")

    chooser.set_input_files(files=[{"name": UPLOAD_FILENAME, "mimeType": "text/plain", "buffer": b" \n"}])
    uploaded(sidebar)
    sidebar.get_by_role("button", name="Add to the map").click()
    expect(sidebar.get_by_test_id("stAlertContentError")).to_have_text(f"{UPLOAD_FILENAME}: empty file")

    chooser.set_input_files(files=[{"name": UPLOAD_FILENAME, "mimeType": "text/plain", "buffer": article_bytes()}])
    uploaded(sidebar)
    sidebar.get_by_role("textbox", name="Outlet", exact=True).fill(UPLOAD_OUTLET)
    sidebar.get_by_role("textbox", name="Title", exact=True).fill(UPLOAD_TITLE)
    sidebar.get_by_role("button", name="Add to the map").click()
    expect(sidebar.get_by_test_id("stAlertContentSuccess")).to_have_text(f"Added {UPLOAD_FILENAME} as {UPLOAD_OUTLET}.")
    wait_until(page, lambda: UPLOAD_OUTLET in sidebar_labels(page), f"{UPLOAD_OUTLET!r} never became a source")
    assert UPLOAD_TITLE in sidebar.inner_text()

    frame = wait_for_map(page)
    wait_until(page, lambda: any(s.label == DAMASCUS and f"{UPLOAD_OUTLET}: " in s.tooltip for s in map_shapes(frame)),
               "Damascus's tooltip never named the upload")
    open_panel(page, frame)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", level=5).filter(has_text="Upload")).to_have_text(UPLOAD_OUTLET)
    compared = main.get_by_role("heading", level=6)  # the comparison's columns, every source naming it: plain text
    expect(compared.filter(has_text="Upload")).to_have_text(UPLOAD_OUTLET)
    expect(compared.filter(has_text=OUTLET_MAIN)).to_have_count(1)
    shot(page, "upload")
    assert_nothing_ran(page, guard, traffic)


# --- shown as written: what Markdown would rewrite, and bidi isolation ---------------------------------------

def test_e2e_hostile_shortcodes_and_arrows_show_as_written(page, app):
    page.goto(app.url + "?place=curated:damascus")
    expect(heading(page, "Damascus", 3)).to_be_visible(timeout=FIRST_LOAD)
    show_all(page)
    text = visible_panel(page).inner_text()
    rewritten = [SENTENCES[name] for name in REWRITTEN_BY_STREAMLIT]
    assert not missing(text, rewritten), f"shown differently: {missing(text, rewritten)}"


def test_e2e_hostile_article_text_never_becomes_a_link(page, app):
    page.goto(app.url + "?place=curated:damascus")
    expect(heading(page, "Damascus", 3)).to_be_visible(timeout=FIRST_LOAD)
    show_all(page)
    hrefs = page.get_by_test_id("stMain").locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert [h for h in hrefs if not h.startswith("#") and h != SAFE_HREF] == []
    assert SAFE_URL  # the one link a reader should get: the source's own https URL


def test_e2e_hostile_bidi_override_stays_inside_the_title(page, app):
    page.goto(app.url)
    caption = page.get_by_test_id("stSidebar").get_by_test_id("stHtml").filter(has_text="undated")
    expect(caption).to_be_visible(timeout=FIRST_LOAD)
    # Our own words keep their reading order: "attribution" is drawn left of "unknown".
    order = caption.evaluate("""el => {
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        let node; while ((node = walker.nextNode()) && !node.data.includes("attribution unknown")) {}
        const box = (word) => { const range = document.createRange(); const at = node.data.indexOf(word);
            range.setStart(node, at); range.setEnd(node, at + word.length); return range.getBoundingClientRect(); };
        const [a, b] = [box("attribution"), box("unknown")];
        // On one line, left to right; wrapped, "unknown" on a later line.
        return Math.abs(a.top - b.top) < 2 ? a.left < b.left : b.top > a.top;
    }""")
    assert order is True, f"'attribution unknown' drawn out of order ({order})"
